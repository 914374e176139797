"""Render the potentials of a Fokker-Planck solver run side by side.

Usage:
    xvfb-run -a pvbatch scripts/paraview/render_potentials.py <run_output_dir> <out.png>
        [--time last|<index>] [--max <value>] [--levels <n>]

Shows, for one time step of <run_output_dir>/solution.pvd, the potentials
that are present, in this order:
    effective_potential   S = -T log pi
    helmholtz_potential   S_H
    quasi_potential       S_Q   (only if the run wrote it)
  [quasi_potential] is picked up automatically when the field exists; with
  it the picture has three panels, without it two.

Each potential is shifted so that its minimum is 0 (they are all defined up
to a constant) and all panels share one colour scale from 0 to --max
(default: the smallest of the panels' maxima, so that the region where the
probability lives is resolved in every panel; larger values saturate).
Black contour lines at --levels equally spaced values (default 12) of the
shared scale make differences in shape visible.  In 1D the potentials are
drawn as curves in one chart.  3D runs are not supported (use
render_density.py --field effective_potential for slices).  The image is
written with a white background; the script exits with a non-zero status
and a message on stderr if the directory, the .pvd file or the fields do
not exist.
"""

import os
import sys

from paraview import simple as pv

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import render_density as common  # noqa: E402  (shared helpers)

WIDTH, HEIGHT = 2400, 1000
COLORMAP, BLACK = common.COLORMAP, common.BLACK
POTENTIALS = [
    ("effective_potential", "effective potential S"),
    ("helmholtz_potential", "Helmholtz potential S_H"),
    # [quasi_potential] written by the quasi-potential solver when enabled
    ("quasi_potential", "quasi-potential S_Q"),
]


fail = common.fail


def parse_arguments():
    parser = common.run_parser("Render the potentials of solution.pvd side by side.")
    parser.add_argument("--max", type=float, default=None,
                        help="upper end of the shared colour scale")
    parser.add_argument("--levels", type=int, default=12,
                        help="number of contour levels (default 12)")
    return parser.parse_args()


def shifted(reader, field, low):
    """The field minus its minimum, as array 'potential'."""
    calc = pv.Calculator(Input=reader)
    calc.AttributeType = "Point Data"
    calc.ResultArrayName = "potential"
    calc.Function = "%s - (%.17g)" % (field, low)
    return calc


def render_1d(reader, time, present, ranges, args):
    chart = pv.CreateView("XYChartView")
    chart.ViewSize = [1600, 1200]
    chart.ChartTitle = "potentials (each shifted to minimum 0)"
    chart.ChartTitleFontSize = 28
    chart.BottomAxisTitle = "x"
    chart.LeftAxisTitle = "potential"
    chart.LegendFontSize = 20
    chart.HideTimeMarker = 1
    bounds = reader.GetDataInformation().GetBounds()
    colours = [["0.12", "0.35", "0.65"], ["0.85", "0.35", "0.1"], ["0.2", "0.6", "0.2"]]
    for k, (field, label) in enumerate(present):
        line = pv.PlotOverLine(Input=shifted(reader, field, ranges[field][0]))
        line.Point1 = [bounds[0], 0.0, 0.0]
        line.Point2 = [bounds[1], 0.0, 0.0]
        line.SamplingPattern = "Sample Uniformly"
        line.Resolution = 2000
        curve = pv.Show(line, chart)
        curve.UseIndexForXAxis = 0
        curve.XArrayName = "Points_X"
        curve.SeriesVisibility = ["potential"]
        curve.SeriesLabel = ["potential", label]
        curve.SeriesColor = ["potential"] + colours[k]
        curve.SeriesLineThickness = ["potential", "3"]
    pv.Render(chart)
    pv.SaveScreenshot(args.output, chart, ImageResolution=[1600, 1200])


def render_2d(reader, time, present, ranges, args):
    bounds = reader.GetDataInformation().GetBounds()
    width, height = bounds[1] - bounds[0], bounds[3] - bounds[2]
    gap = 0.12 * width
    top = args.max if args.max is not None else min(
        ranges[f][1] - ranges[f][0] for f, _ in present)
    if not top > 0.0:
        top = 1.0

    view = common.new_render_view()
    view.ViewSize = [WIDTH, HEIGHT]
    view.ViewTime = time if time is not None else 0.0

    lut = pv.GetColorTransferFunction("potential")
    lut.ApplyPreset(COLORMAP, True)
    lut.RescaleTransferFunction(0.0, top)
    lut.AutomaticRescaleRangeMode = "Never"
    displays = []
    for k, (field, label) in enumerate(present):
        offset = k * (width + gap)
        source = reader
        if field == "quasi_potential" and \
                "quasi_potential_reached" in reader.PointData.keys() and \
                reader.PointData["quasi_potential_reached"].GetRange(0)[0] < 0.5:
            present[k] = (field, label + " (blank: not reached)")
            # only the cells whose vertices the march reached; the rest stay
            # blank (outside the attractor's basin, or beyond the cut-off)
            # (a Clip along reached = 1/2; Threshold crashes on this data
            # in ParaView 5.11)
            source = pv.Clip(Input=reader)
            source.ClipType = "Scalar"
            source.Scalars = ["POINTS", "quasi_potential_reached"]
            source.Value = 0.5
            source.Invert = 0
        calc = shifted(source, field, ranges[field][0])
        moved = pv.Transform(Input=calc)
        moved.Transform = "Transform"
        moved.Transform.Translate = [offset, 0.0, 0.0]
        display = pv.Show(moved, view)
        pv.ColorBy(display, ("POINTS", "potential"))
        display.LookupTable = lut
        displays.append(display)

        merged = pv.CleantoGrid(Input=moved)
        contours = pv.Contour(Input=merged)
        contours.ContourBy = ["POINTS", "potential"]
        contours.Isosurfaces = [top * (i + 0.5) / args.levels for i in range(args.levels)]
        lifted = pv.Transform(Input=contours)
        lifted.Transform = "Transform"
        lifted.Transform.Translate = [0.0, 0.0, 1e-3 * width]
        lines = pv.Show(lifted, view)
        lines.ColorArrayName = ["POINTS", ""]
        lines.AmbientColor = BLACK
        lines.DiffuseColor = BLACK
        lines.LineWidth = 1.5


    bar = pv.GetScalarBar(lut, view)
    bar.Title = "potential - min (shared scale)"
    bar.ComponentTitle = ""
    bar.TitleColor = BLACK
    bar.LabelColor = BLACK
    bar.TitleFontSize = 22
    bar.LabelFontSize = 18
    bar.WindowLocation = "Any Location"
    bar.Orientation = "Vertical"
    bar.Position = [0.93, 0.15]
    bar.ScalarBarLength = 0.7

    # camera: all panels, room for the labels above and the bar on the right
    n = len(present)
    total = n * width + (n - 1) * gap
    visible_height = max(1.35 * height, 1.2 * total * HEIGHT / float(WIDTH))
    visible_width = visible_height * WIDTH / float(HEIGHT)
    cx = bounds[0] + 0.5 * total + 0.04 * visible_width
    cy = 0.5 * (bounds[2] + bounds[3]) + 0.05 * visible_height
    pv.Render(view)
    view.InteractionMode = "2D"
    view.CameraParallelProjection = 1
    view.CameraFocalPoint = [cx, cy, 0.0]
    view.CameraPosition = [cx, cy, 10.0 * total]
    view.CameraViewUp = [0.0, 1.0, 0.0]
    view.CameraParallelScale = 0.5 * visible_height
    for k, (field, label) in enumerate(present):
        centre = bounds[0] + k * (width + gap) + 0.5 * width
        text = pv.Text(Text=label)
        shown = pv.Show(text, view)
        shown.WindowLocation = "Any Location"
        shown.FontSize = 26
        shown.Color = BLACK
        shown.Justification = "Center"
        shown.Position = [0.5 + (centre - cx) / visible_width - 0.08,
                          0.5 + (bounds[3] - cy) / visible_height + 0.03]
    lut.RescaleTransferFunction(0.0, top)
    for display in displays:
        display.SetScalarBarVisibility(view, True)
    pv.Render(view)
    pv.SaveScreenshot(args.output, view, ImageResolution=[WIDTH, HEIGHT])


def main():
    args = parse_arguments()
    pvd = os.path.join(args.run_dir, "solution.pvd")
    if not os.path.isfile(pvd):
        fail("'%s' not found (is '%s' a solver output directory?)" % (pvd, args.run_dir))
    reader = pv.PVDReader(FileName=pvd)
    times = reader.TimestepValues
    if isinstance(times, (int, float)):
        times = [times]
    time = common.select_time(list(times) if times else [], args.time)
    reader.UpdatePipeline(time if time is not None else 0.0)

    present = [(f, label) for f, label in POTENTIALS if f in reader.PointData.keys()]
    if not present:
        fail("no potential fields in '%s' (need effective_potential, "
             "helmholtz_potential or quasi_potential; is 'Analysis/Enabled' true "
             "and the run stationary?)" % pvd)
    ranges = {f: reader.PointData[f].GetRange(0) for f, _ in present}

    bounds = reader.GetDataInformation().GetBounds()
    if bounds[5] - bounds[4] > 1e-10 * (bounds[1] - bounds[0]):
        fail("3D data: render slices with render_density.py --field effective_potential")
    if bounds[3] - bounds[2] > 1e-10 * (bounds[1] - bounds[0]):
        render_2d(reader, time, present, ranges, args)
    else:
        render_1d(reader, time, present, ranges, args)
    if not os.path.isfile(args.output):
        fail("ParaView did not write '%s'" % args.output)
    print("wrote %s (%s)" % (args.output, ", ".join(f for f, _ in present)))


if __name__ == "__main__":
    main()

"""Render one time step of a Fokker-Planck solver run to a PNG image.

Usage:
    xvfb-run -a pvbatch scripts/paraview/render_density.py <run_output_dir> <out.png>
        [--field density] [--time last|<index>]

<run_output_dir> must contain solution.pvd (the collection written by the
solver), whose data sets are solution_NNNN.pvtu files made of
solution_NNNN.K.vtu pieces.  --time selects the entry of the collection:
'last' (default) or an index into the list of time steps (negative indices
count from the end).  --field names a point-data array (density, drift,
probability_current, loss, diffusion, ...) or a cell-data array
(subdomain); vectors and tensors are shown by their magnitude.

What is drawn depends on the spatial dimension of the data:
    1D  line chart of the field against x
    2D  colour map of the field with streamlines of probability_current on
        top (left out if the current is missing or zero everywhere)
    3D  three orthogonal slices through the centre of the domain, coloured
        by the field, plus the outline of the bounding box

The image is 1600x1200 on a white background, with the field name on the
colour bar (legend in 1D) and the time of the step in the title ('stationary'
when the run's summary.json says so).  The script
exits with a non-zero status and a message on stderr if the directory, the
.pvd file, the time step or the field does not exist.
"""

import argparse
import json
import math
import os
import sys

from paraview import simple as pv

WIDTH, HEIGHT = 1600, 1200
COLORMAP = "Viridis (matplotlib)"
CURRENT = "probability_current"
BLACK = [0.0, 0.0, 0.0]
WHITE = [1.0, 1.0, 1.0]


def program_name():
    """Name of the running script, for messages (render_density.py when imported)."""
    return os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else "render_density.py"


def fail(message):
    """Print an error and leave with a non-zero exit status."""
    sys.stderr.write("%s: error: %s\n" % (program_name(), message))
    sys.stderr.flush()
    sys.exit(1)


def run_parser(description):
    """Argument parser with what every renderer takes: run_dir, output, --time."""
    parser = argparse.ArgumentParser(prog=program_name(), description=description)
    parser.add_argument("run_dir", help="solver output directory")
    parser.add_argument("output", help="PNG file to write")
    parser.add_argument("--time", default="last",
                        help="'last' (default) or index of the time step")
    return parser


def parse_arguments():
    parser = run_parser("Render one time step of solution.pvd to a PNG image.")
    parser.add_argument("--field", default="density",
                        help="array to show (default: density)")
    return parser.parse_args()


def select_time(times, choice):
    """Map the --time argument to one of the time values of the collection."""
    if not times:
        return None            # data without time information
    if choice == "last":
        return times[-1]
    try:
        index = int(choice)
    except ValueError:
        fail("--time must be 'last' or an integer index, not '%s'" % choice)
    if not -len(times) <= index < len(times):
        fail("time index %d out of range: %s has %d time step(s) (0..%d)"
             % (index, "solution.pvd", len(times), len(times) - 1))
    return times[index]


def find_array(source, name):
    """Return ('POINTS'|'CELLS', array information) or fail."""
    if name in source.PointData.keys():
        return "POINTS", source.PointData[name]
    if name in source.CellData.keys():
        return "CELLS", source.CellData[name]
    available = sorted(set(source.PointData.keys()) | set(source.CellData.keys()))
    fail("field '%s' not found; available fields: %s"
         % (name, ", ".join(available) or "(none)"))


def spatial_dimension(bounds):
    """1, 2 or 3, from which coordinate directions the data extends in."""
    extents = [bounds[1] - bounds[0], bounds[3] - bounds[2], bounds[5] - bounds[4]]
    tolerance = 1e-10 * max(max(extents), 1e-300)
    if extents[2] > tolerance:
        return 3
    if extents[1] > tolerance:
        return 2
    return 1


# Set by main() from the run's summary.json: a stationary run has one output
# step, written at t = 0, which is not a time of the process.
STATIONARY = False


def is_stationary(run_dir):
    """True if summary.json of @p run_dir says 'problem': 'stationary'."""
    try:
        with open(os.path.join(run_dir, "summary.json")) as summary:
            return json.load(summary).get("problem") == "stationary"
    except (OSError, ValueError):
        return False


def title_text(field, time):
    if STATIONARY:
        return "%s,   stationary" % field
    if time is None:
        return field
    return "%s,   t = %.6g" % (field, time)


def new_render_view():
    view = pv.CreateView("RenderView")
    view.ViewSize = [WIDTH, HEIGHT]
    view.OrientationAxesVisibility = 0
    if hasattr(view, "UseColorPaletteForBackground"):
        view.UseColorPaletteForBackground = 0
    view.Background = WHITE
    return view


def add_title(view, text):
    title = pv.Text(Text=text)
    display = pv.Show(title, view)
    display.WindowLocation = "Upper Center"
    display.FontSize = 28
    display.Color = BLACK


def color_by_field(display, view, association, field, info):
    """Colour a display by the field (magnitude for vectors/tensors)."""
    n_components = info.GetNumberOfComponents()
    if n_components == 1:
        pv.ColorBy(display, (association, field))
    else:
        pv.ColorBy(display, (association, field, "Magnitude"))
    lut = pv.GetColorTransferFunction(field)
    lut.ApplyPreset(COLORMAP, True)
    low, high = info.GetRange(-1 if n_components > 1 else 0)
    if high <= low:
        high = low + max(abs(low) * 1e-6, 1e-12)
    lut.RescaleTransferFunction(low, high)
    pv.GetOpacityTransferFunction(field).RescaleTransferFunction(low, high)

    bar = pv.GetScalarBar(lut, view)
    bar.Title = field
    bar.ComponentTitle = "(magnitude)" if n_components > 1 else ""
    bar.TitleColor = BLACK
    bar.LabelColor = BLACK
    bar.TitleFontSize = 22
    bar.LabelFontSize = 18
    bar.ScalarBarLength = 0.6
    bar.ScalarBarThickness = 24
    bar.WindowLocation = "Any Location"
    bar.Orientation = "Vertical"
    bar.Position = [0.88, 0.2]
    bar.Visibility = 1
    display.SetScalarBarVisibility(view, True)


def current_is_nonzero(source):
    if CURRENT not in source.PointData.keys():
        print("note: no '%s' array, streamlines left out" % CURRENT)
        return False
    low, high = source.PointData[CURRENT].GetRange(-1)
    if not high > 0.0:
        print("note: '%s' is zero everywhere, streamlines left out" % CURRENT)
        return False
    return True


def add_streamlines(source, view, time, bounds):
    """Streamlines of the probability current, drawn slightly above z = 0."""
    diagonal = math.hypot(bounds[1] - bounds[0], bounds[3] - bounds[2])

    # deal.II writes every cell with its own copy of the vertices; merging
    # them gives a connected mesh that the integrator can walk through.
    merged = pv.CleantoGrid(Input=source)

    # seeds: every n-th mesh point where the density is at least 1% of its
    # maximum (deterministic, inside the domain whatever its shape); deal.II
    # numbers points cell by cell, so this spreads the seeds over the region
    # that carries the probability. Far out in the tails J is as small as
    # the solver's rounding, and lines started there would draw only that.
    merged.UpdatePipeline(time)
    seed_region = merged
    if "density" in source.PointData.keys():
        largest = source.PointData["density"].GetRange(0)[1]
        if largest > 0.0:
            seed_region = pv.Clip(Input=merged)
            seed_region.ClipType = "Scalar"
            seed_region.Scalars = ["POINTS", "density"]
            seed_region.Value = 0.01 * largest
            seed_region.Invert = 0
            seed_region.UpdatePipeline(time)
    n_mesh_points = seed_region.GetDataInformation().GetNumberOfPoints()
    n_seeds = 40
    seeds = pv.MaskPoints(Input=seed_region)
    seeds.OnRatio = max(1, n_mesh_points // n_seeds)
    seeds.MaximumNumberofPoints = n_seeds
    seeds.RandomSampling = 0
    seeds.GenerateVertices = 1
    seeds.SingleVertexPerCell = 1

    tracer = pv.StreamTracerWithCustomSource(Input=merged, SeedSource=seeds)
    tracer.Vectors = ["POINTS", CURRENT]
    tracer.InterpolatorType = "Interpolator with Cell Locator"
    tracer.IntegrationDirection = "BOTH"
    tracer.IntegratorType = "Runge-Kutta 4-5"
    tracer.IntegrationStepUnit = "Cell Length"
    tracer.InitialStepLength = 0.2
    tracer.MaximumSteps = 4000
    tracer.MaximumStreamlineLength = 0.5 * diagonal
    # lines end where |J| falls below 1e-3 of its maximum
    largest_current = source.PointData[CURRENT].GetRange(-1)[1]  # magnitude
    tracer.TerminalSpeed = max(1e-14, 1e-3 * largest_current)
    tracer.ComputeVorticity = 0
    tracer.UpdatePipeline(time)
    n_points = tracer.GetDataInformation().GetNumberOfPoints()
    if n_points == 0:
        print("note: the stream tracer produced no lines, streamlines left out")
        return

    lift = pv.Transform(Input=tracer)
    lift.Transform = "Transform"
    lift.Transform.Translate = [0.0, 0.0, 1e-3 * diagonal]
    lines = pv.Show(lift, view)
    lines.ColorArrayName = ["POINTS", ""]
    lines.AmbientColor = WHITE
    lines.DiffuseColor = WHITE
    lines.LineWidth = 2.0
    lines.Opacity = 0.85

    # small arrow heads along the lines show the direction of the flow
    arrows = pv.Glyph(Input=lift, GlyphType="2D Glyph")
    arrows.GlyphType.GlyphType = "Arrow"
    arrows.GlyphType.Filled = 1
    arrows.OrientationArray = ["POINTS", CURRENT]
    arrows.ScaleArray = ["POINTS", "No scale array"]
    arrows.ScaleFactor = 0.025 * diagonal
    arrows.GlyphMode = "Uniform Spatial Distribution (Bounds Based)"
    arrows.MaximumNumberOfSamplePoints = 80
    glyphs = pv.Show(arrows, view)
    glyphs.ColorArrayName = ["POINTS", ""]
    glyphs.AmbientColor = WHITE
    glyphs.DiffuseColor = WHITE


def render_1d(source, view_time, field, association, info, bounds, output):
    if association != "POINTS":
        fail("1D plots need a point-data field; '%s' is cell data" % field)
    # sample along the x-axis: independent of the order of cells and pieces
    line = pv.PlotOverLine(Input=source)
    line.Point1 = [bounds[0], 0.0, 0.0]
    line.Point2 = [bounds[1], 0.0, 0.0]
    line.SamplingPattern = "Sample Uniformly"
    line.Resolution = 2000
    line.UpdatePipeline(view_time)

    n_components = info.GetNumberOfComponents()
    if n_components == 1:
        series = field
    elif n_components == 3:
        series = field + "_X"      # 1D: only the x component is meaningful
    else:
        series = field + "_Magnitude"

    chart = pv.CreateView("XYChartView")
    chart.ViewSize = [WIDTH, HEIGHT]
    chart.ViewTime = view_time if view_time is not None else 0.0
    chart.ChartTitle = title_text(field, view_time)
    chart.ChartTitleFontSize = 28
    chart.BottomAxisTitle = "x"
    chart.LeftAxisTitle = series
    chart.BottomAxisTitleFontSize = 22
    chart.LeftAxisTitleFontSize = 22
    chart.BottomAxisLabelFontSize = 18
    chart.LeftAxisLabelFontSize = 18
    chart.LegendFontSize = 20
    chart.HideTimeMarker = 1

    curve = pv.Show(line, chart)
    curve.UseIndexForXAxis = 0
    curve.XArrayName = "Points_X"
    curve.SeriesVisibility = [series]
    curve.SeriesLabel = [series, series]
    curve.SeriesColor = [series, "0.12", "0.35", "0.65"]
    curve.SeriesLineThickness = [series, "3"]
    pv.Render(chart)
    pv.SaveScreenshot(output, chart, ImageResolution=[WIDTH, HEIGHT])


def render_2d(source, view_time, field, association, info, bounds, output):
    view = new_render_view()
    view.ViewTime = view_time if view_time is not None else 0.0
    display = pv.Show(source, view)
    display.Representation = "Surface"
    color_by_field(display, view, association, field, info)

    if current_is_nonzero(source):
        add_streamlines(source, view, view_time, bounds)

    add_title(view, title_text(field, view_time))

    # 2D camera looking down the z-axis, fitted to the data; the extra
    # room on the right keeps the colour bar clear of the domain. Render
    # once first: paraview.simple resets the camera on a view's first
    # render, which would undo the settings below (it did so for one of
    # the two views of render_side_by_side.py).
    pv.Render(view)
    view.InteractionMode = "2D"
    view.CameraParallelProjection = 1
    cx = 0.5 * (bounds[0] + bounds[1])
    cy = 0.5 * (bounds[2] + bounds[3])
    width = bounds[1] - bounds[0]
    height = bounds[3] - bounds[2]
    shift = 0.12 * width
    view.CameraFocalPoint = [cx + shift, cy, 0.0]
    view.CameraPosition = [cx + shift, cy, 10.0 * max(width, height)]
    view.CameraViewUp = [0.0, 1.0, 0.0]
    aspect = WIDTH / float(HEIGHT)
    view.CameraParallelScale = 0.6 * max(height, (width + 2 * shift) / aspect)
    pv.Render(view)
    pv.SaveScreenshot(output, view, ImageResolution=[WIDTH, HEIGHT])


def render_3d(source, view_time, field, association, info, bounds, output):
    view = new_render_view()
    view.ViewTime = view_time if view_time is not None else 0.0
    centre = [0.5 * (bounds[0] + bounds[1]),
              0.5 * (bounds[2] + bounds[3]),
              0.5 * (bounds[4] + bounds[5])]

    for normal in ([1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]):
        plane = pv.Slice(Input=source)
        plane.SliceType = "Plane"
        plane.SliceType.Origin = centre
        plane.SliceType.Normal = normal
        display = pv.Show(plane, view)
        display.Ambient = 0.25      # keep slices facing away readable
        display.Diffuse = 0.8
        color_by_field(display, view, association, field, info)

    outline = pv.Show(pv.Outline(Input=source), view)
    outline.ColorArrayName = ["POINTS", ""]
    outline.AmbientColor = BLACK
    outline.DiffuseColor = BLACK
    outline.LineWidth = 2.0

    add_title(view, title_text(field, view_time))

    size = max(bounds[1] - bounds[0], bounds[3] - bounds[2], bounds[5] - bounds[4])
    view.CameraFocalPoint = centre
    view.CameraPosition = [centre[0] + 2.2 * size, centre[1] + 1.6 * size,
                           centre[2] + 1.4 * size]
    view.CameraViewUp = [0.0, 0.0, 1.0]
    view.ResetCamera()
    pv.GetActiveCamera().Dolly(1.15)
    pv.Render(view)
    pv.SaveScreenshot(output, view, ImageResolution=[WIDTH, HEIGHT])


def main():
    args = parse_arguments()
    if not os.path.isdir(args.run_dir):
        fail("output directory '%s' does not exist" % args.run_dir)
    pvd = os.path.join(args.run_dir, "solution.pvd")
    if not os.path.isfile(pvd):
        fail("'%s' not found (is '%s' a solver output directory?)"
             % (pvd, args.run_dir))
    out_dir = os.path.dirname(os.path.abspath(args.output))
    if not os.path.isdir(out_dir):
        fail("directory of the output file '%s' does not exist" % out_dir)

    global STATIONARY
    STATIONARY = is_stationary(args.run_dir)
    reader = pv.PVDReader(FileName=pvd)
    times = reader.TimestepValues
    if isinstance(times, (int, float)):
        times = [times]
    times = list(times) if times else []
    time = select_time(times, args.time)

    reader.UpdatePipeline(time if time is not None else 0.0)
    data_info = reader.GetDataInformation()
    if data_info.GetNumberOfPoints() == 0:
        fail("no data could be read from '%s' (missing .pvtu/.vtu files?)" % pvd)
    association, info = find_array(reader, args.field)
    bounds = data_info.GetBounds()
    dim = spatial_dimension(bounds)

    render = {1: render_1d, 2: render_2d, 3: render_3d}[dim]
    render(reader, time, args.field, association, info, bounds, args.output)
    if not os.path.isfile(args.output):
        fail("ParaView did not write '%s'" % args.output)
    print("wrote %s (%dD, field '%s', %s)" % (args.output, dim, args.field,
                                              "stationary" if STATIONARY else
                                              "t = n/a" if time is None
                                              else "t = %.6g" % time))


if __name__ == "__main__":
    main()

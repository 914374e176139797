"""Render the density of two 2D runs side by side in one PNG image.

Usage:
    xvfb-run -a pvbatch scripts/paraview/render_side_by_side.py \
        <run_dir_1> <label_1> <run_dir_2> <label_2> <out.png> [--field density]

Each run is drawn as render_density.py draws a 2D run (colour map of the
field with white streamlines of probability_current), with its label as
title, and the two pictures are joined left to right.  Used by
scripts/run-default-case to put SGD noise beside its Langevin twin.
"""

import argparse
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import render_density as rd  # noqa: E402
from paraview import simple as pv  # noqa: E402
from vtkmodules.vtkFiltersCore import vtkImageAppend  # noqa: E402
from vtkmodules.vtkIOImage import vtkPNGReader, vtkPNGWriter  # noqa: E402


def render_run(run_dir, label, field, output):
    pvd = os.path.join(run_dir, "solution.pvd")
    if not os.path.isfile(pvd):
        rd.fail("'%s' not found" % pvd)
    reader = pv.PVDReader(FileName=pvd)
    times = reader.TimestepValues
    if isinstance(times, (int, float)):
        times = [times]
    time = list(times)[-1] if times else None
    reader.UpdatePipeline(time if time is not None else 0.0)
    association, info = rd.find_array(reader, field)
    bounds = reader.GetDataInformation().GetBounds()
    if rd.spatial_dimension(bounds) != 2:
        rd.fail("'%s' is not a 2D run" % run_dir)
    rd.title_text = lambda f, t: label
    rd.render_2d(reader, time, field, association, info, bounds, output)


def main():
    parser = argparse.ArgumentParser(prog="render_side_by_side.py")
    parser.add_argument("run_1")
    parser.add_argument("label_1")
    parser.add_argument("run_2")
    parser.add_argument("label_2")
    parser.add_argument("output")
    parser.add_argument("--field", default="density")
    args = parser.parse_args()

    work = tempfile.mkdtemp()
    pictures = [os.path.join(work, "left.png"), os.path.join(work, "right.png")]
    render_run(args.run_1, args.label_1, args.field, pictures[0])
    render_run(args.run_2, args.label_2, args.field, pictures[1])

    append = vtkImageAppend()
    append.SetAppendAxis(0)
    for picture in pictures:
        reader = vtkPNGReader()
        reader.SetFileName(picture)
        reader.Update()
        append.AddInputData(reader.GetOutput())
    append.Update()
    writer = vtkPNGWriter()
    writer.SetFileName(args.output)
    writer.SetInputData(append.GetOutput())
    writer.Write()
    if not os.path.isfile(args.output):
        rd.fail("could not write '%s'" % args.output)
    print("wrote %s (%s | %s)" % (args.output, args.label_1, args.label_2))


if __name__ == "__main__":
    main()

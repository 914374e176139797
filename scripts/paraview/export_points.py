"""Write the point data of the last step of a run as CSV (one row per point).

Usage:
    xvfb-run -a pvbatch scripts/paraview/export_points.py <run_output_dir> <out.csv>

The CSV has the columns of every point-data array (vectors as name_0,
name_1, name_2) and the coordinates Points_0, Points_1, Points_2. Used by
scripts/plot_quasi_potential.py.
"""

import os
import sys

from paraview import simple as pv

if len(sys.argv) != 3:
    sys.stderr.write(__doc__)
    sys.exit(1)
run_dir, output = sys.argv[1], sys.argv[2]
pvd = os.path.join(run_dir, "solution.pvd")
if not os.path.isfile(pvd):
    sys.stderr.write("export_points.py: error: %s does not exist\n" % pvd)
    sys.exit(1)
reader = pv.PVDReader(FileName=pvd)
times = list(reader.TimestepValues) if reader.TimestepValues else []
merged = pv.MergeBlocks(Input=reader)
if times:
    merged.UpdatePipeline(times[-1])
pv.SaveData(output, proxy=merged, PointDataArrays=list(merged.PointData.keys()),
            FieldAssociation="Point Data", Precision=10)

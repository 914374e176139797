"""Write a synthetic solver output directory for testing render_density.py.

The directory mimics what the Fokker-Planck solver writes (deal.II DataOut):

    <outdir>/solution.pvd              collection, one DataSet per time step
    <outdir>/solution_NNNN.pvtu        one per time step, lists the pieces
    <outdir>/solution_NNNN.K.vtu       piece K (one per "MPI rank")

Like deal.II, every cell is written as its own patch, i.e. vertices shared
by neighbouring cells are duplicated in the files.

Fields (point data unless noted):
    density               Gaussian bump whose centre rotates about the origin
    drift                 3-vector, -x (z component 0 in 1D/2D)
    probability_current   3-vector, (-y, x, 0) * density (1D: x * density)
    loss                  scalar, 0.1 * |x|^2
    diffusion             9-component tensor, 0.5 * identity
    subdomain             cell data, the piece number

Usage (any Python with the VTK modules, e.g. pvpython or /usr/bin/python3
on a system with python3-paraview installed):

    /usr/bin/python3 scripts/paraview/make_test_data.py /tmp/pvtest2d --dim 2
    /usr/bin/python3 scripts/paraview/make_test_data.py /tmp/pvtest1d --dim 1
    /usr/bin/python3 scripts/paraview/make_test_data.py /tmp/pvtest3d --dim 3

Options: --cells N (cells per direction), --pieces P, --steps S,
--zero-current (write probability_current = 0 everywhere).
"""

import argparse
import math
import os

from vtkmodules.vtkCommonCore import vtkDoubleArray, vtkIntArray, vtkPoints
from vtkmodules.vtkCommonDataModel import (VTK_HEXAHEDRON, VTK_LINE, VTK_QUAD,
                                           vtkUnstructuredGrid)
from vtkmodules.vtkIOXML import vtkXMLUnstructuredGridWriter

# local vertex offsets of a cell in VTK order (unit cube corners)
CELL_CORNERS = {
    1: [(0, 0, 0), (1, 0, 0)],
    2: [(0, 0, 0), (1, 0, 0), (1, 1, 0), (0, 1, 0)],
    3: [(0, 0, 0), (1, 0, 0), (1, 1, 0), (0, 1, 0),
        (0, 0, 1), (1, 0, 1), (1, 1, 1), (0, 1, 1)],
}
CELL_TYPE = {1: VTK_LINE, 2: VTK_QUAD, 3: VTK_HEXAHEDRON}


def fields(p, dim, t, zero_current):
    """Return the field values at point p = (x, y, z) and time t."""
    x, y, z = p
    # centre of the Gaussian moves on a circle of radius 0.3 (1D: along x)
    cx, cy = 0.3 * math.cos(t), 0.3 * math.sin(t)
    if dim == 1:
        r2 = (x - cx) ** 2
    elif dim == 2:
        r2 = (x - cx) ** 2 + (y - cy) ** 2
    else:
        r2 = (x - cx) ** 2 + (y - cy) ** 2 + z ** 2
    rho = math.exp(-r2 / (2 * 0.25 ** 2))
    if zero_current:
        current = (0.0, 0.0, 0.0)
    elif dim == 1:
        current = (x * rho, 0.0, 0.0)
    else:
        current = (-y * rho, x * rho, 0.0)
    drift = (-x, -y if dim > 1 else 0.0, -z if dim > 2 else 0.0)
    loss = 0.1 * (x * x + y * y + z * z)
    diffusion = (0.5, 0, 0, 0, 0.5, 0, 0, 0, 0.5)
    return rho, drift, current, loss, diffusion


def new_array(name, ncomp, kind=vtkDoubleArray):
    arr = kind()
    arr.SetName(name)
    arr.SetNumberOfComponents(ncomp)
    return arr


def build_piece(dim, cells, h, piece, n_pieces, t, zero_current):
    """Cells of [-1,1]^dim whose first index falls into this piece."""
    grid = vtkUnstructuredGrid()
    points = vtkPoints()
    rho_a = new_array("density", 1)
    drift_a = new_array("drift", 3)
    cur_a = new_array("probability_current", 3)
    loss_a = new_array("loss", 1)
    diff_a = new_array("diffusion", 9)
    sub_a = new_array("subdomain", 1, vtkIntArray)

    i_begin = piece * cells // n_pieces
    i_end = (piece + 1) * cells // n_pieces
    ny = cells if dim >= 2 else 1
    nz = cells if dim >= 3 else 1
    for k in range(nz):
        for j in range(ny):
            for i in range(i_begin, i_end):
                ids = []
                for (a, b, c) in CELL_CORNERS[dim]:
                    p = (-1 + (i + a) * h,
                         -1 + (j + b) * h if dim >= 2 else 0.0,
                         -1 + (k + c) * h if dim >= 3 else 0.0)
                    ids.append(points.InsertNextPoint(p))
                    rho, drift, cur, loss, diff = fields(p, dim, t, zero_current)
                    rho_a.InsertNextValue(rho)
                    drift_a.InsertNextTuple(drift)
                    cur_a.InsertNextTuple(cur)
                    loss_a.InsertNextValue(loss)
                    diff_a.InsertNextTuple(diff)
                grid.InsertNextCell(CELL_TYPE[dim], len(ids), ids)
                sub_a.InsertNextValue(piece)

    grid.SetPoints(points)
    for arr in (rho_a, drift_a, cur_a, loss_a, diff_a):
        grid.GetPointData().AddArray(arr)
    grid.GetCellData().AddArray(sub_a)
    return grid


def write_pvtu(path, piece_files):
    """Parallel header file, in the same shape deal.II writes it."""
    point_arrays = [("density", 1), ("drift", 3), ("probability_current", 3),
                    ("loss", 1), ("diffusion", 9)]
    with open(path, "w") as f:
        f.write('<?xml version="1.0"?>\n')
        f.write('<VTKFile type="PUnstructuredGrid" version="0.1" '
                'byte_order="LittleEndian">\n')
        f.write('  <PUnstructuredGrid GhostLevel="0">\n')
        f.write('    <PPointData Scalars="density">\n')
        for name, ncomp in point_arrays:
            f.write('      <PDataArray type="Float64" Name="%s" '
                    'NumberOfComponents="%d" format="ascii"/>\n' % (name, ncomp))
        f.write('    </PPointData>\n')
        f.write('    <PCellData>\n')
        f.write('      <PDataArray type="Int32" Name="subdomain" '
                'NumberOfComponents="1" format="ascii"/>\n')
        f.write('    </PCellData>\n')
        f.write('    <PPoints>\n')
        f.write('      <PDataArray type="Float32" NumberOfComponents="3"/>\n')
        f.write('    </PPoints>\n')
        for name in piece_files:
            f.write('    <Piece Source="%s"/>\n' % name)
        f.write('  </PUnstructuredGrid>\n')
        f.write('</VTKFile>\n')


def write_pvd(path, records):
    with open(path, "w") as f:
        f.write('<?xml version="1.0"?>\n')
        f.write('<VTKFile type="Collection" version="0.1" '
                'byte_order="LittleEndian">\n')
        f.write('  <Collection>\n')
        for time, name in records:
            f.write('    <DataSet timestep="%.17g" group="" part="0" '
                    'file="%s"/>\n' % (time, name))
        f.write('  </Collection>\n')
        f.write('</VTKFile>\n')


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir")
    parser.add_argument("--dim", type=int, choices=(1, 2, 3), default=2)
    parser.add_argument("--cells", type=int, default=None,
                        help="cells per direction (default 200/40/16 "
                             "in 1D/2D/3D)")
    parser.add_argument("--pieces", type=int, default=2)
    parser.add_argument("--steps", type=int, default=3)
    parser.add_argument("--dt", type=float, default=0.5)
    parser.add_argument("--zero-current", action="store_true")
    args = parser.parse_args()

    cells = args.cells or {1: 200, 2: 40, 3: 16}[args.dim]
    h = 2.0 / cells
    os.makedirs(args.outdir, exist_ok=True)

    records = []
    for step in range(args.steps):
        t = step * args.dt
        piece_files = []
        for piece in range(args.pieces):
            grid = build_piece(args.dim, cells, h, piece, args.pieces, t,
                               args.zero_current)
            name = "solution_%04d.%d.vtu" % (step, piece)
            writer = vtkXMLUnstructuredGridWriter()
            writer.SetFileName(os.path.join(args.outdir, name))
            writer.SetInputData(grid)
            writer.SetDataModeToAppended()
            writer.Write()
            piece_files.append(name)
        pvtu = "solution_%04d.pvtu" % step
        write_pvtu(os.path.join(args.outdir, pvtu), piece_files)
        records.append((t, pvtu))
    write_pvd(os.path.join(args.outdir, "solution.pvd"), records)
    print("wrote %d time steps x %d pieces (%dD, %d cells/direction) to %s"
          % (args.steps, args.pieces, args.dim, cells, args.outdir))


if __name__ == "__main__":
    main()

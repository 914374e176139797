#!/usr/bin/python3
"""Peer for benchmark_stationary_ou: the legacy-FEniCS script a user would
write instead of this project, for the same stationary Ornstein-Uhlenbeck case
(DESIGN.md 3.1: u = -H x, constant D, T = 0.7, reflecting box [-6, 6]^2).

P1 on the triangulated square (2 triangles per square cell, so n cells per
direction give (n + 1)^2 unknowns, as in the deal.II benchmark), one degree of
freedom pinned to 1 at the centre, MUMPS, then division by the integral.
It times the same phases as the deal.II benchmark (mesh, DoFs, assembly,
solve) and checks the covariance against the Lyapunov equation, so that a
wrong answer cannot pass for a fast one.

Needs Debian's python3-dolfin (bash scripts/install-dependencies --with-peers).
Run it in the same session as the deal.II benchmark and compare the totals:
    /usr/bin/python3 benchmarks/peer_fenics_stationary_ou.py --sizes 512 1024
    mpirun -np 2 /usr/bin/python3 benchmarks/peer_fenics_stationary_ou.py --sizes 1024
"""
import argparse
import sys
import time

import dolfin as df
import numpy as np
from scipy.linalg import solve_continuous_lyapunov

H = np.array([[1.0, 0.8], [-0.3, 2.0]])
D = np.array([[1.0, 0.3], [0.3, 0.5]])
TEMPERATURE = 0.7
HALF_WIDTH = 6.0


def clock(comm):
    comm.barrier()
    return time.perf_counter()


def solve_once(cells, comm):
    t0 = clock(comm)
    mesh = df.RectangleMesh(comm, df.Point(-HALF_WIDTH, -HALF_WIDTH),
                            df.Point(HALF_WIDTH, HALF_WIDTH), cells, cells)
    t_mesh = clock(comm)

    space = df.FunctionSpace(mesh, "P", 1)
    pin = df.DirichletBC(space, df.Constant(1.0),
                         "near(x[0], 0.0) && near(x[1], 0.0)", "pointwise")
    t_dofs = clock(comm)

    p, v = df.TrialFunction(space), df.TestFunction(space)
    x = df.SpatialCoordinate(mesh)
    drift = -df.as_matrix(H.tolist()) * x
    TD = df.as_matrix((TEMPERATURE * D).tolist())
    form = df.inner(TD * df.grad(p) - drift * p, df.grad(v)) * df.dx
    rhs = df.Constant(0.0) * v * df.dx
    A, b = df.assemble_system(form, rhs, pin)
    t_assembly = clock(comm)

    density = df.Function(space)
    df.solve(A, density.vector(), b, "mumps")
    mass = df.assemble(density * df.dx)
    density.vector()[:] /= mass
    t_solve = clock(comm)

    # Covariance against the exact stationary covariance H S + S H^T = 2 T D.
    exact = solve_continuous_lyapunov(H, 2 * TEMPERATURE * D)
    error = 0.0
    for i in range(2):
        for j in range(2):
            moment = df.assemble(x[i] * x[j] * density * df.dx)
            error = max(error, abs(moment - exact[i, j]))
    residual = A * density.vector()
    residual.axpy(-1.0 / mass, b)
    return dict(unknowns=space.dim(), mesh=t_mesh - t0, dofs=t_dofs - t_mesh,
                assembly=t_assembly - t_dofs, solve=t_solve - t_assembly,
                total=t_solve - t0, cov_err=error,
                residual=residual.norm("l2") / b.norm("l2"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[512, 1024],
                        help="cells per direction of each run")
    parser.add_argument("--repeat", type=int, default=1,
                        help="runs per size; the one with the median total is shown")
    args = parser.parse_args()

    comm = df.MPI.comm_world
    df.set_log_level(df.LogLevel.WARNING)
    solve_once(32, comm)  # compiles the forms (FFC/JIT), untimed

    rank0 = comm.rank == 0
    if rank0:
        print(f"legacy FEniCS {df.__version__}, P1 + MUMPS, pinned DoF, "
              f"{comm.size} rank(s)")
        print("  unknowns |   mesh   dofs  assem  solve  total | cov_err  residual")
    failed = False
    for cells in args.sizes:
        rows = sorted((solve_once(cells, comm) for _ in range(args.repeat)),
                      key=lambda r: r["total"])
        r = rows[len(rows) // 2]
        if rank0:
            print(f"{r['unknowns']:10d} | {r['mesh']:6.2f} {r['dofs']:6.2f} "
                  f"{r['assembly']:6.2f} {r['solve']:6.2f} {r['total']:6.2f} | "
                  f"{r['cov_err']:.1e}  {r['residual']:.1e}")
        failed |= r["cov_err"] > 1e-3
    if rank0 and failed:
        print("covariance error above 1e-3: the peer did not solve the case")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

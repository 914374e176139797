// benchmark_quasi_potential: time compute_quasi_potential() on the linear
// rotating drift u = −[[2, 10], [−20, 1]]x, D = I, on [−1, 1]² (exact
// S_Q = x² + y²/2), as a multiple of one matrix–vector product with the
// assembled Fokker–Planck operator matrix on the same mesh.
//
//   mpirun -np 2 ./benchmarks/benchmark_quasi_potential [--sizes 64,128,256] [--radius 4]
//
// See doc/benchmarks.md for what each column means.

#include <fokker_planck/analysis/quasi_potential.h>
#include <fokker_planck/discretization/discretization.h>
#include <fokker_planck/discretization/problem.h>
#include <fokker_planck/geometry/geometry.h>
#include <fokker_planck/model/model_parameters.h>
#include <fokker_planck/model/ornstein_uhlenbeck.h>

#include "benchmark_common.h"

#include <algorithm>
#include <cstdio>
#include <vector>

namespace
{
  using namespace dealii;
  using namespace FokkerPlanck;

  constexpr int dim = 2;

  using Benchmark::synchronized_time;

  /** Median of the wall time of @p n products A·x with x = 1 (all ranks). */
  double
  matvec_seconds(const Discretization<dim> &discretization, const unsigned int n)
  {
    LA::MPI::Vector x, y;
    discretization.initialize_vector(x);
    discretization.initialize_vector(y);
    x = 1.;
    return Benchmark::median_seconds(
        [&]() { discretization.get_operator_matrix().vmult(y, x); },
        n,
        discretization.communicator());
  }

  /** Max |S_Q − (x² + y²/2)| over owned vertices with exact value ≤ 0.3. */
  double
  max_error(const Discretization<dim> &discretization, const LA::MPI::Vector &S_Q)
  {
    double                               local = 0.;
    std::vector<types::global_dof_index> dofs(discretization.get_fe().n_dofs_per_cell());
    for (const auto &cell : discretization.get_dof_handler().active_cell_iterators())
      if (cell->is_locally_owned())
        {
          cell->get_dof_indices(dofs);
          for (const unsigned int v : cell->vertex_indices())
            if (discretization.locally_owned_dofs().is_element(dofs[v]))
              {
                const Point<dim> x     = cell->vertex(v);
                const double     exact = x[0] * x[0] + 0.5 * x[1] * x[1];
                if (exact <= 0.3)
                  local = std::max(local, std::abs(S_Q(dofs[v]) - exact));
              }
        }
    return Utilities::MPI::max(local, discretization.communicator());
  }

  /** [−1, 1]², reflecting, with @p n cells per direction (2 × 2 refined). */
  GeometryParameters
  box(const unsigned int n)
  {
    GeometryParameters geometry;
    geometry.mesh_type          = GeometryParameters::MeshType::box;
    geometry.lower_corner       = {-1., -1.};
    geometry.upper_corner       = {1., 1.};
    geometry.subdivisions       = {2, 2};
    geometry.global_refinements = 0;
    for (unsigned int m = 2; m < n; m *= 2)
      ++geometry.global_refinements;
    geometry.default_boundary = BoundaryType::reflecting;
    geometry.check(dim);
    return geometry;
  }

  /** u = −Hx with H = [[2, 10], [−20, 1]], D = I, T = 1: S_Q = x² + y²/2. */
  ModelParameters
  linear_rotating_drift()
  {
    ModelParameters model;
    model.name        = "ornstein-uhlenbeck";
    model.temperature = 1.;
    model.specific = OrnsteinUhlenbeckParameters{{2., 10., -20., 1.}, {1., 0., 0., 1.}};
    return model;
  }
} // namespace

int
main(int argc, char **argv)
{
  const Benchmark::Session  session(argc, argv);
  CLI::App                  app{"Benchmark of the quasi-potential solver against one "
                                "matrix-vector product with the operator matrix"};
  std::vector<unsigned int> sizes     = {64, 128, 256};
  double                    radius    = 4.;
  unsigned int              n_matvecs = 20;
  app.add_option("--sizes", sizes, "Cells per direction (powers of 2 times 2)")
      ->delimiter(',');
  app.add_option("--radius", radius, "Quasi-potential/Update radius K");
  app.add_option("--matvecs", n_matvecs, "Matrix-vector products to time (median)");
  if (const auto status = session.parse(app, argc, argv))
    return *status;

  if (session.root)
    std::printf("%8s %9s %4s %10s %12s %12s %10s %11s\n",
                "cells",
                "vertices",
                "K",
                "qp_s",
                "matvec_ms",
                "qp/matvec",
                "n_unreach",
                "max_error");
  for (const unsigned int n : sizes)
    {
      const Problem<dim> problem(box(n),
                                 linear_rotating_drift(),
                                 DiscretizationParameters(),
                                 session.communicator);
      const auto        &discretization = problem.discretization();

      QuasiPotentialParameters parameters;
      parameters.enable        = true;
      parameters.update_radius = radius;
      LA::MPI::Vector S_Q;
      const double    t0 = synchronized_time(session.communicator);
      const auto      info =
          compute_quasi_potential(discretization, problem.model(), parameters, S_Q);
      const double qp    = synchronized_time(session.communicator) - t0;
      const double mv    = matvec_seconds(discretization, n_matvecs);
      const double error = max_error(discretization, S_Q);
      if (session.root)
        std::printf("%8u %9u %4g %10.3f %12.4f %12.0f %10u %11.3e\n",
                    n * n,
                    info.n_vertices,
                    radius,
                    qp,
                    1e3 * mv,
                    qp / mv,
                    info.n_unreached,
                    error);
    }
  return 0;
}

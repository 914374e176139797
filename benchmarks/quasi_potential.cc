// benchmark_quasi_potential: time compute_quasi_potential() on the linear
// rotating drift u = −[[2, 10], [−20, 1]]x, D = I, on [−1, 1]² (exact
// S_Q = x² + y²/2), as a multiple of one matrix–vector product with the
// assembled Fokker–Planck operator matrix on the same mesh.
//
//   mpirun -np 2 ./benchmarks/benchmark_quasi_potential [--sizes 64,128,256] [--radius 4]
//
// See doc/benchmarks.md for what each column means.

#include <deal.II/base/mpi.h>
#include <deal.II/base/timer.h>

#include <fokker_planck/analysis/quasi_potential.h>
#include <fokker_planck/discretization/discretization.h>
#include <fokker_planck/geometry/geometry.h>
#include <fokker_planck/model/ornstein_uhlenbeck.h>

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <vector>

namespace
{
  using namespace dealii;
  using namespace FokkerPlanck;

  constexpr int dim = 2;

  double
  synchronized_time(const MPI_Comm communicator)
  {
    MPI_Barrier(communicator);
    return MPI_Wtime();
  }

  /** Median of the wall time of @p n products A·x (all ranks). */
  double
  matvec_seconds(const Discretization<dim> &discretization, const unsigned int n)
  {
    const MPI_Comm  communicator = discretization.communicator();
    LA::MPI::Vector x, y;
    discretization.initialize_vector(x);
    discretization.initialize_vector(y);
    x = 1.;
    discretization.get_operator_matrix().vmult(y, x); // warm-up
    std::vector<double> seconds;
    for (unsigned int k = 0; k < n; ++k)
      {
        const double t0 = synchronized_time(communicator);
        discretization.get_operator_matrix().vmult(y, x);
        seconds.push_back(synchronized_time(communicator) - t0);
      }
    std::sort(seconds.begin(), seconds.end());
    return seconds[seconds.size() / 2];
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
} // namespace

int
main(int argc, char **argv)
{
  Utilities::MPI::MPI_InitFinalize mpi(argc, argv, 1);
  const MPI_Comm                   communicator = MPI_COMM_WORLD;
  const bool root = Utilities::MPI::this_mpi_process(communicator) == 0;

  CLI::App                  app{"Benchmark of the quasi-potential solver against one "
                                "matrix-vector product with the operator matrix"};
  std::vector<unsigned int> sizes     = {64, 128, 256};
  double                    radius    = 4.;
  unsigned int              n_matvecs = 20;
  app.add_option("--sizes", sizes, "Cells per direction (powers of 2 times 2)")
      ->delimiter(',');
  app.add_option("--radius", radius, "Quasi-potential/Update radius K");
  app.add_option("--matvecs", n_matvecs, "Matrix-vector products to time (median)");
  CLI11_PARSE(app, argc, argv);

  Tensor<2, dim> H;
  H[0][0]                         = 2.;
  H[0][1]                         = 10.;
  H[1][0]                         = -20.;
  H[1][1]                         = 1.;
  const SymmetricTensor<2, dim> D = unit_symmetric_tensor<dim>();

  if (root)
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
      OrnsteinUhlenbeckModel<dim> model(H, D);
      model.set_common(1., NoiseInterpretation::ito, 2.);
      auto triangulation = make_triangulation<dim>(communicator);
      build_mesh<dim>(geometry, *triangulation);
      DiscretizationParameters discretization_parameters;
      Discretization<dim>      discretization(
          *triangulation, geometry, discretization_parameters);
      discretization.setup();
      discretization.assemble(model);

      QuasiPotentialParameters parameters;
      parameters.enable        = true;
      parameters.update_radius = radius;
      LA::MPI::Vector S_Q;
      const double    t0 = synchronized_time(communicator);
      const auto   info = compute_quasi_potential(discretization, model, parameters, S_Q);
      const double qp   = synchronized_time(communicator) - t0;
      const double mv   = matvec_seconds(discretization, n_matvecs);
      const double error = max_error(discretization, S_Q);
      if (root)
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

// benchmark_multigrid_routes: what geometric multigrid would cost for the
// 2D stationary Ornstein–Uhlenbeck benchmark (DESIGN.md §3.1 on [−6, 6]²,
// Q1), measured in one run beside the library's own AMG path.
//
//   mpirun -np 2 ./benchmarks/benchmark_multigrid_routes [--cells 1024]
//
// It times, on the same mesh size:
//  1. the library's mesh, DoF set-up, assembly, AMG set-up and GMRES
//     (the path of benchmark_stationary_ou);
//  2. the extra pieces a geometric multigrid on the p4est levels needs:
//     the mesh built with the multigrid hierarchy, level DoFs, the
//     matrix-free level transfer, and assembled level matrices of the
//     Fokker–Planck operator on every coarser level;
//  3. one application of the same operator matrix-free (deal.II's
//     MatrixFree/FEEvaluation with the drift and T·D stored at the
//     quadrature points) against one product with the assembled matrix,
//     and checks that both give the same vector.
//
// The exit status is non-zero if the matrix-free and the assembled products
// differ by more than 1e-10 relative, or the AMG solve fails its checks.
// See doc/benchmarks.md ("Geometric multigrid and matrix-free operators").

#include <deal.II/base/mpi.h>
#include <deal.II/base/quadrature_lib.h>
#include <deal.II/base/utilities.h>
#include <deal.II/base/vectorization.h>
#include <deal.II/distributed/tria.h>
#include <deal.II/dofs/dof_handler.h>
#include <deal.II/dofs/dof_tools.h>
#include <deal.II/fe/fe_q.h>
#include <deal.II/fe/fe_values.h>
#include <deal.II/fe/mapping_q1.h>
#include <deal.II/lac/dynamic_sparsity_pattern.h>
#include <deal.II/lac/full_matrix.h>
#include <deal.II/lac/la_parallel_vector.h>
#include <deal.II/lac/sparsity_tools.h>
#include <deal.II/lac/trilinos_sparse_matrix.h>
#include <deal.II/matrix_free/fe_evaluation.h>
#include <deal.II/matrix_free/matrix_free.h>
#include <deal.II/multigrid/mg_constrained_dofs.h>
#include <deal.II/multigrid/mg_tools.h>
#include <deal.II/multigrid/mg_transfer_matrix_free.h>

#include <fokker_planck/discretization/discretization.h>
#include <fokker_planck/discretization/problem.h>
#include <fokker_planck/geometry/geometry.h>
#include <fokker_planck/model/ornstein_uhlenbeck.h>
#include <fokker_planck/solvers/linear_solver.h>
#include <fokker_planck/solvers/stationary_solver.h>

#include <CLI/CLI.hpp>

#include "benchmark_common.h"
#include "ornstein_uhlenbeck_case.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <iomanip>
#include <iostream>
#include <memory>
#include <optional>
#include <vector>

namespace
{
  using namespace dealii;
  using namespace FokkerPlanck;

  using Benchmark::median_seconds;
  using Benchmark::synchronized_time;
  using BenchmarkCase::dim;
  constexpr int degree = 1;

  using DistributedVector = LinearAlgebra::distributed::Vector<double>;

  /**
   * The Fokker–Planck operator (T D∇p − a p, ∇φ) applied matrix-free, with
   * a and T·D evaluated once per quadrature point from the model.
   */
  class MatrixFreeOperator
  {
  public:
    MatrixFreeOperator(const Discretization<dim> &discretization, const Model<dim> &model)
    {
      typename MatrixFree<dim, double>::AdditionalData data;
      data.tasks_parallel_scheme = MatrixFree<dim, double>::AdditionalData::none;
      data.mapping_update_flags =
          update_gradients | update_JxW_values | update_quadrature_points;
      matrix_free.reinit(discretization.get_mapping(),
                         discretization.get_dof_handler(),
                         discretization.get_constraints(),
                         QGauss<1>(degree + 1),
                         data);

      const unsigned int n_batches = matrix_free.n_cell_batches();
      Evaluation         phi(matrix_free);
      drift.reinit(n_batches, phi.n_q_points);
      scaled_diffusion.reinit(n_batches, phi.n_q_points);
      const double T = model.temperature();
      for (unsigned int batch = 0; batch < n_batches; ++batch)
        {
          phi.reinit(batch);
          for (const unsigned int q : phi.quadrature_point_indices())
            {
              const auto x_batch = phi.quadrature_point(q);
              for (unsigned int lane = 0;
                   lane < matrix_free.n_active_entries_per_cell_batch(batch);
                   ++lane)
                {
                  Point<dim> x;
                  for (unsigned int d = 0; d < dim; ++d)
                    x[d] = x_batch[d][lane];
                  const Tensor<1, dim>          a  = model.fokker_planck_drift(x);
                  const SymmetricTensor<2, dim> TD = T * model.diffusion(x);
                  for (unsigned int d = 0; d < dim; ++d)
                    {
                      drift(batch, q)[d][lane] = a[d];
                      for (unsigned int e = d; e < dim; ++e)
                        scaled_diffusion(batch, q)[d][e][lane] = TD[d][e];
                    }
                }
            }
        }
    }

    void
    initialize_vector(DistributedVector &vector) const
    {
      matrix_free.initialize_dof_vector(vector);
    }

    void
    vmult(DistributedVector &dst, const DistributedVector &src) const
    {
      matrix_free.cell_loop(&MatrixFreeOperator::local_apply, this, dst, src, true);
    }

  private:
    using Evaluation = FEEvaluation<dim, degree, degree + 1, 1, double>;
    using Number     = VectorizedArray<double>;

    void
    local_apply(const MatrixFree<dim, double>               &data,
                DistributedVector                           &dst,
                const DistributedVector                     &src,
                const std::pair<unsigned int, unsigned int> &batches) const
    {
      Evaluation phi(data);
      for (unsigned int batch = batches.first; batch < batches.second; ++batch)
        {
          phi.reinit(batch);
          phi.gather_evaluate(src, EvaluationFlags::values | EvaluationFlags::gradients);
          for (const unsigned int q : phi.quadrature_point_indices())
            phi.submit_gradient(scaled_diffusion(batch, q) * phi.get_gradient(q) -
                                    drift(batch, q) * phi.get_value(q),
                                q);
          phi.integrate_scatter(EvaluationFlags::gradients, dst);
        }
    }

    MatrixFree<dim, double>                   matrix_free;
    Table<2, Tensor<1, dim, Number>>          drift;
    Table<2, SymmetricTensor<2, dim, Number>> scaled_diffusion;
  };

  /**
   * Sparsity and assembly of the operator on every level below the finest,
   * as a matrix-based geometric multigrid needs them. Returns the matrices
   * so that their construction is not optimised away.
   */
  std::vector<std::unique_ptr<TrilinosWrappers::SparseMatrix>>
  assemble_level_matrices(const DoFHandler<dim> &dof_handler,
                          const Model<dim>      &model,
                          MPI_Comm               communicator)
  {
    const unsigned int n_levels = dof_handler.get_triangulation().n_global_levels();
    MappingQ1<dim>     mapping;
    const QGauss<dim>  quadrature(degree + 1);
    FEValues<dim>      fe_values(mapping,
                            dof_handler.get_fe(),
                            quadrature,
                            update_values | update_gradients | update_quadrature_points |
                                update_JxW_values);
    const unsigned int n_dofs = dof_handler.get_fe().n_dofs_per_cell();
    FullMatrix<double> cell_matrix(n_dofs, n_dofs);
    std::vector<types::global_dof_index> indices(n_dofs);
    const double                         T = model.temperature();

    std::vector<std::unique_ptr<TrilinosWrappers::SparseMatrix>> matrices;
    for (unsigned int level = 0; level + 1 < n_levels; ++level)
      {
        IndexSet relevant;
        DoFTools::extract_locally_relevant_level_dofs(dof_handler, level, relevant);
        const IndexSet        &owned = dof_handler.locally_owned_mg_dofs(level);
        DynamicSparsityPattern pattern(relevant);
        MGTools::make_sparsity_pattern(dof_handler, pattern, level);
        SparsityTools::distribute_sparsity_pattern(
            pattern, owned, communicator, relevant);
        auto matrix = std::make_unique<TrilinosWrappers::SparseMatrix>();
        matrix->reinit(owned, owned, pattern, communicator);

        for (const auto &cell : dof_handler.mg_cell_iterators_on_level(level))
          if (cell->is_locally_owned_on_level())
            {
              fe_values.reinit(cell);
              cell_matrix = 0;
              for (const unsigned int q : fe_values.quadrature_point_indices())
                {
                  const Point<dim>             &x  = fe_values.quadrature_point(q);
                  const Tensor<1, dim>          a  = model.fokker_planck_drift(x);
                  const SymmetricTensor<2, dim> TD = T * model.diffusion(x);
                  for (unsigned int j = 0; j < n_dofs; ++j)
                    {
                      const Tensor<1, dim> flux = (TD * fe_values.shape_grad(j, q) -
                                                   a * fe_values.shape_value(j, q)) *
                                                  fe_values.JxW(q);
                      for (unsigned int i = 0; i < n_dofs; ++i)
                        cell_matrix(i, j) += flux * fe_values.shape_grad(i, q);
                    }
                }
              cell->get_mg_dof_indices(indices);
              matrix->add(indices, cell_matrix);
            }
        matrix->compress(VectorOperation::add);
        matrices.push_back(std::move(matrix));
      }
    return matrices;
  }

  std::string
  seconds_text(const double seconds)
  {
    std::ostringstream out;
    if (seconds < 0.1)
      out << std::fixed << std::setprecision(2) << 1e3 * seconds << " ms";
    else
      out << std::fixed << std::setprecision(3) << seconds << " s";
    return out.str();
  }
  /** 1. The library's path: the stationary solve (AMG) and one product A π. */
  struct LibraryPath
  {
    StationaryInfo info;
    double         matvec = 0.;
  };

  LibraryPath
  time_library_path(const Problem<dim> &problem,
                    LA::MPI::Vector    &pi,
                    const unsigned int  n_matvecs)
  {
    const auto            &discretization = problem.discretization();
    LinearSolverParameters solver_parameters;
    solver_parameters.type = LinearSolverParameters::Type::amg;
    LibraryPath path;
    path.info = solve_stationary(discretization, solver_parameters, pi);
    LA::MPI::Vector Api;
    discretization.initialize_vector(Api);
    path.matvec =
        median_seconds([&]() { discretization.get_operator_matrix().vmult(Api, pi); },
                       n_matvecs,
                       problem.communicator());
    return path;
  }

  /** 3. The same operator matrix-free, compared entry by entry. */
  struct MatrixFreeResult
  {
    double setup = 0., matvec = 0., relative_difference = 0.;
  };

  MatrixFreeResult
  compare_matrix_free(const Problem<dim> &problem, const unsigned int n_matvecs)
  {
    const MPI_Comm           communicator   = problem.communicator();
    const auto              &discretization = problem.discretization();
    MatrixFreeResult         result;
    const double             t0 = synchronized_time(communicator);
    const MatrixFreeOperator matrix_free_operator(discretization, problem.model());
    result.setup = synchronized_time(communicator) - t0;
    DistributedVector x, y;
    matrix_free_operator.initialize_vector(x);
    matrix_free_operator.initialize_vector(y);
    // A smooth, non-stationary argument: A π itself is ~0 and would only
    // compare rounding errors.
    LA::MPI::Vector argument, Ax;
    discretization.initialize_vector(argument);
    discretization.initialize_vector(Ax);
    for (const auto i : discretization.locally_owned_dofs())
      {
        x[i]        = 1. + 0.5 * std::cos(0.37 * static_cast<double>(i));
        argument[i] = x[i];
      }
    argument.compress(VectorOperation::insert);
    discretization.get_operator_matrix().vmult(Ax, argument);
    result.matvec = median_seconds(
        [&]() { matrix_free_operator.vmult(y, x); }, n_matvecs, communicator);
    double difference = 0., largest = 0.;
    for (const auto i : discretization.locally_owned_dofs())
      {
        difference = std::max(difference, std::abs(y[i] - Ax[i]));
        largest    = std::max(largest, std::abs(Ax[i]));
      }
    difference                 = Utilities::MPI::max(difference, communicator);
    largest                    = Utilities::MPI::max(largest, communicator);
    result.relative_difference = largest > 0 ? difference / largest : difference;
    return result;
  }

  /** 2. The pieces geometric multigrid adds. */
  struct MultigridExtras
  {
    double      plain_mesh = 0., level_mesh = 0., level_dofs = 0., transfer = 0.;
    double      level_assembly   = 0.;
    std::size_t n_level_matrices = 0;

    /** Everything a geometric multigrid sets up beyond the library's path. */
    double
    set_up() const
    {
      return (level_mesh - plain_mesh) + level_dofs + transfer + level_assembly;
    }
  };

  MultigridExtras
  time_multigrid_extras(const Problem<dim> &problem)
  {
    const MPI_Comm            communicator = problem.communicator();
    const GeometryParameters &geometry     = problem.geometry();
    MultigridExtras           extras;
    // The plain mesh is built once more first, so that both meshes
    // compared are built warm.
    {
      const double t0    = synchronized_time(communicator);
      auto         again = make_triangulation<dim>(communicator);
      build_mesh<dim>(geometry, *again);
      extras.plain_mesh = synchronized_time(communicator) - t0;
    }
    double                                    t0 = synchronized_time(communicator);
    parallel::distributed::Triangulation<dim> level_triangulation(
        communicator,
        Triangulation<dim>::limit_level_difference_at_vertices,
        parallel::distributed::Triangulation<dim>::construct_multigrid_hierarchy);
    build_mesh<dim>(geometry, level_triangulation);
    extras.level_mesh = synchronized_time(communicator) - t0;

    FE_Q<dim>       fe(degree);
    DoFHandler<dim> level_dofs(level_triangulation);
    level_dofs.distribute_dofs(fe);
    t0 = synchronized_time(communicator);
    level_dofs.distribute_mg_dofs();
    extras.level_dofs = synchronized_time(communicator) - t0;

    t0 = synchronized_time(communicator);
    MGConstrainedDoFs mg_constrained_dofs;
    mg_constrained_dofs.initialize(level_dofs);
    MGTransferMatrixFree<dim, double> transfer(mg_constrained_dofs);
    transfer.build(level_dofs);
    extras.transfer = synchronized_time(communicator) - t0;

    t0 = synchronized_time(communicator);
    const auto level_matrices =
        assemble_level_matrices(level_dofs, problem.model(), communicator);
    extras.level_assembly   = synchronized_time(communicator) - t0;
    extras.n_level_matrices = level_matrices.size();
    return extras;
  }

  void
  print_report(const Problem<dim>     &problem,
               const LibraryPath      &library,
               const MultigridExtras  &extras,
               const MatrixFreeResult &matrix_free)
  {
    const auto  &timings   = problem.timings();
    const auto  &info      = library.info;
    const double fe_set_up = timings.mesh + timings.setup + timings.assembly;
    const double amg_path  = fe_set_up + info.preconditioner_seconds + info.solve_seconds;
    // The cheapest conceivable geometric multigrid solve: 10 V-cycles of
    // 6 fine-level products each (two smoothing steps before and after,
    // the residual and the level transfer), coarser levels free.
    const double ideal_cycles = 10 * 6 * library.matvec;
    const double gmg_path     = fe_set_up + extras.set_up() + ideal_cycles;
    std::cout << "2D stationary OU, Q1, "
              << problem.discretization().get_dof_handler().n_dofs() << " unknowns, "
              << Utilities::MPI::n_mpi_processes(problem.communicator())
              << " ranks; deal.II VectorizedArray<double> width "
              << VectorizedArray<double>::size() << "\n\n"
              << "Library path (AMG)\n"
              << "  mesh                          " << seconds_text(timings.mesh) << "\n"
              << "  DoFs, sparsity, matrix        " << seconds_text(timings.setup) << "\n"
              << "  assembly                      " << seconds_text(timings.assembly)
              << "\n"
              << "  AMG set-up                    "
              << seconds_text(info.preconditioner_seconds) << "\n"
              << "  GMRES, " << std::setw(2) << info.iterations << " iterations        "
              << seconds_text(info.solve_seconds) << "\n"
              << "  total                         " << seconds_text(amg_path) << "\n"
              << "  one product A x               " << seconds_text(library.matvec)
              << "\n\n"
              << "Geometric multigrid, extra set-up\n"
              << "  mesh with level hierarchy     " << seconds_text(extras.level_mesh)
              << "  (plain mesh built again: " << seconds_text(extras.plain_mesh) << ")\n"
              << "  level DoFs                    " << seconds_text(extras.level_dofs)
              << "\n"
              << "  level transfer                " << seconds_text(extras.transfer)
              << "\n"
              << "  level matrices (" << extras.n_level_matrices << " levels)     "
              << seconds_text(extras.level_assembly) << "\n"
              << "  sum, against AMG set-up       " << seconds_text(extras.set_up())
              << " vs " << seconds_text(info.preconditioner_seconds) << "\n"
              << "  10 ideal V-cycles (60 A x)    " << seconds_text(ideal_cycles) << "\n"
              << "  best conceivable total        " << seconds_text(gmg_path) << " vs "
              << seconds_text(amg_path) << " with AMG\n\n"
              << "Matrix-free operator\n"
              << "  set-up (MatrixFree, coefficients) " << seconds_text(matrix_free.setup)
              << "\n"
              << "  one product                   " << seconds_text(matrix_free.matvec)
              << "  = " << std::setprecision(3) << matrix_free.matvec / library.matvec
              << " x the assembled product\n"
              << "  max |A_mf x - A x| / max |A x| " << std::setprecision(2)
              << matrix_free.relative_difference << "\n";
  }

  /** The command line: cells and coarse cells per direction, products to time. */
  struct Options
  {
    unsigned int cells       = 1024;
    unsigned int coarse      = 64;
    unsigned int n_matvecs   = 20;
    unsigned int refinements = 0; // cells = coarse · 2^refinements
  };

  /** Read @p options; the exit status if the program should stop here. */
  std::optional<int>
  parse_options(const Benchmark::Session &session,
                int                       argc,
                char                    **argv,
                Options                  &options)
  {
    CLI::App app{"Costs of geometric multigrid and matrix-free operators "
                 "for the 2D stationary Ornstein-Uhlenbeck benchmark"};
    app.add_option("--cells",
                   options.cells,
                   "Cells per direction (a power of two times --coarse)")
        ->check(CLI::Range(2U, 8192U));
    app.add_option("--coarse", options.coarse, "Coarse cells per direction")
        ->check(CLI::Range(1U, 8192U));
    app.add_option("--matvecs", options.n_matvecs, "Products to time (median)")
        ->check(CLI::Range(1U, 1000U));
    if (const auto status = session.parse(app, argc, argv))
      return status;
    for (unsigned int n = options.coarse; n < options.cells; n *= 2)
      ++options.refinements;
    if (options.coarse << options.refinements != options.cells)
      {
        if (session.root)
          std::cerr << "--cells must be --coarse times a power of two\n";
        return 1;
      }
    return std::nullopt;
  }
} // namespace

int
main(int argc, char **argv)
{
  const Benchmark::Session session(argc, argv);
  Options                  options;
  if (const auto status = parse_options(session, argc, argv, options))
    return *status;

  // The problem as every run builds it: mesh, model, DoFs, assembly.
  const Problem<dim> problem(BenchmarkCase::box(options.coarse, options.refinements),
                             BenchmarkCase::model_parameters(),
                             DiscretizationParameters(),
                             session.communicator);
  LA::MPI::Vector    pi;
  const auto         library     = time_library_path(problem, pi, options.n_matvecs);
  const auto         matrix_free = compare_matrix_free(problem, options.n_matvecs);
  const auto         extras      = time_multigrid_extras(problem);
  if (session.root)
    print_report(problem, library, extras, matrix_free);

  const bool solved = library.info.relative_residual < 1e-8;
  const bool ok     = solved && matrix_free.relative_difference < 1e-10;
  if (session.root && !ok)
    std::cout << "FAIL: " << (solved ? "matrix-free product differs" : "AMG solve")
              << "\n";
  return ok ? 0 : 1;
}

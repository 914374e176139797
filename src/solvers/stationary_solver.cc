#include <deal.II/base/timer.h>

#include <fokker_planck/base/input_error.h>
#include <fokker_planck/solvers/stationary_solver.h>

#include <limits>

namespace FokkerPlanck
{
  using namespace dealii;

  template <int dim>
  std::pair<double, double>
  stationary_residual(const Discretization<dim> &discretization,
                      const LA::MPI::Vector     &p)
  {
    const auto     &A           = discretization.operator_matrix;
    const auto     &constraints = discretization.get_constraints();
    LA::MPI::Vector x(p), r(p), scaled(p);
    constraints.set_zero(x);
    A.vmult(r, x);
    constraints.set_zero(r);
    for (const auto i : discretization.locally_owned_dofs())
      scaled[i] = A.diag_element(i) * x[i];
    scaled.compress(VectorOperation::insert);
    const double denominator = scaled.l2_norm();
    return {r.l2_norm(), denominator > 0 ? r.l2_norm() / denominator : 0.};
  }

  template <int dim>
  StationaryInfo
  solve_stationary(const Discretization<dim>    &discretization,
                   const LinearSolverParameters &parameters,
                   LA::MPI::Vector              &pi)
  {
    require(discretization.conserves_mass(),
            "Boundary conditions/Types",
            "a stationary solve needs reflecting or periodic boundaries "
            "only; with an absorbing boundary the stationary density is 0 "
            "(use 'Solver/Problem = transient')");

    StationaryInfo info;
    Timer          timer(discretization.communicator());
    const auto    &A = discretization.operator_matrix;
    const auto    &m = discretization.mass_vector;

    // Preconditioner: A with the row of one unconstrained DoF replaced by
    // its diagonal entry, which makes it non-singular.
    const auto k = discretization.pinned_dof();
    double     diagonal = -std::numeric_limits<double>::max();
    if (discretization.locally_owned_dofs().is_element(k))
      diagonal = A.diag_element(k);
    diagonal = Utilities::MPI::max(diagonal, discretization.communicator());
    LA::MPI::SparseMatrix pinned;
    pinned.copy_from(A);
    pinned.clear_rows({k}, diagonal);
    LinearSolver solver(parameters);
    solver.initialize(pinned);
    info.preconditioner_seconds = timer.wall_time();

    timer.restart();
    discretization.initialize_vector(pi);
    const auto bordered = [&](LA::MPI::Vector &dst, const LA::MPI::Vector &src) {
      A.vmult(dst, src);
      dst.add(m * src, m);
    };
    const SolveInfo solve_info = solver.solve(bordered, pi, m);
    info.iterations            = solve_info.iterations;

    pi /= discretization.mass(pi);
    discretization.get_constraints().distribute(pi);
    info.solve_seconds = timer.wall_time();

    std::tie(info.residual, info.relative_residual) =
      stationary_residual(discretization, pi);
    info.mass_error  = discretization.mass(pi) - 1.;
    info.min_density = pi.min();
    info.max_density = pi.max();
    return info;
  }

#define FP_INSTANTIATE(dim)                                                    \
  template StationaryInfo solve_stationary<dim>(const Discretization<dim> &,   \
                                                const LinearSolverParameters &, \
                                                LA::MPI::Vector &);            \
  template std::pair<double, double> stationary_residual<dim>(                 \
    const Discretization<dim> &, const LA::MPI::Vector &);
  FP_INSTANTIATE(1)
  FP_INSTANTIATE(2)
  FP_INSTANTIATE(3)
#undef FP_INSTANTIATE
} // namespace FokkerPlanck

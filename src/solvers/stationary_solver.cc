#include <deal.II/base/timer.h>
#include <deal.II/lac/solver_control.h>

#include <fokker_planck/base/input_error.h>
#include <fokker_planck/base/instantiate.h>
#include <fokker_planck/solvers/stationary_solver.h>
#include <fokker_planck/solvers/two_level.h>

#include <algorithm>
#include <iomanip>
#include <iostream>
#include <limits>
#include <sstream>

namespace FokkerPlanck
{
  using namespace dealii;

  namespace
  {
    /** max_i |A_ii| over all ranks. */
    template <int dim>
    double
    largest_diagonal(const Discretization<dim> &discretization)
    {
      double largest = 0.;
      for (const auto i : discretization.locally_owned_dofs())
        largest = std::max(
            largest, std::abs(discretization.get_operator_matrix().diag_element(i)));
      return Utilities::MPI::max(largest, discretization.communicator());
    }
  } // namespace

  template <int dim>
  std::pair<double, double>
  stationary_residual(const Discretization<dim> &discretization, const LA::MPI::Vector &p)
  {
    const auto     &A           = discretization.get_operator_matrix();
    const auto     &constraints = discretization.get_constraints();
    LA::MPI::Vector x(p), r(p);
    constraints.set_zero(x);
    A.vmult(r, x);
    constraints.set_zero(r);
    const double denominator = largest_diagonal(discretization) * x.l2_norm();
    return {r.l2_norm(), denominator > 0 ? r.l2_norm() / denominator : 0.};
  }

  namespace
  {
    /** An unconstrained DoF where @p pi attains its maximum. */
    template <int dim>
    types::global_dof_index
    argmax_dof(const Discretization<dim> &discretization, const LA::MPI::Vector &pi)
    {
      const double            largest = LA::max_entry(pi);
      types::global_dof_index argmax  = numbers::invalid_dof_index;
      for (const auto i : discretization.locally_owned_dofs())
        if (pi[i] == largest && !discretization.get_constraints().is_constrained(i))
          {
            argmax = i;
            break;
          }
      return Utilities::MPI::min(argmax, discretization.communicator());
    }
  } // namespace

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
            "(use 'Problem = transient')");

    StationaryInfo info;
    Timer          timer(discretization.communicator());
    const auto    &A = discretization.get_operator_matrix();
    const auto    &m = discretization.get_mass_vector();

    // The value put on the pinned row: non-zero even where a strongly
    // upwinded row has a zero diagonal.
    const double pin_value = largest_diagonal(discretization);

    const auto bordered = [&](LA::MPI::Vector &dst, const LA::MPI::Vector &src) {
      A.vmult(dst, src);
      dst.add(m * src, m);
    };

    // The preconditioner is A with the row of one unconstrained DoF k
    // replaced by a diagonal entry. It is non-singular exactly when π_k ≠ 0,
    // so k should carry probability. The first attempt pins an arbitrary
    // DoF; if GMRES fails or the residual is poor (which happens when π_k is
    // negligible and the preconditioner nearly singular), the solve is
    // repeated with k at the maximum of the first iterate.
    discretization.initialize_vector(pi);
    types::global_dof_index k = discretization.pinned_dof();
    // 'two-level' gets at most 100 iterations; if it has not converged by
    // then (its coarse correction is poor once the mesh Péclet number of
    // the coarser mesh reaches about 10), the second attempt uses 'amg'.
    CoarseProlongations    coarse_prolongations;
    LinearSolverParameters attempt_parameters = parameters;
    for (unsigned int attempt = 0; attempt < 2; ++attempt)
      {
        timer.restart();
        const bool two_level =
            attempt_parameters.type == LinearSolverParameters::Type::two_level;
        if (two_level)
          {
            if (coarse_prolongations.empty())
              coarse_prolongations = make_coarse_prolongations(
                  discretization, parameters.geometric_coarsest);
            attempt_parameters.max_iterations = std::min(parameters.max_iterations, 100U);
          }
        LA::MPI::SparseMatrix pinned;
        LA::copy_matrix(pinned, A);
        pinned.clear_rows({k}, pin_value);
        LinearSolver solver(attempt_parameters);
        solver.initialize(pinned, coarse_prolongations);
        info.preconditioner_seconds += timer.wall_time();

        timer.restart();
        bool converged = true;
        try
          {
            info.iterations += solver.solve(bordered, pi, m).iterations;
          }
        catch (const SolverControl::NoConvergence &failure)
          {
            if (attempt == 1)
              {
                const auto format = [](const double value) {
                  std::ostringstream out;
                  out << std::setprecision(3) << value;
                  return out.str();
                };
                throw InputError(
                    "Linear solver/Type",
                    "the stationary solve did not converge with '" +
                        LinearSolverParameters::type_name(attempt_parameters.type) +
                        "': GMRES stopped after " + std::to_string(failure.last_step) +
                        " iterations at relative residual " +
                        format(failure.last_residual / m.l2_norm()) + " (tolerance " +
                        format(parameters.relative_tolerance) +
                        "), pinned at two different points; use 'direct' (sparse LU) "
                        "or raise 'Linear solver/Maximum iterations'");
              }
            converged = false;
            info.iterations += failure.last_step;
            if (two_level)
              {
                attempt_parameters      = parameters;
                attempt_parameters.type = LinearSolverParameters::Type::amg;
                if (Utilities::MPI::this_mpi_process(discretization.communicator()) == 0)
                  std::cout << "  note:        'two-level' did not converge in "
                            << failure.last_step
                            << " iterations; solving again with 'amg'" << std::endl;
              }
          }
        if (converged)
          {
            pi /= discretization.mass(pi);
            discretization.get_constraints().distribute(pi);
            info.solve_seconds += timer.wall_time();
            std::tie(info.residual, info.relative_residual) =
                stationary_residual(discretization, pi);
            // The second attempt is final: its π and residual are reported.
            if (info.relative_residual < 1e-8 || attempt == 1)
              break;
          }
        else
          info.solve_seconds += timer.wall_time();
        k  = argmax_dof(discretization, pi);
        pi = 0;
      }

    info.mass_error  = discretization.mass(pi) - 1.;
    info.min_density = LA::min_entry(pi);
    info.max_density = LA::max_entry(pi);
    return info;
  }

#define FP_INSTANTIATE(dim)                                                              \
  template StationaryInfo solve_stationary<dim>(                                         \
      const Discretization<dim> &, const LinearSolverParameters &, LA::MPI::Vector &);   \
  template std::pair<double, double> stationary_residual<dim>(                           \
      const Discretization<dim> &, const LA::MPI::Vector &);
  FP_FOR_EACH_DIM(FP_INSTANTIATE)
#undef FP_INSTANTIATE
} // namespace FokkerPlanck

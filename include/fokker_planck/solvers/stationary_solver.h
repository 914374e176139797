/**
 * @file
 * The stationary density π: A π = 0 with ∫π = 1 imposed exactly in the
 * linear system (DESIGN.md §1), never by time marching.
 */
#pragma once

#include <fokker_planck/discretization/discretization.h>
#include <fokker_planck/solvers/linear_solver.h>

namespace FokkerPlanck
{
  /** What the stationary solve reports. */
  struct StationaryInfo
  {
    unsigned int iterations = 0;
    /** ||Aπ||₂ of the discrete equation, constrained rows excluded. */
    double residual = 0.;
    /** ||Aπ||₂ / (max_i |A_ii| ||π||₂): scale-free residual. */
    double relative_residual = 0.;
    /** ∫π_h − 1 after the solve. */
    double mass_error             = 0.;
    double min_density            = 0.;
    double max_density            = 0.;
    double preconditioner_seconds = 0.;
    double solve_seconds          = 0.;
  };

  /**
   * Solve for the stationary density. With reflecting and periodic
   * boundaries, 1ᵀA = 0 and A has the one-dimensional null space span{π}.
   * The solver uses the rank-one bordering
   *
   *     (A + m mᵀ) π = m,       m_i = ∫φ_i,
   *
   * whose unique solution satisfies mᵀπ = 1 and Aπ = 0 (multiply by 1ᵀ).
   * It is solved by GMRES, preconditioned with a direct factorisation or AMG
   * of A with one row replaced by the identity; the two operators differ by
   * a rank-two matrix, so GMRES needs only a few extra iterations. Finally
   * π is divided by mᵀπ, so ∫π_h = 1 to rounding.
   *
   * Throws InputError if a boundary is absorbing (then π = 0).
   */
  template <int dim>
  StationaryInfo
  solve_stationary(const Discretization<dim>    &discretization,
                   const LinearSolverParameters &parameters,
                   LA::MPI::Vector              &pi);

  /**
   * ||Ap||₂ over unconstrained rows, and the same relative to
   * max_i |A_ii| ||p||₂ (a scale-free measure that stays meaningful when
   * the density spans many orders of magnitude).
   */
  template <int dim>
  std::pair<double, double>
  stationary_residual(const Discretization<dim> &discretization,
                      const LA::MPI::Vector     &p);
} // namespace FokkerPlanck

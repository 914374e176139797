/**
 * @file
 * The damped Newton methods for the effective potential S (DESIGN.md §2):
 * the log-density equations of a fitted operator and the Galerkin form of
 * the stationarity equation (★). The continuations in T that call them
 * live in the analysis stage (analysis/effective_potential.h).
 */
#pragma once

#include <fokker_planck/base/linear_algebra.h>
#include <fokker_planck/discretization/discretization.h>
#include <fokker_planck/model/model.h>
#include <fokker_planck/solvers/linear_solver.h>

namespace FokkerPlanck
{
  /** What the Newton iterations of one solve did (summed over calls). */
  struct NewtonProgress
  {
    /** Newton steps taken so far. */
    unsigned int steps = 0;
    /**
     * Residual at the end of the last call: the largest scaled residual
     * |F_i|/s_i (log-density equations) or ‖R‖₂ relative to its start
     * (Hamilton–Jacobi).
     */
    double residual = 0.;
  };

  /**
   * An unconstrained DoF where @p S is smallest, the same on all ranks:
   * where S is pinned, since the equations for S are invariant under
   * S → S + c.
   */
  template <int dim>
  dealii::types::global_dof_index
  argmin_dof(const Discretization<dim> &discretization, const LA::MPI::Vector &S);

  /** Subtract min S over the unconstrained DoFs (then min S = 0). */
  template <int dim>
  void
  shift_to_zero_minimum(const Discretization<dim> &discretization, LA::MPI::Vector &S);

  /**
   * Damped Newton iteration (at most 40 steps, backtracking) for the
   * log-density equations of the operator A of @p discretization at
   * temperature @p T. With π_i = exp(−S_i/T), row i of Aπ = 0 divided by
   * π_i reads
   *
   *     F_i(S) = Σ_j A_ij exp((S_i − S_j)/T) = 0,
   *
   * which involves only differences of S, never π itself; each row is
   * scaled by s_i = Σ_j |A_ij| exp((S_i − S_j)/T), so |F_i|/s_i ≤ 1 is the
   * net probability flow into node i relative to the flows through it.
   * S is pinned at its minimum. Returns whether the largest scaled
   * residual fell below @p tolerance; @p S (owned) is updated in place.
   */
  template <int dim>
  bool
  solve_log_density_equations(const Discretization<dim>    &discretization,
                              const LinearSolverParameters &solver_parameters,
                              double                        T,
                              double                        tolerance,
                              LA::MPI::Vector              &S,
                              NewtonProgress               &progress);

  /**
   * Damped Newton iteration (at most 25 steps, backtracking) for the
   * Galerkin form of (★) at the temperature of @p model, on the elements
   * of @p discretization: with v = a + D∇S,
   *
   *     R(S)(φ) = T (v, ∇φ) + (∇S·v, φ) = 0   for every test function φ,
   *
   * the boundary term vanishing on reflecting boundaries (n·J = π n·v = 0).
   * S is pinned at DoF @p pinned. @p iterate (owned) is updated. Returns
   * whether it converged (a step changes S by less than 1e-10 of its range,
   * or no further decrease from a residual at rounding level); a failed
   * linear solve throws.
   */
  template <int dim>
  bool
  solve_hamilton_jacobi(const Discretization<dim>      &discretization,
                        const Model<dim>               &model,
                        const LinearSolverParameters   &solver_parameters,
                        dealii::types::global_dof_index pinned,
                        LA::MPI::Vector                &iterate,
                        NewtonProgress                 &progress);
} // namespace FokkerPlanck

/**
 * @file
 * The effective potential S = −T log π, min S = 0 (DESIGN.md §2), computed
 * without forming π, so that it stays accurate when π underflows double
 * precision (T → 0).
 */
#pragma once

#include <string>

#include <deal.II/distributed/tria_base.h>

#include <fokker_planck/analysis/analysis_parameters.h>
#include <fokker_planck/discretization/discretization.h>
#include <fokker_planck/solvers/linear_solver.h>

namespace FokkerPlanck
{
  /** What the effective-potential solve did. */
  struct EffectivePotentialInfo
  {
    /** Temperature T0 >= T at which the continuation started. */
    double start_temperature = 0.;
    /** Number of temperatures visited, T0 > T1 > ... > T. */
    unsigned int stages = 0;
    /** Newton steps summed over all stages. */
    unsigned int newton_steps = 0;
    /** Largest scaled residual |F_i| / A_ii at the end (dimensionless). */
    double residual = 0.;
    /**
     * Empty when the log-density solve succeeded. Otherwise why it failed:
     * S was then taken as −T log max(π, floor) from the run's own π (see
     * doc/potentials.md), accurate only where π is resolved.
     */
    std::string fallback_reason;
  };

  /** What refine_effective_potential() did. */
  struct HamiltonJacobiInfo
  {
    /** Whether the Newton iteration converged (S was then replaced). */
    bool converged = false;
    /** Newton steps summed over all temperatures. */
    unsigned int newton_steps = 0;
    /** First temperature at which Newton converged (T, or up to 4⁵ T). */
    double start_temperature = 0.;
    /** Continuation stages from there down to T. */
    unsigned int stages = 0;
    /** ‖R(S)‖₂ relative to ‖R‖₂ of the stage's start, at the end. */
    double relative_residual = 0.;
    /** Largest change of S from the starting S (the fitted one). */
    double largest_change = 0.;
    /** Why it was not used (empty when it converged). */
    std::string reason;
  };

  /**
   * Solve DESIGN.md (★) for S directly, by Galerkin finite elements on the
   * run's own elements and Newton's method from @p S (owned, constraints
   * distributed; the fitted or fallback S). With v = a + D∇S the weak form
   * is, for every test function φ,
   *
   *     R(S)(φ) = T (v, ∇φ) + (∇S·v, φ) = 0,
   *
   * the boundary term T ∫ φ n·v vanishing on reflecting boundaries because
   * n·J = π n·v = 0 there. R involves only ∇S, so S is pinned at its
   * minimum. Nothing here forms π, and the rotational part of a enters
   * exactly, so S keeps the accuracy of Q_k as T → 0 where the fitted Q1
   * operator smears the rotation over h|r|/T (for the Ornstein–Uhlenbeck
   * process S is quadratic, hence exact in Q2). Newton (damped, at most
   * 25 steps per temperature) starts at T; if it fails there, at 4T, 16T,
   * ... (at most 4⁵ T), followed by a continuation back down to T. @p S is
   * replaced by the result only when this succeeds; then min S = 0 again.
   */
  template <int dim>
  HamiltonJacobiInfo
  refine_effective_potential(const Discretization<dim>    &discretization,
                             const Model<dim>             &model,
                             const LinearSolverParameters &solver,
                             LA::MPI::Vector              &S);

  /**
   * Compute S on the DoFs of @p fitted, a Q1 discretisation that is set up
   * (its operator is replaced by the exponentially fitted one, so every
   * discrete π is positive).
   *
   * The log-density equations of the fitted operator (π_i = exp(−S_i/T),
   * solve_log_density_equations() in solvers/newton.h) involve only
   * differences of S, never π itself. They are solved with a continuation
   * in T: the first temperature T0 >= T is the lowest one at
   * which a linear stationary solve resolves min π / max π above
   * AnalysisParameters::resolved_ratio, and S0 = −T0 log π; then T is
   * reduced by the continuation factor per stage, each stage starting from
   * the previous S. On return S (owned vector) has minimum 0 and its
   * constraints distributed; the operator of @p fitted is the one at T.
   */
  template <int dim>
  EffectivePotentialInfo
  compute_effective_potential(Discretization<dim>          &fitted,
                              const Model<dim>             &model,
                              const LinearSolverParameters &solver,
                              const AnalysisParameters     &parameters,
                              LA::MPI::Vector              &S);
} // namespace FokkerPlanck

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

  /**
   * Replace the operator matrix of @p discretization (Q1 elements, set up
   * and assembled) by the exponentially fitted (Scharfetter–Gummel,
   * edge-averaged) operator of @p model: every pair of vertices i, j of a
   * cell whose D-weighted stiffness entry K_ij is negative is an edge with
   * weight w = −T K_ij and flux w (B(−δ) π_i − B(δ) π_j) from i to j, where
   * B(z) = z/(e^z − 1) and δ = ∫_{x_i}^{x_j} (TD)⁻¹a·dx (Simpson's rule).
   * The result is an M-matrix with zero column sums, exact for
   * exp(−L/T) along an edge when a = −D∇L, and it adds no artificial
   * diffusion: its accuracy does not degrade as T → 0. Returns max |δ|
   * over all edges (the largest cell Péclet number).
   */
  template <int dim>
  double
  assemble_exponentially_fitted(Discretization<dim> &discretization, const Model<dim> &model);

  /**
   * Compute S on the DoFs of @p fitted, a Q1 discretisation that is set up
   * (its operator is replaced by the exponentially fitted one, so every
   * discrete π is positive).
   *
   * With π_i = exp(−S_i/T), row i of Aπ = 0 divided by π_i reads
   *
   *     F_i(S) = Σ_j A_ij exp((S_i − S_j)/T) = 0,
   *
   * which involves only differences of S between neighbouring DoFs, never π
   * itself. These equations are solved by a damped Newton method (S pinned
   * at its minimum, since F is invariant under S → S + c), with a
   * continuation in T: the first temperature T0 >= T is the lowest one at
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

/**
 * @file
 * Entries of subsection "Analysis": potentials, currents and entropy
 * production of a computed density (DESIGN.md §2).
 */
#pragma once

#include <deal.II/base/parameter_handler.h>

namespace FokkerPlanck
{
  /** Entries of subsection "Analysis". */
  struct AnalysisParameters
  {
    /** Compute the potentials, currents and scalars at all. */
    bool enabled = true;
    /**
     * Relative density floor ε: where p_h < ε max p_h the quotients J/p in
     * the entropy-production density are not formed (the density is set
     * to 0 there). Dimensionless.
     */
    double density_floor = 1e-12;
    /**
     * Ratio min π / max π (dimensionless) that a linear solve must resolve
     * before S = −T log π is trusted as the start of the continuation in T
     * for the effective potential.
     */
    double resolved_ratio = 1e-8;
    /** Factor 0 < f < 1 by which T shrinks per continuation stage. */
    double continuation_factor = 0.5;
    /** Newton tolerance on the scaled residual of the log-density equations. */
    double newton_tolerance = 1e-10;
    /** Whether to refine S by a Galerkin–Newton solve of (★). */
    bool hamilton_jacobi = true;

    /** Declare the entries; one-to-one entries are bound to the members. */
    void
    declare_parameters(dealii::ParameterHandler &prm);
  };
} // namespace FokkerPlanck

/**
 * @file
 * 'fokker-planck --estimate case.prm' (doc/estimation.md): the
 * Kramers–Moyal estimate of the drift and the diffusion from the recorded
 * trajectories of 'Estimation/Trajectory file' on the vertices of the
 * case's box mesh, the tabulated model it makes, and the Fokker–Planck
 * solution of that model compared with the trajectories' own histogram.
 */
#pragma once

#include <fokker_planck/app/case_parameters.h>
#include <fokker_planck/app/simulator.h>

#include <nlohmann/json_fwd.hpp>

namespace FokkerPlanck
{
  /**
   * Estimate, write and solve. Into 'Output/Directory':
   * - estimated_model.h5: the tabulated model (doc/tabulated_models.md) on
   *   the largest box of resolved vertices, with D = (2T D)^/(2T) for the
   *   case's temperature T;
   * - estimated_model.prm: the case that solves it (runnable on its own);
   * - estimation.txt (one row per vertex) and estimation.pvd (point fields
   *   estimated_drift, estimated_diffusion, their standard errors,
   *   sample_count, effective_samples, resolved, in_model_box);
   * - trajectory_comparison.txt and summary.json (sections "estimation"
   *   and "comparison"): the FE stationary density of the estimated model
   *   against the histogram of the samples inside the model's box (total
   *   variation with its sampling band, χ², moments).
   * Returns the summary.
   */
  template <int dim>
  nlohmann::json
  run_estimate(const CaseParameters &parameters,
               const RunContext     &context,
               MPI_Comm              communicator = MPI_COMM_WORLD);
} // namespace FokkerPlanck

/**
 * @file
 * 'fokker-planck --sgd': the SGD ensemble of one case, and with 'Compare
 * with finite elements' the Fokker–Planck problem of the same file on the
 * same mesh beside it (doc/sgd_models.md, doc/architecture.md).
 */
#pragma once

#include <deal.II/base/mpi.h>

#include <fokker_planck/app/case_parameters.h>
#include <fokker_planck/app/simulator.h>

#include <nlohmann/json_fwd.hpp>

namespace FokkerPlanck
{
  /**
   * Run the SGD ensemble of the case @p parameters and write into the output
   * directory: sgd_statistics.txt (per output time: mean, covariance,
   * fraction learned per mode, fraction outside the box), sgd_histogram.pvd
   * (cell field sgd_density at every output time, and the time-averaged
   * one as the last entry) and sgd_summary.json, which is also returned.
   * Runs are spread over the ranks of @p communicator; the result does not
   * depend on their number. Of @p context, the parameter file is named in
   * the summary and 'verbose' switches the log of rank 0.
   *
   * With 'Compare with finite elements', the Fokker–Planck problem of the
   * same file is solved on the same mesh and compared with the histograms
   * (Sgd::FiniteElementComparison): sgd_comparison.txt, the section
   * "comparison" of the summary, and the fields fe_density and
   * sgd_density_difference. @p finite_element_model, if given, is the model
   * the FE problem uses instead of the case's own (tests give it a wrong
   * temperature to check that the comparison sees the difference).
   */
  template <int dim>
  nlohmann::json
  run_sgd(const CaseParameters  &parameters,
          const RunContext      &context,
          MPI_Comm               communicator         = MPI_COMM_WORLD,
          const ModelParameters *finite_element_model = nullptr);
} // namespace FokkerPlanck

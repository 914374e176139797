/**
 * @file
 * One run of one case: parameters → model + mesh → discretisation →
 * solver → output (DESIGN.md §5).
 */
#pragma once

#include <deal.II/base/parameter_handler.h>

#include <fokker_planck/parameters/case_parameters.h>

#include <nlohmann/json.hpp>

#include <string>

namespace FokkerPlanck
{
  /**
   * Run the case described by @p prm (already parsed) and @p parameters
   * (parsed and checked) in @p dim = parameters.dim dimensions. Writes the
   * fields, statistics.txt, summary.json, and the parameters as read into
   * the output directory, and returns the summary.
   *
   * Nothing is written to the output directory before the mesh is built
   * and the operator assembled, so bad input found there leaves earlier
   * results untouched.
   */
  template <int dim>
  nlohmann::json
  run_case(dealii::ParameterHandler &prm,
           const CaseParameters     &parameters,
           const std::string        &parameter_file,
           bool                      verbose = true);
} // namespace FokkerPlanck

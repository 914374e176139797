/**
 * @file
 * One run of one case: parameters → problem (mesh, model, discretisation)
 * → solve → stages (analysis, spectra, Monte Carlo, ...) → output
 * (DESIGN.md §5, doc/architecture.md).
 */
#pragma once

#include <deal.II/base/mpi.h>
#include <deal.II/base/parameter_handler.h>

#include <fokker_planck/app/case_parameters.h>

#include <nlohmann/json_fwd.hpp>

#include <string>

namespace FokkerPlanck
{
  /** What a run needs besides its parameters. */
  struct RunContext
  {
    /** The parameter file, copied to input.prm and named in the summary. */
    std::string parameter_file;
    /** The handler that read it: its values are saved as parameters.prm. */
    const dealii::ParameterHandler *prm = nullptr;
    /** Whether rank 0 prints what the run does. */
    bool verbose = true;
  };

  /**
   * Run the case described by @p parameters (parsed and checked) in
   * @p dim = parameters.dim dimensions. Writes the fields, statistics.txt,
   * summary.json, and the parameters as read into 'Output/Directory', and
   * returns the summary.
   *
   * Nothing is written to the output directory before the mesh is built
   * and the operator assembled, so bad input found there leaves earlier
   * results untouched.
   */
  template <int dim>
  nlohmann::json
  run_case(const CaseParameters &parameters, const RunContext &context);

  /**
   * Write input.prm (the file as written) and parameters.prm (every entry
   * as read) into 'Output/Directory' (rank 0; creates the folder).
   */
  void
  write_parameter_files(const OutputParameters &output, const RunContext &context);
} // namespace FokkerPlanck

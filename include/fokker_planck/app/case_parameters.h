/**
 * @file
 * All parameters of one case, as read from one parameter file: each stage
 * declares and parses its own subsection; this aggregate holds them, binds
 * their entries to the ParameterHandler, and runs the checks that involve
 * several subsections.
 */
#pragma once

#include <deal.II/base/parameter_handler.h>

#include <fokker_planck/analysis/analysis_parameters.h>
#include <fokker_planck/analysis/quasi_potential.h>
#include <fokker_planck/discretization/discretization.h>
#include <fokker_planck/geometry/geometry.h>
#include <fokker_planck/model/model_parameters.h>
#include <fokker_planck/monte_carlo/monte_carlo_parameters.h>
#include <fokker_planck/output/output_parameters.h>
#include <fokker_planck/sampling/estimation_parameters.h>
#include <fokker_planck/sgd/sgd_parameters.h>
#include <fokker_planck/solvers/linear_solver.h>
#include <fokker_planck/solvers/transient_solver.h>
#include <fokker_planck/spectral/relaxation.h>

#include <ostream>
#include <string>
#include <vector>

namespace FokkerPlanck
{
  /**
   * The parameters of one case. Constructing it declares every entry of
   * every stage in a ParameterHandler, bound to the members here, so the
   * object must outlive the parsing and is not copied (stages receive
   * their own subsection by reference).
   */
  class CaseParameters
  {
  public:
    /** Declare every entry of every stage into @p prm. */
    explicit CaseParameters(dealii::ParameterHandler &prm);

    CaseParameters(const CaseParameters &) = delete;
    CaseParameters &
    operator=(const CaseParameters &) = delete;

    /**
     * After @p prm has read the file: the entries that are not bound one
     * to one, with relative mesh paths resolved against
     * @p input_directory, then check().
     */
    void
    parse(dealii::ParameterHandler &prm, const std::string &input_directory);

    /** Checks involving several entries; throws InputError naming one. */
    void
    check() const;

    /** Spatial dimension of the state x, read once (entry "dim"). */
    unsigned int dim = 2;
    /** Stationary density or transient evolution (entry "Problem"). */
    bool stationary = true;

    GeometryParameters             geometry;
    ModelParameters                model;
    DiscretizationParameters       discretization;
    LinearSolverParameters         linear_solver;
    TimeSteppingParameters         time_stepping;
    OutputParameters               output;
    RelaxationParameters           relaxation;
    Sgd::SimulationParameters      sgd;
    AnalysisParameters             analysis;
    QuasiPotentialParameters       quasi_potential;
    MonteCarloParameters           monte_carlo;
    Sampling::EstimationParameters estimation;
  };

  /**
   * Print every parameter of @p prm (declared, not necessarily parsed) as a
   * reference: "Subsection/Entry = default", the allowed values, and the
   * meaning. Used by --help and doc/parameters.md.
   */
  void
  print_parameter_reference(const dealii::ParameterHandler &prm, std::ostream &out);

  /**
   * Read @p filename into @p prm, then apply command-line overrides of the
   * form "Subsection/Entry=value". Throws InputError for a missing file and
   * for overrides that name no entry or break its pattern; deal.II's own
   * exception (which names file, line, entry and pattern) for a malformed
   * file.
   */
  void
  read_parameter_file(dealii::ParameterHandler       &prm,
                      const std::string              &filename,
                      const std::vector<std::string> &overrides);
} // namespace FokkerPlanck

/**
 * @file
 * The relaxation stage: spectrum, transitions and mixing of one case, as
 * the simulator calls them. Owns the subsections "Spectrum", "Transitions"
 * and "Mixing" and the fields and scalars it adds to the output.
 */
#pragma once

#include <deal.II/base/conditional_ostream.h>
#include <deal.II/base/parameter_handler.h>

#include <fokker_planck/base/statistics.h>
#include <fokker_planck/discretization/discretization.h>
#include <fokker_planck/output/output_writer.h>
#include <fokker_planck/solvers/linear_solver.h>
#include <fokker_planck/spectral/mixing.h>
#include <fokker_planck/spectral/spectrum.h>
#include <fokker_planck/spectral/transitions.h>

#include <nlohmann/json.hpp>

#include <memory>
#include <optional>

namespace FokkerPlanck
{
  /** The subsections "Spectrum", "Transitions" and "Mixing". */
  struct RelaxationParameters
  {
    SpectrumParameters   spectrum;
    TransitionParameters transitions;
    MixingParameters     mixing;

    static void
    declare_parameters(dealii::ParameterHandler &prm);

    void
    parse_parameters(dealii::ParameterHandler &prm);

    /**
     * Checks across entries; @p conserving: no absorbing boundary;
     * @p stationary: 'Problem = stationary'.
     */
    void
    check(unsigned int dim, bool stationary, bool conserving) const;
  };

  /**
   * Runs what RelaxationParameters ask for on one discretised case and adds
   * the results to the summary, the statistics and the fields.
   */
  template <int dim>
  class RelaxationAnalysis
  {
  public:
    RelaxationAnalysis(const RelaxationParameters   &parameters,
                       const LinearSolverParameters &linear_solver,
                       const Discretization<dim>    &discretization,
                       bool                          transient);

    /**
     * Spectrum, transitions, autocorrelations, and π for the distance to
     * stationarity; results go to @p summary and @p log.
     */
    void
    run(nlohmann::json &summary, dealii::ConditionalOStream &log);

    /** Scalars of run() as columns of the current (stationary) row. */
    void
    add_statistics(StatisticsTable &statistics) const;

    /** The OutputWriter callback that adds eigenfunctions and transition fields. */
    typename OutputWriter<dim>::ExtraFields
    fields() const;

    /** Distance to π of the transient density @p p at @p time (statistics columns). */
    void
    add_distance(StatisticsTable &statistics, double time, const LA::MPI::Vector &p);

    /** Mixing time and last distances into @p summary. */
    void
    finish(nlohmann::json &summary) const;

  private:
    const RelaxationParameters      parameters;
    const LinearSolverParameters    linear_solver;
    const Discretization<dim>      &discretization;
    const bool                      transient;
    std::optional<Spectrum>         spectrum;
    std::optional<TransitionResult> transitions;
    /** π for the distance to stationarity (transient runs). */
    LA::MPI::Vector                pi;
    std::unique_ptr<MixingMonitor> monitor;
    Distance                       last_distance;
    /** Means of the observables along a transient run. */
    std::vector<ObservableRelaxation> observable_relaxation;
    /** Ghosted copies of the fields of the last write(). */
    mutable std::shared_ptr<std::vector<std::unique_ptr<LA::MPI::Vector>>> kept;
  };

  extern template class RelaxationAnalysis<1>;
  extern template class RelaxationAnalysis<2>;
  extern template class RelaxationAnalysis<3>;
} // namespace FokkerPlanck

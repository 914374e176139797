/**
 * @file
 * The relaxation stage: spectrum, transitions and mixing of one case, as
 * the simulator calls them. Owns the subsections "Spectrum", "Transitions"
 * and "Mixing" and the fields and scalars it adds to the output.
 */
#pragma once

#include <deal.II/base/parameter_handler.h>

#include <fokker_planck/base/stage.h>
#include <fokker_planck/discretization/discretization.h>
#include <fokker_planck/solvers/linear_solver.h>
#include <fokker_planck/spectral/mixing.h>
#include <fokker_planck/spectral/spectrum.h>
#include <fokker_planck/spectral/transitions.h>

#include <memory>
#include <optional>
#include <ostream>

namespace FokkerPlanck
{
  /** The subsections "Spectrum", "Transitions" and "Mixing". */
  struct RelaxationParameters
  {
    SpectrumParameters   spectrum;
    TransitionParameters transitions;
    MixingParameters     mixing;

    /** Declare the entries; one-to-one entries are bound to the members. */
    void
    declare_parameters(dealii::ParameterHandler &prm);

    /** After the file is parsed: the entries that are not bound one to one. */
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
   * Runs what RelaxationParameters ask for on one discretised case: the
   * spectrum, transitions and autocorrelations once (run()), the distance
   * to stationarity of every transient density (observe()), and reports
   * them as fields, statistics columns and the summary sections
   * "spectrum", "transitions" and "mixing".
   */
  template <int dim>
  class RelaxationAnalysis : public Stage<dim>
  {
  public:
    RelaxationAnalysis(const RelaxationParameters   &parameters,
                       const LinearSolverParameters &linear_solver,
                       const Discretization<dim>    &discretization,
                       bool                          transient);

    /**
     * Spectrum, transitions, autocorrelations, and π for the distance to
     * stationarity; one line per result to @p log (rank 0), if given.
     */
    void
    run(std::ostream *log);

    /** Transient runs: the distance of the density to π. */
    void
    observe(const Snapshot &snapshot) override;

    /** Eigenfunctions and transition fields. */
    void
    add_fields(dealii::DataOut<dim, dim> &data_out) const override;

    /**
     * Stationary rows: eigenvalues, gap, transition scalars; transient
     * rows: the distance to π and the means of the observables.
     */
    void
    add_statistics(StatisticsTable &statistics) const override;

    /** Sections "spectrum", "transitions" and "mixing". */
    void
    add_summary(nlohmann::json &summary) const override;

  private:
    void
    log_spectrum(std::ostream &log) const;
    void
    log_transitions(std::ostream &log) const;

    const RelaxationParameters      parameters;
    const LinearSolverParameters    linear_solver;
    const Discretization<dim>      &discretization;
    const bool                      transient;
    std::optional<Spectrum>         spectrum;
    std::vector<Autocorrelation>    correlations;
    std::optional<TransitionResult> transitions;
    /** π for the distance to stationarity (transient runs). */
    LA::MPI::Vector                pi;
    std::unique_ptr<MixingMonitor> monitor;
    Distance                       last_distance;
    /** The time of the last observed density. */
    double last_time = 0.;
    /** Means of the observables along a transient run (last: the current). */
    std::vector<ObservableRelaxation> observable_relaxation;
    std::vector<double>               observable_means;
    /** Ghosted copies of the fields of the last add_fields(). */
    mutable std::vector<std::unique_ptr<LA::MPI::Vector>> kept;
  };

  extern template class RelaxationAnalysis<1>;
  extern template class RelaxationAnalysis<2>;
  extern template class RelaxationAnalysis<3>;
} // namespace FokkerPlanck

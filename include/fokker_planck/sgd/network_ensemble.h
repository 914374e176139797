/**
 * @file
 * The ensemble of 'fokker-planck --sgd': independent SGD runs of one
 * network, stepped to the output times, with the statistics of their
 * histogram and of the modes they learn (doc/sgd_models.md).
 */
#pragma once

#include <deal.II/base/mpi.h>
#include <deal.II/base/point.h>

#include <fokker_planck/base/stage.h>
#include <fokker_planck/geometry/geometry.h>
#include <fokker_planck/sampling/box_histogram.h>
#include <fokker_planck/sampling/moments.h>
#include <fokker_planck/sgd/network.h>
#include <fokker_planck/sgd/sgd_parameters.h>

#include <memory>
#include <vector>

namespace FokkerPlanck::Sgd
{
  /**
   * 'SGD simulation/Number of runs' runs of a network, spread over the
   * ranks of a communicator (run r on rank r mod n_ranks); run r draws
   * from the Philox key (seed, r) with its step as counter, so the
   * results do not depend on the number of ranks. Output k is at step
   * (n_steps k)/n_outputs, n_steps = round(end time/η).
   *
   * As a stage it writes the row of sgd_statistics.txt of the last output
   * (mean, covariance, fraction learned per mode, fraction outside the
   * box) and the sections "time_averaged" and "modes" of the summary.
   */
  template <int dim>
  class NetworkEnsemble : public Stage<dim>
  {
  public:
    /**
     * Copies of @p prototype, initialised. @p geometry gives the bins of
     * the histograms. With @p batches, the time-averaged samples of run r
     * also go into batch r mod B (B = min(20, runs)), whose spread gives the
     * dispersion of the correlated samples (batch_dispersion()).
     */
    NetworkEnsemble(const Network<dim>         &prototype,
                    const SimulationParameters &parameters,
                    double                      learning_rate,
                    const GeometryParameters   &geometry,
                    bool                        batches,
                    MPI_Comm                    communicator);

    /** Number of SGD steps of every run. */
    unsigned long
    n_steps() const
    {
      return n_total_steps;
    }

    /** The times t = step η of the outputs 0, ..., n_outputs. */
    std::vector<double>
    output_times() const;

    /**
     * Step every run to output @p output (in increasing order), pooling
     * the time-averaged samples on the way, and bin the runs' states
     * (collective).
     */
    void
    advance(unsigned int output);

    /** Time of the last output. */
    double
    time() const
    {
      return step * eta;
    }

    /** Histogram of the runs at the last output, summed over the ranks. */
    const Sampling::BoxHistogram<dim> &
    histogram() const
    {
      return current;
    }

    /** The states of this rank's runs. */
    std::vector<dealii::Point<dim>>
    states() const;

    /**
     * After the last output: sum the time-averaged samples over the ranks
     * (collective). False if no sample was pooled; then the time-averaged
     * results below are not set and the summary has no "time_averaged".
     */
    bool
    finish_time_average();

    /** Time from which samples are pooled (at most the end time). */
    double
    averaging_start() const;

    const Sampling::BoxHistogram<dim> &
    time_averaged_histogram() const
    {
      return averaged;
    }

    const Sampling::SampleMoments<dim> &
    time_averaged_moments() const
    {
      return averaged_moments;
    }

    /** Dispersion φ of the time-averaged histogram from its batches (collective). */
    double
    batch_dispersion();

    /** step, time, mean_*, cov_*, learned_*, outside_fraction. */
    void
    add_statistics(StatisticsTable &table) const override;

    /**
     * "time_averaged", "modes" (median first time u_α > s_α/2 over the
     * runs; collective), learning_rate, n_runs, n_steps and seed.
     */
    void
    add_summary(nlohmann::json &summary) const override;

  private:
    /** Pool state @p x of run @p k into the time-averaged samples. */
    void
    pool(std::size_t k, const dealii::Point<dim> &x);

    const SimulationParameters &parameters;
    const double                eta;
    const MPI_Comm              communicator;
    const unsigned long         n_total_steps;
    const std::vector<double>   targets;
    const unsigned int          n_batches;

    /** This rank's runs r and their networks. */
    std::vector<unsigned int>                  runs;
    std::vector<std::unique_ptr<Network<dim>>> networks;
    /** Per run: the first time at which mode α is learned. */
    std::vector<std::vector<double>> learned_time;

    unsigned long               step = 0;
    Sampling::BoxHistogram<dim> current;
    Sampling::Moments<dim>      current_moments;
    std::vector<double>         learned;

    Sampling::BoxHistogram<dim>              averaged;
    std::vector<Sampling::Moments<dim>>      run_average;
    std::vector<Sampling::BoxHistogram<dim>> batches;
    double                                   n_pooled = 0.;
    Sampling::SampleMoments<dim>             averaged_moments;
    /**
     * Per run: the stochastic gradient noise of the steps from 'Averaging
     * start time' on (at most max_noise_samples), for its tail index.
     */
    std::vector<std::vector<dealii::Tensor<1, dim>>> noise_samples;
    static constexpr std::size_t                     max_noise_samples = 1024;

    /** The section "tail_indices" of the summary (collective). */
    nlohmann::json
    tail_indices() const;
  };

  extern template class NetworkEnsemble<1>;
  extern template class NetworkEnsemble<2>;
  extern template class NetworkEnsemble<3>;
} // namespace FokkerPlanck::Sgd

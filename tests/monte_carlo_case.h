/**
 * @file
 * Helpers for the Monte Carlo tests: a case from parameter text with a
 * "Monte Carlo" subsection, its ensemble, and statistics of cell counts.
 */
#pragma once

#include <fokker_planck/monte_carlo/ensemble.h>
#include <fokker_planck/monte_carlo/monte_carlo_comparison.h>
#include <fokker_planck/monte_carlo/trajectory_simulation.h>
#include <fokker_planck/sampling/box_grid.h>
#include <fokker_planck/sampling/mesh_cells.h>

#include "test_case.h"

#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace FokkerPlanck::Testing
{
  /** A case built from @p text with its Monte Carlo ensemble. */
  template <int dim>
  struct MonteCarloCase : TestCase<dim>
  {
    explicit MonteCarloCase(const std::string &text)
        : TestCase<dim>(text)
    {
    }

    std::unique_ptr<MonteCarlo::Ensemble<dim>>
    ensemble() const
    {
      return std::make_unique<MonteCarlo::Ensemble<dim>>(this->parameters.monte_carlo,
                                                         this->parameters.geometry,
                                                         this->parameters.time_stepping,
                                                         *this->model,
                                                         this->parameters.stationary,
                                                         MPI_COMM_WORLD);
    }

    /** The Monte Carlo comparison stage of this case, as the program makes it. */
    std::unique_ptr<MonteCarloComparison<dim>>
    comparison() const
    {
      return std::make_unique<MonteCarloComparison<dim>>(this->parameters.monte_carlo,
                                                         this->parameters.time_stepping,
                                                         this->parameters.stationary,
                                                         *this->problem,
                                                         nullptr);
    }

    /** The comparison of the stationary FE density with the ensemble. */
    std::unique_ptr<MonteCarloComparison<dim>>
    compare_stationary() const
    {
      LA::MPI::Vector pi;
      this->solve_stationary(pi);
      auto result = comparison();
      result->compare(0., pi);
      return result;
    }
  };

  /** A "Monte Carlo" subsection with the given entries ("Entry = value" lines). */
  inline std::string
  monte_carlo_section(const std::string &entries)
  {
    return "subsection Monte Carlo\n  set Enabled = true\n  set Progress interval = 0\n" +
           entries + "end\n";
  }

  /**
   * Fraction f of samples in the bins [@p first, @p last) and its standard
   * error sqrt(φ f (1 − f) / n), φ the between-batch dispersion.
   */
  template <int dim>
  Sampling::Estimate
  bin_range_fraction(const MonteCarlo::Observation<dim> &observation,
                     const unsigned int                  first,
                     const unsigned int                  last)
  {
    double inside = 0.;
    for (unsigned int c = first; c < last; ++c)
      inside += observation.counts[c];
    const double f = inside / observation.n_samples;
    return {f, std::sqrt(observation.dispersion * f * (1. - f) / observation.n_samples)};
  }

  /** Fraction of samples in cell @p c and its standard error. */
  template <int dim>
  Sampling::Estimate
  cell_fraction(const MonteCarlo::Observation<dim> &observation, const unsigned int c)
  {
    return bin_range_fraction(observation, c, c + 1);
  }

  /** 64-bit FNV-1a of the bytes of @p data. */
  template <typename T>
  std::uint64_t
  hash(const std::vector<T> &data, std::uint64_t h = 1469598103934665603ULL)
  {
    const auto *bytes = reinterpret_cast<const unsigned char *>(data.data());
    for (std::size_t i = 0; i < data.size() * sizeof(T); ++i)
      h = (h ^ bytes[i]) * 1099511628211ULL;
    return h;
  }

  /**
   * Checksum of the cell counts, batch sums and currents of @p observation:
   * equal iff they are bitwise equal (up to hash collisions).
   */
  template <int dim>
  std::uint64_t
  checksum(const MonteCarlo::Observation<dim> &observation)
  {
    std::vector<double> current;
    for (const auto &J : observation.current)
      for (unsigned int i = 0; i < dim; ++i)
        current.push_back(J[i]);
    return hash(current, hash(observation.batch_sums, hash(observation.counts)));
  }

  /** Recorded trajectories of the case's model (MonteCarlo::simulate_trajectories). */
  template <int dim>
  Sampling::Trajectories<dim>
  simulate_trajectories(const TestCase<dim> &c,
                        const unsigned int   runs,
                        const unsigned int   steps,
                        const unsigned int   burn_in,
                        const unsigned int   every = 1)
  {
    return MonteCarlo::simulate_trajectories(*c.model,
                                             c.parameters.monte_carlo,
                                             c.parameters.geometry,
                                             runs,
                                             steps,
                                             burn_in,
                                             every);
  }

  /** Two-sided 99% normal quantile. */
  constexpr double z99 = 2.5758293035489;
} // namespace FokkerPlanck::Testing

/**
 * @file
 * Helpers for the Monte Carlo tests: a case from parameter text with a
 * "Monte Carlo" subsection, its ensemble, and statistics of cell counts.
 */
#pragma once

#include <fokker_planck/monte_carlo/box_grid.h>
#include <fokker_planck/monte_carlo/ensemble.h>
#include <fokker_planck/monte_carlo/mesh_cells.h>
#include <fokker_planck/monte_carlo/monte_carlo_comparison.h>

#include "test_case.h"

#include <cmath>
#include <memory>
#include <string>

namespace FokkerPlanck::Testing
{
  /** A case built from @p text with its Monte Carlo ensemble. */
  template <int dim> struct MonteCarloCase : TestCase<dim>
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
  };

  /** A "Monte Carlo" subsection with the given entries ("Entry = value" lines). */
  inline std::string
  monte_carlo_section(const std::string &entries)
  {
    return "subsection Monte Carlo\n  set Enabled = true\n  set Progress interval = 0\n" +
           entries + "end\n";
  }

  /**
   * Fraction of samples in cell @p c and its standard error
   * sqrt(φ f (1 − f) / n), φ the between-batch dispersion.
   */
  template <int dim>
  MonteCarlo::Estimate
  cell_fraction(const MonteCarlo::Observation<dim> &observation, const unsigned int c)
  {
    const double f = observation.counts[c] / observation.n_samples;
    return {f, std::sqrt(observation.dispersion * f * (1. - f) / observation.n_samples)};
  }

  /** Two-sided 99% normal quantile. */
  constexpr double z99 = 2.5758293035489;
} // namespace FokkerPlanck::Testing

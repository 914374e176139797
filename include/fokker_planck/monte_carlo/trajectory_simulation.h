/**
 * @file
 * Synthetic recorded trajectories of a model: independent Euler–Maruyama
 * runs by the Monte Carlo stepper in the case's box, each sample a row of
 * the trajectory format of --estimate (doc/estimation.md). For tests,
 * benchmarks and checks of the estimator against a known model.
 */
#pragma once

#include <fokker_planck/geometry/geometry.h>
#include <fokker_planck/model/model.h>
#include <fokker_planck/monte_carlo/monte_carlo_parameters.h>
#include <fokker_planck/sampling/trajectories.h>

#include <cstdint>

namespace FokkerPlanck::MonteCarlo
{
  /**
   * @p runs runs from x = 0 (the box of @p geometry, its boundary rules),
   * stepped with 'Time step' and the noise of @p parameters: after
   * @p burn_in steps, every @p every-th of the next @p steps steps is
   * recorded, at t = step · Δt. Run r uses the random stream (@p seed, r).
   */
  template <int dim>
  Sampling::Trajectories<dim>
  simulate_trajectories(const Model<dim>           &model,
                        const MonteCarloParameters &parameters,
                        const GeometryParameters   &geometry,
                        unsigned int                runs,
                        unsigned int                steps,
                        unsigned int                burn_in,
                        unsigned int                every = 1,
                        std::uint32_t               seed  = 7);
} // namespace FokkerPlanck::MonteCarlo

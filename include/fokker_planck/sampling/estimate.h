/**
 * @file
 * Estimates with error bars from batches of samples: a function of the
 * per-batch sums, applied to their totals for the value and to each batch
 * for the batch-means standard error (doc/monte_carlo.md).
 */
#pragma once

#include <functional>
#include <vector>

namespace FokkerPlanck::Sampling
{
  /** An estimate and its standard error. */
  struct Estimate
  {
    double value = 0.;
    double error = 0.;
  };

  /**
   * f of the total sums, with the batch-means standard error: @p batch_sums
   * holds @p n_batches blocks of @p size sums, batch after batch; the error
   * is the standard deviation of f over the batches (those where it is
   * finite) divided by sqrt(number of batches).
   */
  Estimate
  batch_estimate(const std::vector<double>                   &batch_sums,
                 unsigned int                                 n_batches,
                 unsigned int                                 size,
                 const std::function<double(const double *)> &f);

  /** The totals of the per-batch sums (see batch_estimate()). */
  std::vector<double>
  batch_totals(const std::vector<double> &batch_sums,
               unsigned int               n_batches,
               unsigned int               size);
} // namespace FokkerPlanck::Sampling

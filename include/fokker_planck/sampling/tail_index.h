/**
 * @file
 * Tail indices of samples: Hill's estimator of α in P(|X| > x) ~ C x^(−α)
 * from the largest order statistics, with the rule for their number and
 * the range of α where it holds, and the block estimator of Mohammadi et
 * al. (2015) for the stability index of (symmetric) α-stable samples, which
 * Şimşekli et al. (2019) apply to stochastic gradient noise
 * (doc/heavy_tails.md).
 */
#pragma once

#include <fokker_planck/sampling/estimate.h>

#include <cstddef>
#include <vector>

namespace FokkerPlanck::Sampling
{
  /**
   * Hill's estimate α̂ = 1 / ((1/k) Σ_{i<k} log(x_(i) / x_(k))) of the tail
   * index of @p magnitudes (x_(0) ≥ x_(1) ≥ … the order statistics, all
   * x ≥ 0, independent) from the k + 1 largest, with the asymptotic
   * standard error α̂ / sqrt(k). NaN if fewer than k + 1 values or
   * x_(k) = 0.
   */
  Estimate
  hill_tail_index(std::vector<double> magnitudes, std::size_t k);

  /**
   * The same with k = ceil(sqrt(n)): the bias of the second-order tail
   * term then vanishes faster than the standard error, so the error bar
   * holds as n grows (for α-stable samples up to α ≈ 1.8 at n ≥ 10⁴;
   * closer to 2 the power law starts too far out and α̂ is too large).
   */
  Estimate
  hill_tail_index(std::vector<double> magnitudes);

  /** ceil(sqrt(n)), the default number of order statistics. */
  std::size_t
  hill_order(std::size_t n);

  /**
   * The block estimator of the stability index: with the n = K₁K₂ values
   * cut into K₂ blocks of K₁ = floor(sqrt(n)) consecutive values and Y_i
   * the block sums,
   *   1/α̂ = (mean log|Y_i| − mean log|X_j|) / log K₁,
   * which holds exactly in expectation for i.i.d. symmetric α-stable X
   * (their block sums are K₁^(1/α) X in law) and gives 2 for any
   * distribution of finite variance as K₁ grows. NaN for fewer than 4
   * values or a zero value. Error bars come from independent sets of
   * values (mean_and_error()).
   */
  double
  block_stability_index(const std::vector<double> &values);

  /** The mean of @p estimates (finite ones) and its standard error. */
  Estimate
  mean_and_error(const std::vector<double> &estimates);

  /**
   * Tail indices of the points @p coordinates (n points of @p dim values,
   * point after point): Hill's estimate for |x_i − m_i| of each coordinate
   * i, m the coordinate-wise median, then for the norm |x − m| (dim + 1
   * entries).
   */
  std::vector<Estimate>
  coordinate_tail_indices(const std::vector<double> &coordinates, unsigned int dim);
} // namespace FokkerPlanck::Sampling

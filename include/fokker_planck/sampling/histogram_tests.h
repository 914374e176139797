/**
 * @file
 * Goodness of fit of a Monte Carlo histogram against the finite-element
 * probabilities of the same cells (doc/monte_carlo.md): total variation with
 * its sampling band, Pearson's χ² with its p-value, and Kolmogorov–Smirnov in
 * 1D.
 */
#pragma once

#include <algorithm>
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace FokkerPlanck::Sampling
{
  /** The result of compare_histogram(). */
  struct HistogramComparison
  {
    /** Samples and effective samples n / φ (φ: dispersion between batches). */
    double n_samples = 0., n_effective = 0.;
    /** TV = ½ Σ_c |f_c − P_c| of the normalised histogram f and FE P. */
    double total_variation = 0.;
    /**
     * TV of multinomial draws of n_effective samples from P: their mean and
     * 99th percentile. A histogram drawn from P itself lies below the 99th
     * percentile with probability 0.99.
     */
    double band_mean = 0., band_99 = 0.;
    /** Pearson's χ² over cells with expected count ≥ 5 (the rest pooled). */
    double       chi_square     = 0.;
    unsigned int chi_square_dof = 0;
    double       chi_square_p   = 0.;
    /** 1D only: sup |F̂ − F| at cell edges and its asymptotic p-value (else −1). */
    double ks = -1., ks_p = -1.;

    /**
     * The report's columns, in this order: samples, effective_samples,
     * dispersion (given: the comparison does not keep it), total_variation,
     * tv_band_mean, tv_band_99, chi_square, chi_square_dof, chi_square_p,
     * and in 1D ks, ks_p.
     */
    void
    columns(double                                                  dispersion,
            bool                                                    one_dimensional,
            const std::function<void(const std::string &, double)> &put) const;
  };

  /**
   * Compare @p counts (samples per cell) with @p fe_probabilities (∫_cell p_h,
   * negative values clipped, both normalised to 1). @p dispersion scales the
   * sample size to n / φ. @p draws multinomial draws (a fixed generator
   * seed, so the band is reproducible) give the TV band. Cells are ordered
   * along x in 1D, which the KS statistic needs.
   */
  HistogramComparison
  compare_histogram(const std::vector<double> &fe_probabilities,
                    const std::vector<double> &counts,
                    double                     dispersion,
                    unsigned int               draws,
                    bool                       one_dimensional);

  /**
   * Dispersion φ of a histogram split into @p n_batches batches of
   * independent samples: Σ_c Σ_b n_b (f_bc − f_c)² / (B − 1) over
   * Σ_c f_c (1 − f_c), the variance of the batch cell frequencies relative
   * to a multinomial one, and never below 1 (a smaller estimate is noise of
   * the estimate, which would narrow the bands). @p counts are the totals
   * per cell, @p batch_counts the counts of batch b in cell c at
   * b · n_cells + c, @p batch_n the samples per batch. 1 with fewer than two
   * batches or no samples.
   */
  template <typename Count>
  double
  batch_dispersion(const std::vector<double> &counts,
                   const double               n_samples,
                   const std::vector<Count>  &batch_counts,
                   const std::vector<double> &batch_n,
                   const unsigned int         n_batches)
  {
    const std::size_t  n_cells  = counts.size();
    const unsigned int B        = n_batches;
    double             observed = 0., multinomial = 0.;
    if (B < 2 || n_samples <= 0.)
      return 1.;
    for (std::size_t c = 0; c < n_cells; ++c)
      {
        const double f = counts[c] / n_samples;
        multinomial += f * (1. - f);
        for (unsigned int b = 0; b < B; ++b)
          if (batch_n[b] > 0.)
            {
              const double fb =
                  batch_counts[static_cast<std::size_t>(b) * n_cells + c] / batch_n[b];
              observed += batch_n[b] * (fb - f) * (fb - f) / (B - 1);
            }
      }
    return multinomial > 0. ? std::max(1., observed / multinomial) : 1.;
  }

  /** Kolmogorov's Q(λ) = 2 Σ_k (−1)^{k−1} exp(−2k²λ²), the KS p-value. */
  double
  kolmogorov_q(double lambda);
} // namespace FokkerPlanck::Sampling

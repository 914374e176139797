/**
 * @file
 * Goodness of fit of a Monte Carlo histogram against the finite-element
 * probabilities of the same cells (doc/monte_carlo.md): total variation with
 * its sampling band, Pearson's χ² with its p-value, and Kolmogorov–Smirnov in
 * 1D.
 */
#pragma once

#include <vector>

namespace FokkerPlanck::MonteCarlo
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

  /** Kolmogorov's Q(λ) = 2 Σ_k (−1)^{k−1} exp(−2k²λ²), the KS p-value. */
  double
  kolmogorov_q(double lambda);
} // namespace FokkerPlanck::MonteCarlo

/**
 * @file
 * What a Monte Carlo ensemble reports at one time: the cell counts, the
 * currents, and the per-batch sums (ScalarLayout) from which every scalar
 * estimator takes its value and batch-means error (doc/monte_carlo.md).
 */
#pragma once

#include <deal.II/base/tensor.h>

#include <fokker_planck/sampling/estimate.h>
#include <fokker_planck/sampling/trajectories.h>

#include <functional>
#include <vector>

namespace FokkerPlanck::MonteCarlo
{
  using Sampling::Estimate;

  /**
   * Positions of the per-batch sums. Every estimate is a function of these
   * sums: applied to the totals it gives the value, applied to each batch
   * the batch estimates whose spread gives the standard error.
   */
  struct ScalarLayout
  {
    ScalarLayout(unsigned int dim, unsigned int n_regions);

    /** Number of samples (stationary) or surviving particles (transient). */
    unsigned int weight = 0;
    /** Σ x_i, then Σ x_i x_j (dim × dim). */
    unsigned int first = 0, second = 0;
    /**
     * Pairs (X_k, X_k+1) (stationary: every sample; transient: the step of
     * the output time): their number; the targets y_t (t = 0:
     * e_p sample Δs/Δt, t = 1 + p: area sample ΔA/Δt of the p-th pair
     * i < j); the control variates c_m (m < n_basis, mean zero in the
     * stationary state), and Σ y_t, Σ c_m, Σ c_m c_n, Σ y_t c_m.
     */
    unsigned int pairs = 0, n_targets = 0, n_basis = 0;
    unsigned int targets = 0, controls = 0, control_products = 0, target_controls = 0;
    /** Trajectories started; absorbed ones and Σ of their absorption times. */
    unsigned int started = 0, absorbed = 0, absorption_time = 0;
    /** Per region: number that reached it and Σ of their first-passage times. */
    unsigned int regions = 0;
    unsigned int size    = 0;
  };

  /** What the ensemble looks like at one time (or over the stationary run). */
  template <int dim>
  struct Observation
  {
    /** Time t = step · Δt of the particles. */
    double time = 0.;
    /** Samples per bin (all batches). */
    std::vector<double> counts;
    /** Σ counts. */
    double n_samples = 0.;
    /**
     * Dispersion φ of the cell counts between batches relative to
     * multinomial sampling: 1 for independent samples, larger when the
     * samples of one trajectory are correlated. n / φ is the effective
     * number of independent samples. Estimated from the batches for
     * stationary runs (and never below 1), exactly 1 for transient runs
     * (one sample per independent particle).
     */
    double dispersion = 1.;
    /**
     * The probability current of each bin,
     * J ≈ p · ⟨(X_k+1 − X_k−1) / 2Δt | X_k ∈ cell⟩. Stationary runs average
     * over all samples; transient runs use the step k of the output time,
     * with p the density of the survivors per particle started. Empty at
     * t = 0 of a transient run, where X_k−1 does not exist.
     */
    std::vector<dealii::Tensor<1, dim>> current;
    ScalarLayout                        layout{dim, 0};
    unsigned int                        n_batches = 0;
    /** Per-batch sums, batch after batch. */
    std::vector<double> batch_sums;
    /**
     * Steps at which a particle was still outside after 16 reflections (or,
     * on a mesh, outside without a boundary crossing found) and was put
     * back.
     */
    double n_clamped = 0.;

    /**
     * Stationary runs with heavy-tailed noise: Hill's tail index of the
     * final positions (one independent sample per surviving trajectory) in
     * each coordinate and of the norm, about the median
     * (Sampling::coordinate_tail_indices()). Empty otherwise.
     */
    std::vector<Estimate> tail_index;

    /**
     * Stationary runs with 'Recorded trajectories' = n: the samples of
     * trajectories 0 … n − 1 (every rank holds them all). Empty otherwise.
     */
    Sampling::Trajectories<dim> recorded;

    /** f of the total sums, with the batch-means standard error. */
    Estimate
    estimate(const std::function<double(const double *)> &f) const;

    /** Mean of coordinate i. */
    Estimate
    mean(unsigned int i) const;

    /** Covariance of coordinates i and j. */
    Estimate
    covariance(unsigned int i, unsigned int j) const;

    /**
     * Stationary runs: the mean of target @p t (0: e_p, 1 + p: Ȧ of the
     * p-th coordinate pair) with the control variates regressed out,
     * ȳ − θ·c̄ with θ = Cov(c)⁻¹ Cov(c, y) from all samples.
     */
    Estimate
    controlled(unsigned int t) const;

    /** The same without control variates: ȳ_t. */
    Estimate
    plain(unsigned int t) const;
  };

  extern template struct Observation<1>;
  extern template struct Observation<2>;
  extern template struct Observation<3>;
} // namespace FokkerPlanck::MonteCarlo

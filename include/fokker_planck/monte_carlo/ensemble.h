/**
 * @file
 * An ensemble of independent trajectories of dX = b dt + sqrt(2T) σ dW
 * (DESIGN.md §1) in the domain of the case (a box or a Gmsh mesh) with the
 * parameter file's boundary conditions,
 * and the estimators that are accumulated along them (doc/monte_carlo.md).
 *
 * Reproducibility: trajectory k draws its numbers from Philox keyed by
 * (seed, k), counter = step. The N trajectories form B equal batches;
 * batches are shared out over ranks and threads, and every accumulated
 * quantity is either an integer count, a per-batch sum (summed over batches
 * in batch order after an exact reduction) or an exact fixed-point sum. So
 * results are bitwise the same for any number of ranks and threads.
 */
#pragma once

#include <deal.II/base/function.h>
#include <deal.II/base/mpi.h>
#include <deal.II/base/point.h>
#include <deal.II/base/tensor.h>

#include <fokker_planck/geometry/geometry.h>
#include <fokker_planck/model/model.h>
#include <fokker_planck/monte_carlo/bins.h>
#include <fokker_planck/monte_carlo/monte_carlo_parameters.h>
#include <fokker_planck/solvers/transient_solver.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

namespace FokkerPlanck::MonteCarlo
{
  /** A Monte Carlo estimate and its standard error. */
  struct Estimate
  {
    double value = 0.;
    double error = 0.;
  };

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

  /**
   * N particles of the model in the domain of @p geometry, stepped with the
   * scheme, noise and boundary treatment of @p parameters. Stationary
   * problems call run_stationary() once; transient ones call observe() at
   * increasing times.
   */
  template <int dim>
  class Ensemble
  {
  public:
    /**
     * @param initial    starting distribution of transient runs when
     *                   'Initial point' is empty (stationary runs then start
     *                   uniformly in the domain)
     * @param stationary whether run_stationary() or observe() will be used
     * @param progress   where rank 0 prints progress lines (nullptr: none)
     */
    Ensemble(const MonteCarloParameters   &parameters,
             const GeometryParameters     &geometry,
             const TimeSteppingParameters &initial,
             const Model<dim>             &model,
             bool                          stationary,
             MPI_Comm                      communicator,
             std::ostream                 *progress = nullptr);
    ~Ensemble();

    /**
     * Burn-in, then sample every 'Sampling interval' steps for 'Sampling
     * time': histogram, moments, current, e_p and area rates.
     */
    Observation<dim>
    run_stationary();

    /**
     * Advance every particle to the step k nearest to @p time and observe the
     * survivors: histogram, moments, survival, absorption and first-passage
     * times so far, and from the pairs (X_k−1, X_k, X_k+1) the current, the
     * e_p and area targets and the control sums (the particles are left at
     * step k + 1; a later time continues from there).
     */
    Observation<dim>
    observe(double time);

    /** The bins (box grid or mesh cells), which also define the domain. */
    const Bins<dim> &
    grid() const
    {
      return *bins;
    }

    /** Region names, in the order of ScalarLayout::regions. */
    std::vector<std::string>
    region_names() const;

    /** Particle steps done so far by all ranks. */
    double
    particle_steps() const;

    /** Wall seconds spent stepping so far (this rank). */
    double
    seconds() const
    {
      return stepping_seconds;
    }

  private:
    struct Work;
    template <class Dynamics, class Domain>
    void
    run(const Dynamics &dynamics, const Domain &domain, Work &work);
    template <class Domain>
    void
    run_with(const Domain &domain, Work &work);
    void
    dispatch(Work &work);
    Observation<dim>
    finish(Work &work);
    dealii::Point<dim>
    initial_position(std::uint64_t trajectory) const;

    const MonteCarloParameters                          parameters;
    const TimeSteppingParameters                        initial;
    const Model<dim>                                   &model;
    const bool                                          stationary;
    MPI_Comm                                            communicator;
    std::ostream                                       *progress;
    std::unique_ptr<Bins<dim>>                          bins;
    ScalarLayout                                        layout;
    std::vector<std::unique_ptr<dealii::Function<dim>>> regions;
    std::unique_ptr<dealii::Function<dim>>              initial_density;
    double                                              initial_bound = 0.;
    dealii::Tensor<2, dim>                              initial_factor;
    /** Batches [first_batch, end_batch) belong to this rank. */
    unsigned int  first_batch = 0, end_batch = 0;
    std::uint64_t first_trajectory = 0;
    /** State of this rank's trajectories. */
    std::vector<dealii::Point<dim>> positions;
    std::vector<std::uint8_t>       alive;
    std::vector<double>             first_passage;
    std::vector<double>             absorption;
    /** Each trajectory's last increment X_k − X_k−1 (transient runs). */
    std::vector<dealii::Tensor<1, dim>> last_increment;
    std::uint64_t                       current_step     = 0;
    double                              local_steps      = 0.;
    double                              stepping_seconds = 0.;
  };

  extern template class Ensemble<1>;
  extern template class Ensemble<2>;
  extern template class Ensemble<3>;
} // namespace FokkerPlanck::MonteCarlo

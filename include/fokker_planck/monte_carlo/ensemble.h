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
#include <fokker_planck/monte_carlo/monte_carlo_parameters.h>
#include <fokker_planck/monte_carlo/observation.h>
#include <fokker_planck/sampling/bins.h>
#include <fokker_planck/solvers/transient_solver.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

namespace FokkerPlanck::MonteCarlo
{
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
    const Sampling::Bins<dim> &
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
    /** The particle loop of one run() for one Dynamics and Domain. */
    template <class Dynamics, class Domain>
    class Runner;
    /**
     * The starting distribution of transient runs without 'Initial point':
     * the Cholesky factor of a Gaussian, or a bound of the initial density
     * for rejection sampling.
     */
    void
    set_up_initial_distribution();
    /** Share the batches out over the ranks and place this rank's particles. */
    void
    place_particles();
    /** The first trajectory of batch @p b. */
    std::uint64_t
    batch_begin(unsigned int b) const;
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
    /** The recorded trajectories of all ranks into @p result, in order. */
    void
    record_trajectories(Work &work, Observation<dim> &result) const;
    dealii::Point<dim>
    initial_position(std::uint64_t trajectory) const;

    const MonteCarloParameters                          parameters;
    const TimeSteppingParameters                        initial;
    const Model<dim>                                   &model;
    const bool                                          stationary;
    MPI_Comm                                            communicator;
    std::ostream                                       *progress;
    std::unique_ptr<Sampling::Bins<dim>>                bins;
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

#include <deal.II/base/mpi.h>
#include <deal.II/base/utilities.h>

#include <fokker_planck/base/collective.h>
#include <fokker_planck/base/instantiate.h>
#include <fokker_planck/monte_carlo/ensemble.h>
#include <fokker_planck/monte_carlo/particle_dynamics.h>
#include <fokker_planck/monte_carlo/stepper.h>
#include <fokker_planck/sampling/box_grid.h>
#include <fokker_planck/sampling/histogram_tests.h>
#include <fokker_planck/sampling/mesh_cells.h>
#include <fokker_planck/sampling/moments.h>
#include <fokker_planck/sampling/random_stream.h>
#include <fokker_planck/sampling/tail_index.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <iomanip>
#include <limits>
#include <mutex>
#include <thread>

// The particle loop of the ensemble: run() shares the batches out over
// threads, a Runner steps one trajectory and accumulates its samples, and
// finish() reduces the sums over ranks into an Observation.

namespace FokkerPlanck::MonteCarlo
{
  using namespace dealii;

  namespace
  {
    /** Exact, order-independent sums: fixed point with 2^-60 of the domain's diameter. */
    __extension__ typedef __int128 Fixed;

    void
    add_fixed(void *in, void *inout, int *length, MPI_Datatype *)
    {
      const auto *a = static_cast<const Fixed *>(in);
      auto       *b = static_cast<Fixed *>(inout);
      for (int i = 0; i < *length; ++i)
        b[i] += a[i];
    }

    void
    sum_fixed(std::vector<Fixed> &values, const MPI_Comm communicator)
    {
      MPI_Datatype type;
      MPI_Type_contiguous(sizeof(Fixed), MPI_BYTE, &type);
      MPI_Type_commit(&type);
      MPI_Op op;
      MPI_Op_create(&add_fixed, 1, &op);
      MPI_Allreduce(MPI_IN_PLACE, values.data(), values.size(), type, op, communicator);
      MPI_Op_free(&op);
      MPI_Type_free(&type);
    }

    /** Progress lines on rank 0 while the particles are stepped. */
    class ProgressReport
    {
    public:
      ProgressReport(std::ostream      *out,
                     const double       interval,
                     const double       total_steps,
                     const double       end_time,
                     const unsigned int n_ranks)
          : out(out)
          , interval(interval)
          , total_steps(total_steps)
          , end_time(end_time)
          , n_ranks(n_ranks)
          , begin(std::chrono::steady_clock::now())
          , last_print(begin)
      {
      }

      /** Count @p steps particle steps done. */
      void
      count(const std::uint64_t steps)
      {
        done += steps;
      }

      /** Print a line if the interval has passed since the last one. */
      void
      report()
      {
        if (out == nullptr || interval <= 0.)
          return;
        std::unique_lock<std::mutex> lock(print_mutex, std::try_to_lock);
        if (!lock.owns_lock())
          return;
        const auto now = std::chrono::steady_clock::now();
        if (std::chrono::duration<double>(now - last_print).count() < interval)
          return;
        last_print            = now;
        const double elapsed  = std::chrono::duration<double>(now - begin).count();
        const double fraction = static_cast<double>(done.load()) / total_steps;
        *out << "  monte carlo: " << std::fixed << std::setprecision(1) << 100. * fraction
             << "% of steps to t = " << end_time << ", " << std::scientific
             << std::setprecision(2)
             << static_cast<double>(done.load()) * n_ranks / elapsed
             << " particle-steps/s (all ranks, estimated), ETA " << std::fixed
             << std::setprecision(0) << elapsed * (1. - fraction) / fraction << " s"
             << std::defaultfloat << std::endl;
      }

    private:
      std::ostream                         *out;
      const double                          interval, total_steps, end_time;
      const unsigned int                    n_ranks;
      std::atomic<std::uint64_t>            done{0};
      std::mutex                            print_mutex;
      std::chrono::steady_clock::time_point begin, last_print;
    };
  } // namespace

  /** What one call of run() does and where it accumulates. */
  template <int dim>
  struct Ensemble<dim>::Work
  {
    bool          stationary = false;
    std::uint64_t end_step   = 0;
    /** Transient: the step k observed (end_step = k + 1 for the pair). */
    std::uint64_t sample_step = 0;
    /** Whether X_k−1 exists for the current estimate (not at step 0 of a
     *  transient run). */
    bool centred = true;
    /** Stationary: samples at steps burn_in, burn_in + interval, ... < end_step. */
    std::uint64_t burn_in  = 0;
    unsigned int  interval = 1;

    std::vector<std::uint32_t> batch_counts;
    std::vector<double>        batch_sums;
    /** Per thread: Σ (X_k+1 − X_k−1) per cell and direction, fixed point. */
    std::vector<std::vector<Fixed>> displacement;
    std::vector<double>             clamped;
    /** Stationary: the samples of this rank's recorded trajectories. */
    std::vector<std::vector<Point<dim>>> recorded;
  };

  template <int dim>
  template <class Dynamics, class Domain>
  class Ensemble<dim>::Runner
  {
  public:
    Runner(Ensemble &ensemble, const Dynamics &dynamics, const Domain &domain, Work &work)
        : e(ensemble)
        , dynamics(dynamics)
        , domain(domain)
        , work(work)
        , stepper(dynamics, ensemble.parameters, domain, ensemble.model.temperature())
        , layout(ensemble.layout)
        , dt(ensemble.parameters.time_step)
        , inverse_quantum(1. / (domain.diameter() * std::ldexp(1., -60)))
        , n_regions(ensemble.regions.size())
        , start(ensemble.current_step)
    {
      for (unsigned int k = 0; k < dim; ++k)
        periodic[k] = domain.periodic(k);
    }

    /**
     * Step @p trajectory from the current step to work.end_step (or its
     * absorption), adding its samples to the batch's @p sums and @p counts
     * and its displacements to those of thread @p thread.
     */
    void
    trajectory(const std::uint64_t trajectory,
               double             *sums,
               std::uint32_t      *counts,
               const unsigned int  thread) const
    {
      const std::uint64_t          t = trajectory - e.first_trajectory;
      const Sampling::RandomStream rng(e.parameters.seed, trajectory);
      Point<dim>                   x = e.positions[t], y;
      Tensor<1, dim>               d, eta,
          previous_d  = work.stationary ? Tensor<1, dim>() : e.last_increment[t];
      double *hit     = n_regions ? &e.first_passage[t * n_regions] : nullptr;
      bool    pending = false;
      if (!work.stationary && start == work.sample_step && e.alive[t])
        {
          sample(x, sums, counts);
          pending = true;
        }
      for (std::uint64_t s = start; s < work.end_step && e.alive[t]; ++s)
        {
          if (!stepper.step(rng, s, x, y, d, eta, work.clamped[thread]))
            {
              e.alive[t]      = 0;
              e.absorption[t] = (s + 1) * dt;
              break;
            }
          if (pending)
            {
              add_pair(x, d, eta, previous_d, sums, work.displacement[thread]);
              pending = false;
            }
          x          = y;
          previous_d = d;
          for (unsigned int r = 0; r < n_regions; ++r)
            if (hit[r] < 0. && e.regions[r]->value(x) > 0.)
              hit[r] = (s + 1) * dt;
          if (sampled_after(s))
            {
              sample(x, sums, counts);
              pending = true;
              if (t < work.recorded.size())
                work.recorded[t].push_back(x);
            }
        }
      e.positions[t] = x;
      if (!work.stationary)
        e.last_increment[t] = previous_d;
    }

  private:
    /** Whether X_s+1 is a sample. */
    bool
    sampled_after(const std::uint64_t s) const
    {
      if (work.stationary)
        return s + 1 >= work.burn_in && (s + 1 - work.burn_in) % work.interval == 0 &&
               s + 1 < work.end_step;
      return s + 1 == work.sample_step;
    }

    /** Histogram and moments of the sample @p z. */
    void
    sample(const Point<dim> &z, double *sums, std::uint32_t *counts) const
    {
      ++counts[domain.index(z)];
      Sampling::Moments<dim>::add(sums + layout.weight, z);
    }

    /**
     * The pair (X_k, X_k+1) with X_k = @p x, X_k+1 − X_k = @p d and noise
     * @p eta (@p previous_d = X_k − X_k−1): current, e_p and area targets,
     * control variates.
     */
    void
    add_pair(const Point<dim>     &x,
             const Tensor<1, dim> &d,
             const Tensor<1, dim> &eta,
             const Tensor<1, dim> &previous_d,
             double               *sums,
             std::vector<Fixed>   &displacement) const
    {
      const unsigned int cell = domain.index(x);
      if (work.centred) // X_k−1 exists
        for (unsigned int i = 0; i < dim; ++i)
          displacement[cell * dim + i] +=
              static_cast<Fixed>(std::llround((previous_d[i] + d[i]) * inverse_quantum));
      // Targets, minus the noise terms F(X_k)·η and ½(x_i η_j − x_j η_i),
      // which have mean zero since η is independent of X_k.
      double y[1 + dim * (dim - 1) / 2];
      y[0] = (dynamics.force(x + 0.5 * d) * d - dynamics.force(x) * eta) / dt;
      for (unsigned int i = 0, p = 1; i < dim; ++i)
        for (unsigned int j = i + 1; j < dim; ++j, ++p)
          y[p] = 0.5 * (x[i] * (d[j] - eta[j]) - x[j] * (d[i] - eta[i])) / dt;
      // Control variates (φ(X_k+1) − φ(X_k) − ∇φ(X_k)·η)/Δt for
      // φ = x_i and x_i x_j: mean zero for the stationary chain,
      // reflections included (not in periodic directions).
      double       c[dim + dim * (dim + 1) / 2];
      unsigned int m = 0;
      for (unsigned int i = 0; i < dim; ++i)
        c[m++] = periodic[i] ? 0. : (d[i] - eta[i]) / dt;
      for (unsigned int i = 0; i < dim; ++i)
        for (unsigned int j = i; j < dim; ++j)
          c[m++] =
              periodic[i] || periodic[j]
                  ? 0.
                  : (x[i] * (d[j] - eta[j]) + x[j] * (d[i] - eta[i]) + d[i] * d[j]) / dt;
      sums[layout.pairs] += 1.;
      for (unsigned int t = 0; t < layout.n_targets; ++t)
        {
          sums[layout.targets + t] += y[t];
          for (unsigned int k = 0; k < m; ++k)
            sums[layout.target_controls + t * m + k] += y[t] * c[k];
        }
      for (unsigned int k = 0; k < m; ++k)
        {
          sums[layout.controls + k] += c[k];
          for (unsigned int l = 0; l < m; ++l)
            sums[layout.control_products + k * m + l] += c[k] * c[l];
        }
    }

    Ensemble                            &e;
    const Dynamics                      &dynamics;
    const Domain                        &domain;
    Work                                &work;
    const Stepper<dim, Dynamics, Domain> stepper;
    const ScalarLayout                  &layout;
    const double                         dt, inverse_quantum;
    const unsigned int                   n_regions;
    const std::uint64_t                  start;
    bool                                 periodic[dim];
  };

  template <int dim>
  template <class Dynamics, class Domain>
  void
  Ensemble<dim>::run(const Dynamics &dynamics, const Domain &domain, Work &work)
  {
    const Runner<Dynamics, Domain> runner(*this, dynamics, domain, work);
    const unsigned int             n_cells = domain.size();
    const unsigned int             n_threads =
        std::max(1U, std::min(parameters.n_threads, end_batch - first_batch));
    work.displacement.assign(n_threads, std::vector<Fixed>(n_cells * dim));
    work.clamped.assign(n_threads, 0.);

    const std::uint64_t start = current_step;
    const double        total_steps =
        static_cast<double>(positions.size()) * (work.end_step - start);
    ProgressReport            progress_report(progress,
                                   parameters.progress_interval,
                                   total_steps,
                                   work.end_step * parameters.time_step,
                                   Utilities::MPI::n_mpi_processes(communicator));
    std::atomic<unsigned int> next_batch(first_batch);
    const auto                worker = [&](const unsigned int thread) {
      for (unsigned int b = next_batch++; b < end_batch; b = next_batch++)
        {
          double *sums = &work.batch_sums[b * layout.size];
          auto   *counts = &work.batch_counts[static_cast<std::size_t>(b) * n_cells];
          for (std::uint64_t trajectory = batch_begin(b); trajectory < batch_begin(b + 1);
               ++trajectory)
            {
              runner.trajectory(trajectory, sums, counts, thread);
              progress_report.count(work.end_step - start);
              if (thread == 0)
                progress_report.report();
            }
        }
    };

    const auto begin_time = std::chrono::steady_clock::now();
    if (n_threads == 1)
      worker(0);
    else
      {
        std::vector<std::thread> threads;
        for (unsigned int i = 0; i < n_threads; ++i)
          threads.emplace_back(worker, i);
        for (auto &thread : threads)
          thread.join();
      }
    stepping_seconds +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - begin_time)
            .count();
    local_steps += total_steps;
  }

  template <int dim>
  void
  Ensemble<dim>::dispatch(Work &work)
  {
    const unsigned int B = parameters.n_batches;
    work.batch_counts.assign(static_cast<std::size_t>(B) * bins->size(), 0);
    work.batch_sums.assign(B * layout.size, 0.);
    if (const auto *box = dynamic_cast<const Sampling::BoxGrid<dim> *>(bins.get()))
      run_with(*box, work);
    else if constexpr (dim > 1)
      run_with(dynamic_cast<const Sampling::MeshCells<dim> &>(*bins), work);
    current_step = work.end_step;
  }

  template <int dim>
  template <class Domain>
  void
  Ensemble<dim>::run_with(const Domain &domain, Work &work)
  {
    if (const auto *ou = dynamic_cast<const OrnsteinUhlenbeckModel<dim> *>(&model))
      run(OrnsteinUhlenbeckDynamics<dim>(*ou), domain, work);
    else
      run(GeneralDynamics<dim>(model), domain, work);
  }

  template <int dim>
  Observation<dim>
  Ensemble<dim>::finish(Work &work)
  {
    const unsigned int B = parameters.n_batches, S = layout.size, n_cells = bins->size();
    const unsigned int n_regions = regions.size();
    const double       dt        = parameters.time_step;
    // Events after the observed step (during the step to X_k+1) count later.
    const double observed_time = work.stationary ? std::numeric_limits<double>::infinity()
                                                 : (work.sample_step + 0.5) * dt;

    // Per-trajectory state into the batch sums, in trajectory order.
    for (unsigned int b = first_batch; b < end_batch; ++b)
      {
        double *sums = &work.batch_sums[b * S];
        for (std::uint64_t trajectory = batch_begin(b); trajectory < batch_begin(b + 1);
             ++trajectory)
          {
            const std::uint64_t t = trajectory - first_trajectory;
            sums[layout.started] += 1.;
            if (!alive[t] && absorption[t] <= observed_time)
              {
                sums[layout.absorbed] += 1.;
                sums[layout.absorption_time] += absorption[t];
              }
            for (unsigned int r = 0; r < n_regions; ++r)
              if (first_passage[t * n_regions + r] >= 0. &&
                  first_passage[t * n_regions + r] <= observed_time)
                {
                  sums[layout.regions + 2 * r] += 1.;
                  sums[layout.regions + 2 * r + 1] += first_passage[t * n_regions + r];
                }
          }
      }

    // Every batch lives on one rank and is zero elsewhere: the sums are exact.
    Observation<dim> result;
    result.time      = (work.stationary ? current_step : work.sample_step) * dt;
    result.layout    = layout;
    result.n_batches = B;
    Utilities::MPI::sum(work.batch_sums, communicator, work.batch_sums);
    Utilities::MPI::sum(work.batch_counts, communicator, work.batch_counts);
    result.batch_sums = std::move(work.batch_sums);

    result.counts.assign(n_cells, 0.);
    std::vector<double> batch_n(B, 0.);
    for (unsigned int b = 0; b < B; ++b)
      for (unsigned int c = 0; c < n_cells; ++c)
        {
          const double count =
              work.batch_counts[static_cast<std::size_t>(b) * n_cells + c];
          result.counts[c] += count;
          batch_n[b] += count;
        }
    for (const double c : result.counts)
      result.n_samples += c;

    // Independent particles (transient: one sample each) have φ = 1 exactly.
    if (result.n_samples > 0.)
      result.dispersion =
          stationary ? Sampling::batch_dispersion(
                           result.counts, result.n_samples, work.batch_counts, batch_n, B)
                     : 1.;

    // Current J_c = Σ (X_k+1 − X_k−1) / (2Δt) / (n_samples · |cell|).
    for (unsigned int thread = 1; thread < work.displacement.size(); ++thread)
      for (std::size_t i = 0; i < work.displacement[0].size(); ++i)
        work.displacement[0][i] += work.displacement[thread][i];
    double clamped = 0.;
    for (const double c : work.clamped)
      clamped += c;
    result.n_clamped = Utilities::MPI::sum(clamped, communicator);
    if (work.stationary || work.centred)
      {
        auto &fixed = work.displacement.empty() ? work.displacement.emplace_back()
                                                : work.displacement[0];
        fixed.resize(n_cells * dim, 0);
        sum_fixed(fixed, communicator);
        const double quantum = bins->diameter() * std::ldexp(1., -60);
        result.current.resize(n_cells);
        // Stationary: per sample; transient: per particle started.
        const double per =
            work.stationary
                ? result.n_samples
                : result.estimate([L = layout](const double *s) { return s[L.started]; })
                      .value;
        for (unsigned int c = 0; c < n_cells; ++c)
          {
            const double scale = quantum / (2. * dt * per * bins->volume(c));
            for (unsigned int i = 0; i < dim; ++i)
              result.current[c][i] = static_cast<double>(fixed[c * dim + i]) * scale;
          }
      }
    if (work.stationary && parameters.noise != MonteCarloParameters::Noise::gaussian)
      {
        std::vector<double> local;
        for (std::size_t t = 0; t < positions.size(); ++t)
          if (alive[t])
            for (unsigned int i = 0; i < dim; ++i)
              local.push_back(positions[t][i]);
        result.tail_index = Sampling::coordinate_tail_indices(
            gather_concatenated(communicator, local), dim);
      }
    if (work.stationary && parameters.recorded_trajectories > 0)
      record_trajectories(work, result);
    return result;
  }

  template <int dim>
  void
  Ensemble<dim>::record_trajectories(Work &work, Observation<dim> &result) const
  {
    // Per recorded trajectory: its number, its sample count, the samples.
    std::vector<double> local;
    for (std::size_t t = 0; t < work.recorded.size(); ++t)
      {
        local.push_back(static_cast<double>(first_trajectory + t));
        local.push_back(static_cast<double>(work.recorded[t].size()));
        for (const auto &x : work.recorded[t])
          for (unsigned int i = 0; i < dim; ++i)
            local.push_back(x[i]);
      }
    const double              dt  = parameters.time_step;
    const std::vector<double> all = gather_concatenated(communicator, local);
    for (std::size_t k = 0; k < all.size();)
      {
        const auto              id = static_cast<long long>(all[k]);
        const auto              n  = static_cast<std::size_t>(all[k + 1]);
        std::vector<double>     times(n);
        std::vector<Point<dim>> points(n);
        k += 2;
        for (std::size_t j = 0; j < n; ++j)
          {
            times[j] = static_cast<double>(work.burn_in + j * work.interval) * dt;
            for (unsigned int i = 0; i < dim; ++i)
              points[j][i] = all[k++];
          }
        result.recorded.add_run(id, times, points);
      }
  }

  template <int dim>
  Observation<dim>
  Ensemble<dim>::run_stationary()
  {
    Work work;
    work.stationary  = true;
    const auto steps = [&](const double time) {
      return static_cast<std::uint64_t>(std::llround(time / parameters.time_step));
    };
    work.burn_in  = std::max<std::uint64_t>(1, steps(parameters.burn_in));
    work.interval = parameters.sampling_interval;
    work.end_step =
        work.burn_in + std::max<std::uint64_t>(1, steps(parameters.sampling_time)) + 1;
    if (first_trajectory < parameters.recorded_trajectories)
      work.recorded.resize(std::min<std::uint64_t>(
          positions.size(), parameters.recorded_trajectories - first_trajectory));
    dispatch(work);
    return finish(work);
  }

  template <int dim>
  Observation<dim>
  Ensemble<dim>::observe(const double time)
  {
    Work work;
    work.sample_step = std::max<std::uint64_t>(
        current_step,
        static_cast<std::uint64_t>(std::llround(time / parameters.time_step)));
    work.end_step = work.sample_step + 1;
    work.centred  = work.sample_step > 0;
    dispatch(work);
    return finish(work);
  }

#define FP_INSTANTIATE(dim)                                                              \
  template void             Ensemble<dim>::dispatch(Work &);                             \
  template Observation<dim> Ensemble<dim>::finish(Work &);                               \
  template void Ensemble<dim>::record_trajectories(Work &, Observation<dim> &) const;    \
  template Observation<dim> Ensemble<dim>::run_stationary();                             \
  template Observation<dim> Ensemble<dim>::observe(double);
  FP_FOR_EACH_DIM(FP_INSTANTIATE)
#undef FP_INSTANTIATE
} // namespace FokkerPlanck::MonteCarlo

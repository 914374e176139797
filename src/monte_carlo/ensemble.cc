#include <deal.II/base/function_parser.h>
#include <deal.II/base/utilities.h>

#include <fokker_planck/base/input_error.h>
#include <fokker_planck/base/parsing.h>
#include <fokker_planck/monte_carlo/box_grid.h>
#include <fokker_planck/monte_carlo/ensemble.h>
#include <fokker_planck/monte_carlo/histogram_tests.h>
#include <fokker_planck/monte_carlo/mesh_cells.h>
#include <fokker_planck/monte_carlo/particle_dynamics.h>
#include <fokker_planck/monte_carlo/random_stream.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <iomanip>
#include <limits>
#include <mutex>
#include <thread>

namespace FokkerPlanck::MonteCarlo
{
  using namespace dealii;

  ScalarLayout::ScalarLayout(const unsigned int dim, const unsigned int n_regions)
  {
    unsigned int next = 0;
    weight            = next++;
    first             = next;
    next += dim;
    second = next;
    next += dim * dim;
    pairs     = next++;
    n_targets = 1 + dim * (dim - 1) / 2;
    n_basis   = dim + dim * (dim + 1) / 2;
    targets   = next;
    next += n_targets;
    controls = next;
    next += n_basis;
    control_products = next;
    next += n_basis * n_basis;
    target_controls = next;
    next += n_targets * n_basis;
    started         = next++;
    absorbed        = next++;
    absorption_time = next++;
    regions         = next;
    next += 2 * n_regions;
    size = next;
  }

  template <int dim>
  Estimate
  Observation<dim>::estimate(const std::function<double(const double *)> &f) const
  {
    std::vector<double> total(layout.size, 0.);
    for (unsigned int b = 0; b < n_batches; ++b)
      for (unsigned int s = 0; s < layout.size; ++s)
        total[s] += batch_sums[b * layout.size + s];
    Estimate result;
    result.value = f(total.data());
    std::vector<double> values;
    for (unsigned int b = 0; b < n_batches; ++b)
      {
        const double v = f(&batch_sums[b * layout.size]);
        if (std::isfinite(v))
          values.push_back(v);
      }
    if (values.size() > 1)
      {
        double mean = 0., square = 0.;
        for (const double v : values)
          mean += v / values.size();
        for (const double v : values)
          square += (v - mean) * (v - mean);
        result.error = std::sqrt(square / (values.size() - 1) / values.size());
      }
    return result;
  }

  template <int dim>
  Estimate
  Observation<dim>::mean(const unsigned int i) const
  {
    const auto L = layout;
    return estimate([L, i](const double *s) { return s[L.first + i] / s[L.weight]; });
  }

  template <int dim>
  Estimate
  Observation<dim>::covariance(const unsigned int i, const unsigned int j) const
  {
    const auto L = layout;
    return estimate([L, i, j](const double *s) {
      const double n = s[L.weight];
      return s[L.second + i * dim + j] / n - s[L.first + i] * s[L.first + j] / (n * n);
    });
  }

  template <int dim>
  Estimate
  Observation<dim>::plain(const unsigned int t) const
  {
    const auto L = layout;
    return estimate([L, t](const double *s) { return s[L.targets + t] / s[L.pairs]; });
  }

  template <int dim>
  Estimate
  Observation<dim>::controlled(const unsigned int t) const
  {
    const auto          L = layout;
    const unsigned int  m = L.n_basis;
    std::vector<double> total(L.size, 0.);
    for (unsigned int b = 0; b < n_batches; ++b)
      for (unsigned int s = 0; s < L.size; ++s)
        total[s] += batch_sums[b * L.size + s];
    const double n = total[L.pairs];
    if (!(n > 1.))
      return plain(t);
    // Solve Cov(c) θ = Cov(c, y) by Gaussian elimination; control variates
    // without variance (periodic directions) get θ = 0.
    std::vector<double> A(m * m), r(m), theta(m, 0.);
    for (unsigned int i = 0; i < m; ++i)
      {
        const double ci = total[L.controls + i] / n;
        for (unsigned int j = 0; j < m; ++j)
          A[i * m + j] =
              total[L.control_products + i * m + j] / n - ci * total[L.controls + j] / n;
        r[i] = total[L.target_controls + t * m + i] / n - ci * total[L.targets + t] / n;
      }
    std::vector<bool> active(m, true);
    for (unsigned int k = 0; k < m; ++k)
      {
        if (!(A[k * m + k] > 1e-12 * (1. + std::abs(A[0]))))
          {
            active[k] = false;
            continue;
          }
        for (unsigned int i = k + 1; i < m; ++i)
          {
            const double factor = A[i * m + k] / A[k * m + k];
            for (unsigned int j = k; j < m; ++j)
              A[i * m + j] -= factor * A[k * m + j];
            r[i] -= factor * r[k];
          }
      }
    for (int k = m - 1; k >= 0; --k)
      if (active[k])
        {
          double v = r[k];
          for (unsigned int j = k + 1; j < m; ++j)
            v -= A[k * m + j] * theta[j];
          theta[k] = v / A[k * m + k];
        }
    return estimate([L, t, theta](const double *s) {
      double value = s[L.targets + t];
      for (unsigned int i = 0; i < L.n_basis; ++i)
        value -= theta[i] * s[L.controls + i];
      return value / s[L.pairs];
    });
  }

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

    /**
     * One time step of one particle, with the boundary treatment of the
     * Domain (BoxGrid or MeshCells).
     */
    template <int dim, class Dynamics, class Domain>
    class Stepper
    {
    public:
      Stepper(const Dynamics             &dynamics,
              const MonteCarloParameters &parameters,
              const Domain               &domain,
              const double                temperature)
          : dynamics(dynamics)
          , parameters(parameters)
          , domain(domain)
          , dt(parameters.time_step)
          , sqrt_dt(std::sqrt(parameters.time_step))
          , T(temperature)
          , absorbing(domain.has_absorbing_face())
      {
      }

      /**
       * Step from @p x at step @p s to @p y. @p d is the displacement
       * without periodic wraps, @p eta the noise increment g ΔW. Returns
       * false if the particle is absorbed in this step.
       */
      bool
      step(const RandomStream &rng,
           const std::uint64_t s,
           const Point<dim>   &x,
           Point<dim>         &y,
           Tensor<1, dim>     &d,
           Tensor<1, dim>     &eta,
           double             &n_clamped) const
      {
        double z[4];
        rng.normals(s, Purpose::step_noise, z, 0, (dim + 1) / 2);
        Tensor<1, dim> dW;
        for (unsigned int k = 0; k < dim; ++k)
          dW[k] = z[k] * sqrt_dt;
        if (parameters.noise == MonteCarloParameters::Noise::student_t)
          dW /=
              std::sqrt(rng.chi_square_over_nu_minus_2(s, parameters.degrees_of_freedom));

        const SymmetricTensor<2, dim> D = dynamics.diffusion(x);
        const auto                    g = dynamics.noise(D);
        eta                             = g * dW;
        const Tensor<1, dim> b          = dynamics.drift(x);
        if (parameters.scheme == MonteCarloParameters::Scheme::euler_maruyama)
          y = x + b * dt + eta;
        else
          weak_order_2(rng, s, x, b, g, dW, y);

        Tensor<1, dim> wrapped;
        if (!domain.bring_inside(x, D, parameters.reflection, y, wrapped, n_clamped))
          return false;
        d = (y - wrapped) - x;
        if (absorbing && domain.bridge_crossed(rng, s, x, D, y, T, dt))
          return false;
        return true;
      }

    private:
      /**
       * Platen's explicit weak order-2 scheme (Kloeden & Platen 1992,
       * §15.1) for dX = b dt + Σ_j g_j dW_j; with constant g it is Heun's
       * method for the drift.
       */
      void
      weak_order_2(const RandomStream   &rng,
                   const std::uint64_t   s,
                   const Point<dim>     &x,
                   const Tensor<1, dim> &b,
                   const Tensor<2, dim> &g,
                   const Tensor<1, dim> &dW,
                   Point<dim>           &y) const
      {
        const Point<dim> predictor = x + b * dt + g * dW;
        y                          = x + 0.5 * (b + dynamics.drift(predictor)) * dt;
        if constexpr (Dynamics::constant_noise)
          y += g * dW;
        else
          {
            // V_rj = ±Δt for r < j, V_jr = −V_rj.
            Tensor<2, dim> V;
            if (dim > 1)
              {
                const auto   w = rng.words(s, Purpose::area_signs);
                unsigned int c = 0;
                for (unsigned int r = 0; r < dim; ++r)
                  for (unsigned int j = r + 1; j < dim; ++j, ++c)
                    {
                      V[r][j] = (w[c] & 1U) ? dt : -dt;
                      V[j][r] = -V[r][j];
                    }
              }
            std::array<Tensor<2, dim>, dim> gRp, gRm, gUp, gUm;
            for (unsigned int j = 0; j < dim; ++j)
              {
                Tensor<1, dim> column;
                for (unsigned int i = 0; i < dim; ++i)
                  column[i] = g[i][j] * sqrt_dt;
                gRp[j] = dynamics.noise_at(x + b * dt + column);
                gRm[j] = dynamics.noise_at(x + b * dt - column);
                gUp[j] = dynamics.noise_at(x + column);
                gUm[j] = dynamics.noise_at(x - column);
              }
            for (unsigned int j = 0; j < dim; ++j)
              for (unsigned int i = 0; i < dim; ++i)
                {
                  double increment =
                      0.25 * (gRp[j][i][j] + gRm[j][i][j] + 2. * g[i][j]) * dW[j] +
                      0.25 * (gRp[j][i][j] - gRm[j][i][j]) * (dW[j] * dW[j] - dt) /
                          sqrt_dt;
                  for (unsigned int r = 0; r < dim; ++r)
                    if (r != j)
                      increment +=
                          0.25 * (gUp[r][i][j] + gUm[r][i][j] - 2. * g[i][j]) * dW[j] +
                          0.25 * (gUp[r][i][j] - gUm[r][i][j]) *
                              (dW[j] * dW[r] + V[r][j]) / sqrt_dt;
                  y[i] += increment;
                }
          }
      }

      const Dynamics             &dynamics;
      const MonteCarloParameters &parameters;
      const Domain               &domain;
      const double                dt, sqrt_dt, T;
      const bool                  absorbing;
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
  };

  template <int dim>
  Ensemble<dim>::Ensemble(const MonteCarloParameters   &parameters,
                          const GeometryParameters     &geometry,
                          const TimeSteppingParameters &initial,
                          const Model<dim>             &model,
                          const bool                    stationary,
                          const MPI_Comm                communicator,
                          std::ostream                 *progress)
      : parameters(parameters)
      , initial(initial)
      , model(model)
      , stationary(stationary)
      , communicator(communicator)
      , progress(progress)
      , layout(dim, parameters.regions.size())
  {
    if constexpr (dim > 1)
      if (geometry.mesh_type == GeometryParameters::MeshType::gmsh)
        bins = std::make_unique<MeshCells<dim>>(geometry);
    if (!bins)
      bins = std::make_unique<BoxGrid<dim>>(geometry);
    const Bins<dim> &domain = *bins;

    for (const auto &[name, expression] : parameters.regions)
      {
        auto parser = Parsing::make_parser<dim>({expression},
                                                {{"pi", M_PI}},
                                                "Monte Carlo/First-passage regions",
                                                " (region '" + name + "')");
        regions.push_back(std::move(parser));
      }

    if (parameters.initial_point.empty() && stationary)
      initial_bound = 1.; // uniform in the domain
    else if (parameters.initial_point.empty())
      {
        if (initial.initial_type == TimeSteppingParameters::InitialType::gaussian)
          {
            SymmetricTensor<2, dim> covariance;
            for (unsigned int i = 0; i < dim; ++i)
              for (unsigned int j = i; j < dim; ++j)
                covariance[i][j] = initial.initial_covariance[i * dim + j];
            require(initial.initial_mean.size() == dim &&
                        eigenvalues(covariance)[dim - 1] > 0.,
                    "Time stepping/Initial condition/Covariance",
                    "the Monte Carlo starting points need a positive definite "
                    "covariance and a mean of dim numbers");
            initial_factor = cholesky(covariance);
          }
        else
          {
            // Rejection sampling: bound the density by 1.5 times its
            // maximum over the points of the domain on a lattice 4x finer than
            // the bins over its bounding box.
            initial_density         = make_initial_condition<dim>(initial);
            const unsigned int fine = 4;
            unsigned int       n    = 1;
            for (unsigned int k = 0; k < dim; ++k)
              n *= fine * domain.resolution(k) + 1;
            require(n < 20000000,
                    "Monte Carlo/Initial point",
                    "the grid is too fine to bound the initial expression; give an "
                    "initial point");
            for (unsigned int index = 0; index < n; ++index)
              {
                Point<dim>   x;
                unsigned int rest = index;
                for (unsigned int k = 0; k < dim; ++k)
                  {
                    const unsigned int m = fine * domain.resolution(k) + 1;
                    x[k]                 = domain.lower[k] +
                           (domain.upper[k] - domain.lower[k]) * (rest % m) / (m - 1.);
                    rest /= m;
                  }
                if (domain.contains(x))
                  initial_bound = std::max(initial_bound, initial_density->value(x));
              }
            require(
                initial_bound > 0.,
                "Time stepping/Initial condition/Expression",
                "is nowhere positive in the domain, so no starting point can be drawn");
            initial_bound *= 1.5;
          }
      }

    const unsigned int n_ranks = Utilities::MPI::n_mpi_processes(communicator);
    const unsigned int rank    = Utilities::MPI::this_mpi_process(communicator);
    const unsigned int B       = parameters.n_batches;
    first_batch                = static_cast<std::uint64_t>(rank) * B / n_ranks;
    end_batch                  = static_cast<std::uint64_t>(rank + 1) * B / n_ranks;
    const auto batch_begin     = [&](const unsigned int b) {
      return static_cast<std::uint64_t>(b) * parameters.n_trajectories / B;
    };
    first_trajectory            = batch_begin(first_batch);
    const std::uint64_t n_local = batch_begin(end_batch) - first_trajectory;
    positions.resize(n_local);
    alive.assign(n_local, 1);
    absorption.assign(n_local, -1.);
    if (!stationary)
      last_increment.assign(n_local, Tensor<1, dim>());
    first_passage.assign(n_local * regions.size(), -1.);
    if (!parameters.initial_point.empty())
      require(bins->contains(initial_position(0)),
              "Monte Carlo/Initial point",
              "is outside the mesh");
    for (std::uint64_t t = 0; t < n_local; ++t)
      {
        positions[t] = initial_position(first_trajectory + t);
        for (unsigned int r = 0; r < regions.size(); ++r)
          if (regions[r]->value(positions[t]) > 0.)
            first_passage[t * regions.size() + r] = 0.;
      }
  }

  template <int dim>
  Ensemble<dim>::~Ensemble() = default;

  template <int dim>
  std::vector<std::string>
  Ensemble<dim>::region_names() const
  {
    std::vector<std::string> names;
    for (const auto &region : parameters.regions)
      names.push_back(region.first);
    return names;
  }

  template <int dim>
  double
  Ensemble<dim>::particle_steps() const
  {
    return Utilities::MPI::sum(local_steps, communicator);
  }

  template <int dim>
  Point<dim>
  Ensemble<dim>::initial_position(const std::uint64_t trajectory) const
  {
    if (!parameters.initial_point.empty())
      {
        Point<dim> x;
        for (unsigned int k = 0; k < dim; ++k)
          x[k] = parameters.initial_point[k];
        return x;
      }
    const RandomStream rng(parameters.seed, trajectory);
    const Bins<dim>   &domain = *bins;
    const auto         inside = [&](const Point<dim> &x) { return domain.contains(x); };
    for (std::uint32_t attempt = 0; attempt < 1000000; ++attempt)
      {
        Point<dim> x;
        if (!initial_density && !stationary)
          {
            double z[4];
            rng.normals(0, Purpose::initial_point, z, attempt);
            Tensor<1, dim> zeta;
            for (unsigned int k = 0; k < dim; ++k)
              zeta[k] = z[k];
            const Tensor<1, dim> shift = initial_factor * zeta;
            for (unsigned int k = 0; k < dim; ++k)
              x[k] = initial.initial_mean[k] + shift[k];
            if (inside(x))
              return x;
          }
        else
          {
            const auto w = rng.words(0, Purpose::initial_point, attempt);
            for (unsigned int k = 0; k < dim; ++k)
              x[k] = domain.lower[k] +
                     (domain.upper[k] - domain.lower[k]) * RandomStream::uniform(w[k]);
            if (inside(x) && (stationary || RandomStream::uniform(w[3]) * initial_bound <
                                                initial_density->value(x)))
              return x;
          }
      }
    throw InputError("Time stepping/Initial condition",
                     "no Monte Carlo starting point inside the domain after 10^6 "
                     "attempts: the initial density has almost no mass in it");
  }

  template <int dim>
  template <class Dynamics, class Domain>
  void
  Ensemble<dim>::run(const Dynamics &dynamics, const Domain &domain, Work &work)
  {
    const Stepper<dim, Dynamics, Domain> stepper(
        dynamics, parameters, domain, model.temperature());
    const unsigned int n_cells    = domain.size();
    const unsigned int S          = layout.size;
    const double       dt         = parameters.time_step;
    const double       quantum    = domain.diameter() * std::ldexp(1., -60),
                 inverse_quantum  = 1. / quantum;
    const unsigned int  n_regions = regions.size();
    const std::uint64_t start     = current_step;
    bool                periodic[dim];
    for (unsigned int k = 0; k < dim; ++k)
      periodic[k] = domain.periodic(k);

    const unsigned int n_threads =
        std::max(1U, std::min(parameters.n_threads, end_batch - first_batch));
    work.displacement.assign(n_threads, std::vector<Fixed>(n_cells * dim));
    work.clamped.assign(n_threads, 0.);

    std::atomic<unsigned int>  next_batch(first_batch);
    std::atomic<std::uint64_t> done(0);
    std::mutex                 print_mutex;
    const auto                 begin      = std::chrono::steady_clock::now();
    auto                       last_print = begin;
    const double               total_steps =
        static_cast<double>(positions.size()) * (work.end_step - start);
    const unsigned int n_ranks = Utilities::MPI::n_mpi_processes(communicator);

    const auto report = [&]() {
      if (progress == nullptr || parameters.progress_interval <= 0.)
        return;
      std::unique_lock<std::mutex> lock(print_mutex, std::try_to_lock);
      if (!lock.owns_lock())
        return;
      const auto now = std::chrono::steady_clock::now();
      if (std::chrono::duration<double>(now - last_print).count() <
          parameters.progress_interval)
        return;
      last_print            = now;
      const double elapsed  = std::chrono::duration<double>(now - begin).count();
      const double fraction = static_cast<double>(done.load()) / total_steps;
      *progress << "  monte carlo: " << std::fixed << std::setprecision(1)
                << 100. * fraction << "% of steps to t = " << work.end_step * dt << ", "
                << std::scientific << std::setprecision(2)
                << static_cast<double>(done.load()) * n_ranks / elapsed
                << " particle-steps/s (all ranks, estimated), ETA " << std::fixed
                << std::setprecision(0) << elapsed * (1. - fraction) / fraction << " s"
                << std::defaultfloat << std::endl;
    };

    const auto worker = [&](const unsigned int thread) {
      auto &displacement = work.displacement[thread];
      for (unsigned int b = next_batch++; b < end_batch; b = next_batch++)
        {
          double *sums   = &work.batch_sums[b * S];
          auto   *counts = &work.batch_counts[static_cast<std::size_t>(b) * n_cells];
          const std::uint64_t begin_t = static_cast<std::uint64_t>(b) *
                                        parameters.n_trajectories / parameters.n_batches;
          const std::uint64_t end_t = static_cast<std::uint64_t>(b + 1) *
                                      parameters.n_trajectories / parameters.n_batches;
          for (std::uint64_t trajectory = begin_t; trajectory < end_t; ++trajectory)
            {
              const std::uint64_t t = trajectory - first_trajectory;
              const RandomStream  rng(parameters.seed, trajectory);
              Point<dim>          x = positions[t], y;
              Tensor<1, dim>      d, eta,
                  previous_d    = work.stationary ? Tensor<1, dim>() : last_increment[t];
              double    *hit    = n_regions ? &first_passage[t * n_regions] : nullptr;
              const auto sample = [&](const Point<dim> &z) {
                ++counts[domain.index(z)];
                sums[layout.weight] += 1.;
                for (unsigned int i = 0; i < dim; ++i)
                  {
                    sums[layout.first + i] += z[i];
                    for (unsigned int j = 0; j < dim; ++j)
                      sums[layout.second + i * dim + j] += z[i] * z[j];
                  }
              };
              bool pending = false;
              if (!work.stationary && start == work.sample_step && alive[t])
                {
                  sample(x);
                  pending = true;
                }
              for (std::uint64_t s = start; s < work.end_step && alive[t]; ++s)
                {
                  if (!stepper.step(rng, s, x, y, d, eta, work.clamped[thread]))
                    {
                      alive[t]      = 0;
                      absorption[t] = (s + 1) * dt;
                      break;
                    }
                  if (pending)
                    {
                      // Pair (X_k, X_k+1) with X_k = x: current, e_p, area.
                      const unsigned int cell = domain.index(x);
                      if (work.centred) // X_k−1 exists
                        for (unsigned int i = 0; i < dim; ++i)
                          displacement[cell * dim + i] += static_cast<Fixed>(
                              std::llround((previous_d[i] + d[i]) * inverse_quantum));
                      // Targets, minus the noise terms F(X_k)·η and ½(x_i η_j − x_j η_i),
                      // which have mean zero since η is independent of X_k.
                      double y[1 + dim * (dim - 1) / 2];
                      y[0] = (dynamics.force(x + 0.5 * d) * d - dynamics.force(x) * eta) /
                             dt;
                      for (unsigned int i = 0, p = 1; i < dim; ++i)
                        for (unsigned int j = i + 1; j < dim; ++j, ++p)
                          y[p] = 0.5 * (x[i] * (d[j] - eta[j]) - x[j] * (d[i] - eta[i])) /
                                 dt;
                      // Control variates (φ(X_k+1) − φ(X_k) − ∇φ(X_k)·η)/Δt for
                      // φ = x_i and x_i x_j: mean zero for the stationary chain,
                      // reflections included (not in periodic directions).
                      double       c[dim + dim * (dim + 1) / 2];
                      unsigned int m = 0;
                      for (unsigned int i = 0; i < dim; ++i)
                        c[m++] = periodic[i] ? 0. : (d[i] - eta[i]) / dt;
                      for (unsigned int i = 0; i < dim; ++i)
                        for (unsigned int j = i; j < dim; ++j)
                          c[m++] = periodic[i] || periodic[j]
                                       ? 0.
                                       : (x[i] * (d[j] - eta[j]) +
                                          x[j] * (d[i] - eta[i]) + d[i] * d[j]) /
                                             dt;
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
                      pending = false;
                    }
                  x          = y;
                  previous_d = d;
                  for (unsigned int r = 0; r < n_regions; ++r)
                    if (hit[r] < 0. && regions[r]->value(x) > 0.)
                      hit[r] = (s + 1) * dt;
                  if (work.stationary && s + 1 >= work.burn_in &&
                      (s + 1 - work.burn_in) % work.interval == 0 &&
                      s + 1 < work.end_step)
                    {
                      sample(x);
                      pending = true;
                    }
                  else if (!work.stationary && s + 1 == work.sample_step)
                    {
                      sample(x);
                      pending = true;
                    }
                }
              positions[t] = x;
              if (!work.stationary)
                last_increment[t] = previous_d;
              done += work.end_step - start;
              if (thread == 0)
                report();
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
    (void)quantum;
  }

  template <int dim>
  void
  Ensemble<dim>::dispatch(Work &work)
  {
    const unsigned int B = parameters.n_batches;
    work.batch_counts.assign(static_cast<std::size_t>(B) * bins->size(), 0);
    work.batch_sums.assign(B * layout.size, 0.);
    if (const auto *box = dynamic_cast<const BoxGrid<dim> *>(bins.get()))
      run_with(*box, work);
    else if constexpr (dim > 1)
      run_with(dynamic_cast<const MeshCells<dim> &>(*bins), work);
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
        for (std::uint64_t trajectory =
                 static_cast<std::uint64_t>(b) * parameters.n_trajectories / B;
             trajectory <
             static_cast<std::uint64_t>(b + 1) * parameters.n_trajectories / B;
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
    MPI_Allreduce(MPI_IN_PLACE,
                  work.batch_sums.data(),
                  work.batch_sums.size(),
                  MPI_DOUBLE,
                  MPI_SUM,
                  communicator);
    MPI_Allreduce(MPI_IN_PLACE,
                  work.batch_counts.data(),
                  work.batch_counts.size(),
                  MPI_UINT32_T,
                  MPI_SUM,
                  communicator);
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
          stationary ? MonteCarlo::batch_dispersion(
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
    return result;
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

  template struct Observation<1>;
  template struct Observation<2>;
  template struct Observation<3>;
  template class Ensemble<1>;
  template class Ensemble<2>;
  template class Ensemble<3>;
} // namespace FokkerPlanck::MonteCarlo

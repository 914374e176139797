#include <fokker_planck/base/instantiate.h>
#include <fokker_planck/sampling/kramers_moyal.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>

namespace FokkerPlanck::Sampling
{
  namespace
  {
    /**
     * The inverse of the symmetric positive definite n × n matrix @p S
     * (n ≤ 4, row-major) by Gauss–Jordan elimination; false if a pivot is
     * below 1e-10 times the largest diagonal entry (a degenerate design).
     */
    template <int n>
    bool
    invert_spd(std::array<double, n * n> S, std::array<double, n * n> &inverse)
    {
      double scale = 0.;
      for (int i = 0; i < n; ++i)
        scale = std::max(scale, std::abs(S[i * n + i]));
      inverse.fill(0.);
      for (int i = 0; i < n; ++i)
        inverse[i * n + i] = 1.;
      for (int p = 0; p < n; ++p)
        {
          const double pivot = S[p * n + p];
          if (!(pivot > 1e-10 * scale))
            return false;
          for (int j = 0; j < n; ++j)
            {
              S[p * n + j] /= pivot;
              inverse[p * n + j] /= pivot;
            }
          for (int i = 0; i < n; ++i)
            if (i != p)
              {
                const double f = S[i * n + p];
                for (int j = 0; j < n; ++j)
                  {
                    S[i * n + j] -= f * S[p * n + j];
                    inverse[i * n + j] -= f * inverse[p * n + j];
                  }
              }
        }
      return true;
    }

    /** The pairs of consecutive samples, sorted by the kernel cell of X_k. */
    template <int dim>
    class PairIndex
    {
    public:
      PairIndex(const Trajectories<dim> &trajectories, const dealii::Tensor<1, dim> &h)
          : h(h)
      {
        for (unsigned int i = 0; i < dim; ++i)
          {
            low[i]  = std::numeric_limits<double>::infinity();
            high[i] = -low[i];
          }
        for (const auto &x : trajectories.points)
          for (unsigned int i = 0; i < dim; ++i)
            {
              low[i]  = std::min(low[i], x[i]);
              high[i] = std::max(high[i], x[i]);
            }
        for (unsigned int i = 0; i < dim; ++i)
          n_cells[i] =
              static_cast<std::uint64_t>(std::min((high[i] - low[i]) / h[i], 1e6)) + 1;
        std::vector<std::pair<std::uint64_t, std::size_t>> keyed;
        for (std::size_t r = 0; r < trajectories.n_runs(); ++r)
          for (std::size_t k = trajectories.run_begin[r];
               k + 1 < trajectories.run_begin[r + 1];
               ++k)
            {
              std::array<std::int64_t, dim> c;
              for (unsigned int i = 0; i < dim; ++i)
                c[i] = cell(trajectories.points[k][i], i);
              keyed.emplace_back(key(c), k);
            }
        std::sort(keyed.begin(), keyed.end());
        for (const auto &[k, p] : keyed)
          {
            keys.push_back(k);
            pairs.push_back(p);
          }
      }

      /** Call @p f(k) for the pairs whose X_k is within h of @p x (a superset). */
      template <class F>
      void
      for_each_near(const dealii::Point<dim> &x, const F &f) const
      {
        std::array<std::int64_t, dim> first, last;
        for (unsigned int i = 0; i < dim; ++i)
          {
            first[i] = std::max<std::int64_t>(0, cell(x[i] - h[i], i));
            last[i]  = std::min<std::int64_t>(n_cells[i] - 1, cell(x[i] + h[i], i));
            if (first[i] > last[i])
              return;
          }
        // Axis 0 is contiguous in key order: one binary search per row.
        std::array<std::int64_t, dim> c = first;
        while (true)
          {
            c[0]             = first[0];
            const auto begin = std::lower_bound(keys.begin(), keys.end(), key(c));
            c[0]             = last[0];
            const auto end   = std::upper_bound(begin, keys.end(), key(c));
            for (auto it = begin; it != end; ++it)
              f(pairs[it - keys.begin()]);
            unsigned int i = 1;
            for (; i < dim; ++i)
              {
                if (++c[i] <= last[i])
                  break;
                c[i] = first[i];
              }
            if (i >= dim)
              return;
          }
      }

    private:
      std::int64_t
      cell(const double x, const unsigned int i) const
      {
        return static_cast<std::int64_t>(std::floor((x - low[i]) / h[i]));
      }

      std::uint64_t
      key(const std::array<std::int64_t, dim> &c) const
      {
        std::uint64_t k = 0;
        for (int i = dim - 1; i >= 0; --i)
          k = k * n_cells[i] + static_cast<std::uint64_t>(c[i]);
        return k;
      }

      const dealii::Tensor<1, dim>   h;
      std::array<double, dim>        low, high;
      std::array<std::uint64_t, dim> n_cells;
      std::vector<std::uint64_t>     keys;
      std::vector<std::size_t>       pairs;
    };

    /**
     * The local-linear kernel regression at one point x₀: the pairs within
     * the kernel's support with their weights w = K((X_k − x₀)/h) Δt and
     * regressors z = (1, (X_k − x₀)/h), the design S = Σ w z zᵀ and its
     * inverse.
     */
    template <int dim>
    class LocalLinearFit
    {
    public:
      static constexpr int p  = dim + 1;
      static constexpr int m2 = dealii::SymmetricTensor<2, dim>::n_independent_components;

      LocalLinearFit(const Trajectories<dim>      &trajectories,
                     const dealii::Tensor<1, dim> &h)
          : x(trajectories.points)
          , t(trajectories.time)
          , h(h)
      {
      }

      /** Collect the pairs of @p index whose X_k is inside the support at @p x0. */
      void
      gather(const PairIndex<dim> &index, const dealii::Point<dim> &x0)
      {
        near.clear();
        index.for_each_near(x0, [&](const std::size_t k) {
          Near pair{k, 1., t[k + 1] - t[k], {}};
          pair.z[0] = 1.;
          for (unsigned int i = 0; i < dim; ++i)
            {
              const double u = (x[k][i] - x0[i]) / h[i];
              if (std::abs(u) >= 1.)
                return;
              pair.w *= 1. - u * u;
              pair.z[1 + i] = u;
            }
          pair.w *= pair.dt;
          near.push_back(pair);
        });
      }

      std::size_t
      size() const
      {
        return near.size();
      }

      /** S and its inverse; false if the design is degenerate. */
      bool
      set_up()
      {
        std::array<double, p * p> S{};
        sum_w = sum_w2 = sum_w_dt = 0.;
        for (const auto &pair : near)
          {
            for (int a = 0; a < p; ++a)
              for (int b = 0; b < p; ++b)
                S[a * p + b] += pair.w * pair.z[a] * pair.z[b];
            sum_w += pair.w;
            sum_w2 += pair.w * pair.w;
            sum_w_dt += pair.w * pair.dt;
          }
        if (!invert_spd<p>(S, S_inverse))
          return false;
        // Σ w² zᵀ S⁻¹ z: what the fitted drift takes out of Σ w r².
        double leverage = 0.;
        for (const auto &pair : near)
          {
            double q = 0.;
            for (int a = 0; a < p; ++a)
              for (int b = 0; b < p; ++b)
                q += pair.z[a] * S_inverse[a * p + b] * pair.z[b];
            leverage += pair.w * pair.w * q;
          }
        degrees_of_freedom = sum_w / (sum_w - leverage);
        return degrees_of_freedom > 0.;
      }

      double
      time_step() const
      {
        return sum_w_dt / sum_w;
      }

      double
      effective_samples() const
      {
        return sum_w * sum_w / sum_w2;
      }

      /**
       * M and C at x₀ with their standard errors, with the first-order
       * finite-Δt correction if @p correct.
       */
      /** ∇M at x₀ from the slopes of the local-linear drift fit. */
      dealii::Tensor<2, dim>
      drift_gradient() const
      {
        const auto             beta1 = fit(increment_rate(), dim);
        dealii::Tensor<2, dim> G;
        for (unsigned int i = 0; i < dim; ++i)
          for (unsigned int j = 0; j < dim; ++j)
            G[i][j] = beta1[(1 + j) * dim + i] / h[j];
        return G;
      }

      /**
       * M and C at x₀ with their standard errors, with the first-order
       * finite-Δt correction made with the drift gradient @p G if
       * @p correct.
       */
      void
      estimate(const bool                       correct,
               const dealii::Tensor<2, dim>    &G,
               dealii::Tensor<1, dim>          &M,
               dealii::Tensor<1, dim>          &M_error,
               dealii::SymmetricTensor<2, dim> &C,
               dealii::SymmetricTensor<2, dim> &C_error) const
      {
        const auto first = increment_rate();
        const auto beta1 = fit(first, dim);
        // The increment minus the drift of the fit at X_k.
        const auto second = [&](const Near &pair, double *y) {
          std::array<double, dim> r;
          for (unsigned int i = 0; i < dim; ++i)
            {
              double m = 0.;
              for (int a = 0; a < p; ++a)
                m += beta1[a * dim + i] * pair.z[a];
              r[i] = x[pair.k + 1][i] - x[pair.k][i] - m * pair.dt;
            }
          for (int c = 0; c < m2; ++c)
            {
              const auto ij =
                  dealii::SymmetricTensor<2, dim>::unrolled_to_component_indices(c);
              y[c] = r[ij[0]] * r[ij[1]] / pair.dt;
            }
        };
        const auto beta2 = fit(second, m2);
        const auto e1    = errors(first, dim, beta1);
        const auto e2    = errors(second, m2, beta2);

        for (unsigned int i = 0; i < dim; ++i)
          {
            M[i]       = beta1[i];
            M_error[i] = e1[i];
          }
        for (int c = 0; c < m2; ++c)
          {
            const auto ij =
                dealii::SymmetricTensor<2, dim>::unrolled_to_component_indices(c);
            C[ij]       = degrees_of_freedom * beta2[c];
            C_error[ij] = degrees_of_freedom * e2[c];
          }
        if (correct)
          {
            const double dt = time_step();
            M -= 0.5 * dt * (G * M);
            const dealii::Tensor<2, dim> GC = G * dealii::Tensor<2, dim>(C);
            C -= 0.5 * dt * dealii::symmetrize(GC + dealii::transpose(GC));
          }
      }

    private:
      struct Near
      {
        std::size_t           k;
        double                w, dt;
        std::array<double, p> z;
      };

      /** The response ΔX/Δt of a pair. */
      auto
      increment_rate() const
      {
        return [this](const Near &pair, double *y) {
          for (unsigned int i = 0; i < dim; ++i)
            y[i] = (x[pair.k + 1][i] - x[pair.k][i]) / pair.dt;
        };
      }

      /** β = S⁻¹ Σ w z yᵀ for the @p m responses y of each pair. */
      template <class Response>
      std::vector<double>
      fit(const Response &response, const int m) const
      {
        std::vector<double> rhs(p * m, 0.), y(m), beta(p * m, 0.);
        for (const auto &pair : near)
          {
            response(pair, y.data());
            for (int a = 0; a < p; ++a)
              for (int c = 0; c < m; ++c)
                rhs[a * m + c] += pair.w * pair.z[a] * y[c];
          }
        for (int a = 0; a < p; ++a)
          for (int b = 0; b < p; ++b)
            for (int c = 0; c < m; ++c)
              beta[a * m + c] += S_inverse[a * p + b] * rhs[b * m + c];
        return beta;
      }

      /**
       * Standard errors of β_0 (the value at x₀): sqrt(Σ l² r²) with the
       * equivalent-kernel weights l = w (S⁻¹ z)_0 and the residuals r.
       */
      template <class Response>
      std::vector<double>
      errors(const Response &response, const int m, const std::vector<double> &beta) const
      {
        std::vector<double> variance(m, 0.), y(m);
        for (const auto &pair : near)
          {
            response(pair, y.data());
            double l = 0.;
            for (int b = 0; b < p; ++b)
              l += S_inverse[b] * pair.z[b];
            l *= pair.w;
            for (int c = 0; c < m; ++c)
              {
                double fitted = 0.;
                for (int a = 0; a < p; ++a)
                  fitted += beta[a * m + c] * pair.z[a];
                variance[c] += l * l * (y[c] - fitted) * (y[c] - fitted);
              }
          }
        for (double &v : variance)
          v = std::sqrt(v);
        return variance;
      }

      const std::vector<dealii::Point<dim>> &x;
      const std::vector<double>             &t;
      const dealii::Tensor<1, dim>           h;
      std::vector<Near>                      near;
      std::array<double, p * p>              S_inverse;
      double                                 sum_w = 0., sum_w2 = 0., sum_w_dt = 0.;
      /**
       * Σw / (Σw − Σ w² zᵀS⁻¹z): the residuals of the fitted drift have
       * E[Σ w r²] = σ² (Σw − Σ w² zᵀS⁻¹z), so C is scaled by it.
       */
      double degrees_of_freedom = 1.;
    };

  } // namespace

  template <int dim>
  unsigned int
  KramersMoyalEstimate<dim>::n_resolved() const
  {
    return static_cast<unsigned int>(std::count(resolved.begin(), resolved.end(), true));
  }

  template <int dim>
  KramersMoyalEstimate<dim>
  estimate_kramers_moyal(const Trajectories<dim>               &trajectories,
                         const std::vector<dealii::Point<dim>> &points,
                         const KramersMoyalSettings<dim>       &settings)
  {
    const double           nan = std::numeric_limits<double>::quiet_NaN();
    dealii::Tensor<1, dim> h   = settings.bandwidth;
    // The rule (two global fits over all pairs) only where no width is given.
    bool given = true;
    for (unsigned int i = 0; i < dim; ++i)
      given = given && h[i] > 0.;
    if (!given)
      {
        const auto fallback = auto_bandwidth(trajectories);
        for (unsigned int i = 0; i < dim; ++i)
          if (!(h[i] > 0.))
            h[i] = fallback[i];
      }
    const PairIndex<dim> index(trajectories, h);

    KramersMoyalEstimate<dim> result;
    result.bandwidth                  = h;
    const std::size_t               n = points.size();
    dealii::Tensor<1, dim>          nan_vector;
    dealii::SymmetricTensor<2, dim> nan_tensor;
    for (unsigned int i = 0; i < dim; ++i)
      {
        nan_vector[i] = nan;
        for (unsigned int j = i; j < dim; ++j)
          nan_tensor[i][j] = nan;
      }
    result.drift.assign(n, nan_vector);
    result.drift_error.assign(n, nan_vector);
    result.noise.assign(n, nan_tensor);
    result.noise_error.assign(n, nan_tensor);
    result.samples.assign(n, 0.);
    result.effective_samples.assign(n, 0.);
    result.time_step.assign(n, nan);
    result.resolved.assign(n, false);

    // The correction's ∇M from a fit 3 times as wide: its noise would
    // otherwise be comparable with the standard error of C.
    const PairIndex<dim> wide_index(trajectories, 3. * h);
    LocalLinearFit<dim>  fit(trajectories, h), wide(trajectories, 3. * h);
    for (std::size_t q = 0; q < n; ++q)
      {
        fit.gather(index, points[q]);
        result.samples[q] = fit.size();
        if (fit.size() < std::max(1U, settings.minimum_samples) || !fit.set_up())
          continue;
        dealii::Tensor<2, dim> G;
        if (settings.correct_time_step)
          {
            wide.gather(wide_index, points[q]);
            G = wide.set_up() ? wide.drift_gradient() : fit.drift_gradient();
          }
        fit.estimate(settings.correct_time_step,
                     G,
                     result.drift[q],
                     result.drift_error[q],
                     result.noise[q],
                     result.noise_error[q]);
        result.effective_samples[q] = fit.effective_samples();
        result.time_step[q]         = fit.time_step();
        result.resolved[q]          = true;
      }
    return result;
  }

#define FP_INSTANTIATE(dim)                                                              \
  template struct KramersMoyalEstimate<dim>;                                             \
  template KramersMoyalEstimate<dim> estimate_kramers_moyal(                             \
      const Trajectories<dim> &,                                                         \
      const std::vector<dealii::Point<dim>> &,                                           \
      const KramersMoyalSettings<dim> &);
  FP_FOR_EACH_DIM(FP_INSTANTIATE)
#undef FP_INSTANTIATE
} // namespace FokkerPlanck::Sampling

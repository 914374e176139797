#include <fokker_planck/monte_carlo/observation.h>
#include <fokker_planck/sampling/moments.h>

#include <cmath>

namespace FokkerPlanck::MonteCarlo
{
  namespace
  {
    /** The per-batch sums weight, first, second are one block of moment sums. */
    template <int dim>
    using MomentBlock = Sampling::Moments<dim>;
  } // namespace

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
    return Sampling::batch_estimate(batch_sums, n_batches, layout.size, f);
  }

  template <int dim>
  Estimate
  Observation<dim>::mean(const unsigned int i) const
  {
    const auto L = layout;
    return estimate(
        [L, i](const double *s) { return MomentBlock<dim>::mean(s + L.weight, i); });
  }

  template <int dim>
  Estimate
  Observation<dim>::covariance(const unsigned int i, const unsigned int j) const
  {
    const auto L = layout;
    return estimate([L, i, j](const double *s) {
      return MomentBlock<dim>::covariance(s + L.weight, i, j);
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
    const auto                L = layout;
    const unsigned int        m = L.n_basis;
    const std::vector<double> total =
        Sampling::batch_totals(batch_sums, n_batches, L.size);
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

  template struct Observation<1>;
  template struct Observation<2>;
  template struct Observation<3>;
} // namespace FokkerPlanck::MonteCarlo

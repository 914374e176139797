#include <fokker_planck/sampling/histogram_tests.h>

#include <boost/math/special_functions/gamma.hpp>

#include <algorithm>
#include <cmath>
#include <random>

namespace FokkerPlanck::Sampling
{
  double
  kolmogorov_q(const double lambda)
  {
    if (lambda < 0.2)
      return 1.;
    double sum = 0.;
    for (int k = 1; k <= 100; ++k)
      sum += (k % 2 ? 2. : -2.) * std::exp(-2. * k * k * lambda * lambda);
    return std::min(1., std::max(0., sum));
  }

  void
  HistogramComparison::columns(
      const double                                            dispersion,
      const bool                                              one_dimensional,
      const std::function<void(const std::string &, double)> &put) const
  {
    put("samples", n_samples);
    put("effective_samples", n_effective);
    put("dispersion", dispersion);
    put("total_variation", total_variation);
    put("tv_band_mean", band_mean);
    put("tv_band_99", band_99);
    put("chi_square", chi_square);
    put("chi_square_dof", chi_square_dof);
    put("chi_square_p", chi_square_p);
    if (one_dimensional)
      {
        put("ks", ks);
        put("ks_p", ks_p);
      }
  }

  HistogramComparison
  compare_histogram(const std::vector<double> &fe_probabilities,
                    const std::vector<double> &counts,
                    const double               dispersion,
                    const unsigned int         draws,
                    const bool                 one_dimensional)
  {
    HistogramComparison result;
    const std::size_t   n_cells = counts.size();
    std::vector<double> P(n_cells), f(n_cells);
    double              P_sum = 0.;
    for (std::size_t c = 0; c < n_cells; ++c)
      {
        P[c] = std::max(0., fe_probabilities[c]);
        P_sum += P[c];
        result.n_samples += counts[c];
      }
    if (result.n_samples <= 0. || P_sum <= 0.)
      return result;
    for (std::size_t c = 0; c < n_cells; ++c)
      {
        P[c] /= P_sum;
        f[c] = counts[c] / result.n_samples;
        result.total_variation += 0.5 * std::abs(f[c] - P[c]);
      }
    result.n_effective = result.n_samples / std::max(dispersion, 1e-12);

    // Sampling band: multinomial draws by sequential binomials.
    std::mt19937_64     generator(20261126);
    std::vector<double> tv(draws, 0.);
    const auto          n = static_cast<long long>(std::llround(result.n_effective));
    for (unsigned int draw = 0; draw < draws; ++draw)
      {
        long long remaining = n;
        double    rest      = 1.;
        for (std::size_t c = 0; c < n_cells && remaining > 0; ++c)
          {
            long long k = 0;
            if (P[c] > 0.)
              {
                const double q = std::min(1., P[c] / rest);
                k              = q >= 1.
                                     ? remaining
                                     : std::binomial_distribution<long long>(remaining, q)(generator);
              }
            tv[draw] += 0.5 * std::abs(static_cast<double>(k) / n - P[c]);
            remaining -= k;
            rest -= P[c];
          }
      }
    std::sort(tv.begin(), tv.end());
    for (const double v : tv)
      result.band_mean += v / draws;
    result.band_99 = tv[std::min<std::size_t>(draws - 1, std::ceil(0.99 * draws) - 1)];

    // χ² with effective counts; cells with E < 5 pooled into one bin.
    double pooled_observed = 0., pooled_expected = 0.;
    int    bins = 0;
    for (std::size_t c = 0; c < n_cells; ++c)
      {
        const double E = P[c] * result.n_effective, O = f[c] * result.n_effective;
        if (E >= 5.)
          {
            result.chi_square += (O - E) * (O - E) / E;
            ++bins;
          }
        else
          {
            pooled_observed += O;
            pooled_expected += E;
          }
      }
    if (pooled_expected >= 5.)
      {
        result.chi_square += (pooled_observed - pooled_expected) *
                             (pooled_observed - pooled_expected) / pooled_expected;
        ++bins;
      }
    result.chi_square_dof = bins > 1 ? bins - 1 : 1;
    result.chi_square_p =
        boost::math::gamma_q(0.5 * result.chi_square_dof, 0.5 * result.chi_square);

    if (one_dimensional)
      {
        double F = 0., F_hat = 0.;
        result.ks = 0.;
        for (std::size_t c = 0; c < n_cells; ++c)
          {
            F += P[c];
            F_hat += f[c];
            result.ks = std::max(result.ks, std::abs(F_hat - F));
          }
        result.ks_p = kolmogorov_q(std::sqrt(result.n_effective) * result.ks);
      }
    return result;
  }
} // namespace FokkerPlanck::Sampling

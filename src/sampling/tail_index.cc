#include <fokker_planck/sampling/tail_index.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>

namespace FokkerPlanck::Sampling
{
  std::size_t
  hill_order(const std::size_t n)
  {
    return static_cast<std::size_t>(std::ceil(std::sqrt(static_cast<double>(n))));
  }

  Estimate
  hill_tail_index(std::vector<double> magnitudes, const std::size_t k)
  {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    if (k == 0 || magnitudes.size() < k + 1)
      return {nan, nan};
    // The k + 1 largest first, x_(k) at position k.
    std::nth_element(magnitudes.begin(),
                     magnitudes.begin() + k,
                     magnitudes.end(),
                     std::greater<double>());
    const double threshold = magnitudes[k];
    if (!(threshold > 0.))
      return {nan, nan};
    double sum = 0.;
    for (std::size_t i = 0; i < k; ++i)
      sum += std::log(magnitudes[i] / threshold);
    const double alpha = static_cast<double>(k) / sum;
    return {alpha, alpha / std::sqrt(static_cast<double>(k))};
  }

  Estimate
  hill_tail_index(std::vector<double> magnitudes)
  {
    const std::size_t k = hill_order(magnitudes.size());
    return hill_tail_index(std::move(magnitudes), k);
  }

  double
  block_stability_index(const std::vector<double> &values)
  {
    const std::size_t n  = values.size();
    const std::size_t K1 = static_cast<std::size_t>(std::floor(std::sqrt(double(n))));
    if (n < 4 || K1 < 2)
      return std::numeric_limits<double>::quiet_NaN();
    const std::size_t K2     = n / K1;
    double            blocks = 0., singles = 0.;
    for (std::size_t i = 0; i < K2; ++i)
      {
        double sum = 0.;
        for (std::size_t j = 0; j < K1; ++j)
          {
            const double x = values[i * K1 + j];
            sum += x;
            singles += std::log(std::abs(x));
          }
        blocks += std::log(std::abs(sum));
      }
    const double inverse = (blocks / K2 - singles / (K1 * K2)) / std::log(double(K1));
    return std::isfinite(inverse) && inverse > 0.
               ? 1. / inverse
               : std::numeric_limits<double>::quiet_NaN();
  }

  Estimate
  mean_and_error(const std::vector<double> &estimates)
  {
    double      sum = 0., square = 0.;
    std::size_t n = 0;
    for (const double e : estimates)
      if (std::isfinite(e))
        {
          sum += e;
          square += e * e;
          ++n;
        }
    const double nan = std::numeric_limits<double>::quiet_NaN();
    if (n == 0)
      return {nan, nan};
    const double mean = sum / n;
    return {mean,
            n > 1 ? std::sqrt(std::max(0., square / n - mean * mean) / (n - 1)) : nan};
  }

  std::vector<Estimate>
  coordinate_tail_indices(const std::vector<double> &coordinates, const unsigned int dim)
  {
    const std::size_t   n = coordinates.size() / dim;
    std::vector<double> median(dim, 0.), column(n);
    for (unsigned int i = 0; i < dim && n > 0; ++i)
      {
        for (std::size_t p = 0; p < n; ++p)
          column[p] = coordinates[p * dim + i];
        std::nth_element(column.begin(), column.begin() + n / 2, column.end());
        median[i] = column[n / 2];
      }
    std::vector<Estimate> result;
    std::vector<double>   norm(n, 0.);
    for (unsigned int i = 0; i < dim; ++i)
      {
        for (std::size_t p = 0; p < n; ++p)
          {
            column[p] = std::abs(coordinates[p * dim + i] - median[i]);
            norm[p] += column[p] * column[p];
          }
        result.push_back(hill_tail_index(column));
      }
    for (double &r : norm)
      r = std::sqrt(r);
    result.push_back(hill_tail_index(std::move(norm)));
    return result;
  }
} // namespace FokkerPlanck::Sampling

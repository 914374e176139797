#include <fokker_planck/sampling/estimate.h>

#include <cmath>

namespace FokkerPlanck::Sampling
{
  std::vector<double>
  batch_totals(const std::vector<double> &batch_sums,
               const unsigned int         n_batches,
               const unsigned int         size)
  {
    std::vector<double> total(size, 0.);
    for (unsigned int b = 0; b < n_batches; ++b)
      for (unsigned int s = 0; s < size; ++s)
        total[s] += batch_sums[b * size + s];
    return total;
  }

  Estimate
  batch_estimate(const std::vector<double>                   &batch_sums,
                 const unsigned int                           n_batches,
                 const unsigned int                           size,
                 const std::function<double(const double *)> &f)
  {
    const std::vector<double> total = batch_totals(batch_sums, n_batches, size);
    Estimate                  result;
    result.value = f(total.data());
    std::vector<double> values;
    for (unsigned int b = 0; b < n_batches; ++b)
      {
        const double v = f(&batch_sums[b * size]);
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
} // namespace FokkerPlanck::Sampling

#include <fokker_planck/sampling/moments.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace FokkerPlanck::Sampling
{
  using namespace dealii;

  template <int dim>
  Moments<dim>
  Moments<dim>::sum(const MPI_Comm communicator) const
  {
    Moments all;
    all.n      = Utilities::MPI::sum(n, communicator);
    all.first  = Utilities::MPI::sum(first, communicator);
    all.second = Utilities::MPI::sum(second, communicator);
    return all;
  }

  template <int dim>
  SampleMoments<dim>
  SampleMoments<dim>::independent(const std::vector<Point<dim>> &points,
                                  const MPI_Comm                 communicator)
  {
    SampleMoments result;
    const double  n =
        Utilities::MPI::sum(static_cast<double>(points.size()), communicator);
    Tensor<1, dim> sum;
    for (const auto &x : points)
      sum += x;
    result.mean = Utilities::MPI::sum(sum, communicator) / n;
    // Per entry: Σ y and Σ y² of y = x_i − m_i and y = (x_i − m_i)(x_j − m_j).
    std::vector<double> sums(2 * (dim + dim * dim), 0.);
    for (const auto &x : points)
      {
        const Tensor<1, dim> y = x - Point<dim>(result.mean);
        for (unsigned int i = 0; i < dim; ++i)
          {
            sums[2 * i] += y[i];
            sums[2 * i + 1] += y[i] * y[i];
            for (unsigned int j = 0; j < dim; ++j)
              {
                const unsigned int k = 2 * (dim + i * dim + j);
                sums[k] += y[i] * y[j];
                sums[k + 1] += y[i] * y[j] * y[i] * y[j];
              }
          }
      }
    Utilities::MPI::sum(sums, communicator, sums);
    const auto error = [n](const double s, const double s2) {
      return n > 1. ? std::sqrt(std::max(0., s2 / n - (s / n) * (s / n)) / (n - 1.))
                    : std::numeric_limits<double>::quiet_NaN();
    };
    for (unsigned int i = 0; i < dim; ++i)
      {
        result.mean_error[i] = error(sums[2 * i], sums[2 * i + 1]);
        for (unsigned int j = i; j < dim; ++j)
          {
            const unsigned int k          = 2 * (dim + i * dim + j);
            result.covariance[i][j]       = sums[k] / n;
            result.covariance_error[i][j] = error(sums[k], sums[k + 1]);
          }
      }
    return result;
  }

  template <int dim>
  SampleMoments<dim>
  SampleMoments<dim>::of_runs(const std::vector<Moments<dim>> &runs,
                              const Moments<dim>              &pooled,
                              const unsigned int               n_runs,
                              const MPI_Comm                   communicator)
  {
    const auto              mean = pooled.mean();
    const auto              cov  = pooled.covariance();
    SymmetricTensor<2, dim> sum_sq;
    Tensor<1, dim>          mean_sq;
    for (const auto &m : runs)
      if (m.n > 0)
        {
          for (unsigned int d = 0; d < dim; ++d)
            mean_sq[d] += (m.first[d] / m.n - mean[d]) * (m.first[d] / m.n - mean[d]);
          // The run's own second moment about the pooled mean.
          const auto c = m.second / m.n -
                         symmetrize(outer_product(m.first / m.n, mean)) * 2. +
                         symmetrize(outer_product(mean, mean));
          for (unsigned int d = 0; d < dim; ++d)
            for (unsigned int e = d; e < dim; ++e)
              sum_sq[d][e] += (c[d][e] - cov[d][e]) * (c[d][e] - cov[d][e]);
        }
    sum_sq                    = Utilities::MPI::sum(sum_sq, communicator);
    mean_sq                   = Utilities::MPI::sum(mean_sq, communicator);
    const auto standard_error = [&](const double square_sum) {
      return n_runs > 1 ? std::sqrt(square_sum / (n_runs * (n_runs - 1.)))
                        : std::numeric_limits<double>::quiet_NaN();
    };
    SampleMoments result;
    result.mean       = mean;
    result.covariance = cov;
    for (unsigned int d = 0; d < dim; ++d)
      {
        result.mean_error[d] = standard_error(mean_sq[d]);
        for (unsigned int e = 0; e < dim; ++e)
          result.covariance_error[d][e] = standard_error(sum_sq[d][e]);
      }
    return result;
  }

  template struct Moments<1>;
  template struct Moments<2>;
  template struct Moments<3>;
  template struct SampleMoments<1>;
  template struct SampleMoments<2>;
  template struct SampleMoments<3>;
} // namespace FokkerPlanck::Sampling

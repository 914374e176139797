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

  template struct Moments<1>;
  template struct Moments<2>;
  template struct Moments<3>;
  template struct SampleMoments<1>;
  template struct SampleMoments<2>;
  template struct SampleMoments<3>;
} // namespace FokkerPlanck::Sampling

/**
 * @file
 * Moments of SGD samples: the running sums of one run or one output time,
 * and the mean and covariance with standard errors that are compared with
 * the finite-element moments (sampling: these are among the moment
 * accumulators the sampling layer gathers).
 */
#pragma once

#include <deal.II/base/mpi.h>
#include <deal.II/base/point.h>
#include <deal.II/base/symmetric_tensor.h>
#include <deal.II/base/tensor.h>

#include <vector>

namespace FokkerPlanck::Sgd
{
  /** Sums over samples of 1, x and x xᵀ. */
  template <int dim>
  struct Moments
  {
    double                          n = 0.;
    dealii::Tensor<1, dim>          first;
    dealii::SymmetricTensor<2, dim> second;

    void
    add(const dealii::Point<dim> &x)
    {
      n += 1.;
      first += x;
      second += dealii::symmetrize(
          dealii::outer_product(dealii::Tensor<1, dim>(x), dealii::Tensor<1, dim>(x)));
    }

    /** The same moments summed over all ranks. */
    Moments
    sum(MPI_Comm communicator) const;

    dealii::Tensor<1, dim>
    mean() const
    {
      return first / n;
    }

    dealii::SymmetricTensor<2, dim>
    covariance() const
    {
      const auto m = mean();
      return second / n - dealii::symmetrize(dealii::outer_product(m, m));
    }
  };

  /** Mean and covariance of SGD samples with entrywise standard errors. */
  template <int dim>
  struct SampleMoments
  {
    dealii::Tensor<1, dim>          mean, mean_error;
    dealii::SymmetricTensor<2, dim> covariance, covariance_error;

    /**
     * Moments of independent @p points (each rank passes its own), with
     * standard errors sqrt(var/n) of x_i and of (x_i − m_i)(x_j − m_j).
     */
    static SampleMoments
    independent(const std::vector<dealii::Point<dim>> &points, MPI_Comm communicator);

    /**
     * Moments of the samples pooled over runs (@p runs: the sums of each of
     * this rank's runs; @p pooled: their total over all ranks, n > 0), with
     * standard errors from the spread of the per-run averages over the
     * @p n_runs independent runs (NaN for a single run).
     */
    static SampleMoments
    of_runs(const std::vector<Moments<dim>> &runs,
            const Moments<dim>              &pooled,
            unsigned int                     n_runs,
            MPI_Comm                         communicator);
  };

  extern template struct Moments<1>;
  extern template struct Moments<2>;
  extern template struct Moments<3>;
  extern template struct SampleMoments<1>;
  extern template struct SampleMoments<2>;
  extern template struct SampleMoments<3>;
} // namespace FokkerPlanck::Sgd

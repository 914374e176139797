/**
 * @file
 * The moment accumulator of sampled points: sums of 1, x and x xᵀ, the
 * mean and covariance they give, and means and covariances with standard
 * errors (SampleMoments). Monte Carlo keeps the same sums as one block of
 * its per-batch sums (the static functions), SGD as a Moments object per
 * output time and per run.
 */
#pragma once

#include <deal.II/base/mpi.h>
#include <deal.II/base/point.h>
#include <deal.II/base/symmetric_tensor.h>
#include <deal.II/base/tensor.h>

#include <vector>

namespace FokkerPlanck::Sampling
{
  /** Sums over samples of 1, x and x xᵀ. */
  template <int dim>
  struct Moments
  {
    double                          n = 0.;
    dealii::Tensor<1, dim>          first;
    dealii::SymmetricTensor<2, dim> second;

    /** Count the sample @p x. */
    void
    add(const dealii::Point<dim> &x)
    {
      n += 1.;
      first += x;
      second += dealii::symmetrize(
          dealii::outer_product(dealii::Tensor<1, dim>(x), dealii::Tensor<1, dim>(x)));
    }

    /** Add the sums of @p other. */
    Moments &
    operator+=(const Moments &other)
    {
      n += other.n;
      first += other.first;
      second += other.second;
      return *this;
    }

    /** The same moments summed over all ranks. */
    Moments
    sum(MPI_Comm communicator) const;

    dealii::Tensor<1, dim>
    mean() const
    {
      return first / n;
    }

    /** The (biased) covariance second/n − mean meanᵀ. */
    dealii::SymmetricTensor<2, dim>
    covariance() const
    {
      const auto m = mean();
      return second / n - dealii::symmetrize(dealii::outer_product(m, m));
    }

    /** Number of doubles of the same sums as one flat block (see add()). */
    static constexpr unsigned int block_size = 1 + dim + dim * dim;

    /**
     * Count @p x in the flat block @p sums: [n, Σ x_i, Σ x_i x_j (dim × dim,
     * row-major)].
     */
    static void
    add(double *sums, const dealii::Point<dim> &x)
    {
      sums[0] += 1.;
      for (unsigned int i = 0; i < dim; ++i)
        {
          sums[1 + i] += x[i];
          for (unsigned int j = 0; j < dim; ++j)
            sums[1 + dim + i * dim + j] += x[i] * x[j];
        }
    }

    /** Mean of coordinate @p i of a flat block. */
    static double
    mean(const double *sums, const unsigned int i)
    {
      return sums[1 + i] / sums[0];
    }

    /** Covariance of coordinates @p i and @p j of a flat block. */
    static double
    covariance(const double *sums, const unsigned int i, const unsigned int j)
    {
      const double n = sums[0];
      return sums[1 + dim + i * dim + j] / n - sums[1 + i] * sums[1 + j] / (n * n);
    }
  };

  /** Mean and covariance of samples with entrywise standard errors. */
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
} // namespace FokkerPlanck::Sampling

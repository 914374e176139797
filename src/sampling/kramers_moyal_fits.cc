// The global fits around the Kramers–Moyal estimate: the rule-of-thumb
// bandwidth ('Bandwidth = auto') from global quadratic fits, and the affine
// model fitted to the resolved estimates.

#include <deal.II/lac/full_matrix.h>
#include <deal.II/lac/vector.h>

#include <fokker_planck/base/instantiate.h>
#include <fokker_planck/sampling/kramers_moyal.h>

#include <algorithm>
#include <array>
#include <cmath>

namespace FokkerPlanck::Sampling
{
  namespace
  {
    double
    quantile(std::vector<double> values, const double q)
    {
      const std::size_t k = static_cast<std::size_t>(q * (values.size() - 1));
      std::nth_element(values.begin(), values.begin() + k, values.end());
      return values[k];
    }

    /** min(standard deviation, IQR / 1.349) and the mean of each coordinate. */
    template <int dim>
    void
    robust_spreads(const std::vector<dealii::Point<dim>> &x,
                   dealii::Tensor<1, dim>                &s,
                   dealii::Tensor<1, dim>                &mean)
    {
      for (unsigned int i = 0; i < dim; ++i)
        {
          std::vector<double> column(x.size());
          double              square = 0.;
          for (std::size_t k = 0; k < x.size(); ++k)
            {
              column[k] = x[k][i];
              mean[i] += x[k][i];
              square += x[k][i] * x[k][i];
            }
          mean[i] /= x.size();
          const double sd =
              std::sqrt(std::max(0., square / x.size() - mean[i] * mean[i]));
          const double iqr = quantile(column, 0.75) - quantile(column, 0.25);
          s[i]             = iqr > 0. ? std::min(sd, iqr / 1.349) : sd;
        }
    }

    /**
     * Least-squares fits, over the pairs of @p trajectories, of responses
     * y(X_k, ΔX, Δt) on the quadratic polynomials in u = (X_k − mean)/s:
     * coefficients, residual variances and the curvature tr ∇²_u m.
     */
    template <int dim>
    class QuadraticFit
    {
    public:
      static constexpr unsigned int p = (dim + 1) * (dim + 2) / 2;

      QuadraticFit(const Trajectories<dim>      &trajectories,
                   const dealii::Tensor<1, dim> &mean,
                   const dealii::Tensor<1, dim> &s)
          : trajectories(trajectories)
          , mean(mean)
          , s(s)
          , inverse(p, p)
      {
        for_each_pair([&](const std::size_t k, double) {
          const auto phi = regressors(trajectories.points[k]);
          for (unsigned int a = 0; a < p; ++a)
            for (unsigned int b = 0; b < p; ++b)
              inverse(a, b) += phi[a] * phi[b];
        });
        inverse.gauss_jordan();
      }

      /** Call f(k, Δt) for every pair (X_k, X_k+1). */
      template <class F>
      void
      for_each_pair(const F &f) const
      {
        const auto &t = trajectories.time;
        for (std::size_t r = 0; r < trajectories.n_runs(); ++r)
          for (std::size_t k = trajectories.run_begin[r];
               k + 1 < trajectories.run_begin[r + 1];
               ++k)
            f(k, t[k + 1] - t[k]);
      }

      std::array<double, p>
      regressors(const dealii::Point<dim> &y) const
      {
        std::array<double, p> phi;
        unsigned int          c = 0;
        phi[c++]                = 1.;
        for (unsigned int i = 0; i < dim; ++i)
          phi[c++] = (y[i] - mean[i]) / s[i];
        for (unsigned int i = 0; i < dim; ++i)
          for (unsigned int j = i; j < dim; ++j)
            phi[c++] = phi[1 + i] * phi[1 + j];
        return phi;
      }

      /**
       * Fit the @p m responses response(k, Δt, y): the coefficients
       * (p × m, row-major) into @p beta; returns the residual variances.
       */
      template <class Response>
      std::vector<double>
      fit(const Response &response, const unsigned int m, std::vector<double> &beta) const
      {
        const double        n = static_cast<double>(trajectories.n_pairs());
        std::vector<double> rhs(p * m, 0.), y(m);
        for_each_pair([&](const std::size_t k, const double dt) {
          response(k, dt, y.data());
          const auto phi = regressors(trajectories.points[k]);
          for (unsigned int a = 0; a < p; ++a)
            for (unsigned int c = 0; c < m; ++c)
              rhs[a * m + c] += phi[a] * y[c];
        });
        beta.assign(p * m, 0.);
        for (unsigned int a = 0; a < p; ++a)
          for (unsigned int b = 0; b < p; ++b)
            for (unsigned int c = 0; c < m; ++c)
              beta[a * m + c] += inverse(a, b) * rhs[b * m + c];
        std::vector<double> variance(m, 0.);
        for_each_pair([&](const std::size_t k, const double dt) {
          response(k, dt, y.data());
          const auto phi = regressors(trajectories.points[k]);
          for (unsigned int c = 0; c < m; ++c)
            {
              double fitted = 0.;
              for (unsigned int a = 0; a < p; ++a)
                fitted += beta[a * m + c] * phi[a];
              variance[c] += (y[c] - fitted) * (y[c] - fitted) / n;
            }
        });
        return variance;
      }

      /** tr ∇²_u of response @p c of @p m: twice its u_i² coefficients. */
      static double
      curvature(const std::vector<double> &beta,
                const unsigned int         m,
                const unsigned int         c)
      {
        double       trace  = 0.;
        unsigned int square = 1 + dim;
        for (unsigned int i = 0; i < dim; ++i)
          {
            trace += 2. * beta[square * m + c];
            square += dim - i;
          }
        return trace;
      }

    private:
      const Trajectories<dim>     &trajectories;
      const dealii::Tensor<1, dim> mean, s;
      dealii::FullMatrix<double>   inverse;
    };
  } // namespace

  template <int dim>
  dealii::Tensor<1, dim>
  auto_bandwidth(const Trajectories<dim> &trajectories)
  {
    const auto  &x = trajectories.points;
    const double n = std::max<double>(1., static_cast<double>(trajectories.n_pairs()));
    dealii::Tensor<1, dim> s, mean;
    robust_spreads(x, s, mean);
    const QuadraticFit<dim> quadratic(trajectories, mean, s);
    constexpr unsigned int  p = QuadraticFit<dim>::p;
    constexpr unsigned int m2 = dealii::SymmetricTensor<2, dim>::n_independent_components;

    // The drift responses ΔX/Δt, then the noise responses r_i r_j / Δt with
    // r the increment minus the fitted drift.
    std::vector<double> beta1, beta2;
    const auto          drift = [&](const std::size_t k, const double dt, double *y) {
      for (unsigned int i = 0; i < dim; ++i)
        y[i] = (x[k + 1][i] - x[k][i]) / dt;
    };
    const auto variance = quadratic.fit(drift, dim, beta1);
    const auto noise    = [&](const std::size_t k, const double dt, double *y) {
      const auto              phi = quadratic.regressors(x[k]);
      std::array<double, dim> r;
      for (unsigned int i = 0; i < dim; ++i)
        {
          double m = 0.;
          for (unsigned int a = 0; a < p; ++a)
            m += beta1[a * dim + i] * phi[a];
          r[i] = x[k + 1][i] - x[k][i] - m * dt;
        }
      for (unsigned int c = 0; c < m2; ++c)
        {
          const auto ij =
              dealii::SymmetricTensor<2, dim>::unrolled_to_component_indices(c);
          y[c] = r[ij[0]] * r[ij[1]] / dt;
        }
    };
    const auto noise_variance = quadratic.fit(noise, m2, beta2);

    // λ^(d+4) = d σ² R^d V / (n μ₂² (tr ∇²m)²) for each response (R = 3/5,
    // μ₂ = 1/5 of the Epanechnikov kernel, V = 4^d the region of ±2 in u);
    // the smallest λ, at most 1 (one robust spread). A singular fit gives
    // NaN curvatures, which leave λ = 1.
    double     lambda = 1.;
    const auto update = [&](const std::vector<double> &beta,
                            const unsigned int         m,
                            const std::vector<double> &sigma2) {
      for (unsigned int c = 0; c < m; ++c)
        {
          const double trace = QuadraticFit<dim>::curvature(beta, m, c);
          if (trace * trace > 0.)
            lambda = std::min(lambda,
                              std::pow(dim * sigma2[c] * std::pow(0.6 * 4., dim) /
                                           (n * 0.04 * trace * trace),
                                       1. / (dim + 4)));
        }
    };
    update(beta1, dim, variance);
    update(beta2, m2, noise_variance);
    return lambda * s;
  }

  template <int dim>
  AffineModel<dim>
  fit_affine_model(const KramersMoyalEstimate<dim>       &estimate,
                   const std::vector<dealii::Point<dim>> &points)
  {
    AffineModel<dim> model;
    // Per drift component: the normal equations of Σ w (b_i − a_i·x − c_i)².
    for (unsigned int i = 0; i < dim; ++i)
      {
        dealii::FullMatrix<double> normal(dim + 1, dim + 1);
        dealii::Vector<double>     rhs(dim + 1), solution(dim + 1);
        for (std::size_t q = 0; q < points.size(); ++q)
          if (estimate.resolved[q])
            {
              const double w =
                  1. / (estimate.drift_error[q][i] * estimate.drift_error[q][i]);
              std::array<double, dim + 1> z;
              z[dim] = 1.;
              for (unsigned int d = 0; d < dim; ++d)
                z[d] = points[q][d];
              for (unsigned int a = 0; a <= dim; ++a)
                {
                  rhs[a] += w * z[a] * estimate.drift[q][i];
                  for (unsigned int b = 0; b <= dim; ++b)
                    normal(a, b) += w * z[a] * z[b];
                }
            }
        normal.gauss_jordan();
        normal.vmult(solution, rhs);
        for (unsigned int d = 0; d < dim; ++d)
          model.drift_matrix[i][d] = solution[d];
        model.drift_offset[i] = solution[dim];
      }
    for (unsigned int i = 0; i < dim; ++i)
      for (unsigned int j = i; j < dim; ++j)
        {
          double sum = 0., weight = 0.;
          for (std::size_t q = 0; q < points.size(); ++q)
            if (estimate.resolved[q])
              {
                const double w =
                    1. / (estimate.noise_error[q][i][j] * estimate.noise_error[q][i][j]);
                sum += w * estimate.noise[q][i][j];
                weight += w;
              }
          model.noise[i][j] = sum / weight;
        }
    return model;
  }

#define FP_INSTANTIATE(dim)                                                              \
  template dealii::Tensor<1, dim> auto_bandwidth(const Trajectories<dim> &);             \
  template AffineModel<dim>       fit_affine_model(const KramersMoyalEstimate<dim> &,    \
                                                   const std::vector<dealii::Point<dim>> &);
  FP_FOR_EACH_DIM(FP_INSTANTIATE)
#undef FP_INSTANTIATE
} // namespace FokkerPlanck::Sampling

/**
 * @file
 * Kramers–Moyal estimates of the drift and the noise covariance of an SDE
 * dX = b dt + sqrt(2T) σ dW from recorded trajectories (doc/estimation.md):
 * at each evaluation point x₀ a local-linear kernel regression of the
 * increments of the pairs (X_k, X_k+1) of consecutive samples,
 * - M(x) ≈ E[ΔX | X = x] / Δt (the drift b),
 * - C(x) ≈ E[(ΔX − M Δt)(ΔX − M Δt)ᵀ | X = x] / Δt (the noise
 *   covariance rate 2T D; the drift is taken out before the second moment,
 *   and C is scaled by Σw / (Σw − Σ w² zᵀS⁻¹z) for the degrees of freedom
 *   that the local drift fit takes),
 * with a product Epanechnikov kernel of half-widths h_k, the kernel weight
 * of each pair times its Δt, heteroscedasticity-consistent standard errors
 * from the equivalent kernel, and optionally the first-order correction of
 * the finite-Δt bias:
 *   b = M − (Δt/2) (∇M) M,   2T D = C − (Δt/2) (∇M C + C ∇Mᵀ),
 * exact to first order in Δt for a linear drift and constant D, with ∇M
 * from the slopes of a drift fit three times as wide.
 */
#pragma once

#include <deal.II/base/point.h>
#include <deal.II/base/symmetric_tensor.h>
#include <deal.II/base/tensor.h>

#include <fokker_planck/sampling/trajectories.h>

#include <vector>

namespace FokkerPlanck::Sampling
{
  /** How the estimate is made. */
  template <int dim>
  struct KramersMoyalSettings
  {
    /** Kernel half-widths; zero components are chosen by auto_bandwidth(). */
    dealii::Tensor<1, dim> bandwidth;
    /** Below this many pairs in the kernel's support a point is unresolved. */
    unsigned int minimum_samples = 100;
    /**
     * Whether to apply the first-order finite-Δt correction: for samples of
     * a continuous-time process (or of an Euler-type map recorded every
     * m > 1 steps). Increments of an Euler-type map recorded at every step
     * (SGD iterates, Euler–Maruyama) have no such bias.
     */
    bool correct_time_step = false;
  };

  /** The estimate at each evaluation point. */
  template <int dim>
  struct KramersMoyalEstimate
  {
    /** The kernel half-widths used. */
    dealii::Tensor<1, dim> bandwidth;
    /** b and its standard errors (NaN where unresolved). */
    std::vector<dealii::Tensor<1, dim>> drift, drift_error;
    /** 2T D and its standard errors (NaN where unresolved). */
    std::vector<dealii::SymmetricTensor<2, dim>> noise, noise_error;
    /** Pairs inside the kernel's support, and (Σw)² / Σw². */
    std::vector<double> samples, effective_samples;
    /** The weighted mean Δt of those pairs. */
    std::vector<double> time_step;
    std::vector<bool>   resolved;

    unsigned int
    n_resolved() const;
  };

  /**
   * The rule of 'Bandwidth = auto': h_k = λ s_k, s_k = min(standard
   * deviation, interquartile range / 1.349) of coordinate k, with λ the
   * rule-of-thumb bandwidth of local-linear regression in the coordinates
   * u = (x − mean)/s (the AMISE optimum with the curvature and residual
   * variance of a global quadratic fit): λ^(d+4) = d σ² R^d V /
   * (n μ₂² (tr ∇²m)²), R = 3/5 and μ₂ = 1/5 of the Epanechnikov kernel,
   * V = 4^d, the smallest over the drift and noise responses, and at most 1.
   * A drift that is nearly linear and a noise that is nearly constant give
   * λ = 1.
   */
  template <int dim>
  dealii::Tensor<1, dim>
  auto_bandwidth(const Trajectories<dim> &trajectories);

  /** A drift A x + c and a constant noise rate 2T D. */
  template <int dim>
  struct AffineModel
  {
    dealii::Tensor<2, dim>          drift_matrix;
    dealii::Tensor<1, dim>          drift_offset;
    dealii::SymmetricTensor<2, dim> noise;
  };

  /**
   * The affine drift and the constant noise rate that fit the resolved
   * points of @p estimate at @p points best: weighted least squares with
   * weights 1/error² (at least dim + 1 resolved points).
   */
  template <int dim>
  AffineModel<dim>
  fit_affine_model(const KramersMoyalEstimate<dim>       &estimate,
                   const std::vector<dealii::Point<dim>> &points);

  /** The estimate at @p points. */
  template <int dim>
  KramersMoyalEstimate<dim>
  estimate_kramers_moyal(const Trajectories<dim>               &trajectories,
                         const std::vector<dealii::Point<dim>> &points,
                         const KramersMoyalSettings<dim>       &settings);

  extern template struct KramersMoyalEstimate<1>;
  extern template struct KramersMoyalEstimate<2>;
  extern template struct KramersMoyalEstimate<3>;
} // namespace FokkerPlanck::Sampling

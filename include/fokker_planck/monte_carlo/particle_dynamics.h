/**
 * @file
 * The coefficients of the SDE dX = b dt + sqrt(2T) σ dW (DESIGN.md §1) as
 * the particle stepper needs them, taken from the same Model<dim> object as
 * the finite-element solve:
 * - b, the Itô drift: u, plus T∇·D in the Hänggi–Klimontovich reading;
 * - g = sqrt(2T) L with L Lᵀ = D (Cholesky factor), the noise matrix;
 * - F = (T D)⁻¹ a with a = u − T∇·D (Itô) the Fokker–Planck drift, the
 *   thermodynamic force whose Stratonovich integral gives e_p.
 * Two variants: a general one that calls the model (virtual calls, a
 * Cholesky factorisation per evaluation), and one for the built-in
 * Ornstein–Uhlenbeck model (linear drift, constant noise), which reads H
 * and D from the model once so that the inner loop inlines.
 */
#pragma once

#include <deal.II/base/symmetric_tensor.h>
#include <deal.II/base/tensor.h>

#include <fokker_planck/base/cholesky.h>
#include <fokker_planck/model/model.h>
#include <fokker_planck/model/ornstein_uhlenbeck.h>

#include <cmath>

namespace FokkerPlanck::MonteCarlo
{
  using FokkerPlanck::cholesky;

  /** Coefficients from any Model<dim>, evaluated where needed. */
  template <int dim>
  class GeneralDynamics
  {
  public:
    static constexpr bool constant_noise = false;

    explicit GeneralDynamics(const Model<dim> &model)
        : model(model)
        , T(model.temperature())
        , scale(std::sqrt(2. * model.temperature()))
        , haenggi(model.interpretation() == NoiseInterpretation::haenggi_klimontovich)
    {
    }

    dealii::Tensor<1, dim>
    drift(const dealii::Point<dim> &x) const
    {
      if (haenggi)
        return model.drift(x) + T * model.diffusion_divergence(x);
      return model.drift(x);
    }

    dealii::SymmetricTensor<2, dim>
    diffusion(const dealii::Point<dim> &x) const
    {
      return model.diffusion(x);
    }

    /** g = sqrt(2T) L(D). */
    dealii::Tensor<2, dim>
    noise(const dealii::SymmetricTensor<2, dim> &D) const
    {
      return scale * cholesky(D);
    }

    dealii::Tensor<2, dim>
    noise_at(const dealii::Point<dim> &x) const
    {
      return noise(model.diffusion(x));
    }

    /** F = (T D)⁻¹ a. */
    dealii::Tensor<1, dim>
    force(const dealii::Point<dim> &x) const
    {
      return invert(T * model.diffusion(x)) * model.fokker_planck_drift(x);
    }

  private:
    const Model<dim> &model;
    const double      T, scale;
    const bool        haenggi;
  };

  /** u = −Hx and a constant D: everything inlines. */
  template <int dim>
  class OrnsteinUhlenbeckDynamics
  {
  public:
    static constexpr bool constant_noise = true;

    explicit OrnsteinUhlenbeckDynamics(const OrnsteinUhlenbeckModel<dim> &model)
        : H(model.drift_matrix())
        , D(model.diffusion(dealii::Point<dim>()))
        , g(std::sqrt(2. * model.temperature()) * cholesky(D))
        , force_matrix(-(invert(model.temperature() * D) * H))
    {
    }

    dealii::Tensor<1, dim>
    drift(const dealii::Point<dim> &x) const
    {
      return -(H * x);
    }

    dealii::SymmetricTensor<2, dim>
    diffusion(const dealii::Point<dim> &) const
    {
      return D;
    }

    const dealii::Tensor<2, dim> &
    noise(const dealii::SymmetricTensor<2, dim> &) const
    {
      return g;
    }

    const dealii::Tensor<2, dim> &
    noise_at(const dealii::Point<dim> &) const
    {
      return g;
    }

    dealii::Tensor<1, dim>
    force(const dealii::Point<dim> &x) const
    {
      return force_matrix * x;
    }

  private:
    const dealii::Tensor<2, dim>          H;
    const dealii::SymmetricTensor<2, dim> D;
    const dealii::Tensor<2, dim>          g;
    const dealii::Tensor<2, dim>          force_matrix;
  };
} // namespace FokkerPlanck::MonteCarlo

/**
 * @file
 * Teacher–student linear regression with Gaussian inputs (DESIGN.md §4).
 */
#pragma once

#include <fokker_planck/model/sgd_model.h>

namespace FokkerPlanck
{
  /**
   * Entries of subsection "Model/Linear regression": input covariance H,
   * teacher w*, label noise variance σ². Shared by the Fokker–Planck model
   * and the SGD simulator.
   */
  template <int dim>
  struct LinearRegressionParameters
  {
    /** The model's subsection of "Model". */
    static constexpr const char *subsection = "Linear regression";

    /** Input covariance H of x ~ N(0, H), symmetric positive definite. */
    dealii::SymmetricTensor<2, dim> H;
    /** Teacher weights w*: labels y = w*ᵀx + σε. */
    dealii::Point<dim> teacher;
    /** Label noise variance σ² ≥ 0. */
    double label_noise_variance = 0.;

    static void
    declare_parameters(dealii::ParameterHandler &prm);

    /** Read from the current subsection "Linear regression" and check. */
    void
    parse_parameters(const dealii::ParameterHandler &prm);
  };

  /**
   * The SDE of SGD on L(w) = ½ E(wᵀx − y)² with e = w − w*:
   * L = ½(eᵀHe + σ²), u = −He, C = (eᵀHe + σ²)H + H e eᵀH, T = η/(2B).
   * In 1D with D = C the stationary density is
   * π ∝ (2h e² + σ²)^(−(1 + B/(2ηh))) (doc/sgd_models.md).
   */
  template <int dim>
  class LinearRegressionModel : public SgdModelOf<dim, LinearRegressionParameters<dim>>
  {
  public:
    using Parameters =
        typename SgdModelOf<dim, LinearRegressionParameters<dim>>::Parameters;

    /** The model of @p parameters (T = η/(2B) is set by create_model()). */
    LinearRegressionModel(const Parameters &parameters, double temperature);

    /** Direct construction (tests). */
    LinearRegressionModel(const LinearRegressionParameters<dim> &parameters,
                          const SgdNoiseParameters              &noise);

    dealii::Tensor<1, dim>
    drift(const dealii::Point<dim> &x) const override
    {
      return gradient_flow_drift(x);
    }

    dealii::Tensor<1, dim>
    gradient_flow_drift(const dealii::Point<dim> &x) const override
    {
      return -(parameters.H * (x - parameters.teacher));
    }

    dealii::SymmetricTensor<2, dim>
    gradient_covariance(const dealii::Point<dim> &x) const override;

    double
    loss(const dealii::Point<dim> &x) const override;

    dealii::Point<dim>
    reference_point() const override
    {
      return parameters.teacher;
    }

    std::string
    description() const override;

  private:
    LinearRegressionParameters<dim> parameters;
  };
} // namespace FokkerPlanck

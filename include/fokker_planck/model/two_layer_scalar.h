/**
 * @file
 * The scalar two-layer linear network f = w₂w₁x on the (w₁, w₂) plane
 * (DESIGN.md §4).
 */
#pragma once

#include <fokker_planck/model/sgd_model.h>

namespace FokkerPlanck
{
  /**
   * Entries of subsection "Model/Two-layer scalar": input variance a, teacher
   * v, label noise variance σ². Shared by the model and the SGD simulator.
   */
  struct TwoLayerScalarParameters
  {
    /** The model's subsection of "Model". */
    static constexpr const char *subsection = "Two-layer scalar";

    /** Variance a > 0 of the scalar input x ~ N(0, a). */
    double input_variance = 1.;
    /** Teacher v: labels y = v x + σε. */
    double target = 1.;
    /** Label noise variance σ² ≥ 0. */
    double label_noise_variance = 0.;

    static void
    declare_parameters(dealii::ParameterHandler &prm);

    /** Read from the current subsection "Two-layer scalar". */
    void
    parse_parameters(const dealii::ParameterHandler &prm);
  };

  /**
   * SGD on L = ½E(w₂w₁x − y)² with r = w₂w₁ − v:
   * L = (a/2) r² + σ²/2, u = −∇L = −a r (w₂, w₁),
   * C = (2a²r² + aσ²) n nᵀ with n = (w₂, w₁): rank 1, normal to the level
   * sets of w₁w₂. With δ = 0 D is singular at every point of the plane, so
   * the 2D Fokker–Planck problem is degenerate and the constructor refuses
   * it; a floor δ > 0 (or a Langevin twin) is required. Only dim = 2.
   */
  template <int dim>
  class TwoLayerScalarModel : public SgdModelOf<dim, TwoLayerScalarParameters>
  {
  public:
    using Parameters = typename SgdModelOf<dim, TwoLayerScalarParameters>::Parameters;

    /** The model of @p parameters (T = η/(2B) is set by create_model()). */
    TwoLayerScalarModel(const Parameters &parameters, double temperature);

    /** Direct construction (tests). */
    TwoLayerScalarModel(const TwoLayerScalarParameters &parameters,
                        const SgdNoiseParameters       &noise);

    dealii::Tensor<1, dim>
    drift(const dealii::Point<dim> &x) const override
    {
      return gradient_flow_drift(x);
    }

    dealii::Tensor<1, dim>
    gradient_flow_drift(const dealii::Point<dim> &x) const override;

    dealii::SymmetricTensor<2, dim>
    gradient_covariance(const dealii::Point<dim> &x) const override;

    double
    loss(const dealii::Point<dim> &x) const override;

    dealii::Point<dim>
    reference_point() const override;

    std::string
    description() const override;

  private:
    /** Check dim = 2 and the degenerate case. */
    void
    check() const;

    TwoLayerScalarParameters parameters;
  };
} // namespace FokkerPlanck

/**
 * @file
 * Deep linear networks in the saddle-to-saddle regime, reduced to one
 * end-to-end strength u_α = w_α^L per singular mode (aligned, balanced
 * weights; DESIGN.md §4, derivation in doc/sgd_models.md).
 */
#pragma once

#include <fokker_planck/model/sgd_model.h>

#include <vector>

namespace FokkerPlanck
{
  /**
   * Entries of subsection "Model/Deep linear": depth L, teacher singular
   * values s_α (one per mode, dim modes), label noise variance σ², and the
   * network that the SGD simulator trains (widths, initialisation).
   */
  struct DeepLinearParameters
  {
    /** The model's subsection of "Model". */
    static constexpr const char *subsection = "Deep linear";

    /** Depth L ≥ 1 (number of weight matrices). */
    unsigned int depth = 2;
    /** Teacher singular values s_α > 0, α = 1..dim. */
    std::vector<double> singular_values;
    /** Label noise variance σ² ≥ 0 (per output component). */
    double label_noise_variance = 0.;
    /** Widths n_0 (input), n_1..n_{L−1} (hidden), n_L (output). */
    std::vector<unsigned int> widths;
    /** Initial weights: small Gaussian (as in practice) or aligned-balanced. */
    bool aligned_initialisation = false;
    /** Initialisation scale ε. */
    double initialisation_scale = 0.1;

    static void
    declare_parameters(dealii::ParameterHandler &prm);

    /** Read from the current subsection "Deep linear", for @p n_modes modes. */
    void
    parse_parameters(const dealii::ParameterHandler &prm, unsigned int n_modes);
  };

  /**
   * Per mode α, with w = u^{1/L}, g(u) = 2(u − s)² + σ²:
   * - gradient flow du/dt = −P(u)(u − s), P(u) = L|u|^{2−2/L};
   * - noise D_αα = C_αα = L²|u|^{4−4/L} g(u), modes uncorrelated;
   * - Itô drift u_α = −P(u)(u − s) + T L(L−1) sgn(u)|u|^{3−4/L} g(u);
   * - loss L = ½Σ(u_α − s_α)² + dim σ²/2.
   * The drift is not −∇L but −P∇L (plus the Itô term): the gradient flow
   * of the weights, seen in the end-to-end coordinates.
   */
  template <int dim>
  class DeepLinearModel : public SgdModelOf<dim, DeepLinearParameters>
  {
  public:
    using Parameters = typename SgdModelOf<dim, DeepLinearParameters>::Parameters;

    /** The model of @p parameters (T = η/(2B) is set by create_model()). */
    DeepLinearModel(const Parameters &parameters, double temperature);

    /** Direct construction (tests). */
    DeepLinearModel(const DeepLinearParameters &parameters,
                    const SgdNoiseParameters   &noise);

    dealii::Tensor<1, dim>
    drift(const dealii::Point<dim> &x) const override;

    dealii::Tensor<1, dim>
    gradient_flow_drift(const dealii::Point<dim> &x) const override;

    dealii::SymmetricTensor<2, dim>
    gradient_covariance(const dealii::Point<dim> &x) const override;

    double
    loss(const dealii::Point<dim> &x) const override;

    dealii::Point<dim>
    reference_point() const override;

    std::vector<double>
    mode_targets() const override
    {
      return parameters.singular_values;
    }

    std::string
    description() const override;

  private:
    DeepLinearParameters parameters;
  };
} // namespace FokkerPlanck

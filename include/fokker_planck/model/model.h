/**
 * @file
 * The stochastic model dX = u dt + sqrt(2T) σ dW, D = σσᵀ (DESIGN.md §1),
 * as the finite-element and Monte Carlo code see it.
 */
#pragma once

#include <deal.II/base/bounding_box.h>
#include <deal.II/base/point.h>
#include <deal.II/base/symmetric_tensor.h>
#include <deal.II/base/tensor.h>

#include <string>

namespace FokkerPlanck
{
  /**
   * How the multiplicative noise is read. Itô: the SDE drift is u.
   * Hänggi–Klimontovich ("isothermal"): T∇·D is added to the Itô drift, so
   * that the Fokker–Planck drift a = u − T∇·D becomes a = u.
   */
  enum class NoiseInterpretation
  {
    ito,
    haenggi_klimontovich
  };

  /**
   * A model of the state-space SDE on Ω ⊂ R^dim. Derived classes give the
   * drift u(x), the diffusion matrix D(x) (symmetric positive definite) and
   * optionally a loss L(x). The divergence ∇·D is computed here by
   * fourth-order central differences unless a model knows it exactly.
   */
  template <int dim>
  class Model
  {
  public:
    virtual ~Model() = default;

    /** Drift u(x) of the Itô SDE (units of x per unit time). */
    virtual dealii::Tensor<1, dim>
    drift(const dealii::Point<dim> &x) const = 0;

    /** Diffusion matrix D(x) = σσᵀ (dimensionless; the noise scale is T). */
    virtual dealii::SymmetricTensor<2, dim>
    diffusion(const dealii::Point<dim> &x) const = 0;

    /** (∇·D)_i = Σ_j ∂_j D_ij. Default: fourth-order central differences. */
    virtual dealii::Tensor<1, dim>
    diffusion_divergence(const dealii::Point<dim> &x) const;

    /** Whether a loss L(x) is defined. */
    virtual bool
    has_loss() const
    {
      return false;
    }

    /** The loss L(x); only meaningful if has_loss(). */
    virtual double
    loss(const dealii::Point<dim> &x) const;

    /** The parameter entry that defines D, named in error messages. */
    virtual std::string
    diffusion_entry() const
    {
      return "Model";
    }

    /**
     * Refuse a mesh that reaches where the model is not defined (a model
     * given on a grid, say): throw InputError. @p mesh_box bounds the whole
     * mesh. Default: defined everywhere.
     */
    virtual void
    check_domain(const dealii::BoundingBox<dim> &mesh_box) const
    {
      (void)mesh_box;
    }

    /** One line describing the model, for the summary. */
    virtual std::string
    description() const = 0;

    /** Temperature T > 0. */
    double
    temperature() const
    {
      return T;
    }

    NoiseInterpretation
    interpretation() const
    {
      return noise_interpretation;
    }

    /**
     * The drift of the Fokker–Planck equation in divergence form,
     * a = u − T∇·D (Itô), or a = u (Hänggi–Klimontovich), so that
     * J = a p − T D ∇p.
     */
    dealii::Tensor<1, dim>
    fokker_planck_drift(const dealii::Point<dim> &x) const;

    /** Set T, the interpretation, and the length scale of difference steps. */
    void
    set_common(double              temperature,
               NoiseInterpretation interpretation,
               double              length_scale);

  protected:
    /** Step of finite differences: 1e-3 of the domain's length scale. */
    double
    difference_step() const
    {
      return 1e-3 * length_scale;
    }

  private:
    double              T                    = 1.;
    NoiseInterpretation noise_interpretation = NoiseInterpretation::ito;
    double              length_scale         = 1.;
  };

  extern template class Model<1>;
  extern template class Model<2>;
  extern template class Model<3>;
} // namespace FokkerPlanck

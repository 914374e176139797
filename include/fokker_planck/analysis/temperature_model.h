/**
 * @file
 * A model with the drift, diffusion and loss of another one at a different
 * temperature: used by the continuation in T of the effective potential.
 */
#pragma once

#include <fokker_planck/model/model.h>

namespace FokkerPlanck
{
  /**
   * Forwards u, D, ∇·D and L to @p base; T is set with set_temperature().
   * The Fokker–Planck drift a = u − T∇·D (Itô) follows T.
   */
  template <int dim>
  class TemperatureModel : public Model<dim>
  {
  public:
    explicit TemperatureModel(const Model<dim> &base)
        : base(base)
    {
      set_temperature(base.temperature());
    }

    void
    set_temperature(const double T)
    {
      this->set_common(T, base.interpretation(), 1.);
    }

    dealii::Tensor<1, dim>
    drift(const dealii::Point<dim> &x) const override
    {
      return base.drift(x);
    }

    dealii::SymmetricTensor<2, dim>
    diffusion(const dealii::Point<dim> &x) const override
    {
      return base.diffusion(x);
    }

    dealii::Tensor<1, dim>
    diffusion_divergence(const dealii::Point<dim> &x) const override
    {
      return base.diffusion_divergence(x);
    }

    bool
    has_loss() const override
    {
      return base.has_loss();
    }

    double
    loss(const dealii::Point<dim> &x) const override
    {
      return base.loss(x);
    }

    std::string
    diffusion_entry() const override
    {
      return base.diffusion_entry();
    }

    std::string
    description() const override
    {
      return base.description();
    }

  private:
    const Model<dim> &base;
  };
} // namespace FokkerPlanck

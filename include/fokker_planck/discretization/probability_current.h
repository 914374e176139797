/**
 * @file
 * The probability current J = a p − T D ∇p, a = u − T ∇·D (DESIGN.md §1):
 * the one place where its formula is written. The output fields, the
 * analysis integrals and the Monte Carlo reference all evaluate it here.
 */
#pragma once

#include <deal.II/base/point.h>
#include <deal.II/base/tensor.h>

#include <fokker_planck/model/model.h>

namespace FokkerPlanck
{
  /** J(x) for the density value @p p and gradient @p grad_p at @p x. */
  template <int dim>
  inline dealii::Tensor<1, dim>
  probability_current(const Model<dim>             &model,
                      const dealii::Point<dim>     &x,
                      const double                  p,
                      const dealii::Tensor<1, dim> &grad_p)
  {
    return model.fokker_planck_drift(x) * p -
           model.temperature() * (model.diffusion(x) * grad_p);
  }
} // namespace FokkerPlanck

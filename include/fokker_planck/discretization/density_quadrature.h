/**
 * @file
 * One loop over the quadrature points of the locally owned cells with the
 * value (and, if asked for, the gradient) of a density p_h there: the
 * integrals of the analysis, the Monte Carlo and SGD comparisons and the
 * mode monitor are sums over it. The caller sums its partial results over
 * the ranks.
 */
#pragma once

#include <deal.II/base/point.h>
#include <deal.II/base/tensor.h>

#include <fokker_planck/base/linear_algebra.h>
#include <fokker_planck/discretization/discretization.h>

#include <functional>

namespace FokkerPlanck
{
  /** p_h at one quadrature point. */
  template <int dim>
  struct DensityAtPoint
  {
    dealii::Point<dim>     x;
    double                 value = 0.;
    dealii::Tensor<1, dim> gradient; ///< zero unless gradients were asked for
    double                 JxW = 0.;
  };

  /** What is called at each quadrature point. */
  template <int dim>
  using DensityPointVisitor = std::function<void(const DensityAtPoint<dim> &)>;

  /** What is called once per cell, before its points. */
  template <int dim>
  using DensityCellVisitor =
      std::function<void(const typename dealii::DoFHandler<dim>::active_cell_iterator &)>;

  /**
   * Visit the quadrature points (Gauss, degree + @p extra_points points per
   * direction) of every locally owned cell; with @p gradients also ∇p_h
   * there. @p on_cell, if given, is called once per cell before its points
   * (for instance to find the bin of the cell). Instantiated for
   * dim = 1, 2, 3.
   */
  template <int dim>
  void
  for_each_density_point(const Discretization<dim>      &discretization,
                         const LA::MPI::Vector          &p,
                         bool                            gradients,
                         const DensityPointVisitor<dim> &on_point,
                         const DensityCellVisitor<dim>  &on_cell      = {},
                         unsigned int                    extra_points = 2);
} // namespace FokkerPlanck

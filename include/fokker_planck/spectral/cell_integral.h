/**
 * @file
 * ∫_Ω f(x, u₁(x), …, u_n(x)) dx for finite-element functions u_i on the
 * discretisation's mesh, by Gauss quadrature, summed over all ranks.
 */
#pragma once

#include <fokker_planck/base/linear_algebra.h>
#include <fokker_planck/discretization/discretization.h>

#include <functional>
#include <vector>

namespace FokkerPlanck
{
  /**
   * @p fields are vectors with constraints distributed (owned or ghosted);
   * @p integrand gets the point and the values of the fields there.
   * Quadrature: Gauss with degree + 1 + @p extra_points points per
   * direction.
   */
  template <int dim>
  double
  integrate_fields(const Discretization<dim>                  &discretization,
                   const std::vector<const LA::MPI::Vector *> &fields,
                   const std::function<double(const dealii::Point<dim> &,
                                              const std::vector<double> &)> &integrand,
                   unsigned int extra_points = 1);

  /**
   * Several integrals in one pass: @p integrand adds its values at a point
   * to @p out (size @p n_integrals, zeroed before each point).
   */
  template <int dim>
  std::vector<double>
  integrate_fields(const Discretization<dim>                        &discretization,
                   const std::vector<const LA::MPI::Vector *>       &fields,
                   unsigned int                                      n_integrals,
                   const std::function<void(const dealii::Point<dim> &,
                                            const std::vector<double> &,
                                            std::vector<double> &)> &integrand,
                   unsigned int                                      extra_points = 1);
} // namespace FokkerPlanck

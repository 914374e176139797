/**
 * @file
 * The weighted Poisson problems of the analysis: the Helmholtz potential
 * ∇·(D∇S_H) = −∇·a with the no-flux condition (DESIGN.md §2), and the 2D
 * stream function −Δψ = ∂₁J₂ − ∂₂J₁ with ψ = 0 on the boundary.
 */
#pragma once

#include <deal.II/fe/fe_values.h>

#include <fokker_planck/discretization/discretization.h>
#include <fokker_planck/geometry/geometry.h>
#include <fokker_planck/solvers/linear_solver.h>

#include <functional>
#include <vector>

namespace FokkerPlanck
{
  /**
   * Solve (W∇s, ∇φ) = (f, ∇φ) for all test functions φ on the DoFs of
   * @p discretization (its own hanging-node and periodicity constraints, not
   * its absorbing ones), i.e. −∇·(W∇s) = −∇·f with n·(W∇s − f) = 0 on the
   * boundary, or with s = 0 on every non-periodic boundary if
   * @p zero_on_boundary. Without Dirichlet data the solution has mean zero.
   *
   * @param weight     W(x), symmetric positive definite.
   * @param flux       fills f at the quadrature points of the cell on which
   *                   its FEValues argument was last reinitialised.
   * @param solution   ghosted result with constraints distributed.
   */
  template <int dim>
  void
  solve_weighted_poisson(
      const Discretization<dim>    &discretization,
      const GeometryParameters     &geometry,
      const LinearSolverParameters &solver,
      const std::function<dealii::SymmetricTensor<2, dim>(const dealii::Point<dim> &)>
                                                                       &weight,
      const std::function<void(const dealii::FEValues<dim> &,
                               std::vector<dealii::Tensor<1, dim>> &)> &flux,
      bool                                                              zero_on_boundary,
      LA::MPI::Vector                                                  &solution);
} // namespace FokkerPlanck

/**
 * @file
 * The probability current J = a p − T D∇p of a discrete density and what
 * follows from it (DESIGN.md §2): its discrete divergence, the entropy
 * production rate e_p, the mean area production rates Ȧ_ij and, in 2D, the
 * stream function ψ.
 *
 * J is always the flux of the weak form, J_h = a p_h − T D∇p_h, evaluated
 * where it is needed: (A p)_i = −(J_h, ∇φ_i), so the operator that produced
 * π also defines the divergence of its current.
 */
#pragma once

#include <fokker_planck/discretization/discretization.h>
#include <fokker_planck/geometry/geometry.h>
#include <fokker_planck/model/model.h>
#include <fokker_planck/solvers/linear_solver.h>

#include <vector>

namespace FokkerPlanck
{
  /** Integrals of the current of one density. */
  struct CurrentScalars
  {
    /** e_p = ∫ Jᵀ(TD)⁻¹J / p dx (1/time), over p >= floor · max p. */
    double entropy_production = 0.;
    /**
     * Ȧ_ij = ½ ∫ ((x_i − m_i) J_j − (x_j − m_j) J_i) dx (area/time) for the
     * pairs (0,1), (0,2), (1,2) that exist in dim dimensions.
     */
    std::vector<double> area_rates;
    /** ||J_h||_{L2(Ω)}. */
    double current_l2 = 0.;
  };

  /** Coordinate pairs (i, j), i < j, in the order of CurrentScalars::area_rates. */
  std::vector<std::pair<unsigned int, unsigned int>>
  coordinate_pairs(unsigned int dim);

  /**
   * Local entropy-production density Jᵀ(TD)⁻¹J / p (1/(time·volume)), or 0
   * where p < @p floor.
   */
  template <int dim>
  double
  entropy_production_density(const Model<dim>             &model,
                             const dealii::Point<dim>     &x,
                             double                        p,
                             const dealii::Tensor<1, dim> &grad_p,
                             double                        floor);

  /**
   * e_p, Ȧ and ||J|| of density @p p (owned, constraints distributed), by
   * Gauss quadrature with degree + 2 points per direction; @p floor_ratio
   * is AnalysisParameters::density_floor.
   */
  template <int dim>
  CurrentScalars
  current_scalars(const Discretization<dim> &discretization,
                  const Model<dim>          &model,
                  const LA::MPI::Vector     &p,
                  double                     floor_ratio);

  /**
   * The discrete divergence of J_h: the finite-element function d with
   * (d, φ_i) = −(J_h, ∇φ_i) = (A p)_i for every unconstrained test function,
   * i.e. d = M⁻¹ A p (M the mass matrix of the discretisation). It is
   * −∂p/∂t of the semi-discrete equation, so for π it vanishes to the
   * accuracy of the stationary solve. @p divergence is owned.
   */
  template <int dim>
  void
  current_divergence(const Discretization<dim> &discretization,
                     const LA::MPI::Vector     &p,
                     LA::MPI::Vector           &divergence);

  /**
   * The 2D stream function of J_h: (∇ψ, ∇φ) = (J₁, ∂₂φ) − (J₂, ∂₁φ) for
   * all φ vanishing on the boundary, ψ = 0 on every non-periodic boundary,
   * so that J = (∂₂ψ, −∂₁ψ) where J is divergence free and n·J = 0.
   * @p psi is ghosted. In 1D and 3D it is left empty.
   */
  template <int dim>
  void
  stream_function(const Discretization<dim>    &discretization,
                  const GeometryParameters     &geometry,
                  const LinearSolverParameters &solver,
                  const Model<dim>             &model,
                  const LA::MPI::Vector        &p,
                  LA::MPI::Vector              &psi);
} // namespace FokkerPlanck

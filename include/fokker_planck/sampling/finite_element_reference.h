/**
 * @file
 * The finite-element side of a histogram comparison: cell probabilities,
 * cell-averaged currents, moments and the e_p and area-rate integrals of a
 * density p_h on the bins of the samples (Monte Carlo particles or SGD
 * runs).
 */
#pragma once

#include <deal.II/base/symmetric_tensor.h>
#include <deal.II/base/tensor.h>

#include <fokker_planck/base/linear_algebra.h>
#include <fokker_planck/discretization/density_quadrature.h>
#include <fokker_planck/discretization/discretization.h>
#include <fokker_planck/model/model.h>
#include <fokker_planck/sampling/bins.h>

#include <functional>
#include <vector>

namespace FokkerPlanck::Sampling
{
  /**
   * Finite-element quantities on the Monte Carlo bins, for one density p_h:
   * cell probabilities, cell-averaged currents, moments, and the scalars
   * (the analysis stage's integrals, here per Monte Carlo grid):
   * - e_p = ∫ J_hᵀ (T D)⁻¹ a dx, which equals ∫ Jᵀ (T D)⁻¹ J / π dx for
   *   a stationary density with n·J = 0 (the difference is
   *   ∫ J·∇log π = −∫ log π ∇·J = 0) and needs no division by π_h;
   * - Ȧ_ij = ½ ∫ ((x_i − m_i) J_j − (x_j − m_j) J_i) dx,
   * with J_h = a p_h − T D ∇p_h.
   */
  /**
   * for_each_density_point() with the bin of each point: each FE cell goes
   * to the bin that contains the average of its vertices (the same cell of
   * the serial copy of a Gmsh mesh). Throws unless every bin gets exactly
   * one cell.
   */
  template <int dim>
  void
  for_each_binned_point(
      const Discretization<dim> &discretization,
      const Bins<dim>           &grid,
      const LA::MPI::Vector     &p,
      bool                       gradients,
      const std::function<void(unsigned int bin, const DensityAtPoint<dim> &)> &on_point);

  template <int dim>
  struct FiniteElementReference
  {
    std::vector<double>                 probabilities;
    std::vector<dealii::Tensor<1, dim>> currents;
    double                              mass = 0.;
    dealii::Tensor<1, dim>              mean;
    dealii::SymmetricTensor<2, dim>     covariance;
    double                              entropy_production = 0.;
    dealii::Tensor<2, dim>              area_rate;

    /**
     * Integrate over the locally owned cells and sum over ranks. Each FE
     * cell goes to the bin that contains the average of its vertices;
     * throws unless every bin gets exactly one cell. On a curved mesh the
     * integrals are over the FE cells (with the FE mapping), the bins are
     * their straight-edged versions: they differ by the thin slivers between
     * the boundary faces and their chords (doc/monte_carlo.md).
     */
    void
    compute(const Discretization<dim> &discretization,
            const Model<dim>          &model,
            const Bins<dim>           &grid,
            const LA::MPI::Vector     &p);
  };

  extern template struct FiniteElementReference<1>;
  extern template struct FiniteElementReference<2>;
  extern template struct FiniteElementReference<3>;
} // namespace FokkerPlanck::Sampling

/**
 * @file
 * The Helmholtz potential S_H (DESIGN.md §2) and the distances between a
 * density given by its effective potential S and the Boltzmann density
 * exp(−L/T)/Z of the Langevin model.
 */
#pragma once

#include <fokker_planck/discretization/discretization.h>
#include <fokker_planck/geometry/geometry.h>
#include <fokker_planck/model/model.h>
#include <fokker_planck/solvers/linear_solver.h>

namespace FokkerPlanck
{
  /**
   * S_H with ∇·(D∇S_H) = −∇·a in Ω, n·(D∇S_H + a) = 0 on the boundary and
   * ∫S_H = 0 (units of T, i.e. of the loss). a is the Fokker–Planck drift at
   * the model's temperature. Then a = −D∇S_H + r with ∇·r = 0, n·r = 0.
   * @p S_H is ghosted.
   */
  template <int dim>
  void
  helmholtz_potential(const Discretization<dim>    &discretization,
                      const GeometryParameters     &geometry,
                      const LinearSolverParameters &solver,
                      const Model<dim>             &model,
                      LA::MPI::Vector              &S_H);

  /**
   * Distances between π = exp(−S/T)/Z_S and the Boltzmann density
   * ρ = exp(−L/T)/Z_L, all computed from logarithms so that they stay finite
   * when π or ρ underflow (T → 0).
   */
  struct BoltzmannDistances
  {
    /** ∫|π − ρ| dx, between 0 and 2. */
    double l1 = 0.;
    /** KL(π‖ρ) = ∫ π log(π/ρ) dx. */
    double kl_density_boltzmann = 0.;
    /** KL(ρ‖π) = ∫ ρ log(ρ/π) dx. */
    double kl_boltzmann_density = 0.;
  };

  /**
   * BoltzmannDistances of the effective potential @p S (ghosted, on the DoFs
   * of @p discretization) from the model's loss, by Gauss quadrature with
   * degree + 2 points per direction. Needs model.has_loss().
   */
  template <int dim>
  BoltzmannDistances
  boltzmann_distances(const Discretization<dim> &discretization,
                      const Model<dim>          &model,
                      const LA::MPI::Vector     &S);
} // namespace FokkerPlanck

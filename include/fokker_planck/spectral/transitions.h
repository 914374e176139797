/**
 * @file
 * Transitions between two regions A and B of the state space: the mean
 * first-passage time to B, the committor from A to B, and the
 * quasi-stationary distribution and escape rate with B absorbing.
 *
 * All three use the backward (Kolmogorov) operator
 * L*f = a·∇f + T ∇·(D∇f), the adjoint of the Fokker–Planck operator, with
 * n·D∇f = 0 on reflecting boundaries. Its Galerkin matrix is exactly Aᵀ,
 * the transpose of the assembled Fokker–Planck operator A:
 * (Aᵀ)_ij = A_ji = (T D∇φ_j, ∇φ_i) − (a·∇φ_j, φ_i) = (−L*φ_j, φ_i).
 */
#pragma once

#include <deal.II/base/function_parser.h>
#include <deal.II/base/parameter_handler.h>

#include <fokker_planck/base/linear_algebra.h>
#include <fokker_planck/discretization/discretization.h>
#include <fokker_planck/spectral/spectrum.h>

#include <memory>
#include <string>
#include <vector>

namespace FokkerPlanck
{
  /** One region: a muparser expression (> 0 inside) or a box. */
  struct RegionParameters
  {
    std::string expression;
    /** Lower corner then upper corner, 2·dim numbers; empty if unused. */
    std::vector<double> box;

    /** Whether the region is given at all. */
    bool
    given() const
    {
      return !expression.empty() || !box.empty();
    }
  };

  /** Entries of subsection "Transitions". */
  struct TransitionParameters
  {
    bool             compute = false;
    RegionParameters region_a, region_b;
    std::string      constants;
    /** Also compute the quasi-stationary distribution with B absorbing. */
    bool quasi_stationary = true;

    /** Declare the entries; one-to-one entries are bound to the members. */
    void
    declare_parameters(dealii::ParameterHandler &prm);

    /** After the file is parsed: the entries that are not bound one to one. */
    void
    parse_parameters(dealii::ParameterHandler &prm);

    /** Checks that need the dimension; names the entry. */
    void
    check(unsigned int dim) const;
  };

  /** A region of R^dim from RegionParameters. */
  template <int dim>
  class Region
  {
  public:
    /** @p entry ("Transitions/Region A") is named in errors. */
    Region(const RegionParameters &parameters,
           const std::string      &constants,
           const std::string      &entry);

    bool
    contains(const dealii::Point<dim> &x) const;

  private:
    std::vector<double>                          box;
    std::unique_ptr<dealii::FunctionParser<dim>> parser;
  };

  /**
   * Locally owned, unconstrained DoFs whose support points lie in
   * @p region (global indices).
   */
  template <int dim>
  std::vector<dealii::types::global_dof_index>
  dofs_in_region(const Discretization<dim> &discretization, const Region<dim> &region);

  /** Fields and scalars of the transition analysis. */
  struct TransitionResult
  {
    /** τ(x): mean first-passage time to B (0 in B). */
    LA::MPI::Vector mean_first_passage_time;
    /** q(x): probability to reach B before A (0 in A, 1 in B). */
    LA::MPI::Vector committor;
    /** ν: quasi-stationary distribution with B absorbing, ∫ν = 1. */
    LA::MPI::Vector quasi_stationary;
    bool            has_quasi_stationary = false;
    /** Mean of τ over A, weighted by π (or uniform if π is not given). */
    double mfpt_from_a = 0.;
    /** max τ over the domain. */
    double mfpt_max = 0.;
    /** ∫ q π (or ∫ q / |Ω|): the stationary probability of being B-bound. */
    double committor_mean = 0.;
    /** λ₀ with B absorbing: the escape rate; 1/λ₀ the mean exit time. */
    double escape_rate = 0.;
    /** Re λ₁ − λ₀: relaxation rate to the quasi-stationary distribution. */
    double escape_gap = 0.;
    /** ∫ τ ν, which equals 1/λ₀ (discretely as well). */
    double mfpt_from_quasi_stationary = 0.;
    /** Number of DoFs in A and in B (all ranks). */
    unsigned int n_dofs_a = 0, n_dofs_b = 0;
    bool         pi_weighted = false;
  };

  /**
   * Solve the backward problems. @p pi (mass 1, or null) weights the
   * averages; @p spectrum_parameters give shift and tolerances of the
   * quasi-stationary eigenproblem.
   */
  template <int dim>
  TransitionResult
  compute_transitions(const Discretization<dim>  &discretization,
                      const TransitionParameters &parameters,
                      const SpectrumParameters   &spectrum_parameters,
                      const LA::MPI::Vector      *pi);

  /**
   * Solve Aᵀ f = b with Dirichlet values on @p dirichlet (owned DoFs,
   * value from @p values) and f = 0 on constrained DoFs before the
   * constraints are distributed. @p b must be zero on those rows; it is
   * overwritten there. MUMPS through PETSc.
   */
  template <int dim>
  void
  solve_backward(const Discretization<dim>                          &discretization,
                 const std::vector<dealii::types::global_dof_index> &dirichlet,
                 const std::vector<double>                          &values,
                 const LA::MPI::Vector                              &b,
                 LA::MPI::Vector                                    &f);
} // namespace FokkerPlanck

/**
 * @file
 * Eigenvalues and eigenfunctions of the Fokker–Planck generator: the
 * generalised problem A v = λ M v of the discretisation, so that
 * p(t) = Σ_k a_k e^{−λ_k t} v_k solves M dp/dt + A p = 0. With this sign
 * convention Re λ ≥ 0; λ₀ = 0 with v₀ = π for reflecting/periodic
 * boundaries, and λ₀ > 0 is the escape rate with absorbing ones.
 */
#pragma once

#include <deal.II/base/parameter_handler.h>

#include <fokker_planck/base/linear_algebra.h>
#include <fokker_planck/discretization/discretization.h>

#include <complex>
#include <vector>

namespace FokkerPlanck
{
  /** Entries of subsection "Spectrum". */
  struct SpectrumParameters
  {
    /** Whether the run computes the spectrum. */
    bool compute = false;
    /** k: number of eigenvalues with the smallest real parts. */
    unsigned int n_eigenvalues = 6;
    /** Shift σ of shift-and-invert (units 1/time), below the spectrum. */
    double shift = -0.01;
    /** Relative residual tolerance of the Krylov–Schur iteration. */
    double       tolerance      = 1e-10;
    unsigned int max_iterations = 1000;
    /** Also compute left eigenvectors (two-sided Krylov–Schur). */
    bool left_eigenvectors = true;
    /** How many eigenfunctions are written as fields. */
    unsigned int n_written = 4;

    /** Declare the entries; one-to-one entries are bound to the members. */
    void
    declare_parameters(dealii::ParameterHandler &prm);
  };

  /**
   * The k eigenpairs of A v = λ M v with the smallest real parts, sorted by
   * Re λ (then Im λ descending, so a complex pair λ, λ̄ is adjacent).
   *
   * Normalisation: a stationary or quasi-stationary mode (the first one,
   * real) has ∫v = 1, so it is π or the quasi-stationary distribution; the
   * others have unit M-norm, with the largest entry of the real part
   * positive. Left eigenvectors w_k solve Aᵀ w = λ M w (the backward
   * operator: w₀ = 1 when v₀ = π) and are scaled so that wᵀ M v = 1
   * (bilinear, not conjugated), so that the coefficient of v_k in p is
   * a_k = w_kᵀ M p.
   */
  struct Spectrum
  {
    std::vector<std::complex<double>> eigenvalues;
    /** Backward error ‖Av − λMv‖/((‖A‖ + |λ|‖M‖)‖v‖) of each pair (SLEPc). */
    std::vector<double> errors;
    /** Right eigenvectors (constraints distributed), real and imaginary parts. */
    std::vector<LA::MPI::Vector> right_real, right_imag;
    /** Left eigenvectors (empty if not computed). */
    std::vector<LA::MPI::Vector> left_real, left_imag;
    unsigned int                 iterations = 0;
    /** Whether the operator conserves mass (first mode is π, λ₀ = 0). */
    bool   conserving = true;
    double seconds    = 0.;

    /**
     * Conserving: Re λ₁, the slowest relaxation rate (the spectral gap).
     * With absorption: Re λ₁ − λ₀, the rate of relaxation to the
     * quasi-stationary distribution. NaN if fewer than two pairs.
     */
    double
    gap() const;

    /** λ₀: 0 (to rounding) if conserving, the escape rate otherwise. */
    double
    principal() const
    {
      return eigenvalues.empty() ? 0. : eigenvalues.front().real();
    }
  };

  /**
   * Solve A v = λ M v by SLEPc Krylov–Schur with shift-and-invert (MUMPS
   * factorisation of A − σM) on PETSc copies of the matrices. Constrained
   * DoFs (hanging nodes, periodic, absorbing) and the DoFs in
   * @p absorbed (global indices of locally owned DoFs, e.g. a target set)
   * get zero rows in M, so their spurious eigenvalues are infinite and never
   * found; their eigenvector entries are zero (or follow from the
   * constraints). With @p absorbed non-empty or an absorbing boundary the
   * first mode is the quasi-stationary distribution.
   */
  template <int dim>
  Spectrum
  compute_spectrum(const Discretization<dim>                          &discretization,
                   const SpectrumParameters                           &parameters,
                   const std::vector<dealii::types::global_dof_index> &absorbed = {});
} // namespace FokkerPlanck

/**
 * @file
 * The Freidlin–Wentzell quasi-potential S_Q (DESIGN.md §2): the viscosity
 * solution of the Hamilton–Jacobi equation
 *
 *     ∇S_Qᵀ D ∇S_Q + u·∇S_Q = 0,     S_Q = 0 on the attractor x*,
 *
 * the T → 0 limit of the effective potential S = −T log π. It is computed
 * by an ordered line integral method (Dahiya–Cameron) on the vertices of
 * the finite-element mesh, generalised to anisotropic, state-dependent D.
 * See doc/quasi_potential.md.
 */
#pragma once

#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/point.h>

#include <fokker_planck/base/linear_algebra.h>
#include <fokker_planck/discretization/discretization.h>
#include <fokker_planck/model/model.h>

#include <string>
#include <vector>

namespace FokkerPlanck
{
  /** Entries of subsection "Quasi-potential". */
  struct QuasiPotentialParameters
  {
    /** Compute S_Q at all (entry "Enable"). */
    bool enable = false;
    /** True: find the attractor from the drift (entry "Attractor = auto"). */
    bool find_attractor = true;
    /** The attractor x* named in the file (if not "auto"), dim coordinates. */
    std::vector<double> attractor;
    /**
     * Update radius K: a vertex is updated from accepted vertices within
     * distance K·h, h the longest cell diagonal at the newly accepted vertex.
     */
    double update_radius = 4.;
    /** Vertices with S_Q above this value are not computed; 0 = no cut-off. */
    double cutoff = 0.;
    /** Compute S_Q only in the basin of attraction of x* (entry "Restrict to basin"). */
    bool restrict_to_basin = true;
    /**
     * Relative floor ε of the diffusion: where λ_min(D) < ε λ_max (λ_max the
     * largest eigenvalue of D over all vertices), D is replaced by
     * D + (ε λ_max − λ_min) I.
     */
    double diffusion_floor = 1e-8;

    /** Declare the entries; one-to-one entries are bound to the members. */
    void
    declare_parameters(dealii::ParameterHandler &prm);

    /** After the file is parsed: the entries that are not bound one to one. */
    void
    parse_parameters(dealii::ParameterHandler &prm);

    /**
     * Checks that involve other entries: the attractor has @p dim
     * coordinates; S_Q is computed for stationary runs only.
     */
    void
    check(unsigned int dim, bool stationary) const;
  };

  /** What compute_quasi_potential() did. */
  template <int dim>
  struct QuasiPotentialInfo
  {
    /** The attractor x* used (after Newton polishing) with u(x*) = 0. */
    dealii::Point<dim> attractor;
    /** Hessian of S_Q at x*: (Λ)⁻¹ with ∇u Λ + Λ ∇uᵀ = −2 D(x*). */
    dealii::SymmetricTensor<2, dim> hessian;
    /** Number of mesh vertices (all ranks together). */
    unsigned int n_vertices = 0;
    /** Vertices where S_Q was not computed (n_outside_basin + n_beyond_cutoff). */
    unsigned int n_unreached = 0;
    /** Vertices whose flow does not end at x* (only with restrict_to_basin). */
    unsigned int n_outside_basin = 0;
    /** Vertices beyond the cut-off. */
    unsigned int n_beyond_cutoff = 0;
    /** Vertices where D was regularised by the floor. */
    unsigned int n_regularized = 0;
    /** Largest S_Q over reached vertices; unreached vertices get this value. */
    double max_value = 0.;
    /** Wall time of the whole computation (seconds). */
    double seconds = 0.;
  };

  /**
   * Compute S_Q on the vertices of the mesh of @p discretization for the
   * drift u and diffusion D of @p model (the temperature is not used).
   *
   * The whole mesh (vertex coordinates and cell connectivity) is gathered on
   * every rank and every rank runs the same deterministic march, so memory
   * per rank is proportional to the global number of vertices.
   *
   * @param S_Q  On return: an owned vector of the discretization's
   *             DoFHandler with S_Q at the support points (the vertex values
   *             interpolated by Q1 for degree > 1). Unreached vertices carry
   *             info.max_value.
   * @param reached  If not null: 1 at support points where S_Q was computed
   *             (for degree > 1: where all vertices it depends on were), 0
   *             elsewhere.
   *
   * Throws InputError("Quasi-potential/Attractor", ...) if the attractor is
   * outside the domain, no zero of u, or not stable.
   */
  template <int dim>
  QuasiPotentialInfo<dim>
  compute_quasi_potential(const Discretization<dim>      &discretization,
                          const Model<dim>               &model,
                          const QuasiPotentialParameters &parameters,
                          LA::MPI::Vector                &S_Q,
                          LA::MPI::Vector                *reached = nullptr);
} // namespace FokkerPlanck

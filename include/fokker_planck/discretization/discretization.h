/**
 * @file
 * The finite-element discretisation of the Fokker–Planck operator
 * −∇·J, J = a p − T D ∇p (DESIGN.md §1), in weak form
 * (T D∇p − a p, ∇φ). Reflecting boundaries are natural; absorbing ones
 * are constraints p = 0; periodic ones identify opposite faces.
 */
#pragma once

#include <deal.II/base/parameter_handler.h>
#include <deal.II/distributed/tria_base.h>
#include <deal.II/dofs/dof_handler.h>
#include <deal.II/fe/fe_q.h>
#include <deal.II/fe/mapping_q.h>
#include <deal.II/lac/affine_constraints.h>

#include <fokker_planck/base/linear_algebra.h>
#include <fokker_planck/geometry/geometry.h>
#include <fokker_planck/model/model.h>

#include <memory>

namespace FokkerPlanck
{
  /** Entries of subsection "Discretization". */
  struct DiscretizationParameters
  {
    /** Polynomial degree of the Lagrange elements Q_k. */
    unsigned int degree = 1;
    /**
     * Algebraic upwinding: make every cell matrix an M-matrix by adding the
     * smallest symmetric, zero-row-sum artificial diffusion. Guarantees a
     * positive stationary density and positive implicit-Euler transients
     * (with a lumped mass matrix) at any Péclet number; first order in h.
     */
    bool upwind = false;

    /** Declare the entries, bound to the members above. */
    void
    declare_parameters(dealii::ParameterHandler &prm);
  };

  /**
   * DoFs, constraints and the assembled matrices of one case.
   * After assemble():
   * - operator_matrix A with A_ij = (T D∇φ_j − a φ_j, ∇φ_i), so that
   *   M dp/dt + A p = 0; with reflecting/periodic boundaries 1ᵀA = 0
   *   (probability is conserved) and A is singular with null vector π;
   * - mass_vector m_i = ∫φ_i, so that ∫p_h = mᵀp.
   *
   * The mass matrix M (lumped when upwinding) and the moment vectors
   * ∫x_k φ_i, ∫x_k x_l φ_i do not depend on the model. They are assembled
   * in one pass on first use, so that a stationary solve, which needs
   * neither, does not pay for them. All are condensed with the constraints.
   */
  template <int dim>
  class Discretization
  {
  public:
    Discretization(dealii::parallel::TriangulationBase<dim> &triangulation,
                   const GeometryParameters                 &geometry,
                   const DiscretizationParameters           &parameters);

    /** Distribute DoFs, build constraints and sparsity, size the matrices. */
    void
    setup();

    /**
     * Assemble A and the mass vector for @p model (M and the moment vectors
     * follow on first use). Checks on every quadrature
     * point that D is symmetric positive definite; if not, every rank throws
     * the same InputError naming the model entry and the point.
     */
    void
    assemble(const Model<dim> &model);

    /**
     * Replace A by the exponentially fitted (Scharfetter–Gummel,
     * edge-averaged) operator of @p model; Q1 elements only, after
     * assemble() (whose mass vector is kept). Every pair of vertices i, j
     * of a cell whose D-weighted stiffness entry K_ij is negative is an
     * edge with weight w = −T K_ij and flux w (B(−δ) π_i − B(δ) π_j) from i
     * to j, where B(z) = z/(e^z − 1) and δ = ∫_{x_i}^{x_j} (TD)⁻¹a·dx
     * (Simpson's rule). The result is an M-matrix with zero column sums,
     * exact for exp(−L/T) along an edge when a = −D∇L, and it adds no
     * artificial diffusion: its accuracy does not degrade as T → 0.
     * Returns max |δ| over all edges (the largest cell Péclet number).
     * Defined in fitted_operator.cc.
     */
    double
    assemble_fitted_operator(const Model<dim> &model);

    /**
     * The operator matrix A_ij = (T D∇φ_j − a φ_j, ∇φ_i) of the last
     * assembly, so that M dp/dt + A p = 0; with reflecting or periodic
     * boundaries 1ᵀA = 0 and A is singular with null vector π.
     */
    const LA::MPI::SparseMatrix &
    get_operator_matrix() const
    {
      return operator_matrix;
    }

    /** The mass vector m_i = ∫φ_i, so that ∫p_h = mᵀp. */
    const LA::MPI::Vector &
    get_mass_vector() const
    {
      return mass_vector;
    }

    /** Non-ghosted vector over the locally owned DoFs. */
    void
    initialize_vector(LA::MPI::Vector &vector) const;

    /** Ghosted (read-only) vector including locally relevant DoFs. */
    void
    initialize_ghosted_vector(LA::MPI::Vector &vector) const;

    /** ∫p_h for a vector with constraints distributed. */
    double
    mass(const LA::MPI::Vector &p) const;

    /**
     * The mass matrix M_ij = (φ_j, φ_i), lumped when upwinding. Collective:
     * the first call after setup() assembles it (and the moment vectors) on
     * all ranks, so every rank must make that call.
     */
    const LA::MPI::SparseMatrix &
    get_mass_matrix() const;

    /** ∫x_k φ_i. Collective on first use, like get_mass_matrix(). */
    const LA::MPI::Vector &
    get_first_moment_vector(unsigned int k) const;

    /** Mean ∫x p / ∫p and covariance of the density p. Collective. */
    void
    moments(const LA::MPI::Vector           &p,
            dealii::Tensor<1, dim>          &mean,
            dealii::SymmetricTensor<2, dim> &covariance) const;

    /** Interpolate @p function, apply constraints (owned vector). */
    void
    interpolate(const dealii::Function<dim> &function, LA::MPI::Vector &p) const;

    MPI_Comm
    communicator() const
    {
      return mpi_communicator;
    }

    const dealii::DoFHandler<dim> &
    get_dof_handler() const
    {
      return dof_handler;
    }

    const dealii::Mapping<dim> &
    get_mapping() const
    {
      return *mapping;
    }

    const dealii::FiniteElement<dim> &
    get_fe() const
    {
      return fe;
    }

    const dealii::AffineConstraints<double> &
    get_constraints() const
    {
      return constraints;
    }

    const dealii::IndexSet &
    locally_owned_dofs() const
    {
      return owned_dofs;
    }

    /** Quadrature used for assembly and error norms. */
    dealii::QGauss<dim>
    quadrature() const;

    /** True if no boundary is absorbing (the operator is singular). */
    bool
    conserves_mass() const
    {
      return !geometry.has_absorbing_boundary();
    }

    /** Index of the first locally owned unconstrained DoF of rank 0. */
    dealii::types::global_dof_index
    pinned_dof() const;

    const DiscretizationParameters &
    get_parameters() const
    {
      return parameters;
    }

  private:
    LA::MPI::SparseMatrix operator_matrix;
    LA::MPI::Vector       mass_vector;

    /** M and the moment vectors, assembled by geometric(). */
    struct Geometric
    {
      bool                  assembled = false;
      LA::MPI::SparseMatrix mass_matrix;
      /** ∫x_k φ_i, k = 0..dim-1. */
      std::vector<LA::MPI::Vector> first_moments;
      /** ∫x_k x_l φ_i for k <= l, in SymmetricTensor unrolled order. */
      std::vector<LA::MPI::Vector> second_moments;
    };

    /** Assemble M and the moment vectors unless already done. Collective. */
    const Geometric &
    geometric() const;

    mutable Geometric geometric_data;

    MPI_Comm                                  mpi_communicator;
    dealii::parallel::TriangulationBase<dim> &triangulation;
    const GeometryParameters                 &geometry;
    const DiscretizationParameters            parameters;
    dealii::FE_Q<dim>                         fe;
    std::unique_ptr<dealii::Mapping<dim>>     mapping;
    dealii::DoFHandler<dim>                   dof_handler;
    dealii::AffineConstraints<double>         constraints;
    dealii::IndexSet                          owned_dofs;
    dealii::IndexSet                          relevant_dofs;
  };

  extern template class Discretization<1>;
  extern template class Discretization<2>;
  extern template class Discretization<3>;
} // namespace FokkerPlanck

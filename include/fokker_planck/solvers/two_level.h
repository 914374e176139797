/**
 * @file
 * Two-level preconditioner for 'Linear solver/Type = two-level': one
 * geometric coarsening of a globally refined Q1 mesh, Gauss–Seidel sweeps on
 * the fine level, and Trilinos ML on the coarse operator PᵀAP.
 */
#pragma once

#include <fokker_planck/base/linear_algebra.h>
#include <fokker_planck/discretization/discretization.h>

#include <memory>
#include <vector>

class Epetra_CrsMatrix;
namespace Teuchos
{
  class ParameterList;
}

namespace FokkerPlanck
{
  /**
   * The Q1 interpolation P between two meshes of the global refinement
   * hierarchy: from the mesh @p generation + 1 refinements coarser than the
   * current one to the mesh @p generation refinements coarser (generation 0:
   * to the current mesh). Every node of either mesh is a node of the
   * current mesh, and is numbered by the fine DoF that sits on it. Rows are
   * the locally owned DoFs that are nodes of the finer of the two meshes;
   * the domain map holds those that are nodes of the coarser one.
   * Collective.
   *
   * For generation 0, throws InputError('Linear solver/Type') unless the
   * elements have degree 1, every active cell has a parent (at least one
   * global refinement) and no DoF is constrained (no hanging nodes,
   * periodic or absorbing boundaries), and with the PETSc build. For
   * generation > 0, returns nullptr if the mesh has too few refinements or
   * if a family of coarser cells is split between ranks so that a rank
   * cannot see all of its nodes.
   */
  template <int dim>
  std::shared_ptr<const Epetra_CrsMatrix>
  make_coarse_prolongation(const Discretization<dim> &discretization,
                           unsigned int               generation = 0);

  /** The prolongations of a geometric hierarchy, finest first. */
  using CoarseProlongations = std::vector<std::shared_ptr<const Epetra_CrsMatrix>>;

  /**
   * make_coarse_prolongation() for generations 0, 1, … as long as each
   * one is available and the mesh it coarsens to has at least
   * @p smallest_geometric_level unknowns; at least generation 0. Collective.
   */
  template <int dim>
  CoarseProlongations
  make_coarse_prolongations(const Discretization<dim>      &discretization,
                            dealii::types::global_dof_index smallest_geometric_level);

  /**
   * Throws InputError('Linear solver/Type') unless 'two-level' applies:
   * elements of @p degree 1, a mesh that is @p refined at least once, and
   * @p unconstrained DoFs. The one place that words these conditions, for
   * the parameter check and for make_coarse_prolongation().
   */
  void
  require_two_level_applies(unsigned int degree, bool refined, bool unconstrained);

#ifndef FP_USE_PETSC
  /**
   * x = B⁻¹b for a fine matrix A and prolongations P_0, P_1, …: a V-cycle
   * over the geometric levels with A_{l+1} = P_lᵀ A_l P_l. On each level
   * but the coarsest: one forward Gauss–Seidel sweep from x = 0, the coarse
   * correction x += P_l B_{l+1}⁻¹ P_lᵀ(b − A_l x), and one more forward
   * sweep. On the coarsest level B⁻¹ is one ML cycle. The sweeps run over
   * each rank's rows and use the neighbours' values of x as they were
   * before the sweep.
   */
  class TwoLevelPreconditioner
  {
  public:
    TwoLevelPreconditioner();
    ~TwoLevelPreconditioner();

    /** Builds the level operators and ML, with @p ml_parameters, on the coarsest. */
    void
    initialize(const LA::MPI::SparseMatrix  &matrix,
               const CoarseProlongations    &prolongations,
               const Teuchos::ParameterList &ml_parameters);

    void
    vmult(LA::MPI::Vector &x, const LA::MPI::Vector &b) const;

  private:
    struct Data;
    std::unique_ptr<Data> data;
  };
#endif
} // namespace FokkerPlanck

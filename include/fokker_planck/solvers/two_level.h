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

class Epetra_CrsMatrix;
namespace Teuchos
{
  class ParameterList;
}

namespace FokkerPlanck
{
  /**
   * The Q1 interpolation P from the mesh one global refinement coarser than
   * the current one to the current one: row i is the fine DoF i, and each
   * column is a coarse vertex, numbered by the fine DoF that sits on it.
   * Rows are the locally owned DoFs; the domain map holds the owned fine
   * DoFs that are coarse vertices. Collective.
   *
   * Throws InputError('Linear solver/Type') unless the elements have degree
   * 1, every active cell has a parent (at least one global refinement) and
   * no DoF is constrained (no hanging nodes, periodic or absorbing
   * boundaries), and with the PETSc build.
   */
  template <int dim>
  std::shared_ptr<const Epetra_CrsMatrix>
  make_coarse_prolongation(const Discretization<dim> &discretization);

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
   * x = B⁻¹b for a fine matrix A and a prolongation P: one forward
   * Gauss–Seidel sweep from x = 0, the coarse correction
   * x += P (PᵀAP)⁻¹ Pᵀ(b − Ax) with one ML cycle for the inverse, and one
   * more forward sweep. The sweeps run over each rank's rows and use the
   * neighbours' values of x as they were before the sweep.
   */
  class TwoLevelPreconditioner
  {
  public:
    TwoLevelPreconditioner();
    ~TwoLevelPreconditioner();

    /** Builds PᵀAP and its ML hierarchy with @p ml_parameters. */
    void
    initialize(const LA::MPI::SparseMatrix        &matrix,
               std::shared_ptr<const Epetra_CrsMatrix> prolongation,
               const Teuchos::ParameterList       &ml_parameters);

    void
    vmult(LA::MPI::Vector &x, const LA::MPI::Vector &b) const;

  private:
    struct Data;
    std::unique_ptr<Data> data;
  };
#endif
} // namespace FokkerPlanck

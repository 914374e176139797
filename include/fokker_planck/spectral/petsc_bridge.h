/**
 * @file
 * The spectral stage works on PETSc matrices whatever the LA backend: SLEPc
 * needs them, and MUMPS through PETSc factorises the shifted and the
 * transposed (backward) operators. This file copies the assembled matrices
 * and vectors into PETSc and back, and wraps the few raw PETSc calls.
 */
#pragma once

#include <deal.II/lac/petsc_sparse_matrix.h>
#include <deal.II/lac/petsc_vector.h>

#include <fokker_planck/base/linear_algebra.h>
#include <fokker_planck/discretization/discretization.h>

#include <petscksp.h>
#include <petscmat.h>

#include <string>
#include <vector>

namespace FokkerPlanck
{
  namespace Spectral
  {
    /** Throw std::runtime_error naming @p call if a PETSc call failed. */
    void
    check_petsc(PetscErrorCode code, const char *call);

    /** Make @p ksp one application of MUMPS's LU factorisation. */
    void
    use_mumps_lu(KSP ksp);

    /**
     * An owning handle of a raw PETSc matrix (a transpose made by
     * MatTranspose); destroyed with MatDestroy.
     */
    class OwnedMat
    {
    public:
      OwnedMat()                 = default;
      OwnedMat(const OwnedMat &) = delete;
      OwnedMat &
      operator=(const OwnedMat &) = delete;
      ~OwnedMat();

      /** The matrix; null until set. */
      Mat matrix = nullptr;
    };

    /**
     * A PETSc matrix with the sparsity of @p discretization (same row
     * partition), holding the values of @p source.
     */
    template <int dim>
    void
    copy_to_petsc(const Discretization<dim>                &discretization,
                  const LA::MPI::SparseMatrix              &source,
                  dealii::PETScWrappers::MPI::SparseMatrix &destination);

    /** dst = Aᵀ as a new PETSc matrix (rows partitioned like A's). */
    void
    transpose(const dealii::PETScWrappers::MPI::SparseMatrix &matrix, OwnedMat &dst);

    /**
     * Set the rows @p rows (global indices of locally owned rows) of a raw
     * PETSc matrix to zero with @p diagonal on the diagonal.
     */
    void
    zero_rows(Mat                                                 matrix,
              const std::vector<dealii::types::global_dof_index> &rows,
              double                                              diagonal);

    /** A PETSc vector over the locally owned DoFs of @p discretization. */
    template <int dim>
    void
    initialize_petsc_vector(const Discretization<dim>          &discretization,
                            dealii::PETScWrappers::MPI::Vector &vector);

    /**
     * dst(i) = src(i) for the locally owned i, between vectors of the same
     * partition (LA and PETSc, either way; with the PETSc backend they are
     * the same type).
     */
    template <typename Source, typename Destination>
    void
    copy_vector(const Source &src, Destination &dst)
    {
      for (const auto i : src.locally_owned_elements())
        dst(i) = src(i);
      dst.compress(dealii::VectorOperation::insert);
    }

    /**
     * Solve B x = b with a sparse direct factorisation (MUMPS through PETSc).
     * @p matrix may be a raw Mat of any origin.
     */
    void
    direct_solve(Mat                                       matrix,
                 dealii::PETScWrappers::MPI::Vector       &x,
                 const dealii::PETScWrappers::MPI::Vector &b);
  } // namespace Spectral
} // namespace FokkerPlanck

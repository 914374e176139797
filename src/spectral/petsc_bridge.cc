#include <deal.II/dofs/dof_tools.h>
#include <deal.II/lac/dynamic_sparsity_pattern.h>
#include <deal.II/lac/sparsity_tools.h>

#include <fokker_planck/base/instantiate.h>
#include <fokker_planck/spectral/petsc_bridge.h>

#include <petscksp.h>

#include <stdexcept>

namespace FokkerPlanck
{
  namespace Spectral
  {
    using namespace dealii;

    void
    check_petsc(const PetscErrorCode code, const char *call)
    {
      if (code != 0)
        throw std::runtime_error(std::string("PETSc/SLEPc call ") + call +
                                 " failed with error code " + std::to_string(code));
    }

    OwnedMat::~OwnedMat()
    {
      if (matrix != nullptr)
        MatDestroy(&matrix);
    }

    template <int dim>
    void
    copy_to_petsc(const Discretization<dim>        &discretization,
                  const LA::MPI::SparseMatrix      &source,
                  PETScWrappers::MPI::SparseMatrix &destination)
    {
      const auto &dof_handler = discretization.get_dof_handler();
      IndexSet    relevant;
      DoFTools::extract_locally_relevant_dofs(dof_handler, relevant);
      DynamicSparsityPattern dsp(relevant);
      DoFTools::make_sparsity_pattern(
          dof_handler, dsp, discretization.get_constraints(), false);
      SparsityTools::distribute_sparsity_pattern(dsp,
                                                 discretization.locally_owned_dofs(),
                                                 discretization.communicator(),
                                                 relevant);
      destination.reinit(discretization.locally_owned_dofs(),
                         discretization.locally_owned_dofs(),
                         dsp,
                         discretization.communicator());

      std::vector<PetscInt>    columns;
      std::vector<PetscScalar> values;
      for (const auto row : discretization.locally_owned_dofs())
        {
          columns.clear();
          values.clear();
          for (auto entry = source.begin(row); entry != source.end(row); ++entry)
            {
              columns.push_back(entry->column());
              values.push_back(entry->value());
            }
          const PetscInt petsc_row = row;
          check_petsc(MatSetValues(destination,
                                   1,
                                   &petsc_row,
                                   columns.size(),
                                   columns.data(),
                                   values.data(),
                                   INSERT_VALUES),
                      "MatSetValues");
        }
      destination.compress(VectorOperation::insert);
    }

    void
    transpose(const PETScWrappers::MPI::SparseMatrix &matrix, OwnedMat &dst)
    {
      if (dst.matrix != nullptr)
        MatDestroy(&dst.matrix);
      check_petsc(MatTranspose(matrix, MAT_INITIAL_MATRIX, &dst.matrix), "MatTranspose");
    }

    void
    zero_rows(Mat                                         matrix,
              const std::vector<types::global_dof_index> &rows,
              const double                                diagonal)
    {
      const std::vector<PetscInt> petsc_rows(rows.begin(), rows.end());
      check_petsc(MatSetOption(matrix, MAT_NO_OFF_PROC_ZERO_ROWS, PETSC_TRUE),
                  "MatSetOption");
      check_petsc(
          MatZeroRows(
              matrix, petsc_rows.size(), petsc_rows.data(), diagonal, nullptr, nullptr),
          "MatZeroRows");
    }

    template <int dim>
    void
    initialize_petsc_vector(const Discretization<dim>  &discretization,
                            PETScWrappers::MPI::Vector &vector)
    {
      vector.reinit(discretization.locally_owned_dofs(), discretization.communicator());
    }

    void
    use_mumps_lu(KSP ksp)
    {
      check_petsc(KSPSetType(ksp, KSPPREONLY), "KSPSetType");
      PC pc;
      check_petsc(KSPGetPC(ksp, &pc), "KSPGetPC");
      check_petsc(PCSetType(pc, PCLU), "PCSetType");
      check_petsc(PCFactorSetMatSolverType(pc, MATSOLVERMUMPS),
                  "PCFactorSetMatSolverType");
    }

    void
    direct_solve(Mat                               matrix,
                 PETScWrappers::MPI::Vector       &x,
                 const PETScWrappers::MPI::Vector &b)
    {
      KSP      ksp;
      MPI_Comm communicator = PETSC_COMM_WORLD;
      check_petsc(
          PetscObjectGetComm(reinterpret_cast<PetscObject>(matrix), &communicator),
          "PetscObjectGetComm");
      check_petsc(KSPCreate(communicator, &ksp), "KSPCreate");
      check_petsc(KSPSetOperators(ksp, matrix, matrix), "KSPSetOperators");
      use_mumps_lu(ksp);
      const PetscErrorCode code = KSPSolve(ksp, b, x);
      KSPDestroy(&ksp);
      check_petsc(code, "KSPSolve (MUMPS)");
    }

#define FP_INSTANTIATE(dim)                                                              \
  template void copy_to_petsc<dim>(const Discretization<dim> &,                          \
                                   const LA::MPI::SparseMatrix &,                        \
                                   PETScWrappers::MPI::SparseMatrix &);                  \
  template void initialize_petsc_vector<dim>(const Discretization<dim> &,                \
                                             PETScWrappers::MPI::Vector &);
    FP_FOR_EACH_DIM(FP_INSTANTIATE)
#undef FP_INSTANTIATE
  } // namespace Spectral
} // namespace FokkerPlanck

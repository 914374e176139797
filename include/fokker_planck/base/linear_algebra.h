/**
 * @file
 * The one switch between the PETSc and Trilinos linear-algebra stacks
 * (CMake option FP_LINEAR_ALGEBRA). Everything else in the code says LA::.
 */
#pragma once

#include <deal.II/base/mpi.h>
#include <deal.II/lac/generic_linear_algebra.h>

#include <algorithm>
#include <limits>

namespace FokkerPlanck
{
  namespace LA
  {
#ifdef FP_USE_PETSC
    namespace Backend = dealii::LinearAlgebraPETSc;
    using namespace dealii::LinearAlgebraPETSc;
    /** Name of the backend, for the run summary. */
    inline constexpr const char *backend_name = "PETSc";
#else
    namespace Backend = dealii::LinearAlgebraTrilinos;
    using namespace dealii::LinearAlgebraTrilinos;
    /** Name of the backend, for the run summary. */
    inline constexpr const char *backend_name = "Trilinos";
#endif

    /**
     * dst = src for a matrix that may be empty: PETSc copies values only
     * into a matrix of the same layout, Trilinos sets the layout itself.
     */
    inline void
    copy_matrix(Backend::MPI::SparseMatrix &dst, const Backend::MPI::SparseMatrix &src)
    {
#ifdef FP_USE_PETSC
      dst.reinit(src);
#endif
      dst.copy_from(src);
    }

    /** Smallest entry of a distributed vector (same call for both backends). */
    inline double
    min_entry(const Backend::MPI::Vector &v)
    {
      double local = std::numeric_limits<double>::max();
      for (const auto i : v.locally_owned_elements())
        local = std::min(local, static_cast<double>(v(i)));
      return dealii::Utilities::MPI::min(local, v.get_mpi_communicator());
    }

    /** Largest entry of a distributed vector. */
    inline double
    max_entry(const Backend::MPI::Vector &v)
    {
      double local = std::numeric_limits<double>::lowest();
      for (const auto i : v.locally_owned_elements())
        local = std::max(local, static_cast<double>(v(i)));
      return dealii::Utilities::MPI::max(local, v.get_mpi_communicator());
    }
  } // namespace LA
} // namespace FokkerPlanck

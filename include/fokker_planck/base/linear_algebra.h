/**
 * @file
 * The one switch between the PETSc and Trilinos linear-algebra stacks
 * (CMake option FP_LINEAR_ALGEBRA). Everything else in the code says LA::.
 */
#pragma once

#include <deal.II/lac/generic_linear_algebra.h>

namespace FokkerPlanck
{
  namespace LA
  {
#ifdef FP_USE_PETSC
    using namespace dealii::LinearAlgebraPETSc;
    /** Name of the backend, for the run summary. */
    inline constexpr const char *backend_name = "PETSc";
#else
    using namespace dealii::LinearAlgebraTrilinos;
    /** Name of the backend, for the run summary. */
    inline constexpr const char *backend_name = "Trilinos";
#endif
  } // namespace LA
} // namespace FokkerPlanck

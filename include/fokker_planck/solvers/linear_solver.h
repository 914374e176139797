/**
 * @file
 * Linear solves of the stationary and time-step systems: right-preconditioned
 * GMRES whose preconditioner is either a sparse direct factorisation or
 * algebraic multigrid, through the LA switch (PETSc or Trilinos).
 */
#pragma once

#include <deal.II/base/parameter_handler.h>

#include <fokker_planck/base/linear_algebra.h>

#include <functional>
#include <memory>
#include <string>

namespace FokkerPlanck
{
  /** Entries of subsection "Linear solver". */
  struct LinearSolverParameters
  {
    enum class Type
    {
      direct,
      amg
    };
    Type         type               = Type::direct;
    double       relative_tolerance = 1e-12;
    unsigned int max_iterations     = 1000;
    unsigned int restart            = 50;
    std::string  direct_package     = "mumps";
    unsigned int smoother_sweeps    = 2;
    double       aggregation_threshold = 1e-4;

    static void
    declare_parameters(dealii::ParameterHandler &prm);

    void
    parse_parameters(dealii::ParameterHandler &prm);
  };

  /** What one linear solve did. */
  struct SolveInfo
  {
    unsigned int iterations = 0;
    /** ||b − Bx|| / ||b|| at exit. */
    double relative_residual = 0.;
  };

  /**
   * A preconditioner P ≈ matrix built by initialize(), and GMRES that uses it
   * (right preconditioning, so the tolerance is on the true residual).
   */
  class LinearSolver
  {
  public:
    using Operator = std::function<void(LA::MPI::Vector &, const LA::MPI::Vector &)>;

    explicit LinearSolver(const LinearSolverParameters &parameters);
    ~LinearSolver();

    /** Factorise @p matrix or build AMG for it. */
    void
    initialize(const LA::MPI::SparseMatrix &matrix);

    /** dst = P⁻¹ src. */
    void
    vmult(LA::MPI::Vector &dst, const LA::MPI::Vector &src) const;

    /**
     * Solve operator(x) = b with GMRES preconditioned by this object.
     * x is the initial guess on entry. Throws if GMRES does not converge.
     */
    SolveInfo
    solve(const Operator &op, LA::MPI::Vector &x, const LA::MPI::Vector &b) const;

    /** Solve matrix x = b, matrix being the one given to initialize(). */
    SolveInfo
    solve(LA::MPI::Vector &x, const LA::MPI::Vector &b) const;

    const LinearSolverParameters &
    get_parameters() const
    {
      return parameters;
    }

  private:
    struct Implementation;
    const LinearSolverParameters     parameters;
    std::unique_ptr<Implementation>  implementation;
    const LA::MPI::SparseMatrix     *matrix = nullptr;
  };
} // namespace FokkerPlanck

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
#include <vector>

class Epetra_CrsMatrix;

namespace FokkerPlanck
{
  /** Entries of subsection "Linear solver". */
  struct LinearSolverParameters
  {
    enum class Type
    {
      direct,
      amg,
      two_level
    };
    /** Algebraic multigrid flavour (Trilinos ML). */
    enum class AMGVariant
    {
      /**
       * ML "NSSA": Petrov–Galerkin smoothed aggregation whose prolongation
       * and restriction minimise energy separately, for non-symmetric
       * operators such as the Fokker–Planck operator.
       */
      nonsymmetric,
      /** ML "SA": classical smoothed aggregation (symmetric operators). */
      symmetric
    };

    /** Smoother on every multigrid level except the coarsest. */
    enum class AMGSmoother
    {
      /** Incomplete LU(0) on each rank's block (IFPACK). */
      ilu,
      /** Chebyshev polynomial (cheap set-up, best for symmetric A). */
      chebyshev,
      /** Symmetric Gauss–Seidel on each rank's block. */
      symmetric_gauss_seidel
    };

    Type type = Type::direct;
    /** 'two-level': coarsen further while the next mesh has this many unknowns. */
    unsigned long geometric_coarsest = 50000;
    double        relative_tolerance = 1e-12;
    unsigned int  max_iterations     = 1000;
    unsigned int  restart            = 50;
    std::string   direct_package     = "mumps";
    // AMG defaults tuned on the 2D Ornstein–Uhlenbeck benchmark
    // (benchmarks/, doc/benchmarks.md): at 1M unknowns they cut the GMRES
    // iterations of one solve from 44 (Chebyshev, 2 sweeps, threshold 1e-4)
    // to 17.
    AMGVariant   amg_variant           = AMGVariant::nonsymmetric;
    AMGSmoother  smoother_type         = AMGSmoother::ilu;
    unsigned int smoother_sweeps       = 1;
    double       aggregation_threshold = 0.1;
    bool         w_cycle               = false;

    /** The name of @p type in 'Linear solver/Type'. */
    static std::string
    type_name(Type type);

    /** Declare the entries of subsection "Linear solver", bound to the members. */
    void
    declare_parameters(dealii::ParameterHandler &prm);
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

    /**
     * As above; with 'Type = two-level' and @p coarse_prolongations from
     * make_coarse_prolongations(), the multilevel preconditioner is built.
     * Without prolongations, 'two-level' builds the 'amg' preconditioner.
     */
    void
    initialize(
        const LA::MPI::SparseMatrix                                &matrix,
        const std::vector<std::shared_ptr<const Epetra_CrsMatrix>> &coarse_prolongations);

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

    /**
     * True if the ILU smoother of the AMG broke down (the preconditioner
     * returned NaN on a probe) and symmetric Gauss-Seidel replaced it.
     */
    bool
    replaced_smoother() const
    {
      return smoother_replaced;
    }

  private:
    struct Implementation;
    const LinearSolverParameters    parameters;
    std::unique_ptr<Implementation> implementation;
    const LA::MPI::SparseMatrix    *matrix            = nullptr;
    bool                            smoother_replaced = false;
  };
} // namespace FokkerPlanck

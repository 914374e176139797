#include <deal.II/lac/solver_control.h>
#include <deal.II/lac/solver_gmres.h>

#ifdef FP_USE_PETSC
#  include <deal.II/lac/petsc_precondition.h>
#  include <deal.II/lac/petsc_solver.h>
#else
#  include <deal.II/lac/trilinos_precondition.h>
#  include <deal.II/lac/trilinos_solver.h>
#endif

#include <fokker_planck/solvers/linear_solver.h>

namespace FokkerPlanck
{
  using namespace dealii;

  void
  LinearSolverParameters::declare_parameters(ParameterHandler &prm)
  {
    prm.enter_subsection("Linear solver");
    {
      prm.declare_entry("Type",
                        "direct",
                        Patterns::Selection("direct|amg"),
                        "'direct': GMRES preconditioned by a sparse LU "
                        "factorisation (robust; memory grows faster than "
                        "the number of unknowns). 'amg': GMRES preconditioned "
                        "by algebraic multigrid (for large problems).");
      prm.declare_entry("Relative tolerance",
                        "1e-12",
                        Patterns::Double(1e-16, 1e-2),
                        "GMRES stops when ||b - Bx|| <= tolerance * ||b|| "
                        "(true residual, right preconditioning).");
      prm.declare_entry("Maximum iterations",
                        "1000",
                        Patterns::Integer(1),
                        "Maximum number of GMRES iterations per solve.");
      prm.declare_entry("Restart length",
                        "50",
                        Patterns::Integer(3, 500),
                        "Number of GMRES vectors kept before a restart.");
      prm.declare_entry("Direct package",
                        "mumps",
                        Patterns::Selection("mumps|klu"),
                        "Sparse direct solver used by 'Type = direct' "
                        "(Trilinos Amesos: MUMPS is parallel, KLU gathers to "
                        "one rank). Ignored with PETSc, which uses MUMPS.");
      prm.declare_entry("AMG smoother sweeps",
                        "2",
                        Patterns::Integer(1, 10),
                        "Smoothing steps per multigrid level.");
      prm.declare_entry("AMG aggregation threshold",
                        "1e-4",
                        Patterns::Double(0., 1.),
                        "Strength-of-connection threshold of the AMG "
                        "aggregation.");
    }
    prm.leave_subsection();
  }

  void
  LinearSolverParameters::parse_parameters(ParameterHandler &prm)
  {
    prm.enter_subsection("Linear solver");
    type                  = prm.get("Type") == "amg" ? Type::amg : Type::direct;
    relative_tolerance    = prm.get_double("Relative tolerance");
    max_iterations        = prm.get_integer("Maximum iterations");
    restart               = prm.get_integer("Restart length");
    direct_package        = prm.get("Direct package");
    smoother_sweeps       = prm.get_integer("AMG smoother sweeps");
    aggregation_threshold = prm.get_double("AMG aggregation threshold");
    prm.leave_subsection();
  }

  struct LinearSolver::Implementation
  {
#ifdef FP_USE_PETSC
    PETScWrappers::PreconditionBoomerAMG amg;
#else
    SolverControl                         direct_control{1, 0};
    std::unique_ptr<TrilinosWrappers::SolverDirect> direct;
    TrilinosWrappers::PreconditionAMG     amg;
#endif
  };

  LinearSolver::LinearSolver(const LinearSolverParameters &parameters)
    : parameters(parameters)
    , implementation(std::make_unique<Implementation>())
  {}

  LinearSolver::~LinearSolver() = default;

  void
  LinearSolver::initialize(const LA::MPI::SparseMatrix &new_matrix)
  {
    matrix = &new_matrix;
#ifdef FP_USE_PETSC
    if (parameters.type == LinearSolverParameters::Type::amg)
      {
        PETScWrappers::PreconditionBoomerAMG::AdditionalData data;
        data.symmetric_operator = false;
        implementation->amg.initialize(new_matrix, data);
      }
#else
    if (parameters.type == LinearSolverParameters::Type::direct)
      {
        implementation->direct = std::make_unique<TrilinosWrappers::SolverDirect>(
          implementation->direct_control,
          TrilinosWrappers::SolverDirect::AdditionalData(
            false, parameters.direct_package == "klu" ? "Amesos_Klu" : "Amesos_Mumps"));
        implementation->direct->initialize(new_matrix);
      }
    else
      {
        TrilinosWrappers::PreconditionAMG::AdditionalData data;
        data.elliptic              = false;
        data.higher_order_elements = false;
        data.smoother_sweeps       = parameters.smoother_sweeps;
        data.aggregation_threshold = parameters.aggregation_threshold;
        data.smoother_type         = "Chebyshev";
        implementation->amg.initialize(new_matrix, data);
      }
#endif
  }

  void
  LinearSolver::vmult(LA::MPI::Vector &dst, const LA::MPI::Vector &src) const
  {
#ifdef FP_USE_PETSC
    if (parameters.type == LinearSolverParameters::Type::direct)
      {
        SolverControl                    control(1, 0);
        PETScWrappers::SparseDirectMUMPS solver(control, src.get_mpi_communicator());
        solver.solve(*matrix, dst, src);
      }
    else
      implementation->amg.vmult(dst, src);
#else
    if (parameters.type == LinearSolverParameters::Type::direct)
      implementation->direct->solve(dst, src);
    else
      implementation->amg.vmult(dst, src);
#endif
  }

  SolveInfo
  LinearSolver::solve(const Operator &op, LA::MPI::Vector &x, const LA::MPI::Vector &b) const
  {
    struct Wrapper
    {
      const Operator &op;
      void
      vmult(LA::MPI::Vector &dst, const LA::MPI::Vector &src) const
      {
        op(dst, src);
      }
    } wrapper{op};

    const double   b_norm = b.l2_norm();
    SolveInfo      info;
    if (b_norm == 0.)
      {
        x = 0;
        return info;
      }
    SolverControl control(parameters.max_iterations,
                          parameters.relative_tolerance * b_norm,
                          false,
                          false);
    SolverGMRES<LA::MPI::Vector> gmres(
      control,
      SolverGMRES<LA::MPI::Vector>::AdditionalData(parameters.restart + 2, true));
    gmres.solve(wrapper, x, b, *this);
    info.iterations        = control.last_step();
    info.relative_residual = control.last_value() / b_norm;
    return info;
  }

  SolveInfo
  LinearSolver::solve(LA::MPI::Vector &x, const LA::MPI::Vector &b) const
  {
    return solve([this](LA::MPI::Vector &dst,
                        const LA::MPI::Vector &src) { matrix->vmult(dst, src); },
                 x,
                 b);
  }
} // namespace FokkerPlanck

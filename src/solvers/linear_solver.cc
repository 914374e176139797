#include <deal.II/lac/solver_control.h>
#include <deal.II/lac/solver_gmres.h>

#ifdef FP_USE_PETSC
#  include <deal.II/lac/petsc_precondition.h>
#  include <deal.II/lac/petsc_solver.h>
#else
#  include <deal.II/lac/trilinos_precondition.h>
#  include <deal.II/lac/trilinos_solver.h>

#  include <Teuchos_ParameterList.hpp>
#  include <ml_MultiLevelPreconditioner.h>
#endif

#include <fokker_planck/base/parsing.h>
#include <fokker_planck/solvers/linear_solver.h>
#include <fokker_planck/solvers/two_level.h>

#include <cmath>
#include <iostream>

namespace FokkerPlanck
{
  using namespace dealii;

  namespace
  {
    const Parsing::Names<LinearSolverParameters::Type> type_names = {
        {"direct", LinearSolverParameters::Type::direct},
        {"amg", LinearSolverParameters::Type::amg},
        {"two-level", LinearSolverParameters::Type::two_level}};
  } // namespace

  std::string
  LinearSolverParameters::type_name(const Type type)
  {
    return Parsing::name_of(type_names, type);
  }

  void
  LinearSolverParameters::declare_parameters(ParameterHandler &prm)
  {
    prm.enter_subsection("Linear solver");
    {
      Parsing::add_selection(prm,
                             "Type",
                             type,
                             type_names,
                             "'direct': GMRES preconditioned by a sparse LU "
                             "factorisation (robust; memory grows faster than "
                             "the number of unknowns). 'amg': GMRES preconditioned "
                             "by algebraic multigrid (for large problems). "
                             "'two-level': for the stationary solve, geometric "
                             "coarsening (a Gauss-Seidel sweep on the fine mesh "
                             "before and after a coarse correction on the mesh "
                             "one refinement coarser, with the operator P^T A P; "
                             "the same again on coarser meshes of the refinement "
                             "hierarchy while they have at least 'Geometric "
                             "coarsest unknowns', and one cycle of the AMG below "
                             "on the last); cheaper to "
                             "set up than 'amg' on large meshes. Needs degree 1, "
                             "'Geometry/Global refinements' >= 1, reflecting "
                             "boundaries only and the Trilinos build; the other "
                             "linear systems (transient steps, analysis) use "
                             "'amg'.");
      prm.add_parameter("Geometric coarsest unknowns",
                        geometric_coarsest,
                        "'two-level' only: the first coarsening is always "
                        "made; a further one only if the mesh it leads to "
                        "has at least this many unknowns (each one divides "
                        "them by about 2^dim). Below, the AMG set-up is "
                        "cheap anyway. On the 2D Ornstein-Uhlenbeck "
                        "benchmark at 1M unknowns the default gives 3 "
                        "levels above the AMG (doc/benchmarks.md).",
                        Patterns::Integer(1));
      prm.add_parameter("Relative tolerance",
                        relative_tolerance,
                        "GMRES stops when ||b - Bx|| <= tolerance * ||b|| "
                        "(true residual, right preconditioning).",
                        Patterns::Double(1e-16, 1e-2));
      prm.add_parameter("Maximum iterations",
                        max_iterations,
                        "Maximum number of GMRES iterations per solve. With "
                        "Type = direct the Newton steps of the Hamilton-"
                        "Jacobi refinement (Analysis) use at most 50.",
                        Patterns::Integer(1));
      prm.add_parameter("Restart length",
                        restart,
                        "Number of GMRES vectors kept before a restart. Each "
                        "iteration orthogonalises against all kept vectors, "
                        "so with many iterations a long restart costs more "
                        "vector operations than the matrix products do.",
                        Patterns::Integer(3, 500));
      prm.add_parameter("Direct package",
                        direct_package,
                        "Sparse direct solver used by 'Type = direct' "
                        "(Trilinos Amesos: MUMPS is parallel, KLU gathers to "
                        "one rank; used instead of MUMPS when MUMPS runs out of "
                        "workspace). Ignored with PETSc, which uses MUMPS.",
                        Patterns::Selection("mumps|klu"));
      Parsing::add_selection(prm,
                             "AMG variant",
                             amg_variant,
                             {{"nonsymmetric", AMGVariant::nonsymmetric},
                              {"symmetric", AMGVariant::symmetric}},
                             "Multigrid hierarchy for 'Type = amg' (Trilinos ML). "
                             "'nonsymmetric': Petrov-Galerkin smoothed aggregation "
                             "with energy-minimising prolongation and restriction "
                             "(ML 'NSSA'), for non-symmetric operators such as the "
                             "Fokker-Planck operator with drift. 'symmetric': "
                             "classical smoothed aggregation (ML 'SA', cheaper "
                             "set-up; converges slowly once the drift matters). "
                             "With PETSc, BoomerAMG is used and this is ignored.");
      Parsing::add_selection(
          prm,
          "AMG smoother type",
          smoother_type,
          {{"ILU", AMGSmoother::ilu},
           {"Chebyshev", AMGSmoother::chebyshev},
           {"symmetric Gauss-Seidel", AMGSmoother::symmetric_gauss_seidel}},
          "Smoother on each multigrid level: 'ILU' (incomplete "
          "LU(0) of each rank's block; robust for drift-"
          "dominated operators; if it breaks down, which "
          "3D Q2 operators can make it do, symmetric "
          "Gauss-Seidel replaces it with a note), 'Chebyshev' (polynomial; "
          "cheapest set-up, best for nearly symmetric "
          "operators), 'symmetric Gauss-Seidel' (on each "
          "rank's block). Trilinos only; BoomerAMG (PETSc build) "
          "smooths with ILU(0) (hypre's Euclid) on every level.");
      prm.add_parameter("AMG smoother sweeps",
                        smoother_sweeps,
                        "Smoothing steps per multigrid level (the polynomial "
                        "degree for 'Chebyshev'). Trilinos only.",
                        Patterns::Integer(1, 10));
      prm.add_parameter("AMG aggregation threshold",
                        aggregation_threshold,
                        "Strength-of-connection threshold of the AMG "
                        "aggregation: couplings weaker than this fraction of "
                        "the diagonal are ignored when aggregates are formed. "
                        "Larger values give smaller aggregates (more levels, "
                        "costlier set-up, usually fewer iterations); on the "
                        "Ornstein-Uhlenbeck benchmark (doc/benchmarks.md) "
                        "0.1 needs 17 GMRES iterations where 1e-4 needs 30 "
                        "and 0.25 needs 24. Trilinos only.",
                        Patterns::Double(0., 1.));
      Parsing::add_selection(prm,
                             "AMG cycle",
                             w_cycle,
                             {{"V", false}, {"W", true}},
                             "Multigrid cycle per preconditioner application: "
                             "'V', or 'W' (visits coarse levels more often; fewer "
                             "iterations at a higher cost per iteration).");
    }
    prm.leave_subsection();
  }

  struct LinearSolver::Implementation
  {
#ifdef FP_USE_PETSC
    PETScWrappers::PreconditionBoomerAMG amg;
    /** MUMPS, kept so that its factorisation is reused by every vmult(). */
    SolverControl                                     direct_control{1, 0};
    std::unique_ptr<PETScWrappers::SparseDirectMUMPS> direct;
#else
    SolverControl                                   direct_control{1, 0};
    std::unique_ptr<TrilinosWrappers::SolverDirect> direct;
    TrilinosWrappers::PreconditionAMG               amg;
    std::unique_ptr<TwoLevelPreconditioner>         two_level;
#endif
  };

#ifndef FP_USE_PETSC
  namespace
  {
    /**
     * The Trilinos ML parameter list for @p parameters. Starts from ML's
     * defaults for the chosen variant and sets what deal.II's
     * PreconditionAMG::AdditionalData would set (uncoupled aggregation,
     * deterministic seed, KLU on a coarse level of at most 2000 rows), plus
     * the smoother, threshold and cycle of the parameter file.
     */
    Teuchos::ParameterList
    ml_parameters(const LinearSolverParameters &parameters)
    {
      using AMGSmoother = LinearSolverParameters::AMGSmoother;
      Teuchos::ParameterList list;
      if (parameters.amg_variant == LinearSolverParameters::AMGVariant::nonsymmetric)
        {
          ML_Epetra::SetDefaults("NSSA", list);
          list.set("aggregation: block scaling", true);
        }
      else
        ML_Epetra::SetDefaults("SA", list);
      list.set("aggregation: type", "Uncoupled");
      list.set("aggregation: threshold", parameters.aggregation_threshold);
      switch (parameters.smoother_type)
        {
          case AMGSmoother::ilu:
            list.set("smoother: type", "ILU");
            list.set("smoother: ifpack overlap", 0);
            break;
          case AMGSmoother::chebyshev:
            list.set("smoother: type", "Chebyshev");
            list.set("smoother: Chebyshev alpha", 10.);
            break;
          case AMGSmoother::symmetric_gauss_seidel:
            list.set("smoother: type", "symmetric Gauss-Seidel");
            break;
        }
      list.set("smoother: sweeps", static_cast<int>(parameters.smoother_sweeps));
      list.set("prec type", parameters.w_cycle ? "MGW" : "MGV");
      list.set("cycle applications", 1);
      list.set("coarse: type", "Amesos-KLU");
      list.set("coarse: max size", 2000);
      list.set("initialize random seed", true);
      list.set("ML output", 0);
      return list;
    }
  } // namespace
#endif

  LinearSolver::LinearSolver(const LinearSolverParameters &parameters)
      : parameters(parameters)
      , implementation(std::make_unique<Implementation>())
  {
  }

  LinearSolver::~LinearSolver() = default;

  void
  LinearSolver::initialize(const LA::MPI::SparseMatrix &new_matrix)
  {
    initialize(new_matrix, {});
  }

  void
  LinearSolver::initialize(const LA::MPI::SparseMatrix &new_matrix,
                           const CoarseProlongations   &coarse_prolongations)
  {
    matrix = &new_matrix;
#ifdef FP_USE_PETSC
    (void)coarse_prolongations;
    implementation->direct.reset();
    if (parameters.type == LinearSolverParameters::Type::direct)
      implementation->direct = std::make_unique<PETScWrappers::SparseDirectMUMPS>(
          implementation->direct_control, new_matrix.get_mpi_communicator());
    else
      {
        // BoomerAMG with deal.II's settings (classical coarsening and
        // interpolation, hybrid SOR/Jacobi smoothing) does not converge on
        // the coarser meshes of the DESIGN §3.1 case: at 32² Q2 and 64² Q1
        // cells GMRES stalls at a relative residual of 1e-2. An ILU(0)
        // smoother on every level (hypre's Euclid), as ML's in the
        // Trilinos build, makes it converge in 7-17 iterations from 32² to
        // 256² cells, Q1 and Q2, 1 and 2 ranks (doc/testing.md). The
        // options are PETSc's global ones, which deal.II's initialize()
        // reads; set in PETSC_OPTIONS, they take precedence.
        for (const auto &[name, value] :
             {std::pair<const char *, const char *>{"-pc_hypre_boomeramg_smooth_type",
                                                    "Euclid"},
              {"-pc_hypre_boomeramg_smooth_num_levels", "25"}})
          {
            PetscBool set = PETSC_FALSE;
            PetscOptionsHasName(nullptr, nullptr, name, &set);
            if (!set)
              PetscOptionsSetValue(nullptr, name, value);
          }
        PETScWrappers::PreconditionBoomerAMG::AdditionalData data;
        data.symmetric_operator = false;
        data.w_cycle            = parameters.w_cycle;
        implementation->amg.initialize(new_matrix, data);
      }
#else
    if (parameters.type == LinearSolverParameters::Type::direct)
      {
        const auto factorize = [&](const char *package) {
          implementation->direct = std::make_unique<TrilinosWrappers::SolverDirect>(
              implementation->direct_control,
              TrilinosWrappers::SolverDirect::AdditionalData(false, package));
          implementation->direct->initialize(new_matrix);
        };
        if (parameters.direct_package == "klu")
          factorize("Amesos_Klu");
        else
          {
            // MUMPS sizes its workspace from the symbolic analysis; heavy
            // numerical pivoting (badly scaled rows, as in the log-density
            // Newton systems of the analysis stage) can overflow it
            // (INFOG(1) = -9). KLU, which pivots without a preset
            // workspace, then factorises the same matrix.
            try
              {
                factorize("Amesos_Mumps");
              }
            catch (const std::exception &)
              {
                factorize("Amesos_Klu");
              }
          }
      }
    else
      {
        const bool two_level =
            parameters.type == LinearSolverParameters::Type::two_level &&
            !coarse_prolongations.empty();
        const auto build = [&](const LinearSolverParameters &amg_parameters) {
          if (two_level)
            {
              implementation->two_level = std::make_unique<TwoLevelPreconditioner>();
              implementation->two_level->initialize(
                  new_matrix, coarse_prolongations, ml_parameters(amg_parameters));
            }
          else
            {
              implementation->two_level.reset();
              implementation->amg.initialize(new_matrix, ml_parameters(amg_parameters));
            }
        };
        build(parameters);
        // ILU(0) can break down on the coarse levels of some operators
        // (measured: 3D Q2, 275k unknowns), and the preconditioner then
        // returns NaN. One application to a vector of ones detects it; the
        // hierarchy is then rebuilt with symmetric Gauss-Seidel.
        if (parameters.smoother_type == LinearSolverParameters::AMGSmoother::ilu)
          {
            LA::MPI::Vector ones(new_matrix.locally_owned_domain_indices(),
                                 new_matrix.get_mpi_communicator());
            LA::MPI::Vector image(ones);
            ones = 1.;
            vmult(image, ones);
            if (!std::isfinite(image.l2_norm()))
              {
                LinearSolverParameters robust = parameters;
                robust.smoother_type =
                    LinearSolverParameters::AMGSmoother::symmetric_gauss_seidel;
                build(robust);
                smoother_replaced = true;
                static bool told  = false;
                if (!told && Utilities::MPI::this_mpi_process(
                                 new_matrix.get_mpi_communicator()) == 0)
                  std::cout
                      << "  note:        the ILU smoother of the AMG broke down (NaN); "
                         "using symmetric Gauss-Seidel instead (set 'Linear solver/AMG "
                         "smoother type' to skip the attempt)"
                      << std::endl;
                told = true;
              }
          }
      }
#endif
  }

  void
  LinearSolver::vmult(LA::MPI::Vector &dst, const LA::MPI::Vector &src) const
  {
#ifdef FP_USE_PETSC
    if (parameters.type == LinearSolverParameters::Type::direct)
      implementation->direct->solve(*matrix, dst, src);
    else
      implementation->amg.vmult(dst, src);
#else
    if (parameters.type == LinearSolverParameters::Type::direct)
      implementation->direct->solve(dst, src);
    else if (implementation->two_level)
      implementation->two_level->vmult(dst, src);
    else
      implementation->amg.vmult(dst, src);
#endif
  }

  SolveInfo
  LinearSolver::solve(const Operator        &op,
                      LA::MPI::Vector       &x,
                      const LA::MPI::Vector &b) const
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

    const double b_norm = b.l2_norm();
    SolveInfo    info;
    if (b_norm == 0.)
      {
        x = 0;
        return info;
      }
    SolverControl control(
        parameters.max_iterations, parameters.relative_tolerance * b_norm, false, false);
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
    return solve([this](LA::MPI::Vector       &dst,
                        const LA::MPI::Vector &src) { matrix->vmult(dst, src); },
                 x,
                 b);
  }
} // namespace FokkerPlanck

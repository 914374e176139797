/**
 * @file
 * Time integration of M dp/dt + A p = 0 from an initial density.
 */
#pragma once

#include <deal.II/base/function.h>
#include <deal.II/base/parameter_handler.h>

#include <fokker_planck/discretization/discretization.h>
#include <fokker_planck/solvers/linear_solver.h>

#include <functional>
#include <map>
#include <memory>

namespace FokkerPlanck
{
  /** Entries of subsection "Time stepping" and its "Initial condition". */
  struct TimeSteppingParameters
  {
    enum class Scheme
    {
      implicit_euler,
      crank_nicolson,
      bdf2
    };
    Scheme scheme            = Scheme::crank_nicolson;
    double end_time          = 1.;
    double time_step         = 0.01;
    bool   adaptive          = false;
    double tolerance         = 1e-4;
    double minimum_time_step = 1e-8;
    double maximum_time_step = 1.;

    enum class InitialType
    {
      gaussian,
      expression
    };
    InitialType         initial_type       = InitialType::gaussian;
    std::vector<double> initial_mean       = {0., 0.};
    std::vector<double> initial_covariance = {0.1, 0., 0., 0.1};
    std::string         initial_expression = "1";
    std::string         initial_constants;
    bool                normalize = true;

    /**
     * Declare the entries of subsection "Time stepping" and its "Initial
     * condition", bound to the members.
     */
    void
    declare_parameters(dealii::ParameterHandler &prm);

    /** Checks that need the dimension. */
    void
    check(unsigned int dim) const;

    /** Temporal order of the scheme (1 or 2). */
    unsigned int
    order() const;
  };

  /** The initial density p₀ described by @p parameters. */
  template <int dim>
  std::unique_ptr<dealii::Function<dim>>
  make_initial_condition(const TimeSteppingParameters &parameters);

  /**
   * The initial density of @p parameters interpolated on the mesh into
   * @p p and, with 'Normalize', scaled to mass 1. Throws InputError if it
   * has no positive mass on the mesh. Returns the mass before scaling.
   */
  template <int dim>
  double
  initial_density(const Discretization<dim>    &discretization,
                  const TimeSteppingParameters &parameters,
                  LA::MPI::Vector              &p);

  /** What happened in one accepted time step. */
  struct StepInfo
  {
    unsigned int step       = 0;
    double       time       = 0.;
    double       time_step  = 0.;
    unsigned int iterations = 0;
    unsigned int rejected   = 0;
    /** Estimated local error (adaptive stepping), else 0. */
    double error_estimate = 0.;
  };

  /**
   * Implicit Euler (order 1), Crank–Nicolson (order 2) or variable-step BDF2
   * (order 2, started with one implicit-Euler step), with a fixed step or an
   * adaptive one controlled by step doubling: one step of size Δt is
   * compared with two of Δt/2, the local error is estimated as
   * ‖p_{Δt/2,Δt/2} − p_Δt‖₁,M / (2^q − 1) with the M-weighted l¹ norm, and
   * the two half steps are kept when it is below the tolerance. New step
   * sizes are rounded down to the ladder Δt₀ 2^(k/8), so that the
   * factorisations or AMG hierarchies of the last eight matrices M + cA are
   * reused when a step size recurs.
   *
   * Every scheme solves (M + cA) p^{n+1} = r with r built from earlier
   * levels, so mass mᵀp is conserved with reflecting boundaries up to the
   * solver tolerance.
   */
  template <int dim>
  class TransientSolver
  {
  public:
    using Observer = std::function<void(const StepInfo &info, const LA::MPI::Vector &p)>;

    TransientSolver(const Discretization<dim>    &discretization,
                    const TimeSteppingParameters &parameters,
                    const LinearSolverParameters &solver_parameters);
    ~TransientSolver();

    /**
     * March @p p (the initial density on entry) to the end time, calling
     * @p observer after every accepted step (and once at t = 0 with step 0).
     */
    void
    run(LA::MPI::Vector &p, const Observer &observer);

  private:
    struct State
    {
      LA::MPI::Vector current;
      LA::MPI::Vector previous;
      double          previous_step = 0.;
      bool            has_previous  = false;
    };

    /** One step of size dt from @p state; returns GMRES iterations. */
    unsigned int
    step(State &state, double dt);

    /**
     * Round an adaptive step down to the ladder Δt₀ 2^(k/8), k integer, so
     * that step sizes (and the matrices M + cA) recur.
     */
    double
    snap_to_ladder(double dt) const;

    /** The solver for M + c A, built on first use and cached. */
    const LinearSolver &
    system_solver(double c);

    const Discretization<dim>   &discretization;
    const TimeSteppingParameters parameters;
    const LinearSolverParameters solver_parameters;
    struct CachedSystem;
    std::map<double, std::unique_ptr<CachedSystem>> cache;
    unsigned int                                    n_created = 0;
  };

  extern template class TransientSolver<1>;
  extern template class TransientSolver<2>;
  extern template class TransientSolver<3>;
} // namespace FokkerPlanck

#include <deal.II/base/mpi.h>

#include <fokker_planck/analysis/effective_potential.h>
#include <fokker_planck/analysis/temperature_model.h>
#include <fokker_planck/base/input_error.h>
#include <fokker_planck/base/instantiate.h>
#include <fokker_planck/solvers/newton.h>
#include <fokker_planck/solvers/stationary_solver.h>

#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace FokkerPlanck
{
  using namespace dealii;

  template <int dim>
  EffectivePotentialInfo
  compute_effective_potential(Discretization<dim>          &fitted,
                              const Model<dim>             &model,
                              const LinearSolverParameters &solver,
                              const AnalysisParameters     &parameters,
                              LA::MPI::Vector              &S)
  {
    EffectivePotentialInfo info;
    NewtonProgress         progress;
    TemperatureModel<dim>  shifted(model);
    const double           T = model.temperature();

    // The start: the lowest T0 >= T at which π is resolved by a linear solve.
    double          T0 = T, previous_delta = std::numeric_limits<double>::max();
    LA::MPI::Vector pi;
    for (unsigned int attempt = 0;; ++attempt)
      {
        shifted.set_temperature(T0);
        fitted.assemble(shifted);
        // Keep the linear solves well conditioned: B(δ) >= B(30) ≈ 3e-12.
        const double delta = fitted.assemble_fitted_operator(shifted);
        if (delta > 30.)
          {
            // δ = ∫(TD)⁻¹a along an edge falls like 1/T only while the
            // drift u dominates; its noise-induced part (TD)⁻¹T∇·D does not
            // depend on T. If raising T no longer helps, stop.
            if (!(delta < 0.9 * previous_delta) || attempt == 30)
              {
                std::ostringstream text;
                text << "the exponentially fitted operator cannot be started: the "
                        "drift potential across one mesh edge stays at "
                     << delta
                     << " (at most 30 is usable) for every temperature, because of "
                        "the noise-induced drift D^-1 div D; D is too close to "
                        "degenerate for this mesh (refine it or raise the "
                        "isotropic floor)";
                throw std::runtime_error(text.str());
              }
            previous_delta = delta;
            T0 *= 1.05 * delta / 30.;
            continue;
          }
        solve_stationary(fitted, solver, pi);
        const double lo = LA::min_entry(pi), hi = LA::max_entry(pi);
        if (lo > parameters.resolved_ratio * hi)
          break;
        if (attempt == 30)
          throw std::runtime_error(
              "the effective potential could not be started: no temperature up to " +
              std::to_string(T0) + " resolves the stationary density");
        // π spans exp(−ΔS/T0) = lo/hi; aim at exp(−ΔS/T1) = resolved ratio.
        T0 = lo > 0. ? std::max(2. * T0,
                                1.2 * T0 * std::log(lo / hi) /
                                    std::log(parameters.resolved_ratio))
                     : 8. * T0;
      }
    info.start_temperature = T0;

    fitted.initialize_vector(S);
    for (const auto i : fitted.locally_owned_dofs())
      S[i] = -T0 * std::log(static_cast<double>(pi[i]));
    S.compress(VectorOperation::insert);
    fitted.get_constraints().distribute(S);

    // Continuation T0 > T1 > ... > T, Newton at each temperature; a stage
    // whose Newton iteration fails is retried with a smaller step in T.
    double current = T0, factor = parameters.continuation_factor;
    bool   first = true;
    while (first || current > T)
      {
        const double next = first ? T0 : std::max(T, current * factor);
        if (!first)
          {
            shifted.set_temperature(next);
            fitted.assemble_fitted_operator(shifted);
          }
        LA::MPI::Vector previous(S);
        if (solve_log_density_equations(
                fitted, solver, next, parameters.newton_tolerance, S, progress))
          {
            ++info.stages;
            current = next;
            first   = false;
            factor  = parameters.continuation_factor;
          }
        else
          {
            S = previous;
            if (first || factor > 0.999)
              {
                std::ostringstream text;
                text << "the Newton iteration for the effective potential did "
                        "not converge at T = "
                     << next << " (scaled residual " << progress.residual << ")";
                throw std::runtime_error(text.str());
              }
            factor = std::sqrt(factor);
          }
      }
    shift_to_zero_minimum(fitted, S);
    info.newton_steps = progress.steps;
    info.residual     = progress.residual;
    return info;
  }

  template <int dim>
  HamiltonJacobiInfo
  refine_effective_potential(const Discretization<dim>    &discretization,
                             const Model<dim>             &model,
                             const LinearSolverParameters &solver_parameters,
                             LA::MPI::Vector              &S)
  {
    HamiltonJacobiInfo    info;
    TemperatureModel<dim> shifted(model);
    const double          T      = model.temperature();
    const auto            pinned = argmin_dof(discretization, S);
    LA::MPI::Vector       iterate(S);
    NewtonProgress        progress;
    // With the sparse LU as preconditioner GMRES needs a few iterations; if
    // 50 are not enough the Jacobian is numerically singular (the two-layer
    // default case: its 1000 iterations took 20 s of a 25 s run), and more
    // will not help.
    LinearSolverParameters newton_solver = solver_parameters;
    if (newton_solver.type == LinearSolverParameters::Type::direct)
      newton_solver.max_iterations = std::min(newton_solver.max_iterations, 50U);
    try
      {
        // Newton at T from the fitted S; where that start is too far off
        // (the fitted S smears rotation at low T), first at 4T, 16T, ...
        // (at most 4⁵ T) and then back down to T, halving T per stage
        // (smaller steps after a failure), each stage from the previous S.
        double current = T;
        for (unsigned int attempt = 0;; ++attempt)
          {
            shifted.set_temperature(current);
            if (solve_hamilton_jacobi(
                    discretization, shifted, newton_solver, pinned, iterate, progress))
              break;
            if (attempt == 5)
              throw std::runtime_error("Newton did not converge at any T from T to " +
                                       std::to_string(current) + " (relative residual " +
                                       std::to_string(progress.residual) + ")");
            iterate = S;
            current *= 4.;
          }
        info.start_temperature = current;
        double factor          = 0.5;
        while (current > T)
          {
            const double    next = std::max(T, current * factor);
            LA::MPI::Vector previous(iterate);
            shifted.set_temperature(next);
            if (solve_hamilton_jacobi(
                    discretization, shifted, newton_solver, pinned, iterate, progress))
              {
                current = next;
                factor  = 0.5;
                ++info.stages;
              }
            else
              {
                iterate = previous;
                factor  = std::sqrt(factor);
                if (factor > 0.99)
                  throw std::runtime_error("the continuation in T stalled at T = " +
                                           std::to_string(current));
              }
          }
        info.converged = true;
      }
    catch (const std::exception &error)
      {
        // One line, cut after its first sentence (deal.II's solver
        // failures go on for a paragraph).
        const std::string what = one_line_message(error);
        const auto        end  = what.find(". ");
        info.reason = end == std::string::npos ? what : what.substr(0, end + 1);
      }
    info.newton_steps      = progress.steps;
    info.relative_residual = progress.residual;
    if (info.converged)
      {
        LA::MPI::Vector change(iterate);
        change.add(-1., S);
        info.largest_change = change.linfty_norm();
        S                   = iterate;
        shift_to_zero_minimum(discretization, S);
      }
    return info;
  }

#define FP_INSTANTIATE(dim)                                                              \
  template EffectivePotentialInfo compute_effective_potential<dim>(                      \
      Discretization<dim> &,                                                             \
      const Model<dim> &,                                                                \
      const LinearSolverParameters &,                                                    \
      const AnalysisParameters &,                                                        \
      LA::MPI::Vector &);                                                                \
  template HamiltonJacobiInfo refine_effective_potential<dim>(                           \
      const Discretization<dim> &,                                                       \
      const Model<dim> &,                                                                \
      const LinearSolverParameters &,                                                    \
      LA::MPI::Vector &);
  FP_FOR_EACH_DIM(FP_INSTANTIATE)
#undef FP_INSTANTIATE
} // namespace FokkerPlanck

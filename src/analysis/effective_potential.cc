#include <deal.II/base/exceptions.h>
#include <deal.II/base/mpi.h>
#include <deal.II/base/quadrature_lib.h>
#include <deal.II/fe/fe_values.h>
#include <deal.II/lac/full_matrix.h>
#include <deal.II/lac/solver_control.h>
#include <deal.II/lac/vector.h>

#include <fokker_planck/analysis/effective_potential.h>
#include <fokker_planck/analysis/temperature_model.h>
#include <fokker_planck/base/collective.h>
#include <fokker_planck/base/input_error.h>
#include <fokker_planck/solvers/stationary_solver.h>

#include <cmath>
#include <functional>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace FokkerPlanck
{
  using namespace dealii;

  namespace
  {
    /** Bernoulli function B(z) = z/(e^z − 1), B(0) = 1. */
    double
    bernoulli(const double z)
    {
      return std::abs(z) < 1e-10 ? 1. - z / 2. : z / std::expm1(z);
    }
  } // namespace

  template <int dim>
  double
  assemble_exponentially_fitted(Discretization<dim> &discretization,
                                const Model<dim>    &model)
  {
    Assert(discretization.get_fe().degree == 1, ExcMessage("needs Q1"));
    auto &A                                = discretization.operator_matrix;
    A                                      = 0;
    const double                         T = model.temperature();
    const QGauss<dim>                    quadrature(2);
    FEValues<dim>                        fe_values(discretization.get_mapping(),
                            discretization.get_fe(),
                            quadrature,
                            update_gradients | update_quadrature_points |
                                update_JxW_values);
    const unsigned int                   n = discretization.get_fe().n_dofs_per_cell();
    FullMatrix<double>                   K(n, n), cell_A(n, n);
    std::vector<types::global_dof_index> indices(n);
    double                               largest_delta = 0.;
    // ν/T = (T D)⁻¹ a integrated along the edge from x_i to x_j (Simpson).
    const auto drift_potential = [&](const Point<dim> &xi, const Point<dim> &xj) {
      const auto nu = [&](const Point<dim> &x) {
        return invert(T * model.diffusion(x)) * model.fokker_planck_drift(x);
      };
      const Point<dim> mid = 0.5 * (xi + xj);
      return (xj - xi) * (nu(xi) + 4. * nu(mid) + nu(xj)) / 6.;
    };
    run_collectively(discretization.communicator(), [&]() {
      for (const auto &cell : discretization.get_dof_handler().active_cell_iterators())
        if (cell->is_locally_owned())
          {
            fe_values.reinit(cell);
            K = 0;
            for (const unsigned int q : fe_values.quadrature_point_indices())
              {
                const auto D = model.diffusion(fe_values.quadrature_point(q));
                for (unsigned int i = 0; i < n; ++i)
                  for (unsigned int j = 0; j < n; ++j)
                    K(i, j) += (D * fe_values.shape_grad(j, q)) *
                               fe_values.shape_grad(i, q) * fe_values.JxW(q);
              }
            cell_A = 0;
            for (unsigned int i = 0; i < n; ++i)
              for (unsigned int j = i + 1; j < n; ++j)
                if (K(i, j) < 0.)
                  {
                    // Edge flux i → j: w T (B(−δ) π_i − B(δ) π_j).
                    const double w = -K(i, j) * T;
                    const double delta =
                        drift_potential(cell->vertex(i), cell->vertex(j));
                    largest_delta = std::max(largest_delta, std::abs(delta));
                    cell_A(i, i) += w * bernoulli(-delta);
                    cell_A(i, j) -= w * bernoulli(delta);
                    cell_A(j, j) += w * bernoulli(delta);
                    cell_A(j, i) -= w * bernoulli(-delta);
                  }
            cell->get_dof_indices(indices);
            discretization.get_constraints().distribute_local_to_global(
                cell_A, indices, A);
          }
    });
    A.compress(VectorOperation::add);
    return Utilities::MPI::max(largest_delta, discretization.communicator());
  }

  namespace
  {
    /**
     * Backtracking line search of the damped Newton methods here: halve λ
     * from 1 while λ > @p smallest until the residual norm of the trial
     * iterate + λ step (constraints distributed; @p norm_of evaluates it)
     * falls below (1 − 10⁻⁴λ) @p norm or below @p floor. On success
     * @p iterate and @p norm become the trial and its norm. Returns whether
     * a step was accepted.
     */
    template <int dim>
    bool
    backtrack(const Discretization<dim>                            &discretization,
              const LA::MPI::Vector                                &step,
              const std::function<double(const LA::MPI::Vector &)> &norm_of,
              const double                                          smallest,
              const double                                          floor,
              LA::MPI::Vector                                      &iterate,
              double                                               &norm)
    {
      LA::MPI::Vector trial;
      for (double lambda = 1.; lambda > smallest; lambda /= 2.)
        {
          trial = iterate;
          trial.add(lambda, step);
          discretization.get_constraints().distribute(trial);
          const double trial_norm = norm_of(trial);
          if (trial_norm < (1. - 1e-4 * lambda) * norm || trial_norm < floor)
            {
              iterate = trial;
              norm    = trial_norm;
              return true;
            }
        }
      return false;
    }

    /** exp(t), with t capped so that trial iterates never give inf. */
    double
    capped_exp(const double t)
    {
      return std::exp(std::min(t, 700.));
    }

    /**
     * The log-density equations F_i(S) = Σ_j A_ij exp((S_i − S_j)/T) of one
     * temperature, each row scaled by s_i = Σ_j |A_ij| exp((S_i − S_j)/T)
     * so that |F_i|/s_i <= 1 measures the net flow into node i relative to
     * the flows through it.
     */
    template <int dim>
    class LogDensityEquations
    {
    public:
      LogDensityEquations(const Discretization<dim> &discretization, const double T)
          : discretization(discretization)
          , T(T)
      {
      }

      /**
       * Scaled residual of @p S (ghosted) into @p residual (owned), and if
       * @p jacobian is given its scaled Jacobian; row @p pinned and the
       * constrained rows are identity rows with zero residual. Returns the
       * largest |residual_i|.
       */
      double
      evaluate(const LA::MPI::Vector        &S,
               const types::global_dof_index pinned,
               LA::MPI::Vector              &residual,
               LA::MPI::SparseMatrix        *jacobian) const
      {
        const auto &A           = discretization.operator_matrix;
        const auto &constraints = discretization.get_constraints();
        double      largest     = 0.;
        std::vector<types::global_dof_index> columns;
        std::vector<double>                  values;
        for (const auto i : discretization.locally_owned_dofs())
          {
            columns.clear();
            values.clear();
            double F = 0., scale = 0., diagonal = 0.;
            if (i != pinned && !constraints.is_constrained(i))
              {
                for (auto entry = A.begin(i); entry != A.end(i); ++entry)
                  {
                    const auto   j    = entry->column();
                    const double term = entry->value() * capped_exp((S[i] - S[j]) / T);
                    F += term;
                    scale += std::abs(term);
                    if (j != i)
                      {
                        columns.push_back(j);
                        values.push_back(-term / T);
                        diagonal += term / T;
                      }
                  }
              }
            if (scale > 0.)
              {
                residual[i] = F / scale;
                for (auto &v : values)
                  v /= scale;
                columns.push_back(i);
                values.push_back(diagonal / scale);
              }
            else
              {
                residual[i] = 0.;
                columns.assign(1, i);
                values.assign(1, 1.);
              }
            largest = std::max(largest, std::abs(residual[i]));
            if (jacobian)
              jacobian->set(i, columns, values);
          }
        residual.compress(VectorOperation::insert);
        if (jacobian)
          jacobian->compress(VectorOperation::insert);
        return Utilities::MPI::max(largest, discretization.communicator());
      }

    private:
      const Discretization<dim> &discretization;
      const double               T;
    };

    /** An unconstrained DoF where @p S is smallest (same on all ranks). */
    template <int dim>
    types::global_dof_index
    argmin_dof(const Discretization<dim> &discretization, const LA::MPI::Vector &S)
    {
      const auto &constraints = discretization.get_constraints();
      double      smallest    = std::numeric_limits<double>::max();
      for (const auto i : discretization.locally_owned_dofs())
        if (!constraints.is_constrained(i))
          smallest = std::min(smallest, static_cast<double>(S[i]));
      const double global = Utilities::MPI::min(smallest, discretization.communicator());
      types::global_dof_index argmin = numbers::invalid_dof_index;
      for (const auto i : discretization.locally_owned_dofs())
        if (!constraints.is_constrained(i) && S[i] == global)
          {
            argmin = i;
            break;
          }
      return Utilities::MPI::min(argmin, discretization.communicator());
    }

    /**
     * Damped Newton iteration for the log-density equations at the
     * temperature at which @p discretization is assembled. Returns whether
     * the tolerance was met; @p S (owned) is updated in place.
     */
    template <int dim>
    bool
    newton(const Discretization<dim>    &discretization,
           const LinearSolverParameters &solver_parameters,
           const double                  T,
           const double                  tolerance,
           LA::MPI::Vector              &S,
           EffectivePotentialInfo       &info)
    {
      const LogDensityEquations<dim> equations(discretization, T);
      const auto                     pinned = argmin_dof(discretization, S);
      LA::MPI::Vector                ghosted, residual, step;
      discretization.initialize_ghosted_vector(ghosted);
      discretization.initialize_vector(residual);
      discretization.initialize_vector(step);
      ghosted = S;
      LA::MPI::SparseMatrix jacobian;
      LA::copy_matrix(jacobian, discretization.operator_matrix);
      double norm = equations.evaluate(ghosted, pinned, residual, &jacobian);
      for (unsigned int iteration = 0; iteration < 40; ++iteration)
        {
          info.residual = norm;
          if (norm < tolerance)
            return true;
          LinearSolver solver(solver_parameters);
          solver.initialize(jacobian);
          residual *= -1.;
          step = 0.;
          try
            {
              solver.solve(step, residual);
            }
          catch (const SolverControl::NoConvergence &)
            {
              // Near convergence the relative tolerance of the step is below
              // rounding; the last iterate is used and the line search below
              // decides whether it helps.
            }
          ++info.newton_steps;

          // Backtracking: halve the step until the residual decreases.
          const bool accepted = backtrack<dim>(
              discretization,
              step,
              [&](const LA::MPI::Vector &trial) {
                ghosted = trial;
                return equations.evaluate(ghosted, pinned, residual, nullptr);
              },
              1e-4,
              0.,
              S,
              norm);
          // No decrease: converged to rounding if the residual is already
          // small (each node's net flow below 1e-5 of its through-flow when
          // the tolerance is 1e-10), failed otherwise.
          if (!accepted)
            return norm < std::sqrt(tolerance);
          ghosted = S;
          norm    = equations.evaluate(ghosted, pinned, residual, &jacobian);
        }
      info.residual = norm;
      return norm < tolerance;
    }

    /** Subtract min S over the unconstrained DoFs. */
    template <int dim>
    void
    shift_to_zero_minimum(const Discretization<dim> &discretization, LA::MPI::Vector &S)
    {
      const auto pinned   = argmin_dof(discretization, S);
      double     smallest = 0.;
      if (discretization.locally_owned_dofs().is_element(pinned))
        smallest = S[pinned];
      smallest = Utilities::MPI::sum(smallest, discretization.communicator());
      S.add(-smallest);
      discretization.get_constraints().distribute(S);
    }
  } // namespace

  template <int dim>
  EffectivePotentialInfo
  compute_effective_potential(Discretization<dim>          &fitted,
                              const Model<dim>             &model,
                              const LinearSolverParameters &solver,
                              const AnalysisParameters     &parameters,
                              LA::MPI::Vector              &S)
  {
    EffectivePotentialInfo info;
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
        const double delta = assemble_exponentially_fitted(fitted, shifted);
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
            assemble_exponentially_fitted(fitted, shifted);
          }
        LA::MPI::Vector previous(S);
        if (newton(fitted, solver, next, parameters.newton_tolerance, S, info))
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
                     << next << " (scaled residual " << info.residual << ")";
                throw std::runtime_error(text.str());
              }
            factor = std::sqrt(factor);
          }
      }
    shift_to_zero_minimum(fitted, S);
    return info;
  }

  namespace
  {
    /**
     * R(S)(φ_i) = T (a + D∇S, ∇φ_i) + (∇S·(a + D∇S), φ_i) into @p residual
     * (owned; zero in the pinned and constrained rows) and, if given, its
     * Jacobian T (D∇δ, ∇φ_i) + ((a + 2D∇S)·∇δ, φ_i). Returns ‖R‖₂.
     */
    template <int dim>
    double
    hamilton_jacobi_residual(const Discretization<dim>    &discretization,
                             const Model<dim>             &model,
                             const LA::MPI::Vector        &S,
                             const types::global_dof_index pinned,
                             LA::MPI::Vector              &residual,
                             LA::MPI::SparseMatrix        *jacobian)
    {
      const double                         T  = model.temperature();
      const auto                          &fe = discretization.get_fe();
      const QGauss<dim>                    quadrature(fe.degree + 2);
      FEValues<dim>                        fe_values(discretization.get_mapping(),
                              fe,
                              quadrature,
                              update_values | update_gradients |
                                  update_quadrature_points | update_JxW_values);
      const unsigned int                   n = fe.n_dofs_per_cell();
      Vector<double>                       cell_r(n);
      FullMatrix<double>                   cell_j(n, n);
      std::vector<types::global_dof_index> indices(n);
      std::vector<Tensor<1, dim>>          grad(quadrature.size());
      residual = 0.;
      if (jacobian)
        *jacobian = 0.;
      run_collectively(discretization.communicator(), [&]() {
        for (const auto &cell : discretization.get_dof_handler().active_cell_iterators())
          if (cell->is_locally_owned())
            {
              fe_values.reinit(cell);
              fe_values.get_function_gradients(S, grad);
              cell_r = 0.;
              cell_j = 0.;
              for (const unsigned int q : fe_values.quadrature_point_indices())
                {
                  const Point<dim> &x  = fe_values.quadrature_point(q);
                  const auto        D  = model.diffusion(x);
                  const auto        DS = D * grad[q];
                  const auto        v  = model.fokker_planck_drift(x) + DS;
                  const auto        w  = v + DS; // a + 2 D∇S
                  const double      g  = grad[q] * v;
                  const double      dx = fe_values.JxW(q);
                  for (unsigned int i = 0; i < n; ++i)
                    {
                      const auto  &grad_i = fe_values.shape_grad(i, q);
                      const double phi_i  = fe_values.shape_value(i, q);
                      cell_r(i) += (T * (v * grad_i) + g * phi_i) * dx;
                      if (jacobian)
                        for (unsigned int j = 0; j < n; ++j)
                          {
                            const auto &grad_j = fe_values.shape_grad(j, q);
                            cell_j(i, j) +=
                                (T * ((D * grad_j) * grad_i) + (w * grad_j) * phi_i) * dx;
                          }
                    }
                }
              cell->get_dof_indices(indices);
              if (jacobian)
                discretization.get_constraints().distribute_local_to_global(
                    cell_j, cell_r, indices, *jacobian, residual);
              else
                discretization.get_constraints().distribute_local_to_global(
                    cell_r, indices, residual);
            }
      });
      residual.compress(VectorOperation::add);
      if (jacobian)
        jacobian->compress(VectorOperation::add);
      // The pinned row: δS = 0 there.
      std::vector<types::global_dof_index> rows;
      if (residual.locally_owned_elements().is_element(pinned))
        {
          residual[pinned] = 0.;
          rows.push_back(pinned);
        }
      residual.compress(VectorOperation::insert);
      if (jacobian)
        jacobian->clear_rows(rows, 1.);
      return residual.l2_norm();
    }

    /**
     * Damped Newton iteration for R(S) = 0 at the temperature of @p model,
     * from @p iterate (owned), which is updated. Returns whether it
     * converged; a failed linear solve throws.
     */
    template <int dim>
    bool
    hamilton_jacobi_newton(const Discretization<dim>    &discretization,
                           const Model<dim>             &model,
                           const LinearSolverParameters &solver_parameters,
                           const types::global_dof_index pinned,
                           LA::MPI::Vector              &iterate,
                           HamiltonJacobiInfo           &info)
    {
      LA::MPI::Vector ghosted, residual, step;
      discretization.initialize_ghosted_vector(ghosted);
      discretization.initialize_vector(residual);
      discretization.initialize_vector(step);
      LA::MPI::SparseMatrix jacobian;
      LA::copy_matrix(jacobian, discretization.operator_matrix);
      ghosted           = iterate;
      const double init = hamilton_jacobi_residual(
          discretization, model, ghosted, pinned, residual, &jacobian);
      double       norm      = init;
      const double scale     = 1. + LA::max_entry(iterate) - LA::min_entry(iterate);
      info.relative_residual = 0.;
      if (!(init > 0.))
        return true;
      for (unsigned int iteration = 0; iteration < 25; ++iteration)
        {
          LinearSolver solver(solver_parameters);
          solver.initialize(jacobian);
          residual *= -1.;
          step = 0.;
          solver.solve(step, residual);
          ++info.newton_steps;
          const double update   = step.linfty_norm();
          const bool   accepted = backtrack<dim>(
              discretization,
              step,
              [&](const LA::MPI::Vector &trial) {
                ghosted = trial;
                return hamilton_jacobi_residual(
                    discretization, model, ghosted, pinned, residual, nullptr);
              },
              1e-3,
              1e-13 * init,
              iterate,
              norm);
          info.relative_residual = norm / init;
          // Converged: a full step that changes S by less than 1e-10 of its
          // range, or no further decrease from a residual at rounding level.
          if (accepted && update < 1e-10 * scale)
            return true;
          if (!accepted)
            return norm < 1e-10 * init || update < 1e-10 * scale;
          ghosted = iterate;
          norm    = hamilton_jacobi_residual(
              discretization, model, ghosted, pinned, residual, &jacobian);
        }
      return false;
    }
  } // namespace

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
            if (hamilton_jacobi_newton(
                    discretization, shifted, newton_solver, pinned, iterate, info))
              break;
            if (attempt == 5)
              throw std::runtime_error("Newton did not converge at any T from T to " +
                                       std::to_string(current) + " (relative residual " +
                                       std::to_string(info.relative_residual) + ")");
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
            if (hamilton_jacobi_newton(
                    discretization, shifted, newton_solver, pinned, iterate, info))
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
  template double assemble_exponentially_fitted<dim>(Discretization<dim> &,              \
                                                     const Model<dim> &);                \
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
  FP_INSTANTIATE(1)
  FP_INSTANTIATE(2)
  FP_INSTANTIATE(3)
#undef FP_INSTANTIATE
} // namespace FokkerPlanck

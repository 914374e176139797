#include <deal.II/base/mpi.h>
#include <deal.II/base/quadrature_lib.h>
#include <deal.II/fe/fe_values.h>
#include <deal.II/lac/full_matrix.h>
#include <deal.II/lac/solver_control.h>
#include <deal.II/lac/vector.h>

#include <fokker_planck/base/collective.h>
#include <fokker_planck/base/instantiate.h>
#include <fokker_planck/solvers/newton.h>

#include <cmath>
#include <functional>
#include <limits>
#include <vector>

namespace FokkerPlanck
{
  using namespace dealii;

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
        const auto &A           = discretization.get_operator_matrix();
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
  } // namespace

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

  template <int dim>
  bool
  solve_log_density_equations(const Discretization<dim>    &discretization,
                              const LinearSolverParameters &solver_parameters,
                              const double                  T,
                              const double                  tolerance,
                              LA::MPI::Vector              &S,
                              NewtonProgress               &info)
  {
    const LogDensityEquations<dim> equations(discretization, T);
    const auto                     pinned = argmin_dof(discretization, S);
    LA::MPI::Vector                ghosted, residual, step;
    discretization.initialize_ghosted_vector(ghosted);
    discretization.initialize_vector(residual);
    discretization.initialize_vector(step);
    ghosted = S;
    LA::MPI::SparseMatrix jacobian;
    LA::copy_matrix(jacobian, discretization.get_operator_matrix());
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
        ++info.steps;

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
  } // namespace

  template <int dim>
  bool
  solve_hamilton_jacobi(const Discretization<dim>    &discretization,
                        const Model<dim>             &model,
                        const LinearSolverParameters &solver_parameters,
                        const types::global_dof_index pinned,
                        LA::MPI::Vector              &iterate,
                        NewtonProgress               &info)
  {
    LA::MPI::Vector ghosted, residual, step;
    discretization.initialize_ghosted_vector(ghosted);
    discretization.initialize_vector(residual);
    discretization.initialize_vector(step);
    LA::MPI::SparseMatrix jacobian;
    LA::copy_matrix(jacobian, discretization.get_operator_matrix());
    ghosted           = iterate;
    const double init = hamilton_jacobi_residual(
        discretization, model, ghosted, pinned, residual, &jacobian);
    double       norm  = init;
    const double scale = 1. + LA::max_entry(iterate) - LA::min_entry(iterate);
    info.residual      = 0.;
    if (!(init > 0.))
      return true;
    for (unsigned int iteration = 0; iteration < 25; ++iteration)
      {
        LinearSolver solver(solver_parameters);
        solver.initialize(jacobian);
        residual *= -1.;
        step = 0.;
        solver.solve(step, residual);
        ++info.steps;
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
        info.residual = norm / init;
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

#define FP_INSTANTIATE(dim)                                                                \
  template types::global_dof_index argmin_dof<dim>(const Discretization<dim> &,            \
                                                   const LA::MPI::Vector &);               \
  template void                    shift_to_zero_minimum<dim>(const Discretization<dim> &, \
                                           LA::MPI::Vector &);          \
  template bool solve_log_density_equations<dim>(const Discretization<dim> &,              \
                                                 const LinearSolverParameters &,           \
                                                 double,                                   \
                                                 double,                                   \
                                                 LA::MPI::Vector &,                        \
                                                 NewtonProgress &);                        \
  template bool solve_hamilton_jacobi<dim>(const Discretization<dim> &,                    \
                                           const Model<dim> &,                             \
                                           const LinearSolverParameters &,                 \
                                           types::global_dof_index,                        \
                                           LA::MPI::Vector &,                              \
                                           NewtonProgress &);
  FP_FOR_EACH_DIM(FP_INSTANTIATE)
#undef FP_INSTANTIATE
} // namespace FokkerPlanck

#include <deal.II/base/function_parser.h>
#include <deal.II/base/symmetric_tensor.h>

#include <fokker_planck/base/input_error.h>
#include <fokker_planck/base/parsing.h>
#include <fokker_planck/solvers/transient_solver.h>

#include <cmath>

namespace FokkerPlanck
{
  using namespace dealii;

  void
  TimeSteppingParameters::declare_parameters(ParameterHandler &prm)
  {
    prm.enter_subsection("Time stepping");
    {
      Parsing::add_selection(prm,
                             "Scheme",
                             scheme,
                             {{"implicit euler", Scheme::implicit_euler},
                              {"crank-nicolson", Scheme::crank_nicolson},
                              {"bdf2", Scheme::bdf2}},
                             "'implicit euler' (order 1, L-stable, positivity "
                             "preserving with algebraic upwinding), "
                             "'crank-nicolson' (order 2, A-stable), 'bdf2' (order "
                             "2, L-stable, variable step; first step implicit "
                             "Euler).");
      prm.add_parameter("End time",
                        end_time,
                        "Final time (units of the SDE's time; for SGD t = "
                        "step * eta).",
                        Patterns::Double(0.));
      prm.add_parameter("Time step",
                        time_step,
                        "Fixed step; with 'Adaptive = true' the first step.",
                        Patterns::Double(0.));
      prm.add_parameter("Adaptive",
                        adaptive,
                        "Adapt the step by step doubling to keep the "
                        "estimated local error in the M-weighted l1 norm "
                        "below 'Tolerance'.");
      prm.add_parameter("Tolerance",
                        tolerance,
                        "Local error tolerance of adaptive stepping (l1 norm "
                        "of the density, i.e. probability).",
                        Patterns::Double(0.));
      prm.add_parameter("Minimum time step",
                        minimum_time_step,
                        "Smallest step of adaptive stepping.",
                        Patterns::Double(0.));
      prm.add_parameter("Maximum time step",
                        maximum_time_step,
                        "Largest step of adaptive stepping.",
                        Patterns::Double(0.));
      prm.enter_subsection("Initial condition");
      {
        Parsing::add_selection(prm,
                               "Type",
                               initial_type,
                               {{"gaussian", InitialType::gaussian},
                                {"expression", InitialType::expression}},
                               "'gaussian': N(Mean, Covariance); 'expression': "
                               "the muparser expression 'Expression' in x, y, z.");
        prm.add_parameter("Mean",
                          initial_mean,
                          "Mean m0 of the Gaussian, dim numbers.",
                          Patterns::List(Patterns::Double(), 1, 3));
        prm.add_parameter("Covariance",
                          initial_covariance,
                          "Covariance Sigma0 of the Gaussian, dim*dim "
                          "numbers row-major, symmetric positive definite.",
                          Patterns::List(Patterns::Double(), 1, 9));
        prm.add_parameter("Expression",
                          initial_expression,
                          "Initial density for 'Type = expression' (need not "
                          "be normalised if 'Normalize = true').",
                          Patterns::Anything());
        prm.add_parameter("Function constants",
                          initial_constants,
                          "Constants for 'Expression', e.g. 'a=1, b=2'.",
                          Patterns::Anything());
        prm.add_parameter(
            "Normalize", normalize, "Scale the interpolated initial density to mass 1.");
      }
      prm.leave_subsection();
    }
    prm.leave_subsection();
  }

  void
  TimeSteppingParameters::check(const unsigned int dim) const
  {
    require(end_time > 0., "Time stepping/End time", "must be > 0");
    require(time_step > 0., "Time stepping/Time step", "must be > 0");
    if (adaptive)
      {
        require(tolerance > 0., "Time stepping/Tolerance", "must be > 0");
        require(minimum_time_step > 0. && minimum_time_step <= time_step,
                "Time stepping/Minimum time step",
                "must be > 0 and <= 'Time step'");
        require(maximum_time_step >= time_step,
                "Time stepping/Maximum time step",
                "must be >= 'Time step'");
      }
    if (initial_type == InitialType::gaussian)
      {
        const std::string e = "Time stepping/Initial condition/";
        require(initial_mean.size() == dim,
                e + "Mean",
                "needs dim = " + std::to_string(dim) + " numbers");
        require(initial_covariance.size() == dim * dim,
                e + "Covariance",
                "needs dim*dim = " + std::to_string(dim * dim) + " numbers");
        for (unsigned int i = 0; i < dim; ++i)
          for (unsigned int j = 0; j < dim; ++j)
            require(initial_covariance[i * dim + j] == initial_covariance[j * dim + i],
                    e + "Covariance",
                    "must be symmetric");
      }
  }

  unsigned int
  TimeSteppingParameters::order() const
  {
    return scheme == Scheme::implicit_euler ? 1 : 2;
  }

  namespace
  {
    /** The density of N(mean, covariance). */
    template <int dim>
    class GaussianDensity : public Function<dim>
    {
    public:
      GaussianDensity(const Point<dim> &mean, const SymmetricTensor<2, dim> &covariance)
          : mean(mean)
          , precision(invert(covariance))
          , factor(1. / std::sqrt(std::pow(2. * M_PI, dim) * determinant(covariance)))
      {
      }

      double
      value(const Point<dim> &x, const unsigned int = 0) const override
      {
        const Tensor<1, dim> d = x - mean;
        return factor * std::exp(-0.5 * (d * (precision * d)));
      }

    private:
      const Point<dim>              mean;
      const SymmetricTensor<2, dim> precision;
      const double                  factor;
    };
  } // namespace

  template <int dim>
  std::unique_ptr<Function<dim>>
  make_initial_condition(const TimeSteppingParameters &parameters)
  {
    if (parameters.initial_type == TimeSteppingParameters::InitialType::gaussian)
      {
        Point<dim>              mean;
        SymmetricTensor<2, dim> covariance;
        for (unsigned int i = 0; i < dim; ++i)
          {
            mean[i] = parameters.initial_mean[i];
            for (unsigned int j = i; j < dim; ++j)
              covariance[i][j] = parameters.initial_covariance[i * dim + j];
          }
        require(eigenvalues(covariance)[dim - 1] > 0.,
                "Time stepping/Initial condition/Covariance",
                "must be positive definite");
        return std::make_unique<GaussianDensity<dim>>(mean, covariance);
      }
    const std::string entry  = "Time stepping/Initial condition/Expression";
    auto              parser = Parsing::make_parser<dim>(
        {parameters.initial_expression},
        Parsing::parse_constants(parameters.initial_constants,
                                 "Time stepping/Initial condition/Function constants"),
        entry);
    return parser;
  }

  template <int dim>
  struct TransientSolver<dim>::CachedSystem
  {
    explicit CachedSystem(const LinearSolverParameters &parameters)
        : solver(parameters)
    {
    }
    LA::MPI::SparseMatrix matrix;
    LinearSolver          solver;
    unsigned int          created = 0;
  };

  template <int dim>
  TransientSolver<dim>::TransientSolver(const Discretization<dim>    &discretization,
                                        const TimeSteppingParameters &parameters,
                                        const LinearSolverParameters &solver_parameters)
      : discretization(discretization)
      , parameters(parameters)
      , solver_parameters(solver_parameters)
  {
  }

  template <int dim>
  TransientSolver<dim>::~TransientSolver() = default;

  template <int dim>
  const LinearSolver &
  TransientSolver<dim>::system_solver(const double c)
  {
    auto it = cache.find(c);
    if (it == cache.end())
      {
        // Adaptive steps live on a ladder (see snap_to_ladder), so a few
        // coefficients recur; keep the most recently created ones.
        if (cache.size() >= 8)
          {
            auto oldest = cache.begin();
            for (auto i = cache.begin(); i != cache.end(); ++i)
              if (i->second->created < oldest->second->created)
                oldest = i;
            cache.erase(oldest);
          }
        auto system     = std::make_unique<CachedSystem>(solver_parameters);
        system->created = ++n_created;
        LA::copy_matrix(system->matrix, discretization.get_mass_matrix());
        system->matrix.add(c, discretization.get_operator_matrix());
        system->solver.initialize(system->matrix);
        it = cache.emplace(c, std::move(system)).first;
      }
    return it->second->solver;
  }

  template <int dim>
  unsigned int
  TransientSolver<dim>::step(State &state, const double dt)
  {
    const auto     &M = discretization.get_mass_matrix();
    const auto     &A = discretization.get_operator_matrix();
    LA::MPI::Vector rhs, tmp;
    discretization.initialize_vector(rhs);
    discretization.initialize_vector(tmp);

    double c     = dt;
    using Scheme = TimeSteppingParameters::Scheme;
    if (parameters.scheme == Scheme::crank_nicolson)
      {
        c = 0.5 * dt;
        M.vmult(rhs, state.current);
        A.vmult(tmp, state.current);
        rhs.add(-0.5 * dt, tmp);
      }
    else if (parameters.scheme == Scheme::bdf2 && state.has_previous)
      {
        const double omega = dt / state.previous_step;
        c                  = dt * (1. + omega) / (1. + 2. * omega);
        tmp                = state.current;
        tmp *= (1. + omega) * (1. + omega) / (1. + 2. * omega);
        tmp.add(-omega * omega / (1. + 2. * omega), state.previous);
        M.vmult(rhs, tmp);
      }
    else
      M.vmult(rhs, state.current);
    discretization.get_constraints().set_zero(rhs);

    LA::MPI::Vector next(state.current);
    const auto      info = system_solver(c).solve(next, rhs);
    discretization.get_constraints().distribute(next);

    state.previous      = state.current;
    state.current       = next;
    state.previous_step = dt;
    state.has_previous  = true;
    return info.iterations;
  }

  template <int dim>
  double
  TransientSolver<dim>::snap_to_ladder(const double dt) const
  {
    // Largest Δt₀ 2^(k/8) <= dt: half steps are on the ladder too, and the
    // factorisations of M + cA can be reused when a step size recurs.
    const double rungs = std::floor(8. * std::log2(dt / parameters.time_step) + 1e-9);
    return parameters.time_step * std::exp2(rungs / 8.);
  }

  template <int dim>
  void
  TransientSolver<dim>::run(LA::MPI::Vector &p, const Observer &observer)
  {
    State state;
    state.current = p;
    StepInfo info;
    observer(info, state.current);

    const double end = parameters.end_time;
    double       dt  = parameters.time_step;
    if (!parameters.adaptive)
      {
        const unsigned int n_steps =
            std::max(1., std::ceil(end / parameters.time_step - 1e-9));
        dt = end / n_steps;
        for (unsigned int n = 1; n <= n_steps; ++n)
          {
            info.iterations = step(state, dt);
            info.step       = n;
            info.time       = n == n_steps ? end : n * dt;
            info.time_step  = dt;
            observer(info, state.current);
          }
        p = state.current;
        return;
      }

    const unsigned int q = parameters.order();
    double             t = 0.;
    while (t < end * (1. - 1e-12))
      {
        dt              = std::min(dt, end - t);
        info.rejected   = 0;
        info.iterations = 0;
        while (true)
          {
            State big = state, small = state;
            info.iterations += step(big, dt);
            info.iterations += step(small, 0.5 * dt);
            info.iterations += step(small, 0.5 * dt);

            // M-weighted l1 distance between the two results.
            double local = 0.;
            for (const auto i : discretization.locally_owned_dofs())
              local += std::abs(discretization.get_mass_vector()[i] *
                                (small.current[i] - big.current[i]));
            const double difference =
                Utilities::MPI::sum(local, discretization.communicator());
            const double estimate = difference / ((1U << q) - 1.);
            const double factor   = std::clamp(
                0.9 * std::pow(parameters.tolerance / std::max(estimate, 1e-300),
                               1. / (q + 1.)),
                0.2,
                2.);
            if (estimate <= parameters.tolerance ||
                dt <= parameters.minimum_time_step * (1. + 1e-12))
              {
                t += dt;
                state = small;
                info.step += 1;
                info.time           = t;
                info.time_step      = dt;
                info.error_estimate = estimate;
                observer(info, state.current);
                dt = snap_to_ladder(std::clamp(dt * factor,
                                               parameters.minimum_time_step,
                                               parameters.maximum_time_step));
                break;
              }
            ++info.rejected;
            dt = std::max(snap_to_ladder(dt * factor), parameters.minimum_time_step);
          }
      }
    p = state.current;
  }

  template <int dim>
  double
  initial_density(const Discretization<dim>    &discretization,
                  const TimeSteppingParameters &parameters,
                  LA::MPI::Vector              &p)
  {
    discretization.interpolate(*make_initial_condition<dim>(parameters), p);
    const double initial_mass = discretization.mass(p);
    require(initial_mass > 0.,
            "Time stepping/Initial condition",
            "the initial density has no positive mass on the mesh");
    if (parameters.normalize)
      p /= initial_mass;
    return initial_mass;
  }

  template class TransientSolver<1>;
  template class TransientSolver<2>;
  template class TransientSolver<3>;
  template std::unique_ptr<Function<1>>
  make_initial_condition<1>(const TimeSteppingParameters &);
  template std::unique_ptr<Function<2>>
  make_initial_condition<2>(const TimeSteppingParameters &);
  template std::unique_ptr<Function<3>>
  make_initial_condition<3>(const TimeSteppingParameters &);
  template double
  initial_density<1>(const Discretization<1> &,
                     const TimeSteppingParameters &,
                     LA::MPI::Vector &);
  template double
  initial_density<2>(const Discretization<2> &,
                     const TimeSteppingParameters &,
                     LA::MPI::Vector &);
  template double
  initial_density<3>(const Discretization<3> &,
                     const TimeSteppingParameters &,
                     LA::MPI::Vector &);
} // namespace FokkerPlanck

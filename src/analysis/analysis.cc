#include <deal.II/fe/fe_tools.h>
#include <deal.II/numerics/data_out.h>
#include <deal.II/numerics/data_postprocessor.h>

#include <fokker_planck/analysis/analysis.h>
#include <fokker_planck/base/axes.h>
#include <fokker_planck/base/input_error.h>

#include <nlohmann/json.hpp>

#include <functional>

namespace FokkerPlanck
{
  using namespace dealii;

  namespace
  {
    /**
     * Output fields computed pointwise from one scalar finite-element
     * function s: each field maps (x, s(x), ∇s(x)) to 1 or dim values.
     */
    template <int dim>
    class PointFields : public DataPostprocessor<dim>
    {
    public:
      using Evaluate = std::function<void(
          const Point<dim> &, double, const Tensor<1, dim> &, double *)>;

      void
      add(const std::string &name, const unsigned int n_components, const Evaluate &f)
      {
        fields.push_back({name, n_components, f});
      }

      bool
      empty() const
      {
        return fields.empty();
      }

      void
      evaluate_scalar_field(const DataPostprocessorInputs::Scalar<dim> &inputs,
                            std::vector<Vector<double>> &computed) const override
      {
        for (unsigned int q = 0; q < inputs.solution_values.size(); ++q)
          {
            unsigned int c = 0;
            for (const auto &field : fields)
              {
                field.evaluate(inputs.evaluation_points[q],
                               inputs.solution_values[q],
                               inputs.solution_gradients[q],
                               &computed[q](c));
                c += field.n_components;
              }
          }
      }

      std::vector<std::string>
      get_names() const override
      {
        std::vector<std::string> names;
        for (const auto &field : fields)
          names.insert(names.end(), field.n_components, field.name);
        return names;
      }

      std::vector<DataComponentInterpretation::DataComponentInterpretation>
      get_data_component_interpretation() const override
      {
        std::vector<DataComponentInterpretation::DataComponentInterpretation> kinds;
        for (const auto &field : fields)
          kinds.insert(kinds.end(),
                       field.n_components,
                       field.n_components == 1
                           ? DataComponentInterpretation::component_is_scalar
                           : DataComponentInterpretation::component_is_part_of_vector);
        return kinds;
      }

      UpdateFlags
      get_needed_update_flags() const override
      {
        return update_values | update_gradients | update_quadrature_points;
      }

    private:
      struct Field
      {
        std::string  name;
        unsigned int n_components;
        Evaluate     evaluate;
      };
      std::vector<Field> fields;
    };

    template <int dim>
    void
    copy(const Tensor<1, dim> &v, double *out)
    {
      for (unsigned int d = 0; d < dim; ++d)
        out[d] = v[d];
    }
  } // namespace

  std::vector<FieldDescription>
  analysis_field_descriptions()
  {
    const std::string stationary = " (stationary runs)";
    return {{"effective_potential", "S = -T log pi, min 0" + stationary},
            {"helmholtz_potential", "S_H"},
            {"gradient_drift", "-D grad S_H"},
            {"solenoidal_drift", "r = a + D grad S_H"},
            {"current_divergence", "discrete div J = M^-1 A p"},
            {"probability_velocity", "v = J/pi = a + D grad S" + stationary},
            {"reversible_velocity", "-D grad S" + stationary},
            {"stream_function", "psi with J = (d psi/dy, -d psi/dx) (2D)"},
            {"entropy_production_density", "J^T (T D)^-1 J / p"}};
  }

  template <int dim>
  Analysis<dim>::Analysis(const AnalysisParameters     &parameters,
                          const LinearSolverParameters &solver,
                          const Problem<dim>           &problem,
                          const FieldSelection         &fields)
      : parameters(parameters)
      , solver(solver)
      , problem(problem)
      , discretization(problem.discretization())
      , model(problem.model())
      , output(fields)
  {
  }

  template <int dim>
  void
  Analysis<dim>::observe(const Snapshot &snapshot)
  {
    if (snapshot.stationary)
      stationary(*snapshot.density);
    else
      transient(*snapshot.density);
  }

  template <int dim>
  Analysis<dim>::~Analysis() = default;

  template <int dim>
  void
  Analysis<dim>::currents(const LA::MPI::Vector &p)
  {
    discretization.initialize_ghosted_vector(density);
    density = p;
    results.currents =
        current_scalars(discretization, model, p, parameters.density_floor);

    LA::MPI::Vector owned;
    FokkerPlanck::current_divergence(discretization, p, owned);
    discretization.initialize_ghosted_vector(divergence);
    divergence    = owned;
    const auto l2 = [&](const LA::MPI::Vector &v) {
      LA::MPI::Vector Mv(owned);
      discretization.get_mass_matrix().vmult(Mv, v);
      return std::sqrt(std::max(0., static_cast<double>(v * Mv)));
    };
    results.current_divergence_l2 = l2(owned);

    if (S_H.size() == 0)
      FokkerPlanck::helmholtz_potential(
          discretization, problem.geometry(), solver, model, S_H);
    if constexpr (dim == 2)
      {
        FokkerPlanck::stream_function(
            discretization, problem.geometry(), solver, model, p, psi);
        results.circulation = LA::max_entry(psi) - LA::min_entry(psi);
      }
  }

  template <int dim>
  void
  Analysis<dim>::transient(const LA::MPI::Vector &p)
  {
    currents(p);
  }

  template <int dim>
  void
  Analysis<dim>::stationary(const LA::MPI::Vector &pi)
  {
    currents(pi);

    // S on Q1 with the exponentially fitted operator, then interpolated to
    // the elements of the run (exact for Q1 ⊂ Q_k).
    DiscretizationParameters q1_parameters = discretization.get_parameters();
    q1_parameters.degree                   = 1;
    q1_parameters.upwind                   = false;
    Discretization<dim> q1(problem.triangulation(), problem.geometry(), q1_parameters);
    q1.setup();
    LA::MPI::Vector owned, ghosted;
    try
      {
        results.potential =
            compute_effective_potential(q1, model, solver, parameters, owned);
        q1.initialize_ghosted_vector(ghosted);
        ghosted = owned;
        discretization.initialize_vector(owned);
        FETools::interpolate(q1.get_dof_handler(),
                             ghosted,
                             discretization.get_dof_handler(),
                             discretization.get_constraints(),
                             owned);
      }
    catch (const std::exception &error)
      {
        // The fitted operator's linear solve can fail (e.g. a factorisation
        // of a nearly degenerate D). Fall back to S = −T log π from the
        // run's own π, floored, and say so in the summary.
        EffectivePotentialInfo info;
        info.fallback_reason = one_line_message(error);
        const double T       = model.temperature();
        const double floor =
            std::max(parameters.density_floor, 1e-300) * LA::max_entry(pi);
        discretization.initialize_vector(owned);
        for (const auto i : owned.locally_owned_elements())
          owned[i] = -T * std::log(std::max(static_cast<double>(pi[i]), floor));
        owned.compress(VectorOperation::insert);
        owned.add(-LA::min_entry(owned));
        discretization.get_constraints().distribute(owned);
        results.potential = info;
      }
    if (parameters.hamilton_jacobi)
      results.hamilton_jacobi =
          refine_effective_potential(discretization, model, solver, owned);
    discretization.initialize_ghosted_vector(S);
    S = owned;
    if (model.has_loss())
      results.boltzmann = boltzmann_distances(discretization, model, S);
  }

  template <int dim>
  void
  Analysis<dim>::add_fields(DataOut<dim, dim> &data_out) const
  {
    auto &processors = postprocessors;
    processors.clear();
    const Model<dim> &m = model;

    if (S.size() > 0)
      {
        auto fields = std::make_unique<PointFields<dim>>();
        if (output.wants("effective_potential"))
          fields->add(
              "effective_potential",
              1,
              [](const auto &, double s, const auto &, double *out) { out[0] = s; });
        if (output.wants("probability_velocity"))
          fields->add("probability_velocity",
                      dim,
                      [&m](const auto &x, double, const auto &grad, double *out) {
                        copy<dim>(m.fokker_planck_drift(x) + m.diffusion(x) * grad, out);
                      });
        if (output.wants("reversible_velocity"))
          fields->add("reversible_velocity",
                      dim,
                      [&m](const auto &x, double, const auto &grad, double *out) {
                        copy<dim>(-(m.diffusion(x) * grad), out);
                      });
        if (!fields->empty())
          data_out.add_data_vector(S, *fields);
        processors.push_back(std::move(fields));
      }
    if (S_H.size() > 0)
      {
        auto fields = std::make_unique<PointFields<dim>>();
        if (output.wants("helmholtz_potential"))
          fields->add(
              "helmholtz_potential",
              1,
              [](const auto &, double s, const auto &, double *out) { out[0] = s; });
        if (output.wants("gradient_drift"))
          fields->add("gradient_drift",
                      dim,
                      [&m](const auto &x, double, const auto &grad, double *out) {
                        copy<dim>(-(m.diffusion(x) * grad), out);
                      });
        if (output.wants("solenoidal_drift"))
          fields->add("solenoidal_drift",
                      dim,
                      [&m](const auto &x, double, const auto &grad, double *out) {
                        copy<dim>(m.fokker_planck_drift(x) + m.diffusion(x) * grad, out);
                      });
        if (!fields->empty())
          data_out.add_data_vector(S_H, *fields);
        processors.push_back(std::move(fields));
      }
    if (density.size() > 0 && output.wants("entropy_production_density"))
      {
        auto         fields = std::make_unique<PointFields<dim>>();
        const double floor  = parameters.density_floor * LA::max_entry(density);
        fields->add("entropy_production_density",
                    1,
                    [&m, floor](const auto &x, double p, const auto &grad, double *out) {
                      out[0] = entropy_production_density(m, x, p, grad, floor);
                    });
        data_out.add_data_vector(density, *fields);
        processors.push_back(std::move(fields));
      }
    if (divergence.size() > 0 && output.wants("current_divergence"))
      data_out.add_data_vector(divergence, "current_divergence");
    if (psi.size() > 0 && output.wants("stream_function"))
      data_out.add_data_vector(psi, "stream_function");
  }

  template <int dim>
  void
  Analysis<dim>::add_statistics(StatisticsTable &table) const
  {
    const auto &c = results.currents;
    table.add("entropy_production", c.entropy_production);
    const auto pairs = coordinate_pairs(dim);
    for (unsigned int k = 0; k < pairs.size(); ++k)
      table.add("area_rate_" + axis_name(pairs[k].first) + axis_name(pairs[k].second),
                c.area_rates[k]);
    if (results.circulation)
      table.add("circulation", *results.circulation);
    table.add("current_l2", c.current_l2);
    table.add("current_divergence_l2", results.current_divergence_l2);
    if (results.boltzmann)
      {
        table.add("l1_boltzmann", results.boltzmann->l1);
        table.add("kl_density_boltzmann", results.boltzmann->kl_density_boltzmann);
        table.add("kl_boltzmann_density", results.boltzmann->kl_boltzmann_density);
      }
  }

  template <int dim>
  void
  Analysis<dim>::add_summary(nlohmann::json &summary) const
  {
    auto       &json           = summary["analysis"];
    const auto &c              = results.currents;
    const auto  pairs          = coordinate_pairs(dim);
    json["entropy_production"] = c.entropy_production;
    for (unsigned int k = 0; k < pairs.size(); ++k)
      json["area_rates"]["area_rate_" + axis_name(pairs[k].first) +
                         axis_name(pairs[k].second)] = c.area_rates[k];
    if (results.circulation)
      json["circulation"] = *results.circulation;
    json["current_l2"]            = c.current_l2;
    json["current_divergence_l2"] = results.current_divergence_l2;
    if (results.boltzmann)
      json["boltzmann"] = {
          {"l1", results.boltzmann->l1},
          {"kl_density_boltzmann", results.boltzmann->kl_density_boltzmann},
          {"kl_boltzmann_density", results.boltzmann->kl_boltzmann_density}};
    if (!results.potential)
      return;
    const auto &p = *results.potential;
    if (!p.fallback_reason.empty())
      json["effective_potential_fallback"] = p.fallback_reason;
    auto &potential = json["effective_potential"];
    potential       = {{"start_temperature", p.start_temperature},
                       {"continuation_stages", p.stages},
                       {"newton_steps", p.newton_steps},
                       {"scaled_residual", p.residual},
                       {"max", LA::max_entry(S)}};
    if (!results.hamilton_jacobi)
      return;
    const auto &h                = *results.hamilton_jacobi;
    potential["method"]          = h.converged ? "hamilton-jacobi galerkin"
                                   : p.fallback_reason.empty() ? "exponentially fitted Q1"
                                                               : "-T log pi (fallback)";
    potential["hamilton_jacobi"] = {{"converged", h.converged},
                                    {"newton_steps", h.newton_steps},
                                    {"start_temperature", h.start_temperature},
                                    {"continuation_stages", h.stages},
                                    {"relative_residual", h.relative_residual},
                                    {"change_from_fitted", h.largest_change}};
    if (!h.reason.empty())
      potential["hamilton_jacobi"]["not_used_because"] = h.reason;
  }

  template class Analysis<1>;
  template class Analysis<2>;
  template class Analysis<3>;
} // namespace FokkerPlanck

#include <deal.II/numerics/data_out.h>

#include <fokker_planck/analysis/quasi_potential_stage.h>

#include <nlohmann/json.hpp>

namespace FokkerPlanck
{
  using namespace dealii;

  template <int dim>
  QuasiPotentialStage<dim>::QuasiPotentialStage(
      const QuasiPotentialParameters &parameters,
      const Discretization<dim>      &discretization,
      const Model<dim>               &model,
      std::ostream                   *log)
      : parameters(parameters)
      , discretization(discretization)
      , model(model)
      , log(log)
  {
  }

  template <int dim>
  void
  QuasiPotentialStage<dim>::observe(const Snapshot &snapshot)
  {
    if (!snapshot.stationary || computed)
      return;
    info     = compute_quasi_potential(discretization, model, parameters, S_Q, &reached);
    computed = true;
    if (log)
      {
        std::vector<double> attractor(info.attractor.begin_raw(),
                                      info.attractor.end_raw());
        *log << "  quasi-potential: attractor " << nlohmann::json(attractor).dump()
             << ", max S_Q = " << info.max_value << ", " << info.n_unreached << " of "
             << info.n_vertices << " vertices not reached\n";
      }
  }

  template <int dim>
  void
  QuasiPotentialStage<dim>::add_fields(DataOut<dim, dim> &data_out) const
  {
    if (!computed)
      return;
    discretization.initialize_ghosted_vector(S_Q_ghosted);
    discretization.initialize_ghosted_vector(reached_ghosted);
    S_Q_ghosted     = S_Q;
    reached_ghosted = reached;
    data_out.add_data_vector(
        discretization.get_dof_handler(), S_Q_ghosted, "quasi_potential");
    data_out.add_data_vector(
        discretization.get_dof_handler(), reached_ghosted, "quasi_potential_reached");
  }

  template <int dim>
  void
  QuasiPotentialStage<dim>::add_statistics(StatisticsTable &table) const
  {
    if (!computed)
      return;
    table.add("quasi_potential_max", info.max_value);
    table.add("quasi_potential_unreached", info.n_unreached);
  }

  template <int dim>
  void
  QuasiPotentialStage<dim>::add_summary(nlohmann::json &summary) const
  {
    if (!computed)
      return;
    std::vector<double> attractor(info.attractor.begin_raw(), info.attractor.end_raw());
    summary["quasi_potential"] = {{"attractor", attractor},
                                  {"max_value", info.max_value},
                                  {"n_vertices", info.n_vertices},
                                  {"n_unreached", info.n_unreached},
                                  {"n_outside_basin", info.n_outside_basin},
                                  {"n_beyond_cutoff", info.n_beyond_cutoff},
                                  {"n_regularized_diffusion", info.n_regularized},
                                  {"seconds", info.seconds}};
  }

  template class QuasiPotentialStage<1>;
  template class QuasiPotentialStage<2>;
  template class QuasiPotentialStage<3>;
} // namespace FokkerPlanck

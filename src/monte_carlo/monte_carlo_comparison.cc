#include <deal.II/dofs/dof_tools.h>
#include <deal.II/fe/fe_dgq.h>
#include <deal.II/numerics/data_out.h>

#include <fokker_planck/base/axes.h>
#include <fokker_planck/monte_carlo/monte_carlo_comparison.h>

#include <cctype>
#include <cmath>
#include <fstream>
#include <iomanip>
#include <sstream>

namespace FokkerPlanck
{
  using namespace dealii;
  using Sampling::Estimate;

  namespace
  {
    /** Two-sided 99% normal quantile. */
    constexpr double z99 = 2.5758293035489;
  } // namespace

  template <int dim>
  MonteCarloComparison<dim>::MonteCarloComparison(const MonteCarloParameters &parameters,
                                                  const TimeSteppingParameters &initial,
                                                  const bool          stationary,
                                                  const Problem<dim> &problem,
                                                  std::ostream       *log)
      : parameters(parameters)
      , stationary(stationary)
      , discretization(problem.discretization())
      , model(problem.model())
      , log(log)
      , ensemble(parameters,
                 problem.geometry(),
                 initial,
                 model,
                 stationary,
                 discretization.communicator(),
                 log)
      , field_fe(FE_DGQ<dim>(0), 2 + 2 * dim)
      , field_dofs(discretization.get_dof_handler().get_triangulation())
  {
    field_dofs.distribute_dofs(field_fe);
    field_values.reinit(field_dofs.locally_owned_dofs(),
                        DoFTools::extract_locally_relevant_dofs(field_dofs),
                        discretization.communicator());
    const auto &mc     = parameters;
    json["parameters"] = {{"trajectories", mc.n_trajectories},
                          {"time_step", mc.time_step},
                          {"burn_in", mc.burn_in},
                          {"sampling_time", mc.sampling_time},
                          {"sampling_interval", mc.sampling_interval},
                          {"seed", mc.seed},
                          {"scheme", to_string(mc.scheme)},
                          {"noise", to_string(mc.noise)},
                          {"reflection", to_string(mc.reflection)},
                          {"batches", mc.n_batches},
                          {"threads", mc.n_threads}};
    if (mc.noise == MonteCarloParameters::Noise::student_t)
      json["parameters"]["degrees_of_freedom"] = mc.degrees_of_freedom;
    if (mc.noise == MonteCarloParameters::Noise::alpha_stable)
      {
        json["parameters"]["stability_index"] = mc.stability_index;
        json["parameters"]["stable_shape"]    = to_string(mc.stable_shape);
      }
    json["comparisons"] = nlohmann::json::array();
  }

  template <int dim>
  MonteCarloComparison<dim>::~MonteCarloComparison() = default;

  template <int dim>
  void
  MonteCarloComparison<dim>::observe(const Snapshot &snapshot)
  {
    if (snapshot.output_step)
      compare(snapshot.time, *snapshot.density);
  }

  template <int dim>
  void
  MonteCarloComparison<dim>::compare(const double time, const LA::MPI::Vector &p)
  {
    if (!stationary)
      observation = ensemble.observe(time);
    else if (!simulated)
      observation = ensemble.run_stationary();
    simulated = true;

    reference.compute(discretization, model, ensemble.grid(), p);
    histogram                = Sampling::compare_histogram(reference.probabilities,
                                            observation.counts,
                                            observation.dispersion,
                                            parameters.band_draws,
                                            dim == 1);
    const nlohmann::json row = add_row(time);
    json["comparisons"].push_back(row);

    if (dim <= 2)
      {
        cell_files.push_back(reference.probabilities);
        cell_counts.push_back(observation.counts);
      }
    fill_fields();
    log_comparison(row);
  }

  template <int dim>
  nlohmann::json
  MonteCarloComparison<dim>::add_row(const double time)
  {
    nlohmann::json row;
    const auto     put = [&](const std::string &name, const double value) {
      table.add(name, value);
      row[name] = value;
    };
    const auto put_estimate =
        [&](const std::string &name, const Estimate &mc, const double fe) {
          put("mc_" + name, mc.value);
          put("mc_" + name + "_error", mc.error);
          put("fe_" + name, fe);
          row["within_99"][name] =
              std::abs(mc.value - fe) <= z99 * mc.error + 1e-9 * (1. + std::abs(fe));
        };
    put("time", time);
    put("mc_time", observation.time);
    histogram.columns(observation.dispersion, dim == 1, put);
    row["tv_inside_band"] = histogram.total_variation <= histogram.band_99;
    // With α-stable noise the sample moments estimate nothing for α < 2
    // (infinite variance) and α ≤ 1 (no mean): they are left out.
    const bool   stable = parameters.noise == MonteCarloParameters::Noise::alpha_stable;
    const double alpha  = stable ? parameters.stability_index : 2.;
    for (unsigned int i = 0; i < dim && alpha > 1.; ++i)
      put_estimate(
          std::string("mean_") + axis_name(i), observation.mean(i), reference.mean[i]);
    for (unsigned int i = 0; i < dim && alpha >= 2.; ++i)
      for (unsigned int j = i; j < dim; ++j)
        put_estimate(std::string("cov_") + axis_name(i) + axis_name(j),
                     observation.covariance(i, j),
                     reference.covariance[i][j]);
    const auto L = observation.layout;
    if (stationary)
      {
        put_estimate("entropy_production",
                     observation.controlled(0),
                     reference.entropy_production);
        for (unsigned int i = 0, p = 1; i < dim; ++i)
          for (unsigned int j = i + 1; j < dim; ++j, ++p)
            put_estimate(std::string("area_rate_") + axis_name(i) + axis_name(j),
                         observation.controlled(p),
                         reference.area_rate[i][j]);
      }
    else
      add_transient_estimates(put_estimate);
    if (!stationary && ensemble.grid().has_absorbing_face())
      put_estimate("mean_absorption_time",
                   observation.estimate([L](const double *s) {
                     return s[L.absorption_time] / s[L.absorbed];
                   }),
                   std::nan(""));
    add_regions(put);
    put("clamped_steps", observation.n_clamped);
    // Hill's index of the final positions against the index of the noise
    // (doc/heavy_tails.md).
    for (unsigned int i = 0; i < observation.tail_index.size(); ++i)
      {
        const std::string name =
            std::string("tail_index_") + (i < dim ? axis_name(i) : std::string("norm"));
        put("mc_" + name, observation.tail_index[i].value);
        put("mc_" + name + "_error", observation.tail_index[i].error);
      }
    if (!observation.tail_index.empty())
      put("noise_tail_index",
          parameters.noise == MonteCarloParameters::Noise::alpha_stable
              ? parameters.stability_index
              : parameters.degrees_of_freedom);
    return row;
  }

  template <int dim>
  void
  MonteCarloComparison<dim>::add_transient_estimates(
      const std::function<void(const std::string &, const Estimate &, double)>
          &put_estimate) const
  {
    // The same pair estimators at the output step, per particle started
    // (a sub-probability once particles are absorbed). Away from the
    // stationary state ∫ J·(T D)⁻¹ a is the medium entropy production,
    // not e_p (doc/monte_carlo.md); the area rate is taken about the
    // current mean m(t), whose drift ∫ J dx the controls x_i estimate.
    const auto L = observation.layout;
    put_estimate("medium_entropy_production",
                 observation.estimate(
                     [L](const double *s) { return s[L.targets] / s[L.started]; }),
                 reference.entropy_production);
    for (unsigned int i = 0, p = 1; i < dim; ++i)
      for (unsigned int j = i + 1; j < dim; ++j, ++p)
        put_estimate(std::string("area_rate_") + axis_name(i) + axis_name(j),
                     observation.estimate([L, i, j, p](const double *s) {
                       const double n  = s[L.started];
                       const double mi = s[L.first + i] / s[L.weight];
                       const double mj = s[L.first + j] / s[L.weight];
                       return s[L.targets + p] / n -
                              0.5 * (mi * s[L.controls + j] - mj * s[L.controls + i]) / n;
                     }),
                     reference.area_rate[i][j]);
    put_estimate("survival",
                 observation.estimate(
                     [L](const double *s) { return 1. - s[L.absorbed] / s[L.started]; }),
                 reference.mass);
  }

  template <int dim>
  void
  MonteCarloComparison<dim>::add_regions(
      const std::function<void(const std::string &, double)> &put) const
  {
    const auto L     = observation.layout;
    auto       names = ensemble.region_names();
    for (auto &name : names) // column names without blanks
      for (auto &character : name)
        if (!std::isalnum(static_cast<unsigned char>(character)))
          character = '_';
    for (unsigned int r = 0; r < names.size(); ++r)
      {
        const Estimate reached = observation.estimate(
            [L, r](const double *s) { return s[L.regions + 2 * r] / s[L.started]; });
        const Estimate passage = observation.estimate([L, r](const double *s) {
          return s[L.regions + 2 * r + 1] / s[L.regions + 2 * r];
        });
        put("reached_" + names[r], reached.value);
        put("reached_" + names[r] + "_error", reached.error);
        put("first_passage_" + names[r], passage.value);
        put("first_passage_" + names[r] + "_error", passage.error);
      }
  }

  template <int dim>
  void
  MonteCarloComparison<dim>::log_comparison(const nlohmann::json &row) const
  {
    if (!log)
      return;
    std::ostringstream text;
    text << std::setprecision(4) << "  monte carlo: t = " << observation.time << ", "
         << observation.n_samples << " samples (effective " << histogram.n_effective
         << "): TV = " << histogram.total_variation << " (99% band " << histogram.band_99
         << "), chi2 p = " << histogram.chi_square_p;
    if (dim == 1)
      text << ", KS p = " << histogram.ks_p;
    if (stationary)
      text << "\n               e_p = " << row["mc_entropy_production"].get<double>()
           << " +- " << row["mc_entropy_production_error"].get<double>() << " (FE "
           << reference.entropy_production << ")";
    else
      text << "\n               medium entropy production = "
           << row["mc_medium_entropy_production"].get<double>() << " +- "
           << row["mc_medium_entropy_production_error"].get<double>() << " (FE "
           << reference.entropy_production << ")";
    if (!observation.tail_index.empty())
      {
        text << "\n               tail index (Hill) ";
        for (unsigned int i = 0; i < observation.tail_index.size(); ++i)
          text << (i == 0 ? "" : ", ") << (i < dim ? axis_name(i) : std::string("|x|"))
               << " " << observation.tail_index[i].value << " +- "
               << observation.tail_index[i].error;
        text << " (noise " << row["noise_tail_index"].get<double>() << ")";
      }
    *log << text.str() << "\n";
  }

  template <int dim>
  void
  MonteCarloComparison<dim>::add_fields(DataOut<dim, dim> &data_out) const
  {
    if (!simulated)
      return;
    std::vector<std::string> names = {"mc_density", "mc_density_difference"};
    std::vector<DataComponentInterpretation::DataComponentInterpretation> kinds(
        2, DataComponentInterpretation::component_is_scalar);
    names.insert(names.end(), dim, "mc_probability_current");
    names.insert(names.end(), dim, "mc_probability_current_difference");
    kinds.insert(
        kinds.end(), 2 * dim, DataComponentInterpretation::component_is_part_of_vector);
    data_out.add_data_vector(field_dofs, field_values, names, kinds);
  }

  template <int dim>
  void
  MonteCarloComparison<dim>::fill_fields()
  {
    const auto                          &grid  = ensemble.grid();
    const double                         total = stationary ? observation.n_samples
                                                 : observation.batch_sums.empty()
                                                     ? 1.
                                                     : observation
                                   .estimate([L = observation.layout](const double *s) {
                                     return s[L.started];
                                   })
                                   .value;
    std::vector<types::global_dof_index> dofs(field_fe.n_dofs_per_cell());
    for (const auto &cell : field_dofs.active_cell_iterators())
      if (cell->is_locally_owned())
        {
          cell->get_dof_indices(dofs);
          const unsigned int c  = grid.index(cell->center());
          const double       mc = observation.counts[c] / (total * grid.volume(c));
          const double       fe = reference.probabilities[c] / grid.volume(c);
          field_values[dofs[0]] = mc;
          field_values[dofs[1]] = mc - fe;
          // No current at t = 0 of a transient run: NaN (blank in ParaView).
          const bool has_current = !observation.current.empty();
          for (unsigned int i = 0; i < dim; ++i)
            {
              field_values[dofs[2 + i]] =
                  has_current ? observation.current[c][i] : std::nan("");
              field_values[dofs[2 + dim + i]] =
                  has_current ? observation.current[c][i] - reference.currents[c][i]
                              : std::nan("");
            }
        }
    field_values.update_ghost_values();
  }

  template <int dim>
  void
  MonteCarloComparison<dim>::write_cells(const std::string &directory) const
  {
    const auto &grid = ensemble.grid();
    for (unsigned int k = 0; k < cell_files.size(); ++k)
      {
        std::ostringstream name;
        name << directory << "/monte_carlo_cells_" << std::setw(4) << std::setfill('0')
             << k << ".csv";
        std::ofstream out(name.str());
        out << std::setprecision(10);
        for (unsigned int i = 0; i < dim; ++i)
          out << axis_name(i) << ",";
        out << "fe_probability,mc_probability\n";
        double n = 0.;
        for (const double c : cell_counts[k])
          n += c;
        for (unsigned int c = 0; c < grid.size(); ++c)
          {
            const auto x = grid.center(c);
            for (unsigned int i = 0; i < dim; ++i)
              out << x[i] << ",";
            out << cell_files[k][c] << "," << (n > 0. ? cell_counts[k][c] / n : 0.)
                << "\n";
          }
      }
  }

  template <int dim>
  void
  MonteCarloComparison<dim>::add_summary(nlohmann::json &summary) const
  {
    const double steps = ensemble.particle_steps();
    const double seconds =
        Utilities::MPI::max(ensemble.seconds(), discretization.communicator());
    summary["monte_carlo"]                   = json;
    summary["monte_carlo"]["particle_steps"] = steps;
    summary["monte_carlo"]["seconds"]        = seconds;
    summary["monte_carlo"]["files"]["table"] = "monte_carlo.txt";
    if (dim <= 2)
      summary["monte_carlo"]["files"]["cells"] = "monte_carlo_cells_NNNN.csv";
    if (log)
      *log << "  monte carlo: " << steps << " particle-steps in " << seconds << " s ("
           << steps / std::max(seconds, 1e-9) << " per second, all ranks)\n";
  }

  template <int dim>
  void
  MonteCarloComparison<dim>::write_files(const std::string &directory) const
  {
    table.write(directory + "/monte_carlo.txt", discretization.communicator());
    if (Utilities::MPI::this_mpi_process(discretization.communicator()) == 0)
      {
        write_cells(directory);
        if (observation.recorded.n_runs() > 0)
          observation.recorded.write_csv(directory + "/monte_carlo_trajectories.csv");
      }
  }

  template class MonteCarloComparison<1>;
  template class MonteCarloComparison<2>;
  template class MonteCarloComparison<3>;
} // namespace FokkerPlanck

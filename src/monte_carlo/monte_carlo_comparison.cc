#include <deal.II/base/quadrature_lib.h>
#include <deal.II/dofs/dof_tools.h>
#include <deal.II/fe/fe_dgq.h>
#include <deal.II/fe/fe_values.h>
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
  using MonteCarlo::Estimate;

  namespace
  {
    /** Two-sided 99% normal quantile. */
    constexpr double z99 = 2.5758293035489;
  } // namespace

  template <int dim>
  void
  FiniteElementReference<dim>::compute(const Discretization<dim>   &discretization,
                                       const Model<dim>            &model,
                                       const MonteCarlo::Bins<dim> &grid,
                                       const LA::MPI::Vector       &p)
  {
    const MPI_Comm communicator = discretization.communicator();
    mass                        = discretization.mass(p);
    discretization.moments(p, mean, covariance);

    LA::MPI::Vector ghosted;
    discretization.initialize_ghosted_vector(ghosted);
    ghosted = p;
    const QGauss<dim>           quadrature(discretization.get_fe().degree + 2);
    FEValues<dim>               fe_values(discretization.get_mapping(),
                            discretization.get_fe(),
                            quadrature,
                            update_values | update_gradients | update_quadrature_points |
                                update_JxW_values);
    std::vector<double>         values(quadrature.size());
    std::vector<Tensor<1, dim>> gradients(quadrature.size());
    std::vector<double>         local(grid.size() * (1 + dim), 0.);
    std::vector<unsigned int>   matched(grid.size(), 0);
    double                      ep = 0.;
    Tensor<2, dim>              area;
    const double                T = model.temperature();
    for (const auto &cell : discretization.get_dof_handler().active_cell_iterators())
      if (cell->is_locally_owned())
        {
          fe_values.reinit(cell);
          fe_values.get_function_values(ghosted, values);
          fe_values.get_function_gradients(ghosted, gradients);
          // The bin of the FE cell: the one containing the average of its
          // vertices (the same cell of the serial copy of a Gmsh mesh).
          const unsigned int c = grid.index(cell->center());
          ++matched[c];
          for (unsigned int q = 0; q < quadrature.size(); ++q)
            {
              const Point<dim> &x = fe_values.quadrature_point(q);
              const auto        D = model.diffusion(x);
              const auto        J =
                  model.fokker_planck_drift(x) * values[q] - T * (D * gradients[q]);
              const double JxW = fe_values.JxW(q);
              local[c * (1 + dim)] += values[q] * JxW;
              for (unsigned int i = 0; i < dim; ++i)
                local[c * (1 + dim) + 1 + i] += J[i] * JxW;
              ep += J * (invert(T * D) * model.fokker_planck_drift(x)) * JxW;
              for (unsigned int i = 0; i < dim; ++i)
                for (unsigned int j = 0; j < dim; ++j)
                  area[i][j] +=
                      0.5 * ((x[i] - mean[i]) * J[j] - (x[j] - mean[j]) * J[i]) * JxW;
            }
        }
    Utilities::MPI::sum(local, communicator, local);
    Utilities::MPI::sum(matched, communicator, matched);
    for (const unsigned int m : matched)
      AssertThrow(m == 1,
                  ExcMessage("Monte Carlo bins and finite-element cells do not match "
                             "one to one"));
    entropy_production = Utilities::MPI::sum(ep, communicator);
    area_rate          = Utilities::MPI::sum(area, communicator);
    probabilities.resize(grid.size());
    currents.resize(grid.size());
    for (unsigned int c = 0; c < grid.size(); ++c)
      {
        probabilities[c] = local[c * (1 + dim)];
        for (unsigned int i = 0; i < dim; ++i)
          currents[c][i] = local[c * (1 + dim) + 1 + i] / grid.volume(c);
      }
  }

  template <int dim>
  MonteCarloComparison<dim>::MonteCarloComparison(
      const CaseParameters      &parameters,
      const Discretization<dim> &discretization,
      const Model<dim>          &model,
      std::ostream              *log)
      : parameters(parameters)
      , discretization(discretization)
      , model(model)
      , log(log)
      , ensemble(parameters.monte_carlo,
                 parameters.geometry,
                 parameters.time_stepping,
                 model,
                 parameters.stationary,
                 discretization.communicator(),
                 log)
      , field_fe(FE_DGQ<dim>(0), 2 + 2 * dim)
      , field_dofs(discretization.get_dof_handler().get_triangulation())
  {
    field_dofs.distribute_dofs(field_fe);
    field_values.reinit(field_dofs.locally_owned_dofs(),
                        DoFTools::extract_locally_relevant_dofs(field_dofs),
                        discretization.communicator());
    const auto &mc     = parameters.monte_carlo;
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
    json["comparisons"] = nlohmann::json::array();
  }

  template <int dim>
  MonteCarloComparison<dim>::~MonteCarloComparison() = default;

  template <int dim>
  std::function<void(DataOut<dim, dim> &)>
  MonteCarloComparison<dim>::compare(const double time, const LA::MPI::Vector &p)
  {
    if (!parameters.stationary)
      observation = ensemble.observe(time);
    else if (!simulated)
      observation = ensemble.run_stationary();
    simulated = true;

    const auto &grid = ensemble.grid();
    reference.compute(discretization, model, grid, p);
    histogram = MonteCarlo::compare_histogram(reference.probabilities,
                                              observation.counts,
                                              observation.dispersion,
                                              parameters.monte_carlo.band_draws,
                                              dim == 1);

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
    for (unsigned int i = 0; i < dim; ++i)
      put_estimate(
          std::string("mean_") + axis_name(i), observation.mean(i), reference.mean[i]);
    for (unsigned int i = 0; i < dim; ++i)
      for (unsigned int j = i; j < dim; ++j)
        put_estimate(std::string("cov_") + axis_name(i) + axis_name(j),
                     observation.covariance(i, j),
                     reference.covariance[i][j]);
    const auto L = observation.layout;
    if (parameters.stationary)
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
      {
        // The same pair estimators at the output step, per particle started
        // (a sub-probability once particles are absorbed). Away from the
        // stationary state ∫ J·(T D)⁻¹ a is the medium entropy production,
        // not e_p (doc/monte_carlo.md); the area rate is taken about the
        // current mean m(t), whose drift ∫ J dx the controls x_i estimate.
        put_estimate("medium_entropy_production",
                     observation.estimate(
                         [L](const double *s) { return s[L.targets] / s[L.started]; }),
                     reference.entropy_production);
        for (unsigned int i = 0, p = 1; i < dim; ++i)
          for (unsigned int j = i + 1; j < dim; ++j, ++p)
            put_estimate(
                std::string("area_rate_") + axis_name(i) + axis_name(j),
                observation.estimate([L, i, j, p](const double *s) {
                  const double n  = s[L.started];
                  const double mi = s[L.first + i] / s[L.weight];
                  const double mj = s[L.first + j] / s[L.weight];
                  return s[L.targets + p] / n -
                         0.5 * (mi * s[L.controls + j] - mj * s[L.controls + i]) / n;
                }),
                reference.area_rate[i][j]);
        put_estimate("survival",
                     observation.estimate([L](const double *s) {
                       return 1. - s[L.absorbed] / s[L.started];
                     }),
                     reference.mass);
      }
    if (!parameters.stationary && ensemble.grid().has_absorbing_face())
      put_estimate("mean_absorption_time",
                   observation.estimate([L](const double *s) {
                     return s[L.absorption_time] / s[L.absorbed];
                   }),
                   std::nan(""));
    auto names = ensemble.region_names();
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
    put("clamped_steps", observation.n_clamped);
    json["comparisons"].push_back(row);

    if (dim <= 2)
      {
        cell_files.push_back(reference.probabilities);
        cell_counts.push_back(observation.counts);
      }
    fill_fields();

    if (log)
      {
        std::ostringstream text;
        text << std::setprecision(4) << "  monte carlo: t = " << observation.time << ", "
             << observation.n_samples << " samples (effective " << histogram.n_effective
             << "): TV = " << histogram.total_variation << " (99% band "
             << histogram.band_99 << "), chi2 p = " << histogram.chi_square_p;
        if (dim == 1)
          text << ", KS p = " << histogram.ks_p;
        if (parameters.stationary)
          text << "\n               e_p = " << row["mc_entropy_production"].get<double>()
               << " +- " << row["mc_entropy_production_error"].get<double>() << " (FE "
               << reference.entropy_production << ")";
        else
          text << "\n               medium entropy production = "
               << row["mc_medium_entropy_production"].get<double>() << " +- "
               << row["mc_medium_entropy_production_error"].get<double>() << " (FE "
               << reference.entropy_production << ")";
        *log << text.str() << "\n";
      }

    return [this](DataOut<dim, dim> &data_out) {
      std::vector<std::string> names = {"mc_density", "mc_density_difference"};
      std::vector<DataComponentInterpretation::DataComponentInterpretation> kinds(
          2, DataComponentInterpretation::component_is_scalar);
      {
        names.insert(names.end(), dim, "mc_probability_current");
        names.insert(names.end(), dim, "mc_probability_current_difference");
        kinds.insert(kinds.end(),
                     2 * dim,
                     DataComponentInterpretation::component_is_part_of_vector);
      }
      data_out.add_data_vector(field_dofs, field_values, names, kinds);
    };
  }

  template <int dim>
  void
  MonteCarloComparison<dim>::fill_fields()
  {
    const auto  &grid  = ensemble.grid();
    const double total = parameters.stationary ? observation.n_samples
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
  MonteCarloComparison<dim>::finish(const std::string &directory, nlohmann::json &summary)
  {
    table.write(directory + "/monte_carlo.txt", discretization.communicator());
    const double steps = ensemble.particle_steps();
    const double seconds =
        Utilities::MPI::max(ensemble.seconds(), discretization.communicator());
    json["particle_steps"] = steps;
    json["seconds"]        = seconds;
    json["files"]["table"] = "monte_carlo.txt";
    if (dim <= 2)
      json["files"]["cells"] = "monte_carlo_cells_NNNN.csv";
    summary["monte_carlo"] = json;
    if (Utilities::MPI::this_mpi_process(discretization.communicator()) == 0)
      write_cells(directory);
    if (log)
      *log << "  monte carlo: " << steps << " particle-steps in " << seconds << " s ("
           << steps / std::max(seconds, 1e-9) << " per second, all ranks)\n";
  }

  template struct FiniteElementReference<1>;
  template struct FiniteElementReference<2>;
  template struct FiniteElementReference<3>;
  template class MonteCarloComparison<1>;
  template class MonteCarloComparison<2>;
  template class MonteCarloComparison<3>;
} // namespace FokkerPlanck

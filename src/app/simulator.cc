#include <deal.II/base/conditional_ostream.h>
#include <deal.II/base/timer.h>
#include <deal.II/base/utilities.h>
#include <deal.II/numerics/data_out.h>

#include <fokker_planck/analysis/analysis.h>
#include <fokker_planck/analysis/quasi_potential.h>
#include <fokker_planck/app/simulator.h>
#include <fokker_planck/base/axes.h>
#include <fokker_planck/base/input_error.h>
#include <fokker_planck/base/statistics.h>
#include <fokker_planck/discretization/discretization.h>
#include <fokker_planck/geometry/geometry.h>
#include <fokker_planck/monte_carlo/monte_carlo_comparison.h>
#include <fokker_planck/output/output_writer.h>
#include <fokker_planck/sgd/mode_monitor.h>
#include <fokker_planck/solvers/stationary_solver.h>
#include <fokker_planck/solvers/transient_solver.h>
#include <fokker_planck/spectral/relaxation.h>

#include <filesystem>
#include <fstream>
#include <iomanip>

namespace FokkerPlanck
{
  using namespace dealii;

  namespace
  {
    template <int dim>
    void
    add_moments(StatisticsTable           &table,
                nlohmann::json            &json,
                const Discretization<dim> &discretization,
                const LA::MPI::Vector     &p)
    {
      Tensor<1, dim>          mean;
      SymmetricTensor<2, dim> covariance;
      discretization.moments(p, mean, covariance);
      for (unsigned int k = 0; k < dim; ++k)
        {
          table.add(std::string("mean_") + axis_name(k), mean[k]);
          json["mean"].push_back(mean[k]);
        }
      for (unsigned int k = 0; k < dim; ++k)
        {
          nlohmann::json row;
          for (unsigned int l = 0; l < dim; ++l)
            {
              if (l >= k)
                table.add(std::string("cov_") + axis_name(k) + axis_name(l),
                          covariance[k][l]);
              row.push_back(covariance[k][l]);
            }
          json["covariance"].push_back(row);
        }
    }

    void
    write_text(const std::string &filename, const std::string &text)
    {
      std::ofstream out(filename);
      out << text;
    }
  } // namespace

  template <int dim>
  nlohmann::json
  run_case(ParameterHandler     &prm,
           const CaseParameters &parameters,
           const std::string    &parameter_file,
           const bool            verbose)
  {
    const MPI_Comm     communicator = MPI_COMM_WORLD;
    const bool         root         = Utilities::MPI::this_mpi_process(communicator) == 0;
    ConditionalOStream log(std::cout, root && verbose);
    Timer              total_timer(communicator);
    Timer              timer(communicator);
    nlohmann::json     summary;

    // Mesh and model.
    auto triangulation = make_triangulation<dim>(communicator);
    build_mesh(parameters.geometry, *triangulation);
    const double mesh_seconds = timer.wall_time();
    auto         model        = create_model<dim>(prm, length_scale(*triangulation));

    // Discretisation.
    timer.restart();
    Discretization<dim> discretization(
        *triangulation, parameters.geometry, parameters.discretization);
    discretization.setup();
    const double setup_seconds = timer.wall_time();
    timer.restart();
    discretization.assemble(*model);
    const double assembly_seconds = timer.wall_time();

    log << "fokker-planck: " << parameter_file << "\n"
        << "  model:       " << model->description() << "\n"
        << "  temperature: T = " << model->temperature() << "\n"
        << "  mesh:        " << triangulation->n_global_active_cells() << " cells, "
        << discretization.get_dof_handler().n_dofs() << " unknowns (Q"
        << parameters.discretization.degree
        << (parameters.discretization.upwind ? ", algebraic upwind" : "") << "), "
        << Utilities::MPI::n_mpi_processes(communicator) << " rank(s)\n";

    // From here on, results are written.
    const std::string directory = parameters.output.directory;
    if (root)
      std::filesystem::create_directories(directory);
    MPI_Barrier(communicator);
    if (root)
      {
        std::ifstream      in(parameter_file);
        std::ostringstream original;
        original << in.rdbuf();
        write_text(directory + "/input.prm", original.str());
        std::ofstream all(directory + "/parameters.prm");
        prm.print_parameters(all, ParameterHandler::PRM);
      }

    summary["parameter_file"] = parameter_file;
    summary["dim"]            = dim;
    summary["model"]          = model->description();
    summary["temperature"]    = model->temperature();
    summary["n_cells"]        = triangulation->n_global_active_cells();
    summary["n_dofs"]         = discretization.get_dof_handler().n_dofs();
    summary["degree"]         = parameters.discretization.degree;
    summary["stabilization"] =
        parameters.discretization.upwind ? "algebraic upwind" : "none";
    summary["n_ranks"]        = Utilities::MPI::n_mpi_processes(communicator);
    summary["linear_algebra"] = LA::backend_name;
    summary["problem"]        = parameters.stationary ? "stationary" : "transient";

    OutputWriter<dim> writer(parameters.output, discretization, *model);
    StatisticsTable   statistics;
    const std::string statistics_file = directory + "/statistics.txt";
    LA::MPI::Vector   p;

    // Monte Carlo check of the same case (doc/monte_carlo.md): compared at
    // every output time, its fields go into the same .pvd.
    std::unique_ptr<MonteCarloComparison<dim>> monte_carlo;
    if (parameters.monte_carlo.enabled)
      monte_carlo = std::make_unique<MonteCarloComparison<dim>>(
          parameters, discretization, *model, root && verbose ? &std::cout : nullptr);
    const auto monte_carlo_fields = [&](const double           time,
                                        const LA::MPI::Vector &density) {
      return monte_carlo ? monte_carlo->compare(time, density)
                         : typename OutputWriter<dim>::ExtraFields();
    };
    // Spectrum, transitions and mixing (spectral/), as far as requested.
    RelaxationAnalysis<dim> relaxation(parameters.relaxation,
                                       parameters.linear_solver,
                                       discretization,
                                       !parameters.stationary);
    relaxation.run(summary, log);
    // Analysis (issue 3): potentials, currents, entropy production.
    // The quasi-potential solver (stationary runs) is called after the solve.
    std::unique_ptr<Analysis<dim>> analysis;
    if (parameters.analysis.enabled)
      analysis = std::make_unique<Analysis<dim>>(parameters.analysis,
                                                 parameters.output,
                                                 parameters.geometry,
                                                 parameters.discretization,
                                                 parameters.linear_solver,
                                                 *triangulation,
                                                 discretization,
                                                 *model);
    // Every stage's fields in one output step.
    const auto extra_fields = [&](DataOut<dim> &data_out) {
      if (analysis)
        analysis->add_fields(data_out);
      if (const auto relaxation_fields = relaxation.fields())
        relaxation_fields(data_out);
    };

    if (parameters.stationary)
      {
        const StationaryInfo info =
            solve_stationary(discretization, parameters.linear_solver, p);
        statistics.add("step", 0U);
        statistics.add("mass", discretization.mass(p));
        nlohmann::json moments;
        add_moments(statistics, moments, discretization, p);
        statistics.add("min_density", info.min_density);
        statistics.add("max_density", info.max_density);
        statistics.add("relative_residual", info.relative_residual);
        statistics.add("iterations", info.iterations);
        statistics.add("wall_seconds", info.preconditioner_seconds + info.solve_seconds);
        relaxation.add_statistics(statistics);
        if (analysis)
          {
            timer.restart();
            analysis->stationary(p);
            analysis->add_statistics(statistics, summary["analysis"]);
            summary["seconds"]["analysis"] = timer.wall_time();
            if (summary["analysis"].contains("effective_potential_fallback"))
              log << "  warning:     the effective potential fell back to -T log pi: "
                  << summary["analysis"]["effective_potential_fallback"]
                         .get<std::string>()
                  << "\n";
          }
        // Quasi-potential S_Q (doc/quasi_potential.md).
        LA::MPI::Vector S_Q, reached;
        if (parameters.quasi_potential.enable)
          {
            const auto qp = compute_quasi_potential(
                discretization, *model, parameters.quasi_potential, S_Q, &reached);
            statistics.add("quasi_potential_max", qp.max_value);
            statistics.add("quasi_potential_unreached", qp.n_unreached);
            std::vector<double> attractor;
            for (unsigned int d = 0; d < dim; ++d)
              attractor.push_back(qp.attractor[d]);
            summary["quasi_potential"] = {{"attractor", attractor},
                                          {"max_value", qp.max_value},
                                          {"n_vertices", qp.n_vertices},
                                          {"n_unreached", qp.n_unreached},
                                          {"n_outside_basin", qp.n_outside_basin},
                                          {"n_beyond_cutoff", qp.n_beyond_cutoff},
                                          {"n_regularized_diffusion", qp.n_regularized},
                                          {"seconds", qp.seconds}};
            log << "  quasi-potential: attractor " << nlohmann::json(attractor).dump()
                << ", max S_Q = " << qp.max_value << ", " << qp.n_unreached << " of "
                << qp.n_vertices << " vertices not reached\n";
          }
        LA::MPI::Vector S_Q_ghosted, reached_ghosted;
        const auto      quasi_potential_fields = [&](DataOut<dim> &data_out) {
          if (!parameters.quasi_potential.enable)
            return;
          discretization.initialize_ghosted_vector(S_Q_ghosted);
          discretization.initialize_ghosted_vector(reached_ghosted);
          S_Q_ghosted     = S_Q;
          reached_ghosted = reached;
          data_out.add_data_vector(
              discretization.get_dof_handler(), S_Q_ghosted, "quasi_potential");
          data_out.add_data_vector(discretization.get_dof_handler(),
                                   reached_ghosted,
                                   "quasi_potential_reached");
        };
        const auto mc_fields = monte_carlo_fields(0., p);
        if (parameters.output.write_fields)
          writer.write(0., p, [&](DataOut<dim> &data_out) {
            extra_fields(data_out);
            quasi_potential_fields(data_out);
            if (mc_fields)
              mc_fields(data_out);
          });
        statistics.write(statistics_file, communicator);

        summary["stationary"]                = {{"mass", discretization.mass(p)},
                                                {"mass_error", info.mass_error},
                                                {"residual_l2", info.residual},
                                                {"relative_residual", info.relative_residual},
                                                {"min_density", info.min_density},
                                                {"max_density", info.max_density},
                                                {"iterations", info.iterations},
                                                {"mean", moments["mean"]},
                                                {"covariance", moments["covariance"]}};
        summary["seconds"]["preconditioner"] = info.preconditioner_seconds;
        summary["seconds"]["solve"]          = info.solve_seconds;

        log << std::setprecision(6) << "  stationary:  mass - 1 = " << info.mass_error
            << ", relative residual = " << info.relative_residual
            << ", GMRES iterations = " << info.iterations << "\n"
            << "               min density = " << info.min_density
            << ", max density = " << info.max_density << "\n"
            << "               mean = " << moments["mean"].dump()
            << ", covariance = " << moments["covariance"].dump() << "\n";
      }
    else
      {
        auto initial = make_initial_condition<dim>(parameters.time_stepping);
        discretization.interpolate(*initial, p);
        const double initial_mass = discretization.mass(p);
        require(initial_mass > 0.,
                "Time stepping/Initial condition",
                "the initial density has no positive mass on the mesh");
        if (parameters.time_stepping.normalize)
          p /= initial_mass;

        TransientSolver<dim> solver(
            discretization, parameters.time_stepping, parameters.linear_solver);
        unsigned int   total_iterations = 0, total_rejected = 0;
        nlohmann::json last_moments;
        StepInfo       last;
        Timer          step_timer(communicator);
        // SGD models with modes (deep-linear): saddle-to-saddle statistics.
        const auto modes = Sgd::ModeMonitor<dim>::create(*model, discretization);
        solver.run(p, [&](const StepInfo &info, const LA::MPI::Vector &density) {
          total_iterations += info.iterations;
          total_rejected += info.rejected;
          last = info;
          statistics.add("step", info.step);
          statistics.add("time", info.time);
          statistics.add("time_step", info.time_step);
          statistics.add("mass", discretization.mass(density));
          last_moments = nlohmann::json();
          add_moments(statistics, last_moments, discretization, density);
          statistics.add("min_density", LA::min_entry(density));
          statistics.add("max_density", LA::max_entry(density));
          statistics.add("iterations", info.iterations);
          statistics.add("rejected_steps", info.rejected);
          statistics.add("wall_seconds", step_timer.wall_time());
          relaxation.add_distance(statistics, info.time, density);
          if (modes)
            modes->observe(info.time, density, statistics);
          if (analysis)
            {
              analysis->transient(density);
              nlohmann::json step_analysis;
              analysis->add_statistics(statistics, step_analysis);
              summary["analysis"] = step_analysis;
            }
          const bool last_step =
              info.time >= parameters.time_stepping.end_time * (1. - 1e-12);
          const bool output_step =
              info.step % parameters.output.every_n_steps == 0 || last_step;
          const auto mc_fields = output_step ? monte_carlo_fields(info.time, density)
                                             : typename OutputWriter<dim>::ExtraFields();
          if (parameters.output.write_fields && output_step)
            writer.write(info.time, density, [&](DataOut<dim> &data_out) {
              extra_fields(data_out);
              if (mc_fields)
                mc_fields(data_out);
            });
          statistics.write(statistics_file, communicator);
        });
        summary["transient"] = {
            {"end_time", last.time},
            {"steps", last.step},
            {"rejected_steps", total_rejected},
            {"gmres_iterations", total_iterations},
            {"initial_mass", parameters.time_stepping.normalize ? 1. : initial_mass},
            {"final_mass", discretization.mass(p)},
            {"min_density", LA::min_entry(p)},
            {"max_density", LA::max_entry(p)},
            {"mean", last_moments["mean"]},
            {"covariance", last_moments["covariance"]}};
        if (modes)
          summary["transient"]["modes"] = modes->summary();
        log << std::setprecision(6) << "  transient:   " << last.step
            << " steps to t = " << last.time
            << ", final mass = " << discretization.mass(p)
            << ", min density = " << LA::min_entry(p) << "\n"
            << "               mean = " << last_moments["mean"].dump()
            << ", covariance = " << last_moments["covariance"].dump() << "\n";
      }

    relaxation.finish(summary);
    if (monte_carlo)
      monte_carlo->finish(directory, summary);
    summary["seconds"]["mesh"]     = mesh_seconds;
    summary["seconds"]["setup"]    = setup_seconds;
    summary["seconds"]["assembly"] = assembly_seconds;
    summary["seconds"]["total"]    = total_timer.wall_time();
    summary["files"]["statistics"] = "statistics.txt";
    if (writer.n_written() > 0)
      summary["files"]["fields"] = writer.pvd_name();
    if (root)
      write_text(directory + "/summary.json", summary.dump(2) + "\n");

    log << "  results:     " << parameters.output.results_folder() << "/ ("
        << (writer.n_written() > 0 ? writer.pvd_name() + ", " : "")
        << "statistics.txt, summary.json, parameters.prm)\n";
    return summary;
  }

  template nlohmann::json
  run_case<1>(ParameterHandler &, const CaseParameters &, const std::string &, bool);
  template nlohmann::json
  run_case<2>(ParameterHandler &, const CaseParameters &, const std::string &, bool);
  template nlohmann::json
  run_case<3>(ParameterHandler &, const CaseParameters &, const std::string &, bool);
} // namespace FokkerPlanck

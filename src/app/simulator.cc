#include <deal.II/base/timer.h>
#include <deal.II/base/utilities.h>

#include <fokker_planck/analysis/analysis.h>
#include <fokker_planck/analysis/quasi_potential_stage.h>
#include <fokker_planck/app/simulator.h>
#include <fokker_planck/base/input_error.h>
#include <fokker_planck/discretization/density_fields.h>
#include <fokker_planck/discretization/problem.h>
#include <fokker_planck/monte_carlo/monte_carlo_comparison.h>
#include <fokker_planck/output/output_writer.h>
#include <fokker_planck/sgd/mode_monitor.h>
#include <fokker_planck/solvers/stationary_solver.h>
#include <fokker_planck/solvers/transient_solver.h>
#include <fokker_planck/spectral/relaxation.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <memory>
#include <sstream>

namespace FokkerPlanck
{
  using namespace dealii;

  void
  write_parameter_files(const OutputParameters &output, const RunContext &context)
  {
    const MPI_Comm communicator = MPI_COMM_WORLD;
    if (Utilities::MPI::this_mpi_process(communicator) == 0)
      {
        std::filesystem::create_directories(output.directory);
        std::ifstream in(context.parameter_file);
        std::ofstream copy(output.directory + "/input.prm");
        copy << in.rdbuf();
        if (context.prm)
          {
            std::ofstream all(output.directory + "/parameters.prm");
            context.prm->print_parameters(all, ParameterHandler::PRM);
          }
      }
    MPI_Barrier(communicator);
  }

  namespace
  {
    /**
     * One run of one case: the problem, the stages in the order their
     * columns appear in statistics.txt, and the output they are written to.
     */
    template <int dim>
    class CaseRun
    {
    public:
      CaseRun(const CaseParameters &parameters, const RunContext &context)
          : parameters(parameters)
          , context(context)
          , root(Utilities::MPI::this_mpi_process(MPI_COMM_WORLD) == 0)
          , log(root && context.verbose ? &std::cout : nullptr)
          , timer(MPI_COMM_WORLD)
          , problem(parameters.geometry,
                    parameters.model,
                    parameters.discretization,
                    MPI_COMM_WORLD)
          , density(
                problem.discretization(), problem.model(), parameters.output.selection())
          , writer(parameters.output.directory,
                   parameters.output.base_name,
                   parameters.output.n_groups,
                   MPI_COMM_WORLD)
      {
      }

      nlohmann::json
      execute();

    private:
      void
      describe();
      void
      make_stages();
      void
      solve_stationary_density();
      void
      solve_transient_density();
      /** Every stage observes @p snapshot; then its row and fields are written. */
      void
      record(const Snapshot &snapshot, const std::function<void()> &solver_columns);
      void
      finish();

      const CaseParameters &parameters;
      const RunContext     &context;
      const bool            root;
      std::ostream         *log;
      Timer                 timer;
      nlohmann::json        summary;
      Problem<dim>          problem;
      DensityFields<dim>    density;
      OutputWriter<dim>     writer;
      StatisticsTable       statistics;

      std::unique_ptr<RelaxationAnalysis<dim>>   relaxation;
      std::unique_ptr<Sgd::ModeMonitor<dim>>     modes;
      std::unique_ptr<Analysis<dim>>             analysis;
      std::unique_ptr<QuasiPotentialStage<dim>>  quasi_potential;
      std::unique_ptr<MonteCarloComparison<dim>> monte_carlo;
      /** The stages after the density, in the order of their columns. */
      std::vector<Stage<dim> *> stages;
    };

    template <int dim>
    void
    CaseRun<dim>::describe()
    {
      const auto &discretization = problem.discretization();
      const auto  n_ranks        = Utilities::MPI::n_mpi_processes(MPI_COMM_WORLD);
      if (log)
        *log << "fokker-planck: " << context.parameter_file << "\n"
             << "  model:       " << problem.model().description() << "\n"
             << "  temperature: T = " << problem.model().temperature() << "\n"
             << "  mesh:        " << problem.triangulation().n_global_active_cells()
             << " cells, " << discretization.get_dof_handler().n_dofs() << " unknowns (Q"
             << parameters.discretization.degree
             << (parameters.discretization.upwind ? ", algebraic upwind" : "") << "), "
             << n_ranks << " rank(s)\n";
      summary["parameter_file"] = context.parameter_file;
      summary["dim"]            = dim;
      summary["model"]          = problem.model().description();
      summary["temperature"]    = problem.model().temperature();
      summary["n_cells"]        = problem.triangulation().n_global_active_cells();
      summary["n_dofs"]         = discretization.get_dof_handler().n_dofs();
      summary["degree"]         = parameters.discretization.degree;
      summary["stabilization"] =
          parameters.discretization.upwind ? "algebraic upwind" : "none";
      summary["n_ranks"]        = n_ranks;
      summary["linear_algebra"] = LA::backend_name;
      summary["problem"]        = parameters.stationary ? "stationary" : "transient";
    }

    template <int dim>
    void
    CaseRun<dim>::make_stages()
    {
      const auto &discretization = problem.discretization();
      const auto  fields         = parameters.output.selection();
      // Made first, so that its input errors come before the relaxation
      // run; its place among the stages is the last.
      if (parameters.monte_carlo.enabled)
        monte_carlo =
            std::make_unique<MonteCarloComparison<dim>>(parameters.monte_carlo,
                                                        parameters.time_stepping,
                                                        parameters.stationary,
                                                        problem,
                                                        log);
      relaxation = std::make_unique<RelaxationAnalysis<dim>>(parameters.relaxation,
                                                             parameters.linear_solver,
                                                             discretization,
                                                             !parameters.stationary);
      relaxation->run(log);
      stages.push_back(relaxation.get());
      if (!parameters.stationary)
        if ((modes = Sgd::ModeMonitor<dim>::create(problem.model(), discretization)))
          stages.push_back(modes.get());
      if (parameters.analysis.enabled)
        {
          analysis = std::make_unique<Analysis<dim>>(
              parameters.analysis, parameters.linear_solver, problem, fields);
          stages.push_back(analysis.get());
        }
      if (parameters.quasi_potential.enable)
        {
          quasi_potential = std::make_unique<QuasiPotentialStage<dim>>(
              parameters.quasi_potential, discretization, problem.model(), log);
          stages.push_back(quasi_potential.get());
        }
      if (monte_carlo)
        stages.push_back(monte_carlo.get());
    }

    template <int dim>
    void
    CaseRun<dim>::record(const Snapshot              &snapshot,
                         const std::function<void()> &solver_columns)
    {
      density.observe(snapshot);
      for (auto *stage : stages)
        {
          Timer stage_timer(MPI_COMM_WORLD);
          stage->observe(snapshot);
          if (stage == analysis.get() && snapshot.stationary)
            {
              summary["seconds"]["analysis"] = stage_timer.wall_time();
              const auto &potential          = analysis->scalars().potential;
              if (log && potential && !potential->fallback_reason.empty())
                *log << "  warning:     the effective potential fell back to -T log pi: "
                     << potential->fallback_reason << "\n";
            }
        }

      statistics.add("step", snapshot.step);
      if (!snapshot.stationary)
        statistics.add("time", snapshot.time);
      solver_columns();
      for (const auto *stage : stages)
        stage->add_statistics(statistics);

      if (parameters.output.write_fields && snapshot.output_step)
        {
          StageList<dim> written = {&density};
          written.insert(written.end(), stages.begin(), stages.end());
          const auto &discretization = problem.discretization();
          writer.write(snapshot.time,
                       discretization.get_dof_handler(),
                       discretization.get_mapping(),
                       discretization.get_fe().degree,
                       written);
        }
      statistics.write(parameters.output.directory + "/statistics.txt", MPI_COMM_WORLD);
    }

    template <int dim>
    void
    CaseRun<dim>::solve_stationary_density()
    {
      LA::MPI::Vector      p;
      const StationaryInfo info =
          solve_stationary(problem.discretization(), parameters.linear_solver, p);
      Snapshot snapshot;
      snapshot.density = &p;
      record(snapshot, [&]() {
        density.add_statistics(statistics);
        statistics.add("relative_residual", info.relative_residual);
        statistics.add("iterations", info.iterations);
        statistics.add("wall_seconds", info.preconditioner_seconds + info.solve_seconds);
      });

      nlohmann::json moments;
      density.add_moments(moments);
      summary["stationary"]                = {{"mass", problem.discretization().mass(p)},
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
      if (log)
        *log << std::setprecision(6) << "  stationary:  mass - 1 = " << info.mass_error
             << ", relative residual = " << info.relative_residual
             << ", GMRES iterations = " << info.iterations << "\n"
             << "               min density = " << info.min_density
             << ", max density = " << info.max_density << "\n"
             << "               mean = " << moments["mean"].dump()
             << ", covariance = " << moments["covariance"].dump() << "\n";
    }

    template <int dim>
    void
    CaseRun<dim>::solve_transient_density()
    {
      const auto     &discretization = problem.discretization();
      const auto     &stepping       = parameters.time_stepping;
      LA::MPI::Vector p;
      const double    initial_mass = initial_density(discretization, stepping, p);

      TransientSolver<dim> solver(discretization, stepping, parameters.linear_solver);
      unsigned int         total_iterations = 0, total_rejected = 0;
      StepInfo             last;
      Timer                step_timer(MPI_COMM_WORLD);
      solver.run(p, [&](const StepInfo &info, const LA::MPI::Vector &current) {
        total_iterations += info.iterations;
        total_rejected += info.rejected;
        last = info;
        Snapshot snapshot;
        snapshot.time        = info.time;
        snapshot.step        = info.step;
        snapshot.stationary  = false;
        snapshot.density     = &current;
        snapshot.output_step = info.step % parameters.output.every_n_steps == 0 ||
                               info.time >= stepping.end_time * (1. - 1e-12);
        record(snapshot, [&]() {
          statistics.add("time_step", info.time_step);
          density.add_statistics(statistics);
          statistics.add("iterations", info.iterations);
          statistics.add("rejected_steps", info.rejected);
          statistics.add("wall_seconds", step_timer.wall_time());
        });
      });

      nlohmann::json moments;
      density.add_moments(moments);
      // Collective: every rank evaluates them, rank 0 prints them.
      const double final_mass = discretization.mass(p);
      const double smallest = LA::min_entry(p), largest = LA::max_entry(p);
      summary["transient"] = {{"end_time", last.time},
                              {"steps", last.step},
                              {"rejected_steps", total_rejected},
                              {"gmres_iterations", total_iterations},
                              {"initial_mass", stepping.normalize ? 1. : initial_mass},
                              {"final_mass", final_mass},
                              {"min_density", smallest},
                              {"max_density", largest},
                              {"mean", moments["mean"]},
                              {"covariance", moments["covariance"]}};
      if (log)
        *log << std::setprecision(6) << "  transient:   " << last.step
             << " steps to t = " << last.time << ", final mass = " << final_mass
             << ", min density = " << smallest << "\n"
             << "               mean = " << moments["mean"].dump()
             << ", covariance = " << moments["covariance"].dump() << "\n";
    }

    template <int dim>
    void
    CaseRun<dim>::finish()
    {
      const std::string &directory = parameters.output.directory;
      for (const auto *stage : stages)
        {
          stage->add_summary(summary);
          stage->write_files(directory);
        }
      const auto &timings            = problem.timings();
      summary["seconds"]["mesh"]     = timings.mesh;
      summary["seconds"]["setup"]    = timings.setup;
      summary["seconds"]["assembly"] = timings.assembly;
      summary["seconds"]["total"]    = timer.wall_time();
      summary["files"]["statistics"] = "statistics.txt";
      if (writer.n_written() > 0)
        summary["files"]["fields"] = writer.pvd_name();
      if (root)
        std::ofstream(directory + "/summary.json") << summary.dump(2) << "\n";
      if (log)
        *log << "  results:     " << parameters.output.results_folder() << "/ ("
             << (writer.n_written() > 0 ? writer.pvd_name() + ", " : "")
             << "statistics.txt, summary.json, parameters.prm)\n";
    }

    template <int dim>
    nlohmann::json
    CaseRun<dim>::execute()
    {
      describe();
      // From here on, results are written.
      write_parameter_files(parameters.output, context);
      make_stages();
      if (parameters.stationary)
        solve_stationary_density();
      else
        solve_transient_density();
      finish();
      return summary;
    }
  } // namespace

  template <int dim>
  nlohmann::json
  run_case(const CaseParameters &parameters, const RunContext &context)
  {
    CaseRun<dim> run(parameters, context);
    return run.execute();
  }

  template nlohmann::json
  run_case<1>(const CaseParameters &, const RunContext &);
  template nlohmann::json
  run_case<2>(const CaseParameters &, const RunContext &);
  template nlohmann::json
  run_case<3>(const CaseParameters &, const RunContext &);
} // namespace FokkerPlanck

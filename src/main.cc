// fokker-planck: finite-element solver for Fokker–Planck equations of SGD
// models. Thin driver: command line, parameter file, dispatch on dim.

#include <deal.II/base/mpi.h>
#include <deal.II/base/parameter_handler.h>
#include <deal.II/lac/solver_control.h>

#include <fokker_planck/app/case_parameters.h>
#include <fokker_planck/app/estimate_run.h>
#include <fokker_planck/app/sgd_run.h>
#include <fokker_planck/app/simulator.h>
#include <fokker_planck/base/input_error.h>
#include <fokker_planck/output/staged_output.h>

#include <CLI/CLI.hpp>

#include <filesystem>
#include <iostream>

namespace
{
  using namespace FokkerPlanck;

  /** What one invocation runs. */
  enum class Mode
  {
    solve,
    sgd,
    estimate
  };

  /** Dispatch the run of @p parameters to its dimension. */
  template <int dim>
  void
  run_in(const CaseParameters &parameters, const RunContext &context, const Mode mode)
  {
    if (mode == Mode::sgd)
      run_sgd<dim>(parameters, context);
    else if (mode == Mode::estimate)
      run_estimate<dim>(parameters, context);
    else
      run_case<dim>(parameters, context);
  }

  int
  run(const std::string &file, const std::vector<std::string> &overrides, const Mode mode)
  {
    dealii::ParameterHandler prm;
    CaseParameters           parameters(prm);
    read_parameter_file(prm, file, overrides);
    parameters.parse(prm, std::filesystem::absolute(file).parent_path().string());

    StagedOutput output(parameters.output.directory, MPI_COMM_WORLD);
    parameters.output.results_directory = parameters.output.directory;
    parameters.output.directory         = output.path();

    const RunContext context{file, &prm, true};
    switch (parameters.dim)
      {
        case 1:
          run_in<1>(parameters, context, mode);
          break;
        case 2:
          run_in<2>(parameters, context, mode);
          break;
        case 3:
          run_in<3>(parameters, context, mode);
          break;
        default:
          throw InputError("dim", "must be 1, 2 or 3");
      }
    output.commit();
    return 0;
  }
} // namespace

int
main(int argc, char **argv)
{
  dealii::Utilities::MPI::MPI_InitFinalize mpi(argc, argv, 1);
  const bool root = dealii::Utilities::MPI::this_mpi_process(MPI_COMM_WORLD) == 0;

  CLI::App app{"fokker-planck: stationary and transient Fokker-Planck densities "
               "of SDE models of SGD, by finite elements (deal.II).\n"
               "Run serially or as 'mpirun -np N fokker-planck case.prm'.",
               "fokker-planck"};
  app.set_help_flag();
  bool help = false, print_parameters = false, sgd = false, monte_carlo = false,
       estimate = false;
  std::string              file;
  std::vector<std::string> overrides;
  app.add_flag("-h,--help",
               help,
               "Print this help and every parameter with its meaning and allowed values");
  app.add_flag("--print-parameters",
               print_parameters,
               "Print a complete parameter file with all defaults and exit");
  app.add_flag("--sgd",
               sgd,
               "Run minibatch SGD on the network of the SGD model and compare "
               "its histograms with the Fokker-Planck solution of the same "
               "file (subsection 'SGD simulation')");
  app.add_flag("--estimate",
               estimate,
               "Estimate drift and diffusion from the recorded trajectories of "
               "'Estimation/Trajectory file' on the vertices of the case's box mesh, "
               "write the tabulated model and its parameter file, solve it and "
               "compare it with the trajectories (doc/estimation.md)");
  app.add_flag("--monte-carlo",
               monte_carlo,
               "Also simulate the SDE by Monte Carlo and compare it with the "
               "finite-element solution (sets 'Monte Carlo/Enabled = true')");
  app.add_option(
      "parameter_file", file, "The case to run (deal.II ParameterHandler format)");
  app.add_option("-s,--set",
                 overrides,
                 "Override an entry, e.g. -s 'Geometry/Global refinements=3' "
                 "(repeatable; applied after the file is read)");

  try
    {
      app.parse(argc, argv);
    }
  catch (const CLI::ParseError &e)
    {
      if (root)
        std::cerr << "fokker-planck: " << e.what() << "\n"
                  << "Try 'fokker-planck --help'.\n";
      return 2;
    }

  if (help || print_parameters)
    {
      if (root)
        {
          dealii::ParameterHandler prm;
          const CaseParameters     parameters(prm);
          if (help)
            {
              std::cout << app.help()
                        << "\nParameters: Subsection/Entry = default, the allowed values,"
                        << " and the meaning.\n\n";
              print_parameter_reference(prm, std::cout);
            }
          else
            prm.print_parameters(std::cout, dealii::ParameterHandler::PRM);
        }
      return 0;
    }

  if (file.empty())
    {
      if (root)
        std::cerr << "fokker-planck: no parameter file given.\n"
                  << "Usage: fokker-planck [--help] [-s Entry=value]... case.prm\n";
      return 2;
    }

  if (monte_carlo)
    overrides.push_back("Monte Carlo/Enabled=true");
  try
    {
      if (sgd && estimate)
        {
          if (root)
            std::cerr << "fokker-planck: --sgd and --estimate exclude each other\n";
          return 2;
        }
      return run(file,
                 overrides,
                 sgd        ? Mode::sgd
                 : estimate ? Mode::estimate
                            : Mode::solve);
    }
  catch (const dealii::SolverControl::NoConvergence &failure)
    {
      // A linear solve that no caller turned into a message of its own
      // (deal.II's text is a paragraph of general advice).
      if (root)
        std::cerr
            << "fokker-planck: error in " << file
            << ": entry 'Linear solver/Type': a linear solve did not converge: "
            << "the iterative solver stopped after " << failure.last_step
            << " iterations at residual " << failure.last_residual
            << "; use 'direct' (sparse LU) or raise 'Linear solver/Maximum iterations'\n";
    }
  catch (const std::exception &e)
    {
      // InputError, deal.II's parameter errors and anything else: one line.
      if (root)
        std::cerr << "fokker-planck: error in " << file << ": " << one_line_message(e)
                  << "\n";
    }
  return 1;
}

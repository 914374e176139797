// fokker-planck: finite-element solver for Fokker–Planck equations of SGD
// models. Thin driver: command line, parameter file, dispatch on dim.

#include <deal.II/base/mpi.h>
#include <deal.II/base/parameter_handler.h>
#include <deal.II/lac/solver_control.h>

#include <fokker_planck/app/simulator.h>
#include <fokker_planck/base/collective.h>
#include <fokker_planck/base/input_error.h>
#include <fokker_planck/parameters/case_parameters.h>
#include <fokker_planck/sgd/sgd_simulator.h>

#include <CLI/CLI.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

namespace
{
  using namespace FokkerPlanck;

  /**
   * A run writes into <directory>/.incomplete. Only when it has finished
   * are its files moved into <directory>, replacing those of an earlier run;
   * a run that fails part-way removes its staging folder, so the earlier
   * results stay exactly as they were. Each finished run lists its files in
   * <directory>/.fokker-planck-files; the next finished run removes the
   * listed files it did not write itself (output steps beyond its last, the
   * pieces of ranks it did not have), and nothing else. Collective.
   */
  class StagedOutput
  {
  public:
    StagedOutput(const std::string &directory, const MPI_Comm communicator)
        : final_directory(directory)
        , staging(std::filesystem::path(directory) / ".incomplete")
        , communicator(communicator)
        , root(dealii::Utilities::MPI::this_mpi_process(communicator) == 0)
    {
      collectively(
          [&]() {
            std::filesystem::remove_all(staging);
            std::filesystem::create_directories(staging);
          },
          "cannot create the folder '" + staging.string() + "'");
    }

    std::string
    path() const
    {
      return staging.string();
    }

    /**
     * Move every file of the finished run into the results folder, after
     * removing what the previous finished run wrote and this one did not.
     */
    void
    commit()
    {
      collectively(
          [&]() {
            const std::filesystem::path results(final_directory);
            std::set<std::string>       written;
            for (const auto &entry : std::filesystem::directory_iterator(staging))
              written.insert(entry.path().filename().string());
            {
              std::ofstream list(staging / manifest_name);
              for (const auto &name : written)
                list << name << '\n';
              list.close();
              if (!list)
                throw std::runtime_error("cannot write " + std::string(manifest_name));
            }
            written.insert(manifest_name);

            // Only names that an earlier run of this program listed are removed,
            // never a file the user put there.
            std::ifstream earlier(results / manifest_name);
            for (std::string name; std::getline(earlier, name);)
              if (!name.empty() && name != "." && name != ".." &&
                  name.find('/') == std::string::npos && name != staging.filename() &&
                  written.count(name) == 0)
                std::filesystem::remove_all(results / name);
            earlier.close();

            for (const auto &name : written)
              {
                const auto source = staging / name;
                const auto target = results / name;
                if (std::filesystem::is_directory(target) &&
                    std::filesystem::is_directory(source))
                  std::filesystem::remove_all(target);
                std::filesystem::rename(source, target);
              }
            std::filesystem::remove(staging);
          },
          "cannot move the results from '" + staging.string() + "' into it");
      committed = true;
    }

    /** A run that did not finish leaves nothing behind. Not collective. */
    ~StagedOutput()
    {
      if (!committed && root)
        {
          std::error_code ignored;
          std::filesystem::remove_all(staging, ignored);
        }
    }

  private:
    /** Run @p action on rank 0; every rank throws the same error if it fails. */
    template <typename Action>
    void
    collectively(const Action &action, const std::string &what)
    {
      // Every rank has finished writing before rank 0 touches the folder.
      MPI_Barrier(communicator);
      run_collectively(communicator, [&]() {
        if (root)
          try
            {
              action();
            }
          catch (const std::exception &e)
            {
              throw InputError("Output/Directory", what + " (" + e.what() + ")");
            }
      });
    }

    static constexpr const char *manifest_name = ".fokker-planck-files";

    const std::string           final_directory;
    const std::filesystem::path staging;
    const MPI_Comm              communicator;
    const bool                  root;
    bool                        committed = false;
  };

  int
  run(const std::string &file, const std::vector<std::string> &overrides, const bool sgd)
  {
    dealii::ParameterHandler prm;
    CaseParameters::declare_parameters(prm);
    read_parameter_file(prm, file, overrides);

    CaseParameters    parameters;
    const std::string directory = std::filesystem::absolute(file).parent_path().string();
    parameters.parse_parameters(prm, directory);
    parameters.check();

    StagedOutput output(parameters.output.directory, MPI_COMM_WORLD);
    parameters.output.results_directory = parameters.output.directory;
    parameters.output.directory         = output.path();

    switch (parameters.dim)
      {
        case 1:
          if (sgd)
            Sgd::run_sgd<1>(prm, parameters, file);
          else
            run_case<1>(prm, parameters, file);
          break;
        case 2:
          if (sgd)
            Sgd::run_sgd<2>(prm, parameters, file);
          else
            run_case<2>(prm, parameters, file);
          break;
        case 3:
          if (sgd)
            Sgd::run_sgd<3>(prm, parameters, file);
          else
            run_case<3>(prm, parameters, file);
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
  bool        help = false, print_parameters = false, sgd = false, monte_carlo = false;
  std::string file;
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
          CaseParameters::declare_parameters(prm);
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
      return run(file, overrides, sgd);
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

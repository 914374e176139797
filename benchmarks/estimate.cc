// benchmark_estimate: the cost of 'fokker-planck --estimate' on 10⁶ pairs of
// the anisotropic Ornstein–Uhlenbeck process of DESIGN.md §3.1 (simulated
// by the Monte Carlo stepper, Δt = 0.01, recorded at every step), on the
// vertices of the box mesh [−6, 6]² with 4·2^r cells per axis, as ratios
// to one stationary solve (direct LU) on the same mesh:
// - reading the trajectory file (CSV, as written by Trajectories),
// - the 'auto' bandwidth (two global quadratic fits),
// - the Kramers–Moyal estimate at the vertices.
//
//   ./benchmarks/benchmark_estimate [--runs 100] [--steps 10000] [--refinements 3]
//
// See doc/benchmarks.md.

#include <fokker_planck/app/case_parameters.h>
#include <fokker_planck/discretization/problem.h>
#include <fokker_planck/monte_carlo/trajectory_simulation.h>
#include <fokker_planck/sampling/kramers_moyal.h>
#include <fokker_planck/solvers/stationary_solver.h>

#include "benchmark_common.h"

#include <cstdio>
#include <filesystem>

namespace
{
  using namespace dealii;
  using namespace FokkerPlanck;

  std::string
  case_text(const unsigned int refinements)
  {
    return "set dim = 2\n"
           "subsection Geometry\n  set Lower corner = -6, -6\n  set Upper corner = 6, 6\n"
           "  set Subdivisions = 4, 4\n  set Global refinements = " +
           std::to_string(refinements) +
           "\nend\n"
           "subsection Model\n  set Name = ornstein-uhlenbeck\n  set Temperature = 0.7\n"
           "  subsection Ornstein-Uhlenbeck\n    set H = 1, 0.8, -0.3, 2\n"
           "    set D = 1, 0.3, 0.3, 0.5\n  end\nend\n"
           "subsection Discretization\n  set Degree = 2\nend\n"
           "subsection Linear solver\n  set Type = direct\nend\n"
           "subsection Monte Carlo\n  set Time step = 0.01\nend\n";
  }

} // namespace

int
main(int argc, char **argv)
{
  const Benchmark::Session session(argc, argv);
  CLI::App     app{"Cost of the Kramers-Moyal estimate against one stationary solve"};
  unsigned int runs = 100, steps = 10000, refinements = 3;
  app.add_option("--runs", runs, "Independent runs");
  app.add_option("--steps", steps, "Recorded steps per run");
  app.add_option("--refinements", refinements, "Global refinements of the 4 x 4 box");
  if (const auto status = session.parse(app, argc, argv))
    return *status;
  const MPI_Comm communicator = session.communicator;

  ParameterHandler prm;
  CaseParameters   parameters(prm);
  prm.parse_input_from_string(case_text(refinements));
  parameters.parse(prm, ".");
  const double     t_setup = Benchmark::synchronized_time(communicator);
  const Problem<2> problem(
      parameters.geometry, parameters.model, parameters.discretization, communicator);
  const double    setup = Benchmark::synchronized_time(communicator) - t_setup;
  LA::MPI::Vector pi;
  const double    solve = Benchmark::median_seconds(
      [&]() { solve_stationary(problem.discretization(), parameters.linear_solver, pi); },
      3,
      communicator);

  // The data, written and read back as --estimate reads them.
  const auto simulated = MonteCarlo::simulate_trajectories(
      problem.model(), parameters.monte_carlo, parameters.geometry, runs, steps, 500);
  const std::string file = "benchmark_estimate_trajectories.csv";
  if (session.root)
    simulated.write_csv(file);
  MPI_Barrier(communicator);
  const double t_read       = Benchmark::synchronized_time(communicator);
  const auto   trajectories = Sampling::Trajectories<2>::read(file, "benchmark");
  const double read         = Benchmark::synchronized_time(communicator) - t_read;

  std::vector<Point<2>> vertices(problem.triangulation().get_vertices().begin(),
                                 problem.triangulation().get_vertices().end());
  const double          t_bandwidth = Benchmark::synchronized_time(communicator);
  Sampling::KramersMoyalSettings<2> settings;
  settings.bandwidth      = Sampling::auto_bandwidth(trajectories);
  const double bandwidth  = Benchmark::synchronized_time(communicator) - t_bandwidth;
  const double t_estimate = Benchmark::synchronized_time(communicator);
  const auto   estimate =
      Sampling::estimate_kramers_moyal(trajectories, vertices, settings);
  const double seconds = Benchmark::synchronized_time(communicator) - t_estimate;

  if (session.root)
    {
      std::printf(
          "%zu pairs, %zu vertices (%u resolved), %u unknowns (Q2), h = (%.3g, %.3g)\n",
          trajectories.n_pairs(),
          vertices.size(),
          estimate.n_resolved(),
          problem.discretization().get_dof_handler().n_dofs(),
          estimate.bandwidth[0],
          estimate.bandwidth[1]);
      std::printf(
          "  one stationary solve (direct):   %8.3f s   (setup and assembly %.3f s)\n",
          solve,
          setup);
      std::printf("  read the CSV file:               %8.3f s   %6.2f solves\n",
                  read,
                  read / solve);
      std::printf("  'auto' bandwidth:                %8.3f s   %6.2f solves\n",
                  bandwidth,
                  bandwidth / solve);
      std::printf("  Kramers-Moyal estimate:          %8.3f s   %6.2f solves\n",
                  seconds,
                  seconds / solve);
      std::filesystem::remove(file);
    }
  return 0;
}

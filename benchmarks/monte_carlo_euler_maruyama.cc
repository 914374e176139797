// benchmark_monte_carlo: speed of the Monte Carlo particle stepper on the 2D
// anisotropic Ornstein–Uhlenbeck case of DESIGN.md §3.1
// (parameter_files/ornstein_uhlenbeck_2d.prm: Q2, 128 × 128 cells), through
// the library's own Ensemble (Euler–Maruyama, Gaussian noise, reflecting
// box), against
// - the random numbers alone (one Philox4x32-10 block and one Box–Muller
//   pair per particle-step, as the stepper draws them),
// - one sparse matrix–vector product with the FE operator A of the same case,
// - the same ensemble with symmetric 1.5-stable noise, isotropic and
//   axis-wise (jumps censored at the faces), as a ratio to the Gaussian run.
//
//   mpirun -np 2 ./benchmarks/benchmark_monte_carlo [--trajectories 20000] [--time 5]
//
// See doc/benchmarks.md.

#include <deal.II/base/mpi.h>
#include <deal.II/base/timer.h>
#include <deal.II/base/utilities.h>

#include <fokker_planck/app/case_parameters.h>
#include <fokker_planck/discretization/problem.h>
#include <fokker_planck/geometry/geometry.h>
#include <fokker_planck/model/model.h>
#include <fokker_planck/monte_carlo/ensemble.h>
#include <fokker_planck/sampling/random_stream.h>

#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <iomanip>
#include <iostream>
#include <vector>

namespace
{
  using namespace dealii;
  using namespace FokkerPlanck;

  std::string
  case_text(const unsigned int trajectories,
            const double       time,
            const double       dt,
            const unsigned int threads,
            const std::string &noise = "")
  {
    return "set dim = 2\n"
           "subsection Geometry\n  set Lower corner = -6, -6\n  set Upper corner = 6, 6\n"
           "  set Subdivisions = 4, 4\n  set Global refinements = 5\nend\n"
           "subsection Model\n  set Name = ornstein-uhlenbeck\n  set Temperature = 0.7\n"
           "  subsection Ornstein-Uhlenbeck\n    set H = 1, 0.8, -0.3, 2\n"
           "    set D = 1, 0.3, 0.3, 0.5\n  end\nend\n"
           "subsection Discretization\n  set Degree = 2\nend\n"
           "subsection Monte Carlo\n  set Enabled = true\n  set Progress interval = 0\n"
           "  set Number of trajectories = " +
           std::to_string(trajectories) + "\n  set Time step = " + std::to_string(dt) +
           "\n  set Burn-in time = " + std::to_string(time) +
           "\n  set Sampling time = " + std::to_string(dt) +
           "\n  set Sampling interval = 1\n  set Threads = " + std::to_string(threads) +
           "\n" + noise + "end\n";
  }

  double
  seconds_since(const std::chrono::steady_clock::time_point &begin)
  {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - begin)
        .count();
  }

  /**
   * CPU particle-steps per second of the same ensemble with symmetric
   * 1.5-stable noise of shape @p shape (mean over the ranks).
   */
  double
  stable_rate(const Model<2>    &model,
              const std::string &shape,
              const unsigned int trajectories,
              const double       time,
              const double       dt,
              const unsigned int threads,
              const MPI_Comm     communicator)
  {
    const unsigned int n_ranks = Utilities::MPI::n_mpi_processes(communicator);
    ParameterHandler   prm;
    CaseParameters     stable(prm);
    prm.parse_input_from_string(
        case_text(trajectories,
                  time,
                  dt,
                  threads,
                  "  set Noise = alpha-stable\n  set Stability index = 1.5\n"
                  "  set Stable shape = " +
                      shape + "\n"));
    stable.parse(prm, ".");
    MonteCarlo::Ensemble<2> e(stable.monte_carlo,
                              stable.geometry,
                              stable.time_stepping,
                              model,
                              true,
                              communicator);
    const std::clock_t      begin = std::clock();
    e.run_stationary();
    const double cpu = double(std::clock() - begin) / CLOCKS_PER_SEC;
    return Utilities::MPI::sum(e.particle_steps() / n_ranks / cpu, communicator) /
           n_ranks;
  }
} // namespace

int
main(int argc, char **argv)
{
  Utilities::MPI::MPI_InitFinalize mpi(argc, argv, 1);
  const MPI_Comm                   communicator = MPI_COMM_WORLD;
  const bool         root    = Utilities::MPI::this_mpi_process(communicator) == 0;
  const unsigned int n_ranks = Utilities::MPI::n_mpi_processes(communicator);

  CLI::App     app{"Speed of the Monte Carlo particle stepper (2D OU, Euler-Maruyama)"};
  unsigned int trajectories = 20000, threads = 1, matvecs = 20;
  double       time = 5., dt = 0.01;
  app.add_option("--trajectories", trajectories, "Number of particles");
  app.add_option("--time", time, "Simulated time per particle");
  app.add_option("--dt", dt, "Time step");
  app.add_option("--threads", threads, "Threads per rank");
  app.add_option("--matvecs", matvecs, "Products A x to time (median)");
  CLI11_PARSE(app, argc, argv);

  ParameterHandler prm;
  CaseParameters   parameters(prm);
  prm.parse_input_from_string(case_text(trajectories, time, dt, threads));
  parameters.parse(prm, ".");
  const Problem<2> problem(
      parameters.geometry, parameters.model, parameters.discretization, communicator);
  const auto &model          = problem.model();
  const auto &discretization = problem.discretization();

  // Particle steps: Ensemble::run_stationary (Euler–Maruyama).
  MonteCarlo::Ensemble<2> ensemble(parameters.monte_carlo,
                                   parameters.geometry,
                                   parameters.time_stepping,
                                   model,
                                   true,
                                   communicator);
  const std::clock_t      cpu_begin   = std::clock();
  const auto              observation = ensemble.run_stationary();
  const double            cpu_seconds = double(std::clock() - cpu_begin) / CLOCKS_PER_SEC;
  const double            steps       = ensemble.particle_steps();
  const double            local_seconds = ensemble.seconds();
  const double            per_core =
      Utilities::MPI::sum(steps / n_ranks / local_seconds / threads, communicator) /
      n_ranks;
  const double per_cpu_second =
      Utilities::MPI::sum(steps / n_ranks / cpu_seconds, communicator) / n_ranks;

  // The random numbers alone: one Philox block and one Box–Muller pair per step.
  const std::uint64_t n_local       = static_cast<std::uint64_t>(steps / n_ranks);
  const auto          begin         = std::chrono::steady_clock::now();
  const std::clock_t  rng_cpu_begin = std::clock();
  double              sink          = 0.;
  const std::uint64_t per_trajectory =
      std::max<std::uint64_t>(1, std::llround(time / dt));
  for (std::uint64_t t = 0; t < n_local / per_trajectory; ++t)
    {
      const Sampling::RandomStream rng(1, t);
      for (std::uint64_t s = 0; s < per_trajectory; ++s)
        {
          double z[4];
          rng.normals(s, Sampling::Purpose::step_noise, z, 0, 1);
          sink += z[0] + z[1];
        }
    }
  const double rng_seconds = seconds_since(begin);
  const double rng_cpu     = double(std::clock() - rng_cpu_begin) / CLOCKS_PER_SEC;
  const double rng_cpu_ns =
      Utilities::MPI::sum(1e9 * rng_cpu / (n_local / per_trajectory * per_trajectory),
                          communicator) /
      n_ranks;
  const double rng_ns =
      Utilities::MPI::sum(1e9 * rng_seconds / (n_local / per_trajectory * per_trajectory),
                          communicator) /
      n_ranks;

  // One product A x with the FE operator of the same case.
  LA::MPI::Vector x, y;
  discretization.initialize_vector(x);
  discretization.initialize_vector(y);
  x = 1.;
  std::vector<double> times;
  for (unsigned int k = 0; k < matvecs; ++k)
    {
      MPI_Barrier(communicator);
      const auto start = std::chrono::steady_clock::now();
      discretization.get_operator_matrix().vmult(y, x);
      MPI_Barrier(communicator);
      times.push_back(seconds_since(start));
    }
  std::sort(times.begin(), times.end());
  const double matvec = times[times.size() / 2];

  const double isotropic =
      stable_rate(model, "isotropic", trajectories, time, dt, threads, communicator);
  const double axis_wise =
      stable_rate(model, "axis-wise", trajectories, time, dt, threads, communicator);

  if (root)
    {
      std::cout << std::setprecision(4) << "2D OU, Euler-Maruyama, dt = " << dt << ", "
                << trajectories << " particles x " << per_trajectory << " steps on "
                << n_ranks << " rank(s) x " << threads << " thread(s)\n"
                << "  particle-steps per second per core: " << per_core << " (wall), "
                << per_cpu_second << " (per CPU second of the process)\n"
                << "  ns per particle-step:               " << 1e9 / per_core
                << " (wall), " << 1e9 / per_cpu_second << " (CPU)\n"
                << "  RNG alone, ns per particle-step:    " << rng_ns << " (wall), "
                << rng_cpu_ns << " (CPU; checksum " << sink << ")\n"
                << "  one A x (" << discretization.get_dof_handler().n_dofs()
                << " unknowns, Q2), ms: " << 1e3 * matvec << "\n"
                << "  particle-steps per A x (all cores): "
                << matvec * per_core * n_ranks * threads << "\n"
                << "  alpha = 1.5 isotropic, particle-steps per CPU second: " << isotropic
                << " (ratio to Gaussian " << isotropic / per_cpu_second << ")\n"
                << "  alpha = 1.5 axis-wise, particle-steps per CPU second: " << axis_wise
                << " (ratio to Gaussian " << axis_wise / per_cpu_second << ")\n"
                << "  check: sampled covariance xx " << observation.covariance(0, 0).value
                << " (exact 0.583333)\n";
    }
  return 0;
}

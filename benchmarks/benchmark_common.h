// What every benchmark program does the same way: MPI for the whole run
// with rank 0 printing, the command line (CLI11), and barrier-synchronised
// wall clocks with the median of repeated timings.

#pragma once

#include <deal.II/base/mpi.h>
#include <deal.II/base/utilities.h>

#include <CLI/CLI.hpp>

#include <algorithm>
#include <functional>
#include <optional>
#include <vector>

namespace Benchmark
{
  /** Barrier, then the wall clock, so that phases are timed on all ranks. */
  inline double
  synchronized_time(MPI_Comm communicator)
  {
    MPI_Barrier(communicator);
    return MPI_Wtime();
  }

  /**
   * Median wall time of @p n calls of @p work (after one untimed call), each
   * timed from a barrier to a barrier.
   */
  inline double
  median_seconds(const std::function<void()> &work,
                 const unsigned int           n,
                 MPI_Comm                     communicator)
  {
    work();
    std::vector<double> seconds;
    for (unsigned int k = 0; k < n; ++k)
      {
        const double t0 = synchronized_time(communicator);
        work();
        seconds.push_back(synchronized_time(communicator) - t0);
      }
    std::sort(seconds.begin(), seconds.end());
    return n % 2 == 1 ? seconds[n / 2] : 0.5 * (seconds[n / 2 - 1] + seconds[n / 2]);
  }

  /** MPI from construction to destruction, on MPI_COMM_WORLD. */
  struct Session
  {
    Session(int &argc, char **&argv)
        : mpi(argc, argv, 1)
    {
    }

    /**
     * Parse the command line into the options of @p app. Returns the exit
     * status when the program should stop here (after --help, or with bad
     * options); only rank 0 prints.
     */
    std::optional<int>
    parse(CLI::App &app, int argc, char **argv) const
    {
      try
        {
          app.parse(argc, argv);
          return std::nullopt;
        }
      catch (const CLI::ParseError &error)
        {
          return root ? app.exit(error) : (error.get_exit_code() == 0 ? 0 : 1);
        }
    }

    dealii::Utilities::MPI::MPI_InitFinalize mpi;
    const MPI_Comm                           communicator = MPI_COMM_WORLD;
    /** Whether this rank prints. */
    const bool root = dealii::Utilities::MPI::this_mpi_process(MPI_COMM_WORLD) == 0;
  };
} // namespace Benchmark

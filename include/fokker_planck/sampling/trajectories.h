/**
 * @file
 * Recorded trajectories (SGD iterates projected onto dim coordinates, or
 * any sampled SDE path) read from a CSV or HDF5 file in the layout of
 * doc/estimation.md: one row per sample with its run, its time t and its
 * coordinates. Every problem with the file (no such file, missing or extra
 * columns, text that is not a number, NaN or inf, t not increasing within
 * a run, no two consecutive samples) is an InputError that names the entry,
 * the file and, for rows, the line.
 */
#pragma once

#include <deal.II/base/point.h>

#include <cstddef>
#include <string>
#include <vector>

namespace FokkerPlanck::Sampling
{
  /** Samples of one or more runs, run after run, each in increasing t. */
  template <int dim>
  struct Trajectories
  {
    /** Names of the coordinates (the CSV header, or x, y, z in HDF5). */
    std::vector<std::string> names;
    /** The runs' identifiers, in the order of their samples below. */
    std::vector<long long> runs;
    /** Run r holds samples [run_begin[r], run_begin[r + 1]). */
    std::vector<std::size_t>        run_begin{0};
    std::vector<double>             time;
    std::vector<dealii::Point<dim>> points;

    /**
     * Read @p file: CSV (a header row naming 'run', 't' and dim coordinate
     * columns, in any order; rows of a run need not be adjacent but must
     * have increasing t in file order) or, if the name ends in .h5 or
     * .hdf5, datasets 'run', 't' and 'x'[, 'y'[, 'z']] of equal length.
     * @p entry names the parameter entry of the file in messages.
     */
    static Trajectories
    read(const std::string &file, const std::string &entry);

    /** Write CSV with the header run,t,names... (tests and scripts). */
    void
    write_csv(const std::string &file) const;

    /** Append a run. */
    void
    add_run(long long                              id,
            const std::vector<double>             &times,
            const std::vector<dealii::Point<dim>> &run_points);

    std::size_t
    n_runs() const
    {
      return runs.size();
    }

    /** Number of pairs of consecutive samples of the same run. */
    std::size_t
    n_pairs() const
    {
      return points.size() - runs.size();
    }
  };

  extern template struct Trajectories<1>;
  extern template struct Trajectories<2>;
  extern template struct Trajectories<3>;
} // namespace FokkerPlanck::Sampling

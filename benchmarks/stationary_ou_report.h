// benchmark_stationary_ou (stationary_ornstein_uhlenbeck.cc): what it
// measures for one mesh size, and the table, the reference points and the
// goals it prints. See doc/benchmarks.md for what each column means.

#pragma once

#include <deal.II/base/types.h>

#include <optional>
#include <ostream>
#include <vector>

namespace StationaryBenchmark
{
  /** Everything measured for one mesh size. */
  struct Row
  {
    dealii::types::global_dof_index unknowns    = 0;
    unsigned int                    cells       = 0; // per direction
    unsigned int                    coarse      = 0; // coarse cells per direction
    unsigned int                    refinements = 0;
    double mesh = 0, dofs = 0, assembly = 0, preconditioner = 0, solve = 0,
           stationary = 0, total = 0;
    unsigned int iterations = 0;
    double       peak_mb    = 0; // max over ranks of VmHWM
    double       bytes      = 0; // sum over ranks of (VmHWM − RSS before) / unknowns
    double       matvec     = 0; // seconds of one A·x, median
    double       mass_error = 0;
    double       cov_error  = 0;
    double       mean_error = 0;
    double       residual   = 0; // relative residual ||Aπ|| / ||diag(A)π||
    bool         passed     = false;
  };

  /**
   * What deal.II 9.4 alone costs before any code of this project runs: the
   * same p4est mesh as a Row (make_triangulation + build_mesh, i.e.
   * refine_global) and the Q1 DoF numbering of a bare DoFHandler. No
   * constraints, sparsity, matrix or solve: any program built on
   * parallel::distributed::Triangulation and a DoFHandler pays at least this.
   */
  struct Floor
  {
    dealii::types::global_dof_index unknowns = 0;
    double                          mesh = 0, numbering = 0;
  };

  /** The header of the table of rows. */
  void
  print_header(std::ostream &out);

  /** One line of the table. */
  void
  print_row(std::ostream &out, const Row &r);

  /** Row whose unknown count is closest to @p unknowns (relative), or nullptr. */
  const Row *
  closest(const std::vector<Row> &rows, double unknowns);

  /** The earlier measurements of the issue against the closest rows. */
  void
  print_references(std::ostream &out, const std::vector<Row> &rows);

  /**
   * The goals at 1M unknowns (total time, matvec-equivalents, memory) and,
   * if measured, the floor of deal.II alone; @p peer_seconds is the FEniCS
   * total of the same session (0: not given).
   */
  void
  print_goals(std::ostream               &out,
              const std::vector<Row>     &rows,
              const std::optional<Floor> &floor,
              double                      peer_seconds);
} // namespace StationaryBenchmark

/**
 * @file
 * Turning an error that only some MPI ranks saw into the same exception on
 * every rank, so that bad input never ends in a hang or an MPI_Abort.
 */
#pragma once

#include <deal.II/base/mpi.h>

#include <functional>
#include <vector>

namespace FokkerPlanck
{
  /**
   * Run @p local_work on every rank. If it throws on any rank, every rank
   * throws the error of the lowest such rank: an InputError stays an
   * InputError (same entry and text); anything else becomes a
   * std::runtime_error with the same text.
   */
  void
  run_collectively(MPI_Comm communicator, const std::function<void()> &local_work);

  /** The @p local values of all ranks, concatenated in rank order, on every rank. */
  std::vector<double>
  gather_concatenated(MPI_Comm communicator, const std::vector<double> &local);
} // namespace FokkerPlanck

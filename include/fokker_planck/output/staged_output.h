/**
 * @file
 * The results folder of a run, replaced only when the run has finished
 * (doc/output.md).
 */
#pragma once

#include <deal.II/base/mpi.h>

#include <filesystem>
#include <string>

namespace FokkerPlanck
{
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
    /** Create <directory>/.incomplete afresh. Collective. */
    StagedOutput(const std::string &directory, MPI_Comm communicator);

    /** The staging folder the run writes into. */
    std::string
    path() const
    {
      return staging.string();
    }

    /**
     * Move every file of the finished run into the results folder, after
     * removing what the previous finished run wrote and this one did not.
     * Collective.
     */
    void
    commit();

    /** A run that did not finish leaves nothing behind. Not collective. */
    ~StagedOutput();

  private:
    /** Run @p action on rank 0; every rank throws the same error if it fails. */
    template <typename Action>
    void
    collectively(const Action &action, const std::string &what);

    const std::string           final_directory;
    const std::filesystem::path staging;
    const MPI_Comm              communicator;
    const bool                  root;
    bool                        committed = false;
  };
} // namespace FokkerPlanck

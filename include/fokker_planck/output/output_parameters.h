/**
 * @file
 * Entries of subsection "Output": where a run writes, which optional fields
 * it writes and how often (doc/output.md).
 */
#pragma once

#include <deal.II/base/parameter_handler.h>

#include <fokker_planck/base/stage.h>

#include <set>
#include <string>
#include <vector>

namespace FokkerPlanck
{
  /** Entries of subsection "Output". */
  struct OutputParameters
  {
    /** Where this run writes its files (Output/Directory, or a staging
     *  folder inside it while the run is not finished). */
    std::string directory = "results";
    /** Where the results end up, for messages; empty: the same as directory. */
    std::string results_directory;
    /** Stem of the field files: <base>.pvd, <base>_NNNN.pvtu. */
    std::string base_name = "solution";
    /** The optional fields requested ('Fields'). */
    std::set<std::string> fields;
    /** Write fields every n-th time step (and always the first and last). */
    unsigned int every_n_steps = 1;
    /** Whether .vtu files are written at all. */
    bool write_fields = true;
    /** Number of .vtu pieces per step. */
    unsigned int n_groups = 1;

    /**
     * Declare the entries; @p optional_fields are the fields the stages
     * offer, all of them the default of 'Fields'.
     */
    void
    declare_parameters(dealii::ParameterHandler            &prm,
                       const std::vector<FieldDescription> &optional_fields);

    /** After the file is parsed: the list 'Fields'. */
    void
    parse_parameters(dealii::ParameterHandler &prm);

    /** The folder to name in messages: results_directory, else directory. */
    const std::string &
    results_folder() const
    {
      return results_directory.empty() ? directory : results_directory;
    }

    /** The requested optional fields. */
    FieldSelection
    selection() const
    {
      return FieldSelection(fields);
    }
  };
} // namespace FokkerPlanck

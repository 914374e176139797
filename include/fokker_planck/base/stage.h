/**
 * @file
 * The interface every stage of a run offers to the output: its fields for
 * one output step, its columns of the statistics table and its sections
 * of summary.json. The output writer and the run (app/) see stages only
 * through it, so the writer knows no stage (doc/architecture.md).
 */
#pragma once

#include <fokker_planck/base/linear_algebra.h>
#include <fokker_planck/base/statistics.h>

#include <nlohmann/json_fwd.hpp>

#include <set>
#include <string>
#include <vector>

namespace dealii
{
  template <int dim, int spacedim>
  class DataOut;
}

namespace FokkerPlanck
{
  /** An optional output field: its name in 'Output/Fields' and the .vtu. */
  struct FieldDescription
  {
    /** snake_case name, e.g. "effective_potential". */
    std::string name;
    /** Its meaning with the symbol of DESIGN.md, for the help text. */
    std::string meaning;
  };

  /** The optional fields requested in 'Output/Fields'. */
  class FieldSelection
  {
  public:
    FieldSelection() = default;

    explicit FieldSelection(std::set<std::string> names)
        : names(std::move(names))
    {
    }

    /** Whether field @p name is requested. */
    bool
    wants(const std::string &name) const
    {
      return names.count(name) > 0;
    }

  private:
    std::set<std::string> names;
  };

  /**
   * The density a stage observes: the stationary density (once) or the
   * transient density after an accepted time step (t = 0 included).
   */
  struct Snapshot
  {
    /** Time t (0 for a stationary density). */
    double time = 0.;
    /** Time step number (0 for a stationary density). */
    unsigned int step = 0;
    /** Whether 'Problem = stationary'. */
    bool stationary = true;
    /** Whether the fields of this snapshot are written. */
    bool output_step = true;
    /** The density p (or π), constraints distributed, owned entries. */
    const LA::MPI::Vector *density = nullptr;
  };

  /**
   * A stage of a run: it observes densities and reports what it computed.
   * All three reporting functions have empty defaults, so a stage
   * overrides only what it has.
   */
  template <int dim>
  class Stage
  {
  public:
    virtual ~Stage() = default;

    /**
     * Work on @p snapshot (collective). The default does nothing (stages
     * that compute once, at construction or on demand).
     */
    virtual void
    observe(const Snapshot &snapshot);

    /**
     * Add this stage's fields of the last observed snapshot to one output
     * step. The vectors and postprocessors added stay alive until the next
     * call of observe() or add_fields(); they may belong to other
     * DoFHandlers on the same triangulation.
     */
    virtual void
    add_fields(dealii::DataOut<dim, dim> &data_out) const;

    /** Add this stage's columns to the current row of @p table. */
    virtual void
    add_statistics(StatisticsTable &table) const;

    /**
     * Add this stage's sections to @p summary, once at the end of a run
     * (collective: a stage may reduce over ranks here).
     */
    virtual void
    add_summary(nlohmann::json &summary) const;

    /**
     * Write the files of this stage's own (e.g. monte_carlo.txt) into
     * @p directory at the end of a run (collective).
     */
    virtual void
    write_files(const std::string &directory) const;
  };

  extern template class Stage<1>;
  extern template class Stage<2>;
  extern template class Stage<3>;
} // namespace FokkerPlanck

/**
 * @file
 * ParaView output (DESIGN.md §6): one .pvd per run, a .pvtu and .vtu pieces
 * per output step, fields named in snake_case.
 */
#pragma once

#include <deal.II/base/parameter_handler.h>

#include <fokker_planck/discretization/discretization.h>
#include <fokker_planck/model/model.h>

#include <functional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace dealii
{
  template <int dim, int spacedim>
  class DataOut;
}

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

    /** The folder to name in messages: results_directory, else directory. */
    const std::string &
    results_folder() const
    {
      return results_directory.empty() ? directory : results_directory;
    }
    std::string           base_name = "solution";
    std::set<std::string> fields;
    unsigned int          every_n_steps = 1;
    bool                  write_fields  = true;
    unsigned int          n_groups      = 1;

    static void
    declare_parameters(dealii::ParameterHandler &prm);

    void
    parse_parameters(dealii::ParameterHandler &prm);

    /** Whether field @p name is requested. */
    bool
    wants(const std::string &name) const
    {
      return fields.count(name) > 0;
    }
  };

  /**
   * Writes the density and derived fields:
   * - density p (or π);
   * - drift u and probability_current J = a p − T D∇p, as 3-component
   *   vectors in every dimension;
   * - loss L where the model has one;
   * - diffusion D as a tensor;
   * - subdomain, the MPI rank owning each cell.
   * The .pvd lists every step written so far with paths relative to itself.
   */
  template <int dim>
  class OutputWriter
  {
  public:
    OutputWriter(const OutputParameters    &parameters,
                 const Discretization<dim> &discretization,
                 const Model<dim>          &model);

    /**
     * Adds further data vectors (analysis fields, Monte Carlo estimates) to
     * the DataOut of one output step. Vectors it adds must stay alive until
     * write() returns; they may belong to other DoFHandlers on the same
     * triangulation.
     */
    using ExtraFields = std::function<void(dealii::DataOut<dim, dim> &)>;

    /**
     * Write the fields of density @p p (constraints distributed) at
     * @p time, plus whatever @p extra adds. Returns the .pvtu file name
     * relative to the directory.
     */
    std::string
    write(double time, const LA::MPI::Vector &p, const ExtraFields &extra = {});

    /** Number of output steps written. */
    unsigned int
    n_written() const
    {
      return times_and_names.size();
    }

    /** The .pvd file name relative to the directory. */
    std::string
    pvd_name() const
    {
      return parameters.base_name + ".pvd";
    }

  private:
    const OutputParameters                      parameters;
    const Discretization<dim>                  &discretization;
    const Model<dim>                           &model;
    std::vector<std::pair<double, std::string>> times_and_names;
  };

  extern template class OutputWriter<1>;
  extern template class OutputWriter<2>;
  extern template class OutputWriter<3>;
} // namespace FokkerPlanck

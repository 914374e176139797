/**
 * @file
 * ParaView output (DESIGN.md §6): one .pvd time series per kind of output,
 * a .pvtu and .vtu pieces per step, with paths relative to the .pvd. The
 * writer knows no stage: every step writes the fields that the stages it
 * is given add (Stage::add_fields()).
 */
#pragma once

#include <deal.II/base/mpi.h>

#include <fokker_planck/base/pvd_series.h>
#include <fokker_planck/base/stage.h>

#include <string>
#include <vector>

namespace dealii
{
  template <int dim, int spacedim>
  class DoFHandler;
  template <int dim, int spacedim>
  class Mapping;
  template <int dim, int spacedim>
  class Triangulation;
} // namespace dealii

namespace FokkerPlanck
{
  /** The stages whose fields go into one output step, in this order. */
  template <int dim>
  using StageList = std::vector<const Stage<dim> *>;

  /**
   * Writes the steps of one time series <directory>/<base>.pvd, rewriting
   * the .pvd after every step so that it lists every step written so far.
   * Collective.
   */
  template <int dim>
  class OutputWriter
  {
  public:
    /**
     * @param n_groups number of .vtu pieces per step (ranks are grouped)
     */
    OutputWriter(const std::string &directory,
                 const std::string &base_name,
                 unsigned int       n_groups,
                 MPI_Comm           communicator);

    /**
     * Write one step at @p time with the fields of @p stages on the DoFs of
     * @p dof_handler, as patches of the element degree @p degree on
     * @p mapping (curved cells in the interior too). Returns the .pvtu
     * name relative to the directory.
     */
    std::string
    write(double                              time,
          const dealii::DoFHandler<dim, dim> &dof_handler,
          const dealii::Mapping<dim, dim>    &mapping,
          unsigned int                        degree,
          const StageList<dim>               &stages);

    /** The same for stages that add cell data of @p triangulation only. */
    std::string
    write(double                                 time,
          const dealii::Triangulation<dim, dim> &triangulation,
          const StageList<dim>                  &stages);

    /** Number of steps written. */
    unsigned int
    n_written() const
    {
      return series.n_written();
    }

    /** The .pvd file name relative to the directory. */
    std::string
    pvd_name() const
    {
      return series.pvd_name();
    }

  private:
    PvdSeries series;
  };

  extern template class OutputWriter<1>;
  extern template class OutputWriter<2>;
  extern template class OutputWriter<3>;
} // namespace FokkerPlanck

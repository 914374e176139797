/**
 * @file
 * The one .pvd writer: a time series <directory>/<base>.pvd whose steps are
 * .pvtu records with .vtu pieces, the .pvd rewritten after every step so
 * that it lists every step written so far (paths relative to the .pvd).
 * The output writer (output/) and the histogram output of the sampling
 * layer (sampling/) both write their steps through it.
 */
#pragma once

#include <deal.II/base/mpi.h>

#include <string>
#include <utility>
#include <vector>

namespace dealii
{
  template <int dim, int spacedim>
  class DataOutInterface;
}

namespace FokkerPlanck
{
  /** A .pvd time series. Collective. */
  class PvdSeries
  {
  public:
    /**
     * @param n_groups number of .vtu pieces per step (ranks are grouped; 0:
     *                 one piece per rank)
     */
    PvdSeries(const std::string &directory,
              const std::string &base_name,
              unsigned int       n_groups,
              MPI_Comm           communicator);

    /**
     * Write the patches of @p data_out (built) as the next step, at
     * @p time, and rewrite the .pvd. Returns the .pvtu name relative to
     * the directory.
     */
    template <int dim>
    std::string
    write_step(double time, dealii::DataOutInterface<dim, dim> &data_out);

    /** Number of steps written. */
    unsigned int
    n_written() const
    {
      return times_and_names.size();
    }

    /** The .pvd file name relative to the directory. */
    std::string
    pvd_name() const
    {
      return base_name + ".pvd";
    }

  private:
    const std::string                           directory;
    const std::string                           base_name;
    const unsigned int                          n_groups;
    const MPI_Comm                              communicator;
    std::vector<std::pair<double, std::string>> times_and_names;
  };
} // namespace FokkerPlanck

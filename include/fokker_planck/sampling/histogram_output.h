/**
 * @file
 * The histogram output of a sampling run: a histogram as the cell field
 * <name>_density of its mesh, optionally with the finite-element cell
 * averages fe_density and the difference <name>_density_difference, one
 * step of the time series <name>_histogram.pvd per call (written through
 * the one .pvd writer, base/pvd_series.h).
 */
#pragma once

#include <fokker_planck/base/pvd_series.h>
#include <fokker_planck/sampling/box_histogram.h>

#include <string>

namespace FokkerPlanck::Sampling
{
  /** Writes histograms of a box as cell data into <name>_histogram.pvd. */
  template <int dim>
  class HistogramWriter
  {
  public:
    /** @param name prefix of the file and field names, e.g. "sgd" */
    HistogramWriter(const dealii::Triangulation<dim> &triangulation,
                    const std::string                &directory,
                    const std::string                &name);

    /**
     * Write @p histogram at @p time; with @p fe_density (the FE cell
     * averages) also the cell fields fe_density and
     * <name>_density_difference = <name>_density − fe_density.
     */
    void
    write(double                       time,
          const BoxHistogram<dim>     &histogram,
          const dealii::Vector<float> *fe_density = nullptr);

  private:
    const dealii::Triangulation<dim> &triangulation;
    const std::string                 name;
    PvdSeries                         series;
  };

  extern template class HistogramWriter<1>;
  extern template class HistogramWriter<2>;
  extern template class HistogramWriter<3>;
} // namespace FokkerPlanck::Sampling

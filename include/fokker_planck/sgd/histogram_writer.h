/**
 * @file
 * sgd_histogram.pvd: the SGD histograms as cell fields (sampling: the .pvd
 * writer of histograms, to be shared with Monte Carlo).
 */
#pragma once

#include <deal.II/grid/tria.h>
#include <deal.II/lac/vector.h>

#include <fokker_planck/sgd/cell_histogram.h> // sampling: the bins on the box

#include <string>
#include <utility>
#include <vector>

namespace FokkerPlanck::Sgd
{
  /** Writes histograms as cell field sgd_density into sgd_histogram.pvd. */
  template <int dim>
  class HistogramWriter
  {
  public:
    HistogramWriter(const dealii::Triangulation<dim> &triangulation,
                    const std::string                &directory)
        : triangulation(triangulation)
        , directory(directory)
    {
    }

    /**
     * With @p fe_density (the FE cell averages): also the cell fields
     * fe_density and sgd_density_difference = sgd_density − fe_density.
     */
    void
    write(double                       time,
          const CellHistogram<dim>    &histogram,
          const dealii::Vector<float> *fe_density = nullptr);

  private:
    const dealii::Triangulation<dim>           &triangulation;
    const std::string                           directory;
    std::vector<std::pair<double, std::string>> entries;
  };

  extern template class HistogramWriter<1>;
  extern template class HistogramWriter<2>;
  extern template class HistogramWriter<3>;
} // namespace FokkerPlanck::Sgd

/**
 * @file
 * Histograms of samples on the bins of a box (BoxGrid), for comparing SGD
 * ensembles with finite-element densities cell by cell.
 */
#pragma once

#include <deal.II/base/mpi.h>
#include <deal.II/base/point.h>
#include <deal.II/grid/tria.h>
#include <deal.II/lac/vector.h>

#include <fokker_planck/geometry/geometry.h>
#include <fokker_planck/sampling/box_grid.h>

#include <array>
#include <vector>

namespace FokkerPlanck::Sampling
{
  /**
   * Counts of samples per bin of the BoxGrid of "Geometry" (the active
   * cells of the globally refined box, n_i = subdivisions_i · 2^refinements
   * per direction).
   * Samples are added on any rank; sum() adds the counts of all ranks, and
   * density() turns them into a cell field on the triangulation:
   * count / (number of samples · cell volume), so that it integrates to the
   * fraction of samples inside the box.
   */
  template <int dim>
  class BoxHistogram
  {
  public:
    /** Throws InputError unless the geometry is a box. */
    explicit BoxHistogram(const GeometryParameters &geometry);

    /** Count @p x (or only the sample total if x is outside the box). */
    void
    add(const dealii::Point<dim> &x);

    /** Sum counts and totals over the ranks of @p communicator. */
    void
    sum(MPI_Comm communicator);

    /** Forget all samples. */
    void
    clear();

    /** Number of samples added (inside or outside). */
    double
    n_samples() const
    {
      return total;
    }

    /** Fraction of samples outside the box. */
    double
    outside_fraction() const
    {
      return total > 0 ? outside / total : 0.;
    }

    /**
     * The histogram density on every active cell of @p triangulation
     * (indexed by active_cell_index; artificial cells get 0).
     */
    dealii::Vector<float>
    density(const dealii::Triangulation<dim> &triangulation) const;

    /** The histogram density in the bin that contains @p x (0 outside). */
    double
    density_at(const dealii::Point<dim> &x) const;

    /**
     * The bin of @p x, or -1 outside the box: BoxGrid::index() (bins
     * numbered lexicographically with x fastest).
     */
    long
    bin(const dealii::Point<dim> &x) const;

    /** Samples per bin. */
    const std::vector<double> &
    bin_counts() const
    {
      return counts;
    }

    /** The bins. */
    const BoxGrid<dim> &
    grid() const
    {
      return bins;
    }

  private:
    BoxGrid<dim>        bins;
    std::vector<double> counts;
    double              total   = 0.;
    double              outside = 0.;
  };

  extern template class BoxHistogram<1>;
  extern template class BoxHistogram<2>;
  extern template class BoxHistogram<3>;
} // namespace FokkerPlanck::Sampling

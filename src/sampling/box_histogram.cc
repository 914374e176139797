#include <fokker_planck/base/input_error.h>
#include <fokker_planck/sampling/box_histogram.h>

#include <algorithm>

namespace FokkerPlanck::Sampling
{
  using namespace dealii;

  namespace
  {
    /** The geometry, after checking that it is a box. */
    const GeometryParameters &
    box(const GeometryParameters &geometry)
    {
      require(geometry.mesh_type == GeometryParameters::MeshType::box,
              "Geometry/Mesh type",
              "histograms of SGD runs need a box mesh (cells aligned with a "
              "uniform grid), not a Gmsh mesh");
      return geometry;
    }
  } // namespace

  template <int dim>
  BoxHistogram<dim>::BoxHistogram(const GeometryParameters &geometry)
      : bins(box(geometry))
      , counts(bins.size(), 0.)
  {
  }

  template <int dim>
  long
  BoxHistogram<dim>::bin(const Point<dim> &x) const
  {
    return bins.contains(x) ? static_cast<long>(bins.index(x)) : -1;
  }

  template <int dim>
  void
  BoxHistogram<dim>::add(const Point<dim> &x)
  {
    total += 1.;
    const long b = bin(x);
    if (b < 0)
      outside += 1.;
    else
      counts[b] += 1.;
  }

  template <int dim>
  void
  BoxHistogram<dim>::sum(const MPI_Comm communicator)
  {
    Utilities::MPI::sum(counts, communicator, counts);
    total   = Utilities::MPI::sum(total, communicator);
    outside = Utilities::MPI::sum(outside, communicator);
  }

  template <int dim>
  void
  BoxHistogram<dim>::clear()
  {
    std::fill(counts.begin(), counts.end(), 0.);
    total = outside = 0.;
  }

  template <int dim>
  double
  BoxHistogram<dim>::density_at(const Point<dim> &x) const
  {
    const long b = bin(x);
    return (b < 0 || total == 0.) ? 0. : counts[b] / (total * bins.cell_volume());
  }

  template <int dim>
  Vector<float>
  BoxHistogram<dim>::density(const Triangulation<dim> &triangulation) const
  {
    Vector<float> field(triangulation.n_active_cells());
    for (const auto &cell : triangulation.active_cell_iterators())
      if (!cell->is_artificial())
        field[cell->active_cell_index()] = density_at(cell->center());
    return field;
  }

  template class BoxHistogram<1>;
  template class BoxHistogram<2>;
  template class BoxHistogram<3>;
} // namespace FokkerPlanck::Sampling

#include <fokker_planck/base/input_error.h>
#include <fokker_planck/sgd/cell_histogram.h>

#include <cmath>

namespace FokkerPlanck::Sgd
{
  using namespace dealii;

  template <int dim>
  CellHistogram<dim>::CellHistogram(const GeometryParameters &geometry)
  {
    require(geometry.mesh_type == GeometryParameters::MeshType::box,
            "Geometry/Mesh type",
            "histograms of SGD runs need a box mesh (cells aligned with a "
            "uniform grid), not a Gmsh mesh");
    std::size_t n = 1;
    for (unsigned int d = 0; d < dim; ++d)
      {
        lower[d]  = geometry.lower_corner[d];
        upper[d]  = geometry.upper_corner[d];
        n_bins[d] = (geometry.subdivisions.size() == dim ? geometry.subdivisions[d]
                     : geometry.subdivisions.empty()     ? 1U
                                                         : geometry.subdivisions[0])
                    << geometry.global_refinements;
        bin_volume *= (upper[d] - lower[d]) / n_bins[d];
        n *= n_bins[d];
      }
    counts.assign(n, 0.);
  }

  template <int dim>
  long
  CellHistogram<dim>::bin(const Point<dim> &x) const
  {
    long index = 0;
    for (int d = dim - 1; d >= 0; --d)
      {
        const double s = (x[d] - lower[d]) / (upper[d] - lower[d]);
        if (!(s >= 0. && s <= 1.))
          return -1;
        const long i = std::min<long>(static_cast<long>(s * n_bins[d]), n_bins[d] - 1);
        index        = index * n_bins[d] + i;
      }
    return index;
  }

  template <int dim>
  void
  CellHistogram<dim>::add(const Point<dim> &x)
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
  CellHistogram<dim>::sum(const MPI_Comm communicator)
  {
    Utilities::MPI::sum(counts, communicator, counts);
    total   = Utilities::MPI::sum(total, communicator);
    outside = Utilities::MPI::sum(outside, communicator);
  }

  template <int dim>
  void
  CellHistogram<dim>::clear()
  {
    std::fill(counts.begin(), counts.end(), 0.);
    total = outside = 0.;
  }

  template <int dim>
  double
  CellHistogram<dim>::density_at(const Point<dim> &x) const
  {
    const long b = bin(x);
    return (b < 0 || total == 0.) ? 0. : counts[b] / (total * bin_volume);
  }

  template <int dim>
  Vector<float>
  CellHistogram<dim>::density(const Triangulation<dim> &triangulation) const
  {
    Vector<float> field(triangulation.n_active_cells());
    for (const auto &cell : triangulation.active_cell_iterators())
      if (!cell->is_artificial())
        field[cell->active_cell_index()] = density_at(cell->center());
    return field;
  }

  template class CellHistogram<1>;
  template class CellHistogram<2>;
  template class CellHistogram<3>;
} // namespace FokkerPlanck::Sgd

/**
 * @file
 * The box Ω = [lower, upper] of a 'Mesh type = box' case as the particles
 * see it: its faces with their boundary conditions, and the uniform grid of
 * the globally refined mesh, on which particles are binned.
 */
#pragma once

#include <deal.II/base/point.h>

#include <fokker_planck/geometry/geometry.h>

#include <array>
#include <cmath>
#include <vector>

namespace FokkerPlanck::MonteCarlo
{
  /**
   * The uniform grid of the box mesh: n_k = subdivisions_k · 2^refinements
   * cells in direction k, numbered lexicographically (x fastest). Every
   * rank knows all of it, whatever part of the distributed mesh it owns.
   */
  template <int dim> class BoxGrid
  {
  public:
    explicit BoxGrid(const GeometryParameters &geometry);

    /** Number of cells. */
    unsigned int
    size() const
    {
      return n_total;
    }

    /** The cell containing @p x (points on a face go to either side). */
    unsigned int
    index(const dealii::Point<dim> &x) const
    {
      unsigned int result = 0, stride = 1;
      for (unsigned int k = 0; k < dim; ++k)
        {
          int i = static_cast<int>(std::floor((x[k] - lower[k]) * inverse_width[k]));
          i     = i < 0 ? 0 : (i >= static_cast<int>(n[k]) ? n[k] - 1 : i);
          result += stride * i;
          stride *= n[k];
        }
      return result;
    }

    /** Centre of cell @p index. */
    dealii::Point<dim>
    center(unsigned int index) const;

    /** Volume of every cell. */
    double
    cell_volume() const;

    /** Number of cells in direction @p k. */
    unsigned int
    n_cells(const unsigned int k) const
    {
      return n[k];
    }

    /** Boundary condition of face 2k (lower) or 2k+1 (upper). */
    BoundaryType
    face(const unsigned int id) const
    {
      return faces[id];
    }

    /** True if any face is absorbing. */
    bool
    has_absorbing_face() const;

    /** Length of the box diagonal. */
    double
    diameter() const
    {
      return lower.distance(upper);
    }

    dealii::Point<dim> lower, upper;

  private:
    std::array<unsigned int, dim>     n;
    std::array<double, dim>           inverse_width;
    std::array<BoundaryType, 2 * dim> faces;
    unsigned int                      n_total = 1;
  };
} // namespace FokkerPlanck::MonteCarlo

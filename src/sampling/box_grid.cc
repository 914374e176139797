#include <fokker_planck/sampling/box_grid.h>

namespace FokkerPlanck::Sampling
{
  template <int dim>
  BoxGrid<dim>::BoxGrid(const GeometryParameters &geometry)
  {
    for (unsigned int k = 0; k < dim; ++k)
      {
        this->lower[k]   = geometry.lower_corner[k];
        this->upper[k]   = geometry.upper_corner[k];
        n[k]             = geometry.subdivisions[k] << geometry.global_refinements;
        inverse_width[k] = n[k] / (this->upper[k] - this->lower[k]);
        n_total *= n[k];
        faces[2 * k]     = geometry.type_of(2 * k);
        faces[2 * k + 1] = geometry.type_of(2 * k + 1);
      }
  }

  template <int dim>
  dealii::Point<dim>
  BoxGrid<dim>::center(unsigned int index) const
  {
    dealii::Point<dim> x;
    for (unsigned int k = 0; k < dim; ++k)
      {
        x[k] = this->lower[k] + (index % n[k] + 0.5) / inverse_width[k];
        index /= n[k];
      }
    return x;
  }

  template <int dim>
  double
  BoxGrid<dim>::cell_volume() const
  {
    double volume = 1.;
    for (unsigned int k = 0; k < dim; ++k)
      volume /= inverse_width[k];
    return volume;
  }

  template <int dim>
  bool
  BoxGrid<dim>::contains(const dealii::Point<dim> &x) const
  {
    for (unsigned int k = 0; k < dim; ++k) // (a NaN is outside)
      if (!(x[k] >= this->lower[k] && x[k] <= this->upper[k]))
        return false;
    return true;
  }

  template <int dim>
  bool
  BoxGrid<dim>::has_absorbing_face() const
  {
    for (const auto type : faces)
      if (type == BoundaryType::absorbing)
        return true;
    return false;
  }

  template class BoxGrid<1>;
  template class BoxGrid<2>;
  template class BoxGrid<3>;
} // namespace FokkerPlanck::Sampling

#include <deal.II/base/quadrature_lib.h>
#include <deal.II/fe/fe_values.h>

#include <fokker_planck/base/instantiate.h>
#include <fokker_planck/discretization/density_quadrature.h>

namespace FokkerPlanck
{
  using namespace dealii;

  template <int dim>
  void
  for_each_density_point(const Discretization<dim>      &discretization,
                         const LA::MPI::Vector          &p,
                         const bool                      gradients,
                         const DensityPointVisitor<dim> &on_point,
                         const DensityCellVisitor<dim>  &on_cell,
                         const unsigned int              extra_points)
  {
    LA::MPI::Vector ghosted;
    discretization.initialize_ghosted_vector(ghosted);
    ghosted = p;
    const QGauss<dim> quadrature(discretization.get_fe().degree + extra_points);
    UpdateFlags flags = update_values | update_quadrature_points | update_JxW_values;
    if (gradients)
      flags |= update_gradients;
    FEValues<dim> fe_values(
        discretization.get_mapping(), discretization.get_fe(), quadrature, flags);
    std::vector<double>         values(quadrature.size());
    std::vector<Tensor<1, dim>> gradient_values(quadrature.size());
    DensityAtPoint<dim>         point;
    for (const auto &cell : discretization.get_dof_handler().active_cell_iterators())
      if (cell->is_locally_owned())
        {
          fe_values.reinit(cell);
          fe_values.get_function_values(ghosted, values);
          if (gradients)
            fe_values.get_function_gradients(ghosted, gradient_values);
          if (on_cell)
            on_cell(cell);
          for (const unsigned int q : fe_values.quadrature_point_indices())
            {
              point.x     = fe_values.quadrature_point(q);
              point.value = values[q];
              if (gradients)
                point.gradient = gradient_values[q];
              point.JxW = fe_values.JxW(q);
              on_point(point);
            }
        }
  }

#define FP_INSTANTIATE(dim)                                                              \
  template void for_each_density_point<dim>(const Discretization<dim> &,                 \
                                            const LA::MPI::Vector &,                     \
                                            bool,                                        \
                                            const DensityPointVisitor<dim> &,            \
                                            const DensityCellVisitor<dim> &,             \
                                            unsigned int);
  FP_FOR_EACH_DIM(FP_INSTANTIATE)
#undef FP_INSTANTIATE
} // namespace FokkerPlanck

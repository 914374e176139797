#include <deal.II/base/quadrature_lib.h>
#include <deal.II/fe/fe_values.h>

#include <fokker_planck/base/instantiate.h>
#include <fokker_planck/spectral/cell_integral.h>

namespace FokkerPlanck
{
  using namespace dealii;

  template <int dim>
  std::vector<double>
  integrate_fields(const Discretization<dim>                        &discretization,
                   const std::vector<const LA::MPI::Vector *>       &fields,
                   const unsigned int                                n_integrals,
                   const std::function<void(const Point<dim> &,
                                            const std::vector<double> &,
                                            std::vector<double> &)> &integrand,
                   const unsigned int                                extra_points)
  {
    std::vector<LA::MPI::Vector> ghosted(fields.size());
    for (unsigned int i = 0; i < fields.size(); ++i)
      {
        discretization.initialize_ghosted_vector(ghosted[i]);
        ghosted[i] = *fields[i];
      }
    const QGauss<dim> quadrature(discretization.get_fe().degree + 1 + extra_points);
    FEValues<dim>     fe_values(discretization.get_mapping(),
                            discretization.get_fe(),
                            quadrature,
                            update_values | update_quadrature_points | update_JxW_values);
    std::vector<std::vector<double>> values(fields.size(),
                                            std::vector<double>(quadrature.size()));
    std::vector<double> at_point(fields.size()), out(n_integrals), local(n_integrals, 0.);
    for (const auto &cell : discretization.get_dof_handler().active_cell_iterators())
      if (cell->is_locally_owned())
        {
          fe_values.reinit(cell);
          for (unsigned int i = 0; i < fields.size(); ++i)
            fe_values.get_function_values(ghosted[i], values[i]);
          for (unsigned int q = 0; q < quadrature.size(); ++q)
            {
              for (unsigned int i = 0; i < fields.size(); ++i)
                at_point[i] = values[i][q];
              std::fill(out.begin(), out.end(), 0.);
              integrand(fe_values.quadrature_point(q), at_point, out);
              for (unsigned int k = 0; k < n_integrals; ++k)
                local[k] += out[k] * fe_values.JxW(q);
            }
        }
    std::vector<double> total(n_integrals);
    Utilities::MPI::sum(ArrayView<const double>(local),
                        discretization.communicator(),
                        ArrayView<double>(total));
    return total;
  }

  template <int dim>
  double
  integrate_fields(const Discretization<dim>                  &discretization,
                   const std::vector<const LA::MPI::Vector *> &fields,
                   const std::function<double(const Point<dim> &,
                                              const std::vector<double> &)> &integrand,
                   const unsigned int                                        extra_points)
  {
    return integrate_fields<dim>(
        discretization,
        fields,
        1,
        [&](const Point<dim> &x, const std::vector<double> &v, std::vector<double> &out) {
          out[0] = integrand(x, v);
        },
        extra_points)[0];
  }

#define FP_INSTANTIATE(dim)                                                              \
  template double integrate_fields<dim>(                                                 \
      const Discretization<dim> &,                                                       \
      const std::vector<const LA::MPI::Vector *> &,                                      \
      const std::function<double(const Point<dim> &, const std::vector<double> &)> &,    \
      unsigned int);                                                                     \
  template std::vector<double> integrate_fields<dim>(                                    \
      const Discretization<dim> &,                                                       \
      const std::vector<const LA::MPI::Vector *> &,                                      \
      unsigned int,                                                                      \
      const std::function<void(                                                          \
          const Point<dim> &, const std::vector<double> &, std::vector<double> &)> &,    \
      unsigned int);
  FP_FOR_EACH_DIM(FP_INSTANTIATE)
#undef FP_INSTANTIATE
} // namespace FokkerPlanck

#include <deal.II/base/quadrature_lib.h>
#include <deal.II/fe/fe_values.h>

#include <fokker_planck/analysis/potentials.h>
#include <fokker_planck/analysis/weighted_poisson.h>
#include <fokker_planck/base/instantiate.h>

#include <cmath>
#include <limits>

namespace FokkerPlanck
{
  using namespace dealii;

  template <int dim>
  void
  helmholtz_potential(const Discretization<dim>    &discretization,
                      const GeometryParameters     &geometry,
                      const LinearSolverParameters &solver,
                      const Model<dim>             &model,
                      LA::MPI::Vector              &S_H)
  {
    solve_weighted_poisson<dim>(
        discretization,
        geometry,
        solver,
        [&](const Point<dim> &x) { return model.diffusion(x); },
        [&](const FEValues<dim> &fe_values, std::vector<Tensor<1, dim>> &f) {
          for (unsigned int q = 0; q < f.size(); ++q)
            f[q] = -model.fokker_planck_drift(fe_values.quadrature_point(q));
        },
        false,
        S_H);
  }

  template <int dim>
  BoltzmannDistances
  boltzmann_distances(const Discretization<dim> &discretization,
                      const Model<dim>          &model,
                      const LA::MPI::Vector     &S)
  {
    const double      T = model.temperature();
    const QGauss<dim> quadrature(discretization.get_fe().degree + 2);
    FEValues<dim>     fe_values(discretization.get_mapping(),
                            discretization.get_fe(),
                            quadrature,
                            update_values | update_quadrature_points | update_JxW_values);
    const MPI_Comm    communicator = discretization.communicator();
    const auto       &dof_handler  = discretization.get_dof_handler();

    // Values of S and L at every quadrature point, cell by cell.
    std::vector<double> s_values, l_values, weights, cell_values(quadrature.size());
    for (const auto &cell : dof_handler.active_cell_iterators())
      if (cell->is_locally_owned())
        {
          fe_values.reinit(cell);
          fe_values.get_function_values(S, cell_values);
          for (const unsigned int q : fe_values.quadrature_point_indices())
            {
              s_values.push_back(cell_values[q]);
              l_values.push_back(model.loss(fe_values.quadrature_point(q)));
              weights.push_back(fe_values.JxW(q));
            }
        }

    // log π = −(S − S_min)/T − log Z_S, log ρ = −(L − L_min)/T − log Z_L.
    double s_min = std::numeric_limits<double>::max(), l_min = s_min;
    for (std::size_t k = 0; k < s_values.size(); ++k)
      {
        s_min = std::min(s_min, s_values[k]);
        l_min = std::min(l_min, l_values[k]);
      }
    s_min      = Utilities::MPI::min(s_min, communicator);
    l_min      = Utilities::MPI::min(l_min, communicator);
    double z_s = 0., z_l = 0.;
    for (std::size_t k = 0; k < s_values.size(); ++k)
      {
        z_s += std::exp(-(s_values[k] - s_min) / T) * weights[k];
        z_l += std::exp(-(l_values[k] - l_min) / T) * weights[k];
      }
    const double log_z_s = std::log(Utilities::MPI::sum(z_s, communicator));
    const double log_z_l = std::log(Utilities::MPI::sum(z_l, communicator));

    BoltzmannDistances d;
    for (std::size_t k = 0; k < s_values.size(); ++k)
      {
        const double log_pi  = -(s_values[k] - s_min) / T - log_z_s;
        const double log_rho = -(l_values[k] - l_min) / T - log_z_l;
        const double pi = std::exp(log_pi), rho = std::exp(log_rho);
        d.l1 += std::abs(pi - rho) * weights[k];
        d.kl_density_boltzmann += pi * (log_pi - log_rho) * weights[k];
        d.kl_boltzmann_density += rho * (log_rho - log_pi) * weights[k];
      }
    d.l1                   = Utilities::MPI::sum(d.l1, communicator);
    d.kl_density_boltzmann = Utilities::MPI::sum(d.kl_density_boltzmann, communicator);
    d.kl_boltzmann_density = Utilities::MPI::sum(d.kl_boltzmann_density, communicator);
    return d;
  }

#define FP_INSTANTIATE(dim)                                                              \
  template void               helmholtz_potential<dim>(const Discretization<dim> &,      \
                                         const GeometryParameters &,       \
                                         const LinearSolverParameters &,   \
                                         const Model<dim> &,               \
                                         LA::MPI::Vector &);               \
  template BoltzmannDistances boltzmann_distances<dim>(                                  \
      const Discretization<dim> &, const Model<dim> &, const LA::MPI::Vector &);
  FP_FOR_EACH_DIM(FP_INSTANTIATE)
#undef FP_INSTANTIATE
} // namespace FokkerPlanck

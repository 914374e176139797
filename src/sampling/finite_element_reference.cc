#include <deal.II/base/quadrature_lib.h>
#include <deal.II/fe/fe_values.h>

#include <fokker_planck/discretization/probability_current.h>
#include <fokker_planck/sampling/finite_element_reference.h>

namespace FokkerPlanck::Sampling
{
  using namespace dealii;

  template <int dim>
  void
  FiniteElementReference<dim>::compute(const Discretization<dim> &discretization,
                                       const Model<dim>          &model,
                                       const Bins<dim>           &grid,
                                       const LA::MPI::Vector     &p)
  {
    const MPI_Comm communicator = discretization.communicator();
    mass                        = discretization.mass(p);
    discretization.moments(p, mean, covariance);

    LA::MPI::Vector ghosted;
    discretization.initialize_ghosted_vector(ghosted);
    ghosted = p;
    const QGauss<dim>           quadrature(discretization.get_fe().degree + 2);
    FEValues<dim>               fe_values(discretization.get_mapping(),
                            discretization.get_fe(),
                            quadrature,
                            update_values | update_gradients | update_quadrature_points |
                                update_JxW_values);
    std::vector<double>         values(quadrature.size());
    std::vector<Tensor<1, dim>> gradients(quadrature.size());
    std::vector<double>         local(grid.size() * (1 + dim), 0.);
    std::vector<unsigned int>   matched(grid.size(), 0);
    double                      ep = 0.;
    Tensor<2, dim>              area;
    const double                T = model.temperature();
    for (const auto &cell : discretization.get_dof_handler().active_cell_iterators())
      if (cell->is_locally_owned())
        {
          fe_values.reinit(cell);
          fe_values.get_function_values(ghosted, values);
          fe_values.get_function_gradients(ghosted, gradients);
          // The bin of the FE cell: the one containing the average of its
          // vertices (the same cell of the serial copy of a Gmsh mesh).
          const unsigned int c = grid.index(cell->center());
          ++matched[c];
          for (unsigned int q = 0; q < quadrature.size(); ++q)
            {
              const Point<dim> &x = fe_values.quadrature_point(q);
              const auto        D = model.diffusion(x);
              const auto   J   = probability_current(model, x, values[q], gradients[q]);
              const double JxW = fe_values.JxW(q);
              local[c * (1 + dim)] += values[q] * JxW;
              for (unsigned int i = 0; i < dim; ++i)
                local[c * (1 + dim) + 1 + i] += J[i] * JxW;
              ep += J * (invert(T * D) * model.fokker_planck_drift(x)) * JxW;
              for (unsigned int i = 0; i < dim; ++i)
                for (unsigned int j = 0; j < dim; ++j)
                  area[i][j] +=
                      0.5 * ((x[i] - mean[i]) * J[j] - (x[j] - mean[j]) * J[i]) * JxW;
            }
        }
    Utilities::MPI::sum(local, communicator, local);
    Utilities::MPI::sum(matched, communicator, matched);
    for (const unsigned int m : matched)
      AssertThrow(m == 1,
                  ExcMessage("Monte Carlo bins and finite-element cells do not match "
                             "one to one"));
    entropy_production = Utilities::MPI::sum(ep, communicator);
    area_rate          = Utilities::MPI::sum(area, communicator);
    probabilities.resize(grid.size());
    currents.resize(grid.size());
    for (unsigned int c = 0; c < grid.size(); ++c)
      {
        probabilities[c] = local[c * (1 + dim)];
        for (unsigned int i = 0; i < dim; ++i)
          currents[c][i] = local[c * (1 + dim) + 1 + i] / grid.volume(c);
      }
  }

  template struct FiniteElementReference<1>;
  template struct FiniteElementReference<2>;
  template struct FiniteElementReference<3>;
} // namespace FokkerPlanck::Sampling

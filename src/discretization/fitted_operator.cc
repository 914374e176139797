#include <deal.II/base/quadrature_lib.h>
#include <deal.II/fe/fe_values.h>
#include <deal.II/lac/full_matrix.h>

#include <fokker_planck/base/collective.h>
#include <fokker_planck/discretization/discretization.h>

#include <cmath>
#include <vector>

namespace FokkerPlanck
{
  using namespace dealii;

  namespace
  {
    /** Bernoulli function B(z) = z/(e^z − 1), B(0) = 1. */
    double
    bernoulli(const double z)
    {
      return std::abs(z) < 1e-10 ? 1. - z / 2. : z / std::expm1(z);
    }
  } // namespace

  template <int dim>
  double
  Discretization<dim>::assemble_fitted_operator(const Model<dim> &model)
  {
    Assert(fe.degree == 1, ExcMessage("needs Q1"));
    auto &A                                = operator_matrix;
    A                                      = 0;
    const double                         T = model.temperature();
    const QGauss<dim>                    quadrature(2);
    FEValues<dim>                        fe_values(*mapping,
                            fe,
                            quadrature,
                            update_gradients | update_quadrature_points |
                                update_JxW_values);
    const unsigned int                   n = fe.n_dofs_per_cell();
    FullMatrix<double>                   K(n, n), cell_A(n, n);
    std::vector<types::global_dof_index> indices(n);
    double                               largest_delta = 0.;
    // ν/T = (T D)⁻¹ a integrated along the edge from x_i to x_j (Simpson).
    const auto drift_potential = [&](const Point<dim> &xi, const Point<dim> &xj) {
      const auto nu = [&](const Point<dim> &x) {
        return invert(T * model.diffusion(x)) * model.fokker_planck_drift(x);
      };
      const Point<dim> mid = 0.5 * (xi + xj);
      return (xj - xi) * (nu(xi) + 4. * nu(mid) + nu(xj)) / 6.;
    };
    run_collectively(mpi_communicator, [&]() {
      for (const auto &cell : dof_handler.active_cell_iterators())
        if (cell->is_locally_owned())
          {
            fe_values.reinit(cell);
            K = 0;
            for (const unsigned int q : fe_values.quadrature_point_indices())
              {
                const auto D = model.diffusion(fe_values.quadrature_point(q));
                for (unsigned int i = 0; i < n; ++i)
                  for (unsigned int j = 0; j < n; ++j)
                    K(i, j) += (D * fe_values.shape_grad(j, q)) *
                               fe_values.shape_grad(i, q) * fe_values.JxW(q);
              }
            cell_A = 0;
            for (unsigned int i = 0; i < n; ++i)
              for (unsigned int j = i + 1; j < n; ++j)
                if (K(i, j) < 0.)
                  {
                    // Edge flux i → j: w T (B(−δ) π_i − B(δ) π_j).
                    const double w = -K(i, j) * T;
                    const double delta =
                        drift_potential(cell->vertex(i), cell->vertex(j));
                    largest_delta = std::max(largest_delta, std::abs(delta));
                    cell_A(i, i) += w * bernoulli(-delta);
                    cell_A(i, j) -= w * bernoulli(delta);
                    cell_A(j, j) += w * bernoulli(delta);
                    cell_A(j, i) -= w * bernoulli(-delta);
                  }
            cell->get_dof_indices(indices);
            constraints.distribute_local_to_global(cell_A, indices, A);
          }
    });
    A.compress(VectorOperation::add);
    return Utilities::MPI::max(largest_delta, mpi_communicator);
  }

  template double
  Discretization<1>::assemble_fitted_operator(const Model<1> &);
  template double
  Discretization<2>::assemble_fitted_operator(const Model<2> &);
  template double
  Discretization<3>::assemble_fitted_operator(const Model<3> &);
} // namespace FokkerPlanck

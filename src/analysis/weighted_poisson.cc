#include <deal.II/base/quadrature_lib.h>
#include <deal.II/dofs/dof_tools.h>
#include <deal.II/lac/dynamic_sparsity_pattern.h>
#include <deal.II/lac/full_matrix.h>
#include <deal.II/lac/sparsity_tools.h>
#include <deal.II/numerics/vector_tools.h>

#include <fokker_planck/analysis/weighted_poisson.h>
#include <fokker_planck/base/collective.h>
#include <fokker_planck/base/instantiate.h>

namespace FokkerPlanck
{
  using namespace dealii;

  template <int dim>
  void
  solve_weighted_poisson(
      const Discretization<dim>                                        &discretization,
      const GeometryParameters                                         &geometry,
      const LinearSolverParameters                                     &solver,
      const std::function<SymmetricTensor<2, dim>(const Point<dim> &)> &weight,
      const std::function<void(const FEValues<dim> &, std::vector<Tensor<1, dim>> &)>
                      &flux,
      const bool       zero_on_boundary,
      LA::MPI::Vector &solution)
  {
    const auto    &dof_handler  = discretization.get_dof_handler();
    const auto    &mapping      = discretization.get_mapping();
    const MPI_Comm communicator = discretization.communicator();
    const IndexSet owned        = dof_handler.locally_owned_dofs();
    IndexSet       relevant;
    DoFTools::extract_locally_relevant_dofs(dof_handler, relevant);

    AffineConstraints<double> constraints(relevant);
    DoFTools::make_hanging_node_constraints(dof_handler, constraints);
    for (const unsigned int k : periodic_directions(geometry, dim))
      DoFTools::make_periodicity_constraints(
          dof_handler, 2 * k, 2 * k + 1, k, constraints);
    bool dirichlet = false;
    if (zero_on_boundary)
      for (const auto id : dof_handler.get_triangulation().get_boundary_ids())
        if (geometry.type_of(id) != BoundaryType::periodic)
          {
            VectorTools::interpolate_boundary_values(
                mapping, dof_handler, id, Functions::ZeroFunction<dim>(), constraints);
            dirichlet = true;
          }
    if (!dirichlet)
      {
        // Pure Neumann (or periodic) problem: fix one DoF, then shift to
        // mean zero. The right-hand side is compatible since φ = 1 gives 0.
        types::global_dof_index pinned = numbers::invalid_dof_index;
        for (const auto i : owned)
          if (!constraints.is_constrained(i))
            {
              pinned = i;
              break;
            }
        pinned = Utilities::MPI::min(pinned, communicator);
        if (relevant.is_element(pinned) && !constraints.is_constrained(pinned))
          constraints.add_line(pinned);
      }
    constraints.close();

    DynamicSparsityPattern dsp(relevant);
    DoFTools::make_sparsity_pattern(dof_handler, dsp, constraints, false);
    SparsityTools::distribute_sparsity_pattern(dsp, owned, communicator, relevant);
    LA::MPI::SparseMatrix matrix;
    matrix.reinit(owned, owned, dsp, communicator);
    LA::MPI::Vector rhs(owned, communicator), x(owned, communicator);

    const auto                          &fe = discretization.get_fe();
    const QGauss<dim>                    quadrature(fe.degree + 1);
    FEValues<dim>                        fe_values(mapping,
                            fe,
                            quadrature,
                            update_values | update_gradients | update_quadrature_points |
                                update_JxW_values);
    const unsigned int                   n = fe.n_dofs_per_cell();
    FullMatrix<double>                   cell_matrix(n, n);
    Vector<double>                       cell_rhs(n);
    std::vector<Tensor<1, dim>>          f(quadrature.size());
    std::vector<types::global_dof_index> indices(n);
    run_collectively(communicator, [&]() {
      for (const auto &cell : dof_handler.active_cell_iterators())
        if (cell->is_locally_owned())
          {
            fe_values.reinit(cell);
            flux(fe_values, f);
            cell_matrix = 0;
            cell_rhs    = 0;
            for (const unsigned int q : fe_values.quadrature_point_indices())
              {
                const auto   W   = weight(fe_values.quadrature_point(q));
                const double JxW = fe_values.JxW(q);
                for (unsigned int i = 0; i < n; ++i)
                  {
                    const Tensor<1, dim> W_grad_i = W * fe_values.shape_grad(i, q);
                    for (unsigned int j = 0; j < n; ++j)
                      cell_matrix(i, j) += W_grad_i * fe_values.shape_grad(j, q) * JxW;
                    cell_rhs(i) += f[q] * fe_values.shape_grad(i, q) * JxW;
                  }
              }
            cell->get_dof_indices(indices);
            constraints.distribute_local_to_global(
                cell_matrix, cell_rhs, indices, matrix, rhs);
          }
    });
    matrix.compress(VectorOperation::add);
    rhs.compress(VectorOperation::add);

    LinearSolver linear_solver(solver);
    linear_solver.initialize(matrix);
    linear_solver.solve(x, rhs);
    constraints.distribute(x);

    solution.reinit(owned, relevant, communicator);
    solution = x;
    if (!dirichlet)
      {
        const double mean = VectorTools::compute_mean_value(
            mapping, dof_handler, quadrature, solution, 0);
        x.add(-mean);
        solution = x;
      }
  }

#define FP_INSTANTIATE(dim)                                                              \
  template void solve_weighted_poisson<dim>(                                             \
      const Discretization<dim> &,                                                       \
      const GeometryParameters &,                                                        \
      const LinearSolverParameters &,                                                    \
      const std::function<SymmetricTensor<2, dim>(const Point<dim> &)> &,                \
      const std::function<void(const FEValues<dim> &, std::vector<Tensor<1, dim>> &)> &, \
      bool,                                                                              \
      LA::MPI::Vector &);
  FP_FOR_EACH_DIM(FP_INSTANTIATE)
#undef FP_INSTANTIATE
} // namespace FokkerPlanck

#include <deal.II/base/quadrature_lib.h>
#include <deal.II/dofs/dof_tools.h>
#include <deal.II/fe/fe_values.h>
#include <deal.II/lac/dynamic_sparsity_pattern.h>
#include <deal.II/lac/full_matrix.h>
#include <deal.II/lac/sparsity_tools.h>
#include <deal.II/numerics/vector_tools.h>

#include <fokker_planck/base/collective.h>
#include <fokker_planck/base/input_error.h>
#include <fokker_planck/base/parsing.h>
#include <fokker_planck/discretization/discretization.h>

#include <cmath>
#include <sstream>

namespace FokkerPlanck
{
  using namespace dealii;

  void
  DiscretizationParameters::declare_parameters(ParameterHandler &prm)
  {
    prm.enter_subsection("Discretization");
    {
      prm.add_parameter("Degree",
                        degree,
                        "Polynomial degree k of the continuous Lagrange "
                        "elements Q_k (1, 2 or 3). Expected L2 order k+1 for "
                        "smooth densities.",
                        Patterns::Integer(1, 3));
      Parsing::add_selection(
          prm,
          "Stabilization",
          upwind,
          {{"none", false}, {"algebraic upwind", true}},
          "'none': plain Galerkin, accurate when the mesh Peclet number "
          "|a| h / (2 T lambda_min(D)) is below about 1, otherwise it "
          "oscillates and can go negative. 'algebraic upwind': adds the "
          "smallest artificial diffusion that makes every cell matrix an "
          "M-matrix (and lumps the mass matrix); the stationary density and "
          "implicit-Euler transients are then positive at any Peclet number, "
          "at the price of first-order accuracy. Use it with Degree = 1.");
    }
    prm.leave_subsection();
  }

  template <int dim>
  Discretization<dim>::Discretization(parallel::TriangulationBase<dim> &triangulation,
                                      const GeometryParameters         &geometry,
                                      const DiscretizationParameters   &parameters)
      : mpi_communicator(triangulation.get_communicator())
      , triangulation(triangulation)
      , geometry(geometry)
      , parameters(parameters)
      , fe(parameters.degree)
      , mapping(std::make_unique<MappingQ<dim>>(
            geometry.sphere_boundary ? std::max(2U, parameters.degree) : 1U))
      , dof_handler(triangulation)
  {
  }

  template <int dim>
  QGauss<dim>
  Discretization<dim>::quadrature() const
  {
    return QGauss<dim>(parameters.degree + 1);
  }

  template <int dim>
  void
  Discretization<dim>::setup()
  {
    dof_handler.distribute_dofs(fe);
    owned_dofs = dof_handler.locally_owned_dofs();
    DoFTools::extract_locally_relevant_dofs(dof_handler, relevant_dofs);

    constraints.clear();
    constraints.reinit(relevant_dofs);
    DoFTools::make_hanging_node_constraints(dof_handler, constraints);
    for (const unsigned int k : periodic_directions(geometry, dim))
      DoFTools::make_periodicity_constraints(
          dof_handler, 2 * k, 2 * k + 1, k, constraints);
    for (const auto id : triangulation.get_boundary_ids())
      if (geometry.type_of(id) == BoundaryType::absorbing)
        VectorTools::interpolate_boundary_values(
            *mapping, dof_handler, id, Functions::ZeroFunction<dim>(), constraints);
    constraints.close();

    DynamicSparsityPattern dsp(relevant_dofs);
    DoFTools::make_sparsity_pattern(dof_handler, dsp, constraints, false);
    SparsityTools::distribute_sparsity_pattern(
        dsp, owned_dofs, mpi_communicator, relevant_dofs);
    operator_matrix.reinit(owned_dofs, owned_dofs, dsp, mpi_communicator);
    initialize_vector(mass_vector);
    geometric_data.assembled = false;
  }

  template <int dim>
  void
  Discretization<dim>::initialize_vector(LA::MPI::Vector &vector) const
  {
    vector.reinit(owned_dofs, mpi_communicator);
  }

  template <int dim>
  void
  Discretization<dim>::initialize_ghosted_vector(LA::MPI::Vector &vector) const
  {
    vector.reinit(owned_dofs, relevant_dofs, mpi_communicator);
  }

  namespace
  {
    /**
     * Discrete upwinding of one cell matrix: subtract the symmetric matrix
     * with off-diagonal entries d_ij = max(0, A_ij, A_ji) and zero row and
     * column sums. Off-diagonals become <= 0, column sums are unchanged
     * (conservation), so the sum over cells is an M-matrix.
     */
    void
    upwind_cell_matrix(FullMatrix<double> &A)
    {
      const unsigned int n = A.m();
      for (unsigned int i = 0; i < n; ++i)
        for (unsigned int j = i + 1; j < n; ++j)
          {
            const double d = std::max({0., A(i, j), A(j, i)});
            A(i, j) -= d;
            A(j, i) -= d;
            A(i, i) += d;
            A(j, j) += d;
          }
    }

    template <int dim>
    std::string
    point_text(const Point<dim> &x)
    {
      std::ostringstream out;
      out << "(" << x << ")";
      return out.str();
    }
  } // namespace

  template <int dim>
  void
  Discretization<dim>::assemble(const Model<dim> &model)
  {
    operator_matrix = 0;
    mass_vector     = 0;

    const QGauss<dim>                    quad = quadrature();
    FEValues<dim>                        fe_values(*mapping,
                            fe,
                            quad,
                            update_values | update_gradients | update_quadrature_points |
                                update_JxW_values);
    const unsigned int                   n_dofs = fe.n_dofs_per_cell();
    FullMatrix<double>                   cell_A(n_dofs, n_dofs);
    Vector<double>                       cell_m(n_dofs);
    std::vector<Tensor<1, dim>>          flux(n_dofs);
    std::vector<types::global_dof_index> dof_indices(n_dofs);
    const double                         T = model.temperature();
    // Without constraints on this rank, cell contributions go straight into
    // the matrix and vector (the general path costs about as much again).
    const bool unconstrained = constraints.n_constraints() == 0;
    // D is checked for positive definiteness only where it changes, so a
    // constant D is checked once.
    SymmetricTensor<2, dim> checked_D;
    bool                    checked = false;

    run_collectively(mpi_communicator, [&]() {
      for (const auto &cell : dof_handler.active_cell_iterators())
        if (cell->is_locally_owned())
          {
            fe_values.reinit(cell);
            cell_A = 0;
            cell_m = 0;

            for (const unsigned int q : fe_values.quadrature_point_indices())
              {
                const Point<dim> &x = fe_values.quadrature_point(q);
                const auto        D = model.diffusion(x);
                if (!checked || D != checked_D)
                  {
                    const auto lambda = eigenvalues(D);
                    if (!(lambda[dim - 1] > 1e-12 * std::abs(lambda[0])))
                      throw InputError(
                          model.diffusion_entry(),
                          "D must be symmetric positive definite (non-degenerate), "
                          "but its smallest eigenvalue is " +
                              std::to_string(lambda[dim - 1]) +
                              " at x = " + point_text(x) +
                              "; add an isotropic floor or change the domain");
                    checked_D = D;
                    checked   = true;
                  }
                const Tensor<1, dim> a = model.fokker_planck_drift(x);
                for (unsigned int d = 0; d < dim; ++d)
                  if (!std::isfinite(a[d]))
                    throw InputError("Model",
                                     "the drift is not finite at x = " + point_text(x));
                const SymmetricTensor<2, dim> TD  = T * D;
                const double                  JxW = fe_values.JxW(q);

                for (unsigned int j = 0; j < n_dofs; ++j)
                  flux[j] = (TD * fe_values.shape_grad(j, q) -
                             a * fe_values.shape_value(j, q)) *
                            JxW;
                for (unsigned int i = 0; i < n_dofs; ++i)
                  {
                    const Tensor<1, dim> &grad_i = fe_values.shape_grad(i, q);
                    for (unsigned int j = 0; j < n_dofs; ++j)
                      cell_A(i, j) += flux[j] * grad_i;
                    cell_m(i) += fe_values.shape_value(i, q) * JxW;
                  }
              }

            if (parameters.upwind)
              upwind_cell_matrix(cell_A);

            cell->get_dof_indices(dof_indices);
            if (unconstrained)
              {
                operator_matrix.add(dof_indices, cell_A);
                mass_vector.add(dof_indices, cell_m);
              }
            else
              {
                constraints.distribute_local_to_global(
                    cell_A, dof_indices, operator_matrix);
                constraints.distribute_local_to_global(cell_m, dof_indices, mass_vector);
              }
          }
    });

    operator_matrix.compress(VectorOperation::add);
    mass_vector.compress(VectorOperation::add);
  }

  template <int dim>
  auto
  Discretization<dim>::geometric() const -> const Geometric &
  {
    Geometric &g = geometric_data;
    if (g.assembled)
      return g;

    LA::copy_matrix(g.mass_matrix, operator_matrix);
    g.mass_matrix            = 0;
    const unsigned int n_sym = SymmetricTensor<2, dim>::n_independent_components;
    g.first_moments.resize(dim);
    g.second_moments.resize(n_sym);
    for (auto &v : g.first_moments)
      initialize_vector(v);
    for (auto &v : g.second_moments)
      initialize_vector(v);

    const QGauss<dim> quad = quadrature();
    FEValues<dim>     fe_values(
        *mapping, fe, quad, update_values | update_quadrature_points | update_JxW_values);
    const unsigned int                   n_dofs = fe.n_dofs_per_cell();
    FullMatrix<double>                   cell_M(n_dofs, n_dofs);
    std::vector<Vector<double>>          cell_first(dim, Vector<double>(n_dofs));
    std::vector<Vector<double>>          cell_second(n_sym, Vector<double>(n_dofs));
    std::vector<types::global_dof_index> dof_indices(n_dofs);

    for (const auto &cell : dof_handler.active_cell_iterators())
      if (cell->is_locally_owned())
        {
          fe_values.reinit(cell);
          cell_M = 0;
          for (auto &v : cell_first)
            v = 0;
          for (auto &v : cell_second)
            v = 0;
          for (const unsigned int q : fe_values.quadrature_point_indices())
            {
              const Point<dim> &x = fe_values.quadrature_point(q);
              for (unsigned int i = 0; i < n_dofs; ++i)
                {
                  const double phi_i_JxW = fe_values.shape_value(i, q) * fe_values.JxW(q);
                  for (unsigned int j = 0; j < n_dofs; ++j)
                    cell_M(i, j) += phi_i_JxW * fe_values.shape_value(j, q);
                  for (unsigned int k = 0; k < dim; ++k)
                    {
                      cell_first[k](i) += x[k] * phi_i_JxW;
                      for (unsigned int l = k; l < dim; ++l)
                        cell_second[SymmetricTensor<2, dim>::component_to_unrolled_index(
                            TableIndices<2>(k, l))](i) += x[k] * x[l] * phi_i_JxW;
                    }
                }
            }

          if (parameters.upwind)
            for (unsigned int i = 0; i < n_dofs; ++i)
              {
                double row_sum = 0;
                for (unsigned int j = 0; j < n_dofs; ++j)
                  {
                    row_sum += cell_M(i, j);
                    cell_M(i, j) = 0;
                  }
                cell_M(i, i) = row_sum;
              }

          cell->get_dof_indices(dof_indices);
          constraints.distribute_local_to_global(cell_M, dof_indices, g.mass_matrix);
          for (unsigned int k = 0; k < dim; ++k)
            constraints.distribute_local_to_global(
                cell_first[k], dof_indices, g.first_moments[k]);
          for (unsigned int s = 0; s < n_sym; ++s)
            constraints.distribute_local_to_global(
                cell_second[s], dof_indices, g.second_moments[s]);
        }

    g.mass_matrix.compress(VectorOperation::add);
    for (auto &v : g.first_moments)
      v.compress(VectorOperation::add);
    for (auto &v : g.second_moments)
      v.compress(VectorOperation::add);
    g.assembled = true;
    return g;
  }

  template <int dim>
  const LA::MPI::SparseMatrix &
  Discretization<dim>::get_mass_matrix() const
  {
    return geometric().mass_matrix;
  }

  template <int dim>
  const LA::MPI::Vector &
  Discretization<dim>::get_first_moment_vector(const unsigned int k) const
  {
    return geometric().first_moments[k];
  }

  template <int dim>
  double
  Discretization<dim>::mass(const LA::MPI::Vector &p) const
  {
    return mass_vector * p;
  }

  template <int dim>
  void
  Discretization<dim>::moments(const LA::MPI::Vector   &p,
                               Tensor<1, dim>          &mean,
                               SymmetricTensor<2, dim> &covariance) const
  {
    const Geometric &g     = geometric();
    const double     total = mass(p);
    for (unsigned int k = 0; k < dim; ++k)
      mean[k] = (g.first_moments[k] * p) / total;
    for (unsigned int k = 0; k < dim; ++k)
      for (unsigned int l = k; l < dim; ++l)
        covariance[k][l] =
            (g.second_moments[SymmetricTensor<2, dim>::component_to_unrolled_index(
                 TableIndices<2>(k, l))] *
             p) /
                total -
            mean[k] * mean[l];
  }

  template <int dim>
  void
  Discretization<dim>::interpolate(const Function<dim> &function,
                                   LA::MPI::Vector     &p) const
  {
    initialize_vector(p);
    VectorTools::interpolate(*mapping, dof_handler, function, p);
    constraints.distribute(p);
  }

  template <int dim>
  types::global_dof_index
  Discretization<dim>::pinned_dof() const
  {
    types::global_dof_index index = numbers::invalid_dof_index;
    for (const auto i : owned_dofs)
      if (!constraints.is_constrained(i))
        {
          index = i;
          break;
        }
    return Utilities::MPI::min(index, mpi_communicator);
  }

  template class Discretization<1>;
  template class Discretization<2>;
  template class Discretization<3>;
} // namespace FokkerPlanck

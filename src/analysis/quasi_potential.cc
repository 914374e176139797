#include <deal.II/base/timer.h>
#include <deal.II/base/utilities.h>
#include <deal.II/dofs/dof_handler.h>
#include <deal.II/fe/fe_q.h>
#include <deal.II/grid/grid_tools.h>
#include <deal.II/lac/full_matrix.h>
#include <deal.II/lac/vector.h>

#include <fokker_planck/analysis/quasi_potential.h>
#include <fokker_planck/analysis/quasi_potential_march.h>
#include <fokker_planck/base/collective.h>
#include <fokker_planck/base/input_error.h>
#include <fokker_planck/base/parsing.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <sstream>

namespace FokkerPlanck
{
  using namespace dealii;

  namespace
  {
    const std::string attractor_entry = "Quasi-potential/Attractor";
  }

  void
  QuasiPotentialParameters::declare_parameters(ParameterHandler &prm)
  {
    prm.enter_subsection("Quasi-potential");
    {
      prm.add_parameter("Enable",
                        enable,
                        "Compute the Freidlin-Wentzell quasi-potential S_Q, the "
                        "viscosity solution of grad S_Q^T D grad S_Q + u . grad S_Q "
                        "= 0 with S_Q = 0 at the attractor (units of the loss, "
                        "like S = -T log pi), by an ordered line integral method "
                        "on the mesh vertices (stationary runs). See "
                        "doc/quasi_potential.md.");
      prm.declare_entry("Attractor",
                        "auto",
                        Patterns::Anything(),
                        "The stable zero x* of the drift u where S_Q = 0: "
                        "'auto' (Newton's method from each of the 20 mesh vertices "
                        "with the smallest |u| in turn; the first stable zero "
                        "found is taken) or dim comma-separated coordinates. A "
                        "given point is polished by Newton's method and must "
                        "lie within one mesh cell of a zero of u whose "
                        "Jacobian has eigenvalues with negative real parts.");
      prm.add_parameter("Update radius",
                        update_radius,
                        "K >= 1: each newly accepted vertex updates the "
                        "vertices within K h (h its longest cell diagonal). K must "
                        "exceed about the ratio of rotation to contraction of "
                        "the drift (the angle between minimum-action paths and "
                        "the normal of the level sets of S_Q); the cost grows "
                        "like K^dim. Longer segments also cost accuracy for a "
                        "nonlinear drift, so K should not be larger than "
                        "needed.",
                        Patterns::Double(1.));
      prm.add_parameter("Cut-off",
                        cutoff,
                        "Stop the march at this value of S_Q (units of the "
                        "loss); vertices above it are reported as not reached. "
                        "0: no cut-off.",
                        Patterns::Double(0.));
      prm.add_parameter("Restrict to basin",
                        restrict_to_basin,
                        "true: compute S_Q only where the flow dx/dt = u ends "
                        "at the attractor (its basin of attraction); other "
                        "vertices are reported as not reached. false: continue "
                        "the march into other basins (S_Q relative to x* "
                        "there, not the global quasi-potential).");
      prm.add_parameter("Diffusion floor",
                        diffusion_floor,
                        "Relative floor eps for a degenerate D: at vertices "
                        "where the smallest eigenvalue of D is below eps times "
                        "the largest eigenvalue of D over the mesh, D is "
                        "replaced by D + (eps lambda_max - lambda_min) I. The "
                        "number of such vertices is reported.",
                        Patterns::Double(0., 1.));
    }
    prm.leave_subsection();
  }

  void
  QuasiPotentialParameters::parse_parameters(ParameterHandler &prm)
  {
    prm.enter_subsection("Quasi-potential");
    find_attractor = Utilities::trim(prm.get("Attractor")) == "auto";
    attractor.clear();
    if (!find_attractor)
      {
        const std::string text = prm.get("Attractor");
        try
          {
            attractor = Parsing::get_doubles(prm, "Attractor");
          }
        catch (const std::exception &)
          {
            prm.leave_subsection();
            throw InputError(attractor_entry,
                             "must be 'auto' or comma-separated coordinates, not '" +
                                 text + "'");
          }
      }
    prm.leave_subsection();
  }

  void
  QuasiPotentialParameters::check(const unsigned int dim, const bool stationary) const
  {
    require(!enable || stationary,
            "Quasi-potential/Enable",
            "the quasi-potential is computed after the stationary solve; it "
            "needs 'Problem = stationary'");
    if (enable && !find_attractor)
      require(attractor.size() == dim,
              attractor_entry,
              "needs 'auto' or exactly dim = " + std::to_string(dim) + " coordinates");
  }

  namespace
  {
    template <int dim>
    std::string
    to_string(const Point<dim> &p)
    {
      std::ostringstream s;
      s << "(";
      for (unsigned int d = 0; d < dim; ++d)
        s << (d > 0 ? ", " : "") << p[d];
      s << ")";
      return s.str();
    }

    /** ∇u(x) by central differences with step δ. */
    template <int dim>
    Tensor<2, dim>
    drift_jacobian(const Model<dim> &model, const Point<dim> &x, const double delta)
    {
      Tensor<2, dim> J;
      for (unsigned int k = 0; k < dim; ++k)
        {
          Point<dim> plus = x, minus = x;
          plus[k] += delta;
          minus[k] -= delta;
          const Tensor<1, dim> column =
              (model.drift(plus) - model.drift(minus)) / (2. * delta);
          for (unsigned int i = 0; i < dim; ++i)
            J[i][k] = column[i];
        }
      return J;
    }

    /** Routh–Hurwitz: all eigenvalues of J have negative real parts. */
    template <int dim>
    bool
    hurwitz(const Tensor<2, dim> &J)
    {
      const double t = trace(J), d = determinant(J);
      if (dim == 1)
        return t < 0.;
      if (dim == 2)
        return t < 0. && d > 0.;
      // λ³ + a2 λ² + a1 λ + a0 with a2 = −tr J, a1 = Σ principal 2×2 minors, a0 = −det J.
      double a1 = 0.;
      for (unsigned int i = 0; i < dim; ++i)
        for (unsigned int j = i + 1; j < dim; ++j)
          a1 += J[i][i] * J[j][j] - J[i][j] * J[j][i];
      return -t > 0. && -d > 0. && -t * a1 > -d;
    }

    /**
     * Hessian Λ⁻¹ of S_Q at the attractor, Λ the symmetric solution of the
     * Lyapunov equation J Λ + Λ Jᵀ = −2D (for u = −Hx: Λ = Σ/T).
     */
    template <int dim>
    SymmetricTensor<2, dim>
    attractor_hessian(const Tensor<2, dim> &J, const SymmetricTensor<2, dim> &D)
    {
      constexpr unsigned int n = SymmetricTensor<2, dim>::n_independent_components;
      FullMatrix<double>     system(n, n);
      Vector<double>         rhs(n), solution(n);
      for (unsigned int r = 0; r < n; ++r)
        {
          const auto row = SymmetricTensor<2, dim>::unrolled_to_component_indices(r);
          const unsigned int i = row[0], j = row[1];
          rhs(r) = -2. * D[i][j];
          // (JΛ + ΛJᵀ)_ij = Σ_k J_ik Λ_kj + Λ_ik J_jk
          for (unsigned int k = 0; k < dim; ++k)
            {
              system(r,
                     SymmetricTensor<2, dim>::component_to_unrolled_index(
                         TableIndices<2>(std::min(k, j), std::max(k, j)))) += J[i][k];
              system(r,
                     SymmetricTensor<2, dim>::component_to_unrolled_index(
                         TableIndices<2>(std::min(i, k), std::max(i, k)))) += J[j][k];
            }
        }
      system.gauss_jordan();
      system.vmult(solution, rhs);
      SymmetricTensor<2, dim> lambda;
      for (unsigned int r = 0; r < n; ++r)
        lambda[SymmetricTensor<2, dim>::unrolled_to_component_indices(r)] = solution(r);
      return invert(lambda);
    }

    /** Whether p lies in a locally owned cell of any rank. */
    template <int dim>
    bool
    inside_domain(const Discretization<dim> &discretization, const Point<dim> &p)
    {
      bool found = false;
      try
        {
          const auto cell = GridTools::find_active_cell_around_point(
              discretization.get_mapping(),
              discretization.get_dof_handler().get_triangulation(),
              p);
          found = cell.first.state() == IteratorState::valid &&
                  cell.first->is_locally_owned();
        }
      catch (...)
        {
          found = false;
        }
      return Utilities::MPI::max(found ? 1 : 0, discretization.communicator()) == 1;
    }

    /** The mesh vertices, numbered by a Q1 DoFHandler, gathered on every rank. */
    template <int dim>
    void
    gather_vertices(const DoFHandler<dim>                 &q1,
                    QuasiPotentialMarch::VertexGraph<dim> &graph,
                    const MPI_Comm                         communicator)
    {
      // Per locally owned cell: 2^dim records (index, coordinates).
      std::vector<double> local;
      for (const auto &cell : q1.active_cell_iterators())
        if (cell->is_locally_owned())
          for (const unsigned int v : cell->vertex_indices())
            {
              local.push_back(cell->vertex_dof_index(v, 0));
              for (unsigned int d = 0; d < dim; ++d)
                local.push_back(cell->vertex(v)[d]);
            }
      const auto all = Utilities::MPI::all_gather(communicator, local);

      const unsigned int      per_cell = GeometryInfo<dim>::vertices_per_cell;
      std::vector<Point<dim>> positions(q1.n_dofs());
      std::vector<std::vector<unsigned int>> cells;
      for (const auto &part : all)
        for (std::size_t c = 0; c < part.size(); c += per_cell * (dim + 1))
          {
            std::vector<unsigned int> cell(per_cell);
            for (unsigned int v = 0; v < per_cell; ++v)
              {
                const double *record = &part[c + v * (dim + 1)];
                cell[v]              = static_cast<unsigned int>(record[0]);
                for (unsigned int d = 0; d < dim; ++d)
                  positions[cell[v]][d] = record[1 + d];
              }
            cells.push_back(std::move(cell));
          }
      graph.build(cells, std::move(positions));
    }

    /** D at the vertices with the relative floor; returns the number floored. */
    template <int dim>
    unsigned int
    regularized_diffusion(const Model<dim>                     &model,
                          const std::vector<Point<dim>>        &positions,
                          const double                          floor,
                          std::vector<SymmetricTensor<2, dim>> &D,
                          double                               &level)
    {
      D.resize(positions.size());
      std::vector<double> smallest(positions.size());
      double              largest = 0.;
      for (std::size_t i = 0; i < positions.size(); ++i)
        {
          D[i]          = model.diffusion(positions[i]);
          const auto ev = eigenvalues(D[i]); // descending
          smallest[i]   = ev[dim - 1];
          largest       = std::max(largest, ev[0]);
          require(std::isfinite(ev[0]) && std::isfinite(ev[dim - 1]),
                  model.diffusion_entry(),
                  "D is not finite at " + to_string(positions[i]));
        }
      require(largest > 0.,
              model.diffusion_entry(),
              "the quasi-potential needs D with a positive eigenvalue somewhere; "
              "D vanishes at every mesh vertex");
      unsigned int n_floored = 0;
      level                  = std::max(floor * largest, 1e-300);
      for (std::size_t i = 0; i < positions.size(); ++i)
        if (smallest[i] < level || smallest[i] <= 0.)
          {
            D[i] += (level - smallest[i]) * unit_symmetric_tensor<dim>();
            ++n_floored;
          }
      return n_floored;
    }

    /**
     * Newton's method for u(x) = 0 from @p start; returns false if it does
     * not converge within the bounding box.
     */
    template <int dim>
    bool
    newton(const Model<dim>                            &model,
           const QuasiPotentialMarch::VertexGraph<dim> &graph,
           const double                                 delta,
           Point<dim>                                  &x)
    {
      const double scale = graph.lower.distance(graph.upper);
      for (unsigned int it = 0; it < 60; ++it)
        {
          const Tensor<1, dim> u = model.drift(x);
          const Tensor<2, dim> J = drift_jacobian(model, x, delta);
          if (std::abs(determinant(J)) < 1e-300)
            return false;
          const Tensor<1, dim> step = invert(J) * u;
          x -= step;
          for (unsigned int d = 0; d < dim; ++d)
            if (!std::isfinite(x[d]) || x[d] < graph.lower[d] - scale ||
                x[d] > graph.upper[d] + scale)
              return false;
          if (step.norm() < 1e-13 * scale)
            return true;
        }
      return model.drift(x).norm() < 1e-10 * (1. + model.drift(graph.upper).norm());
    }

    template <int dim>
    Point<dim>
    locate_attractor(const Discretization<dim>                   &discretization,
                     const Model<dim>                            &model,
                     const QuasiPotentialParameters              &parameters,
                     const QuasiPotentialMarch::VertexGraph<dim> &graph,
                     const std::vector<Tensor<1, dim>>           &drift,
                     const double                                 delta,
                     Tensor<2, dim>                              &jacobian)
    {
      const double h_max = *std::max_element(graph.h.begin(), graph.h.end());
      if (parameters.find_attractor)
        {
          // Newton from the vertices with the smallest |u| in turn (the same
          // order on every rank); the first stable zero inside the domain
          // wins. The smallest |u| alone can sit next to a saddle.
          std::vector<unsigned int> order(graph.size());
          std::iota(order.begin(), order.end(), 0U);
          const unsigned int n_tries = std::min<unsigned int>(20, graph.size());
          std::partial_sort(order.begin(),
                            order.begin() + n_tries,
                            order.end(),
                            [&](const unsigned int a, const unsigned int b) {
                              return drift[a].norm() < drift[b].norm() ||
                                     (drift[a].norm() == drift[b].norm() && a < b);
                            });
          for (unsigned int k = 0; k < n_tries; ++k)
            {
              Point<dim> x = graph.position[order[k]];
              if (newton(model, graph, delta, x) && inside_domain(discretization, x))
                {
                  jacobian = drift_jacobian(model, x, delta);
                  if (hurwitz(jacobian))
                    return x;
                }
            }
          throw InputError(attractor_entry,
                           "'auto' found no stable zero of the drift u in the domain "
                           "(Newton's method from the " +
                               std::to_string(n_tries) +
                               " vertices with the smallest |u|, starting at " +
                               to_string(graph.position[order[0]]) +
                               "); name the attractor");
        }
      Point<dim> start;
      for (unsigned int d = 0; d < dim; ++d)
        start[d] = parameters.attractor[d];
      require(inside_domain(discretization, start),
              attractor_entry,
              "the point " + to_string(start) + " is outside the domain");
      Point<dim> x         = start;
      const bool converged = newton(model, graph, delta, x);
      require(converged && x.distance(start) <= h_max,
              attractor_entry,
              "the point " + to_string(start) + " is not an attractor: u there is " +
                  to_string(Point<dim>(model.drift(start))) +
                  " and Newton's method finds no zero of u within one mesh cell (" +
                  std::to_string(h_max) + ")");
      jacobian = drift_jacobian(model, x, delta);
      require(hurwitz(jacobian),
              attractor_entry,
              "the zero " + to_string(x) +
                  " of the drift is not stable: the "
                  "Jacobian of u there has an eigenvalue with non-negative real part "
                  "(a saddle or a repeller), so it is not an attractor");
      return x;
    }
  } // namespace

  template <int dim>
  QuasiPotentialInfo<dim>
  compute_quasi_potential(const Discretization<dim>      &discretization,
                          const Model<dim>               &model,
                          const QuasiPotentialParameters &parameters,
                          LA::MPI::Vector                &S_Q,
                          LA::MPI::Vector                *reached)
  {
    const MPI_Comm  communicator = discretization.communicator();
    Timer           timer(communicator);
    const auto     &triangulation = discretization.get_dof_handler().get_triangulation();
    FE_Q<dim>       fe_q1(1);
    DoFHandler<dim> q1(triangulation);
    q1.distribute_dofs(fe_q1);

    QuasiPotentialMarch::VertexGraph<dim> graph;
    gather_vertices(q1, graph, communicator);

    QuasiPotentialInfo<dim>           info;
    QuasiPotentialMarch::Problem<dim> problem;
    info.n_vertices    = graph.size();
    double floor_level = 0.;
    // Every rank holds the whole graph and evaluates the same model, so every
    // rank reaches the same decision; run_collectively still turns an error on
    // one rank into the same error on all.
    run_collectively(communicator, [&]() {
      problem.drift.resize(graph.size());
      for (unsigned int i = 0; i < graph.size(); ++i)
        problem.drift[i] = model.drift(graph.position[i]);
      info.n_regularized = regularized_diffusion(model,
                                                 graph.position,
                                                 parameters.diffusion_floor,
                                                 problem.diffusion,
                                                 floor_level);
    });
    const double   delta = 1e-5 * graph.lower.distance(graph.upper);
    Tensor<2, dim> jacobian;
    info.attractor = locate_attractor(
        discretization, model, parameters, graph, problem.drift, delta, jacobian);

    problem.attractor          = info.attractor;
    problem.drift_function     = [&model](const Point<dim> &x) { return model.drift(x); };
    problem.diffusion_function = [&model, floor_level](const Point<dim> &x) {
      SymmetricTensor<2, dim> D        = model.diffusion(x);
      const double            smallest = eigenvalues(D)[dim - 1];
      if (!(smallest >= floor_level))
        D += (floor_level - smallest) * unit_symmetric_tensor<dim>();
      return D;
    };
    // D at x* with the same floor as at the vertices.
    info.hessian =
        attractor_hessian(jacobian, problem.diffusion_function(info.attractor));
    problem.hessian           = info.hessian;
    problem.update_radius     = parameters.update_radius;
    problem.cutoff            = parameters.cutoff;
    problem.restrict_to_basin = parameters.restrict_to_basin;
    QuasiPotentialMarch::Result result;
    run_collectively(communicator,
                     [&]() { result = QuasiPotentialMarch::march(graph, problem); });
    info.max_value = result.max_value;
    for (const auto status : result.status)
      if (status == QuasiPotentialMarch::Status::outside_basin)
        ++info.n_outside_basin;
      else if (status == QuasiPotentialMarch::Status::beyond_cutoff)
        ++info.n_beyond_cutoff;
    info.n_unreached = info.n_outside_basin + info.n_beyond_cutoff;

    // Q1 interpolation of the vertex values at the support points of the
    // discretization's element.
    discretization.initialize_vector(S_Q);
    if (reached)
      discretization.initialize_vector(*reached);
    const auto        &fe                  = discretization.get_fe();
    const auto        &support             = fe.get_unit_support_points();
    const auto        &owned               = discretization.locally_owned_dofs();
    const unsigned int n_vertices_per_cell = GeometryInfo<dim>::vertices_per_cell;
    std::vector<types::global_dof_index> dofs(fe.n_dofs_per_cell());
    for (const auto &cell : discretization.get_dof_handler().active_cell_iterators())
      if (cell->is_locally_owned())
        {
          const typename DoFHandler<dim>::active_cell_iterator vertex_cell(
              &triangulation, cell->level(), cell->index(), &q1);
          cell->get_dof_indices(dofs);
          for (unsigned int k = 0; k < dofs.size(); ++k)
            if (owned.is_element(dofs[k]))
              {
                double value       = 0.;
                bool   all_reached = true;
                for (unsigned int v = 0; v < n_vertices_per_cell; ++v)
                  {
                    const double phi = fe_q1.shape_value(v, support[k]);
                    const auto   i   = vertex_cell->vertex_dof_index(v, 0);
                    value += phi * result.value[i];
                    if (std::abs(phi) > 1e-12)
                      all_reached =
                          all_reached &&
                          result.status[i] == QuasiPotentialMarch::Status::reached;
                  }
                S_Q(dofs[k]) = value;
                if (reached)
                  (*reached)(dofs[k]) = all_reached ? 1. : 0.;
              }
        }
    S_Q.compress(VectorOperation::insert);
    if (reached)
      reached->compress(VectorOperation::insert);
    info.seconds = timer.wall_time();
    return info;
  }

  template QuasiPotentialInfo<1>
  compute_quasi_potential(const Discretization<1> &,
                          const Model<1> &,
                          const QuasiPotentialParameters &,
                          LA::MPI::Vector &,
                          LA::MPI::Vector *);
  template QuasiPotentialInfo<2>
  compute_quasi_potential(const Discretization<2> &,
                          const Model<2> &,
                          const QuasiPotentialParameters &,
                          LA::MPI::Vector &,
                          LA::MPI::Vector *);
  template QuasiPotentialInfo<3>
  compute_quasi_potential(const Discretization<3> &,
                          const Model<3> &,
                          const QuasiPotentialParameters &,
                          LA::MPI::Vector &,
                          LA::MPI::Vector *);
} // namespace FokkerPlanck

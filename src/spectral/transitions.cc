#include <deal.II/dofs/dof_tools.h>

#include <fokker_planck/base/input_error.h>
#include <fokker_planck/base/instantiate.h>
#include <fokker_planck/base/parsing.h>
#include <fokker_planck/spectral/cell_integral.h>
#include <fokker_planck/spectral/petsc_bridge.h>
#include <fokker_planck/spectral/transitions.h>

#include <cmath>

namespace FokkerPlanck
{
  using namespace dealii;

  namespace
  {
    void
    declare_region(ParameterHandler  &prm,
                   const std::string &name,
                   const std::string &role)
    {
      prm.declare_entry("Region " + name,
                        "",
                        Patterns::Anything(),
                        "Region " + name + " (" + role +
                            ") as a muparser expression in x, y, z that is > 0 "
                            "inside, e.g. 'x < -0.8'. Give this or 'Region " +
                            name + " box'.");
      prm.declare_entry("Region " + name + " box",
                        "",
                        Patterns::List(Patterns::Double(), 0, 6),
                        "Region " + name +
                            " as a box: the lower corner then the upper corner "
                            "(2*dim numbers), e.g. '-2, -0.5, -0.8, 0.5' in 2D.");
    }

    RegionParameters
    parse_region(ParameterHandler &prm, const std::string &name)
    {
      RegionParameters region;
      region.expression = Utilities::trim(prm.get("Region " + name));
      region.box        = Parsing::get_doubles(prm, "Region " + name + " box");
      return region;
    }

    void
    check_region(const RegionParameters &region,
                 const std::string      &name,
                 const unsigned int      dim)
    {
      const std::string entry = "Transitions/Region " + name;
      require(region.given(),
              entry,
              "is required with 'Compute = true': give an expression or a box");
      require(region.expression.empty() || region.box.empty(),
              entry,
              "give either the expression or 'Region " + name + " box', not both");
      if (!region.box.empty())
        {
          require(region.box.size() == 2 * dim,
                  entry + " box",
                  "needs 2*dim = " + std::to_string(2 * dim) +
                      " numbers (lower corner, then upper corner)");
          for (unsigned int d = 0; d < dim; ++d)
            require(
                region.box[d] < region.box[dim + d],
                entry + " box",
                "coordinate " + std::to_string(d) +
                    " of the upper corner must be larger than that of the lower corner");
        }
    }
  } // namespace

  void
  TransitionParameters::declare_parameters(ParameterHandler &prm)
  {
    prm.enter_subsection("Transitions");
    {
      prm.add_parameter("Compute",
                        compute,
                        "Compute the mean first-passage time to region B, "
                        "the committor from A to B and (optionally) the "
                        "quasi-stationary distribution and escape rate with "
                        "B absorbing. Uses the backward operator "
                        "a.grad f + T div(D grad f).");
      declare_region(prm, "A", "the start set; committor 0");
      declare_region(prm, "B", "the target set; absorbing, committor 1");
      prm.add_parameter("Function constants",
                        constants,
                        "Constants for the region expressions, e.g. 'c=0.8'.",
                        Patterns::Anything());
      prm.add_parameter("Quasi-stationary distribution",
                        quasi_stationary,
                        "Also solve the eigenproblem with B absorbing: escape "
                        "rate lambda_0 and quasi-stationary distribution (uses "
                        "the Spectrum entries Shift and Tolerance).");
    }
    prm.leave_subsection();
  }

  void
  TransitionParameters::parse_parameters(ParameterHandler &prm)
  {
    prm.enter_subsection("Transitions");
    region_a = parse_region(prm, "A");
    region_b = parse_region(prm, "B");
    prm.leave_subsection();
  }

  void
  TransitionParameters::check(const unsigned int dim) const
  {
    if (!compute)
      return;
    check_region(region_a, "A", dim);
    check_region(region_b, "B", dim);
  }

  template <int dim>
  Region<dim>::Region(const RegionParameters &parameters,
                      const std::string      &constants,
                      const std::string      &entry)
      : box(parameters.box)
  {
    if (parameters.expression.empty())
      return;
    parser = Parsing::make_parser<dim>(
        {parameters.expression},
        Parsing::parse_constants(constants, "Transitions/Function constants"),
        entry);
  }

  template <int dim>
  bool
  Region<dim>::contains(const Point<dim> &x) const
  {
    if (parser)
      return parser->value(x) > 0.;
    for (unsigned int d = 0; d < dim; ++d)
      if (x[d] < box[d] - 1e-12 || x[d] > box[dim + d] + 1e-12)
        return false;
    return true;
  }

  template <int dim>
  std::vector<types::global_dof_index>
  dofs_in_region(const Discretization<dim> &discretization, const Region<dim> &region)
  {
    std::map<types::global_dof_index, Point<dim>> points;
    DoFTools::map_dofs_to_support_points(
        discretization.get_mapping(), discretization.get_dof_handler(), points);
    std::vector<types::global_dof_index> dofs;
    for (const auto &[i, x] : points)
      if (discretization.locally_owned_dofs().is_element(i) &&
          !discretization.get_constraints().is_constrained(i) && region.contains(x))
        dofs.push_back(i);
    return dofs;
  }

  template <int dim>
  void
  solve_backward(const Discretization<dim>                  &discretization,
                 const std::vector<types::global_dof_index> &dirichlet,
                 const std::vector<double>                  &values,
                 const LA::MPI::Vector                      &b,
                 LA::MPI::Vector                            &f)
  {
    const MPI_Comm                   communicator = discretization.communicator();
    PETScWrappers::MPI::SparseMatrix A;
    Spectral::copy_to_petsc(discretization, discretization.get_operator_matrix(), A);
    double diagonal = 0.;
    for (const auto i : discretization.locally_owned_dofs())
      diagonal = std::max(diagonal, std::abs(A.diag_element(i)));
    diagonal = Utilities::MPI::max(diagonal, communicator);

    Spectral::OwnedMat backward;
    Spectral::transpose(A, backward);
    Spectral::zero_rows(backward.matrix, dirichlet, diagonal);

    PETScWrappers::MPI::Vector rhs, x;
    Spectral::initialize_petsc_vector(discretization, rhs);
    Spectral::initialize_petsc_vector(discretization, x);
    Spectral::copy_vector(b, rhs);
    for (const auto i : discretization.locally_owned_dofs())
      if (discretization.get_constraints().is_constrained(i))
        rhs(i) = 0.;
    for (unsigned int k = 0; k < dirichlet.size(); ++k)
      rhs(dirichlet[k]) = diagonal * values[k];
    rhs.compress(VectorOperation::insert);
    Spectral::direct_solve(backward.matrix, x, rhs);

    discretization.initialize_vector(f);
    Spectral::copy_vector(x, f);
    discretization.get_constraints().distribute(f);
  }

  template <int dim>
  TransitionResult
  compute_transitions(const Discretization<dim>  &discretization,
                      const TransitionParameters &parameters,
                      const SpectrumParameters   &spectrum_parameters,
                      const LA::MPI::Vector      *pi)
  {
    const MPI_Comm    communicator = discretization.communicator();
    const Region<dim> a(
        parameters.region_a, parameters.constants, "Transitions/Region A");
    const Region<dim> b(
        parameters.region_b, parameters.constants, "Transitions/Region B");
    const auto in_a = dofs_in_region(discretization, a);
    const auto in_b = dofs_in_region(discretization, b);

    TransitionResult result;
    result.n_dofs_a = Utilities::MPI::sum(in_a.size(), communicator);
    result.n_dofs_b = Utilities::MPI::sum(in_b.size(), communicator);
    require(result.n_dofs_a > 0,
            "Transitions/Region A",
            "contains no node of the mesh: enlarge it or refine the mesh");
    require(result.n_dofs_b > 0,
            "Transitions/Region B",
            "contains no node of the mesh: enlarge it or refine the mesh");
    unsigned int overlap = 0;
    for (const auto i : in_a)
      overlap += std::binary_search(in_b.begin(), in_b.end(), i) ? 1 : 0;
    require(Utilities::MPI::sum(overlap, communicator) == 0,
            "Transitions/Region B",
            "overlaps region A; the two sets must be disjoint");

    // Mean first-passage time: −L*τ = 1 off B, τ = 0 on B.
    solve_backward(discretization,
                   in_b,
                   std::vector<double>(in_b.size(), 0.),
                   discretization.get_mass_vector(),
                   result.mean_first_passage_time);
    result.mfpt_max = LA::max_entry(result.mean_first_passage_time);

    // Committor: L*q = 0 off A ∪ B, q = 0 on A, q = 1 on B.
    std::vector<types::global_dof_index> both(in_a);
    both.insert(both.end(), in_b.begin(), in_b.end());
    std::vector<double> values(in_a.size(), 0.);
    values.insert(values.end(), in_b.size(), 1.);
    LA::MPI::Vector zero;
    discretization.initialize_vector(zero);
    solve_backward(discretization, both, values, zero, result.committor);

    // Averages: τ over A and ∫ q, weighted by π if given.
    result.pi_weighted                          = pi != nullptr;
    std::vector<const LA::MPI::Vector *> fields = {&result.mean_first_passage_time,
                                                   &result.committor};
    if (pi != nullptr)
      fields.push_back(pi);
    const auto weight = [&](const std::vector<double> &v) {
      return pi != nullptr ? v[2] : 1.;
    };
    const double a_weight = integrate_fields<dim>(
        discretization, fields, [&](const Point<dim> &x, const auto &v) {
          return a.contains(x) ? weight(v) : 0.;
        });
    const double a_tau = integrate_fields<dim>(
        discretization, fields, [&](const Point<dim> &x, const auto &v) {
          return a.contains(x) ? weight(v) * v[0] : 0.;
        });
    result.mfpt_from_a = a_tau / a_weight;
    const double total = integrate_fields<dim>(
        discretization, fields, [&](const Point<dim> &, const auto &v) {
          return weight(v);
        });
    result.committor_mean = integrate_fields<dim>(discretization,
                                                  fields,
                                                  [&](const Point<dim> &, const auto &v) {
                                                    return weight(v) * v[1];
                                                  }) /
                            total;

    if (parameters.quasi_stationary)
      {
        SpectrumParameters qsd            = spectrum_parameters;
        qsd.n_eigenvalues                 = 2;
        qsd.left_eigenvectors             = false;
        const Spectrum spectrum           = compute_spectrum(discretization, qsd, in_b);
        result.has_quasi_stationary       = true;
        result.quasi_stationary           = spectrum.right_real[0];
        result.escape_rate                = spectrum.eigenvalues[0].real();
        result.escape_gap                 = spectrum.gap();
        result.mfpt_from_quasi_stationary = integrate_fields<dim>(
            discretization,
            {&result.mean_first_passage_time, &result.quasi_stationary},
            [](const Point<dim> &, const auto &v) { return v[0] * v[1]; });
      }
    return result;
  }

#define FP_INSTANTIATE(dim)                                                                   \
  template class Region<dim>;                                                                 \
  template std::vector<types::global_dof_index> dofs_in_region<dim>(                          \
      const Discretization<dim> &, const Region<dim> &);                                      \
  template void             solve_backward<dim>(const Discretization<dim> &,                  \
                                    const std::vector<types::global_dof_index> &, \
                                    const std::vector<double> &,                  \
                                    const LA::MPI::Vector &,                      \
                                    LA::MPI::Vector &);                           \
  template TransitionResult compute_transitions<dim>(const Discretization<dim> &,             \
                                                     const TransitionParameters &,            \
                                                     const SpectrumParameters &,              \
                                                     const LA::MPI::Vector *);
  FP_FOR_EACH_DIM(FP_INSTANTIATE)
#undef FP_INSTANTIATE
} // namespace FokkerPlanck

#include <deal.II/base/quadrature_lib.h>
#include <deal.II/fe/fe_values.h>
#include <deal.II/lac/solver_cg.h>
#include <deal.II/lac/solver_control.h>

#include <fokker_planck/analysis/currents.h>
#include <fokker_planck/analysis/weighted_poisson.h>
#include <fokker_planck/base/instantiate.h>
#include <fokker_planck/discretization/density_quadrature.h>
#include <fokker_planck/discretization/probability_current.h>

#include <cmath>

namespace FokkerPlanck
{
  using namespace dealii;

  std::vector<std::pair<unsigned int, unsigned int>>
  coordinate_pairs(const unsigned int dim)
  {
    std::vector<std::pair<unsigned int, unsigned int>> pairs;
    for (unsigned int i = 0; i < dim; ++i)
      for (unsigned int j = i + 1; j < dim; ++j)
        pairs.emplace_back(i, j);
    return pairs;
  }

  template <int dim>
  double
  entropy_production_density(const Model<dim>     &model,
                             const Point<dim>     &x,
                             const double          p,
                             const Tensor<1, dim> &grad_p,
                             const double          floor)
  {
    if (!(p >= floor) || p <= 0.)
      return 0.;
    const Tensor<1, dim> J = probability_current(model, x, p, grad_p);
    return J * (invert(model.temperature() * model.diffusion(x)) * J) / p;
  }

  template <int dim>
  CurrentScalars
  current_scalars(const Discretization<dim> &discretization,
                  const Model<dim>          &model,
                  const LA::MPI::Vector     &p,
                  const double               floor_ratio)
  {
    Tensor<1, dim>          mean;
    SymmetricTensor<2, dim> covariance;
    discretization.moments(p, mean, covariance);
    const double   floor = floor_ratio * LA::max_entry(p);
    const auto     pairs = coordinate_pairs(dim);
    CurrentScalars result;
    result.area_rates.assign(pairs.size(), 0.);
    for_each_density_point<dim>(
        discretization, p, true, [&](const DensityAtPoint<dim> &point) {
          const Point<dim> &x   = point.x;
          const double      JxW = point.JxW;
          const auto J = probability_current(model, x, point.value, point.gradient);
          result.entropy_production +=
              entropy_production_density(model, x, point.value, point.gradient, floor) *
              JxW;
          result.current_l2 += J * J * JxW;
          for (unsigned int k = 0; k < pairs.size(); ++k)
            {
              const auto [i, j] = pairs[k];
              result.area_rates[k] +=
                  0.5 * ((x[i] - mean[i]) * J[j] - (x[j] - mean[j]) * J[i]) * JxW;
            }
        });
    const MPI_Comm communicator = discretization.communicator();
    result.entropy_production =
        Utilities::MPI::sum(result.entropy_production, communicator);
    result.current_l2 = std::sqrt(Utilities::MPI::sum(result.current_l2, communicator));
    for (auto &a : result.area_rates)
      a = Utilities::MPI::sum(a, communicator);
    return result;
  }

  template <int dim>
  void
  current_divergence(const Discretization<dim> &discretization,
                     const LA::MPI::Vector     &p,
                     LA::MPI::Vector           &divergence)
  {
    const auto     &constraints = discretization.get_constraints();
    LA::MPI::Vector x(p), Ap(p);
    constraints.set_zero(x);
    discretization.get_operator_matrix().vmult(Ap, x);
    constraints.set_zero(Ap);
    discretization.initialize_vector(divergence);
    if (Ap.l2_norm() == 0.)
      return;
    // M is well conditioned (κ = O(1) after Jacobi scaling): a reduction by
    // 1e-10 takes a few dozen iterations. Near rounding level (a density
    // that spans many orders of magnitude) the last iterate is kept.
    ReductionControl            control(1000, 0., 1e-10);
    SolverCG<LA::MPI::Vector>   cg(control);
    LA::MPI::PreconditionJacobi jacobi;
    jacobi.initialize(discretization.get_mass_matrix());
    try
      {
        cg.solve(discretization.get_mass_matrix(), divergence, Ap, jacobi);
      }
    catch (const SolverControl::NoConvergence &)
      {
      }
    constraints.distribute(divergence);
  }

  template <int dim>
  void
  stream_function(const Discretization<dim>    &discretization,
                  const GeometryParameters     &geometry,
                  const LinearSolverParameters &solver,
                  const Model<dim>             &model,
                  const LA::MPI::Vector        &p,
                  LA::MPI::Vector              &psi)
  {
    if constexpr (dim != 2)
      {
        psi.clear();
        (void)discretization, (void)geometry, (void)solver, (void)model, (void)p;
      }
    else
      {
        LA::MPI::Vector ghosted;
        discretization.initialize_ghosted_vector(ghosted);
        ghosted = p;
        std::vector<double>       values;
        std::vector<Tensor<1, 2>> gradients;
        solve_weighted_poisson<2>(
            discretization,
            geometry,
            solver,
            [](const Point<2> &) { return unit_symmetric_tensor<2>(); },
            [&](const FEValues<2> &fe_values, std::vector<Tensor<1, 2>> &f) {
              values.resize(f.size());
              gradients.resize(f.size());
              fe_values.get_function_values(ghosted, values);
              fe_values.get_function_gradients(ghosted, gradients);
              for (unsigned int q = 0; q < f.size(); ++q)
                {
                  const auto J = probability_current(
                      model, fe_values.quadrature_point(q), values[q], gradients[q]);
                  f[q] = Tensor<1, 2>({-J[1], J[0]});
                }
            },
            true,
            psi);
      }
  }

#define FP_INSTANTIATE(dim)                                                              \
  template double entropy_production_density<dim>(                                       \
      const Model<dim> &, const Point<dim> &, double, const Tensor<1, dim> &, double);   \
  template CurrentScalars current_scalars<dim>(                                          \
      const Discretization<dim> &, const Model<dim> &, const LA::MPI::Vector &, double); \
  template void current_divergence<dim>(                                                 \
      const Discretization<dim> &, const LA::MPI::Vector &, LA::MPI::Vector &);          \
  template void stream_function<dim>(const Discretization<dim> &,                        \
                                     const GeometryParameters &,                         \
                                     const LinearSolverParameters &,                     \
                                     const Model<dim> &,                                 \
                                     const LA::MPI::Vector &,                            \
                                     LA::MPI::Vector &);
  FP_FOR_EACH_DIM(FP_INSTANTIATE)
#undef FP_INSTANTIATE
} // namespace FokkerPlanck

#include <fokker_planck/base/instantiate.h>
#include <fokker_planck/discretization/density_quadrature.h>
#include <fokker_planck/discretization/probability_current.h>
#include <fokker_planck/sampling/finite_element_reference.h>

namespace FokkerPlanck::Sampling
{
  using namespace dealii;

  template <int dim>
  void
  for_each_binned_point(
      const Discretization<dim> &discretization,
      const Bins<dim>           &grid,
      const LA::MPI::Vector     &p,
      const bool                 gradients,
      const std::function<void(unsigned int bin, const DensityAtPoint<dim> &)> &on_point)
  {
    std::vector<unsigned int> matched(grid.size(), 0);
    unsigned int              c = 0;
    for_each_density_point<dim>(
        discretization,
        p,
        gradients,
        [&](const DensityAtPoint<dim> &point) { on_point(c, point); },
        [&](const auto &cell) {
          c = grid.index(cell->center());
          ++matched[c];
        });
    Utilities::MPI::sum(matched, discretization.communicator(), matched);
    for (const unsigned int m : matched)
      AssertThrow(m == 1,
                  ExcMessage("the bins of the samples and the finite-element cells "
                             "do not match one to one"));
  }

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

    std::vector<double> local(grid.size() * (1 + dim), 0.);
    double              ep = 0.;
    Tensor<2, dim>      area;
    const double        T = model.temperature();
    const auto on_point   = [&](const unsigned int c, const DensityAtPoint<dim> &point) {
      const Point<dim> &x   = point.x;
      const auto        J   = probability_current(model, x, point.value, point.gradient);
      const double      JxW = point.JxW;
      local[c * (1 + dim)] += point.value * JxW;
      for (unsigned int i = 0; i < dim; ++i)
        local[c * (1 + dim) + 1 + i] += J[i] * JxW;
      ep += J * (invert(T * model.diffusion(x)) * model.fokker_planck_drift(x)) * JxW;
      for (unsigned int i = 0; i < dim; ++i)
        for (unsigned int j = 0; j < dim; ++j)
          area[i][j] += 0.5 * ((x[i] - mean[i]) * J[j] - (x[j] - mean[j]) * J[i]) * JxW;
    };
    for_each_binned_point<dim>(discretization, grid, p, true, on_point);
    Utilities::MPI::sum(local, communicator, local);
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

#define FP_INSTANTIATE(dim)                                                              \
  template void for_each_binned_point<dim>(                                              \
      const Discretization<dim> &,                                                       \
      const Bins<dim> &,                                                                 \
      const LA::MPI::Vector &,                                                           \
      bool,                                                                              \
      const std::function<void(unsigned int, const DensityAtPoint<dim> &)> &);
  FP_FOR_EACH_DIM(FP_INSTANTIATE)
#undef FP_INSTANTIATE

  template struct FiniteElementReference<1>;
  template struct FiniteElementReference<2>;
  template struct FiniteElementReference<3>;
} // namespace FokkerPlanck::Sampling

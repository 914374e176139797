#include <fokker_planck/model/model.h>

namespace FokkerPlanck
{
  using namespace dealii;

  template <int dim>
  Tensor<1, dim>
  Model<dim>::diffusion_divergence(const Point<dim> &x) const
  {
    const double   h = difference_step();
    Tensor<1, dim> divergence;
    for (unsigned int j = 0; j < dim; ++j)
      {
        Tensor<1, dim> step;
        step[j]             = h;
        const auto d_plus   = diffusion(x + step);
        const auto d_minus  = diffusion(x - step);
        const auto d_plus2  = diffusion(x + 2. * step);
        const auto d_minus2 = diffusion(x - 2. * step);
        for (unsigned int i = 0; i < dim; ++i)
          divergence[i] +=
              (8. * (d_plus[i][j] - d_minus[i][j]) - (d_plus2[i][j] - d_minus2[i][j])) /
              (12. * h);
      }
    return divergence;
  }

  template <int dim>
  double
  Model<dim>::loss(const Point<dim> &) const
  {
    return 0.;
  }

  template <int dim>
  Tensor<1, dim>
  Model<dim>::fokker_planck_drift(const Point<dim> &x) const
  {
    if (noise_interpretation == NoiseInterpretation::haenggi_klimontovich)
      return drift(x);
    return drift(x) - T * diffusion_divergence(x);
  }

  template <int dim>
  void
  Model<dim>::set_common(const double              temperature,
                         const NoiseInterpretation interpretation,
                         const double              scale)
  {
    T                    = temperature;
    noise_interpretation = interpretation;
    length_scale         = scale;
  }

  template class Model<1>;
  template class Model<2>;
  template class Model<3>;
} // namespace FokkerPlanck

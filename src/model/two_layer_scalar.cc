#include <fokker_planck/base/input_error.h>
#include <fokker_planck/model/two_layer_scalar.h>

#include <cmath>
#include <sstream>

namespace FokkerPlanck
{
  using namespace dealii;

  namespace
  {
    /** (w₁, w₂) of a point; only called with dim = 2 (checked). */
    template <int dim>
    std::pair<double, double>
    weights(const Point<dim> &x)
    {
      return {x[0], x[dim - 1]};
    }
  } // namespace

  void
  TwoLayerScalarParameters::declare_parameters(ParameterHandler &prm)
  {
    prm.declare_entry("Input variance",
                      "1",
                      Patterns::Double(0.),
                      "Variance a > 0 of the scalar input x ~ N(0, a).");
    prm.declare_entry("Target",
                      "1",
                      Patterns::Double(),
                      "Teacher v: labels y = v x + sigma eps; the minima are "
                      "the hyperbola w1 w2 = v.");
    prm.declare_entry("Label noise variance",
                      "0",
                      Patterns::Double(0.),
                      "Variance sigma^2 >= 0 of the label noise.");
  }

  void
  TwoLayerScalarParameters::parse_parameters(const ParameterHandler &prm)
  {
    input_variance       = prm.get_double("Input variance");
    target               = prm.get_double("Target");
    label_noise_variance = prm.get_double("Label noise variance");
    require(input_variance > 0., "Model/Two-layer scalar/Input variance", "must be > 0");
  }

  template <int dim>
  TwoLayerScalarModel<dim>::TwoLayerScalarModel(const Parameters &parameters,
                                                const double)
      : TwoLayerScalarModel(parameters.network, parameters.noise)
  {
  }

  template <int dim>
  TwoLayerScalarModel<dim>::TwoLayerScalarModel(
      const TwoLayerScalarParameters &parameters, const SgdNoiseParameters &noise)
      : SgdModelOf<dim, TwoLayerScalarParameters>(noise)
      , parameters(parameters)
  {
    check();
    this->finish_setup();
  }

  template <int dim>
  void
  TwoLayerScalarModel<dim>::check() const
  {
    require(dim == 2,
            "dim",
            "must be 2 for the model 'two-layer-scalar' (the (w1, w2) plane), "
            "got " +
                std::to_string(dim));
    if (this->noise.noise == NoiseModel::sgd)
      require(this->noise.floor > 0.,
              "Model/Two-layer scalar/Isotropic floor",
              "is 0, so D = C(w) = (2a^2 r^2 + a sigma^2) n n^T, n = (w2, w1), "
              "has rank 1 at every point of the plane: the Fokker-Planck "
              "operator is degenerate (no diffusion along the level sets of "
              "w1 w2). Set a floor > 0, e.g. 1e-3, or choose a Langevin "
              "twin with 'Noise'");
  }

  template <int dim>
  Tensor<1, dim>
  TwoLayerScalarModel<dim>::gradient_flow_drift(const Point<dim> &x) const
  {
    const auto [w1, w2] = weights(x);
    const double   r    = w2 * w1 - parameters.target;
    Tensor<1, dim> u;
    u[0]       = -parameters.input_variance * r * w2;
    u[dim - 1] = -parameters.input_variance * r * w1;
    return u;
  }

  template <int dim>
  SymmetricTensor<2, dim>
  TwoLayerScalarModel<dim>::gradient_covariance(const Point<dim> &x) const
  {
    const auto [w1, w2]       = weights(x);
    const double            a = parameters.input_variance;
    const double            r = w2 * w1 - parameters.target;
    const double            g = 2. * a * a * r * r + a * parameters.label_noise_variance;
    SymmetricTensor<2, dim> C;
    C[0][0]             = g * w2 * w2;
    C[0][dim - 1]       = g * w2 * w1;
    C[dim - 1][dim - 1] = g * w1 * w1;
    return C;
  }

  template <int dim>
  double
  TwoLayerScalarModel<dim>::loss(const Point<dim> &x) const
  {
    const auto [w1, w2] = weights(x);
    const double r      = w2 * w1 - parameters.target;
    return 0.5 * (parameters.input_variance * r * r + parameters.label_noise_variance);
  }

  template <int dim>
  Point<dim>
  TwoLayerScalarModel<dim>::reference_point() const
  {
    const double v = parameters.target;
    Point<dim>   x;
    x[0]       = std::sqrt(std::abs(v));
    x[dim - 1] = v < 0 ? -std::sqrt(-v) : std::sqrt(v);
    return x;
  }

  template <int dim>
  std::string
  TwoLayerScalarModel<dim>::description() const
  {
    std::ostringstream out;
    out << "two-layer-scalar: f = w2 w1 x, u = -a r (w2, w1), "
        << "C = (2a^2 r^2 + a sigma^2)(w2, w1)(w2, w1)^T, a = "
        << parameters.input_variance << ", v = " << parameters.target
        << ", sigma^2 = " << parameters.label_noise_variance << this->noise_description();
    return out.str();
  }

  template class TwoLayerScalarModel<1>;
  template class TwoLayerScalarModel<2>;
  template class TwoLayerScalarModel<3>;
} // namespace FokkerPlanck

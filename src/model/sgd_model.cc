#include <fokker_planck/base/input_error.h>
#include <fokker_planck/model/sgd_model.h>

#include <sstream>

namespace FokkerPlanck
{
  using namespace dealii;

  void
  SgdNoiseParameters::declare_parameters(ParameterHandler &prm)
  {
    prm.declare_entry(
        "Noise",
        "sgd",
        Patterns::Selection(
            "sgd|langevin|langevin-trace-matched|langevin-trace-matched-pointwise"),
        "The diffusion matrix, at the same drift u and T = eta/(2B). 'sgd': "
        "D = C(x) + delta I, the per-sample gradient covariance; 'langevin': "
        "the Langevin twin D = I (pi = exp(-L/T)/Z when u = -grad L); "
        "'langevin-trace-matched': D = c I with the constant c = tr C(x_ref)/d "
        "at the model's minimum x_ref; 'langevin-trace-matched-pointwise': "
        "D = (tr C(x)/d + delta) I, isotropic but state-dependent.");
    prm.declare_entry("Isotropic floor",
                      "0",
                      Patterns::Double(0.),
                      "delta >= 0 added to D as delta I (noise 'sgd' and "
                      "'langevin-trace-matched-pointwise'). Never added "
                      "silently: 0 keeps SGD's own noise, and a degenerate "
                      "problem is reported.");
  }

  void
  SgdNoiseParameters::parse_parameters(const ParameterHandler &prm)
  {
    const std::string text = prm.get("Noise");
    noise                  = text == "sgd"        ? NoiseModel::sgd
                             : text == "langevin" ? NoiseModel::langevin
                             : text == "langevin-trace-matched"
                                 ? NoiseModel::langevin_trace_matched
                                 : NoiseModel::langevin_trace_matched_pointwise;
    floor                  = prm.get_double("Isotropic floor");
  }

  std::string
  SgdNoiseParameters::name() const
  {
    switch (noise)
      {
        case NoiseModel::sgd:
          return "sgd";
        case NoiseModel::langevin:
          return "langevin";
        case NoiseModel::langevin_trace_matched:
          return "langevin-trace-matched";
        default:
          return "langevin-trace-matched-pointwise";
      }
  }

  template <int dim>
  SgdModel<dim>::SgdModel(const SgdNoiseParameters &noise, const std::string &subsection)
      : noise(noise)
      , subsection(subsection)
  {
  }

  template <int dim>
  void
  SgdModel<dim>::finish_setup()
  {
    if (noise.noise == NoiseModel::langevin_trace_matched)
      {
        trace_matched_scale = trace(gradient_covariance(reference_point())) / dim;
        std::ostringstream where;
        where << reference_point();
        require(trace_matched_scale > 0.,
                "Model/" + subsection + "/Noise",
                "'langevin-trace-matched' takes tr C/d at the minimum x_ref = (" +
                    where.str() +
                    "), where it is 0: the twin would be noise-free. Use "
                    "'langevin', give label noise, or (two-layer-scalar) a "
                    "target v != 0");
      }
  }

  template <int dim>
  void
  SgdModel<dim>::require_noise_at_minimum(const double       label_noise_variance,
                                          const std::string &minimum) const
  {
    if ((noise.noise == NoiseModel::sgd ||
         noise.noise == NoiseModel::langevin_trace_matched_pointwise) &&
        noise.floor == 0.)
      require(label_noise_variance > 0.,
              "Model/" + subsection + "/Label noise variance",
              "is 0 and so is 'Isotropic floor': D vanishes at " + minimum +
                  ", where the drift vanishes too, so the density collapses "
                  "to a point mass (degenerate problem). Give label noise > 0 "
                  "or an isotropic floor > 0");
  }

  template <int dim>
  SymmetricTensor<2, dim>
  SgdModel<dim>::diffusion(const Point<dim> &x) const
  {
    const auto identity = unit_symmetric_tensor<dim>();
    switch (noise.noise)
      {
        case NoiseModel::sgd:
          return gradient_covariance(x) + noise.floor * identity;
        case NoiseModel::langevin:
          return identity;
        case NoiseModel::langevin_trace_matched:
          return trace_matched_scale * identity;
        default:
          return (trace(gradient_covariance(x)) / dim + noise.floor) * identity;
      }
  }

  template <int dim>
  std::string
  SgdModel<dim>::noise_description() const
  {
    std::ostringstream out;
    out << "; noise = " << noise.name();
    if (noise.noise == NoiseModel::langevin_trace_matched)
      out << " (D = " << trace_matched_scale << " I)";
    if (noise.floor > 0.)
      out << ", isotropic floor " << noise.floor;
    return out.str();
  }

  template class SgdModel<1>;
  template class SgdModel<2>;
  template class SgdModel<3>;
} // namespace FokkerPlanck

#include <deal.II/base/patterns.h>

#include <fokker_planck/base/input_error.h>
#include <fokker_planck/model/deep_linear.h>
#include <fokker_planck/model/linear_regression.h>
#include <fokker_planck/model/model.h>
#include <fokker_planck/model/ornstein_uhlenbeck.h>
#include <fokker_planck/model/parsed_model.h>
#include <fokker_planck/model/two_layer_scalar.h>

#include <functional>

namespace FokkerPlanck
{
  using namespace dealii;

  namespace
  {
    /**
     * The model registry: one row per model, whose names also make the
     * Selection pattern of "Model/Name". A new model adds one row here.
     */
    struct ModelEntry
    {
      std::string                                                          name;
      std::function<void(ParameterHandler &)>                              declare;
      std::function<std::unique_ptr<Model<1>>(ParameterHandler &, double)> create1;
      std::function<std::unique_ptr<Model<2>>(ParameterHandler &, double)> create2;
      std::function<std::unique_ptr<Model<3>>(ParameterHandler &, double)> create3;
    };

    template <template <int> class M>
    ModelEntry
    make_entry(const std::string &name)
    {
      return {name,
              &M<2>::declare_parameters,
              [](ParameterHandler &prm, double T) {
                if constexpr (std::is_constructible_v<M<1>, ParameterHandler &, double>)
                  return std::unique_ptr<Model<1>>(new M<1>(prm, T));
                else
                  return std::unique_ptr<Model<1>>(new M<1>(prm));
              },
              [](ParameterHandler &prm, double T) {
                if constexpr (std::is_constructible_v<M<2>, ParameterHandler &, double>)
                  return std::unique_ptr<Model<2>>(new M<2>(prm, T));
                else
                  return std::unique_ptr<Model<2>>(new M<2>(prm));
              },
              [](ParameterHandler &prm, double T) {
                if constexpr (std::is_constructible_v<M<3>, ParameterHandler &, double>)
                  return std::unique_ptr<Model<3>>(new M<3>(prm, T));
                else
                  return std::unique_ptr<Model<3>>(new M<3>(prm));
              }};
    }

    const std::vector<ModelEntry> &
    registry()
    {
      static const std::vector<ModelEntry> entries = {
          make_entry<ParsedModel>("parsed"),
          make_entry<OrnsteinUhlenbeckModel>("ornstein-uhlenbeck"),
          make_entry<LinearRegressionModel>("linear-regression"),
          make_entry<TwoLayerScalarModel>("two-layer-scalar"),
          make_entry<DeepLinearModel>("deep-linear")};
      return entries;
    }
  } // namespace

  std::string
  model_names()
  {
    std::string names;
    for (const auto &entry : registry())
      names += (names.empty() ? "" : "|") + entry.name;
    return names;
  }

  void
  ModelParameters::declare_parameters(ParameterHandler &prm)
  {
    prm.enter_subsection("Model");
    {
      prm.declare_entry("Name",
                        "parsed",
                        Patterns::Selection(model_names()),
                        "Which model supplies the drift u, diffusion D and "
                        "loss L. 'parsed': expressions in subsection Parsed; "
                        "'ornstein-uhlenbeck': u = -Hx with constant D, "
                        "subsection Ornstein-Uhlenbeck. SGD models of linear "
                        "networks (T = eta/(2B), doc/sgd_models.md): "
                        "'linear-regression', 'two-layer-scalar', "
                        "'deep-linear', each with its own subsection.");
      prm.declare_entry("Temperature source",
                        "temperature",
                        Patterns::Selection("temperature|sgd"),
                        "'temperature': T is 'Temperature'; 'sgd': "
                        "T = eta/(2B) from 'Learning rate' eta and "
                        "'Batch size' B.");
      prm.declare_entry("Temperature",
                        "1",
                        Patterns::Double(0.),
                        "Temperature T > 0 multiplying the noise: "
                        "dX = u dt + sqrt(2T) sigma dW.");
      prm.declare_entry("Learning rate",
                        "0.01",
                        Patterns::Double(0.),
                        "SGD learning rate eta > 0 (used when 'Temperature "
                        "source = sgd'); time is t = step * eta.");
      prm.declare_entry("Batch size",
                        "1",
                        Patterns::Integer(1),
                        "SGD batch size B >= 1 (used when 'Temperature "
                        "source = sgd').");
      prm.declare_entry("Noise interpretation",
                        "ito",
                        Patterns::Selection("ito|haenggi-klimontovich"),
                        "'ito': the SDE drift is u; 'haenggi-klimontovich': "
                        "T div D is added to it, so that the Fokker-Planck "
                        "drift a = u - T div D becomes a = u.");
      for (const auto &entry : registry())
        entry.declare(prm);
    }
    prm.leave_subsection();
  }

  void
  ModelParameters::parse_parameters(ParameterHandler &prm)
  {
    prm.enter_subsection("Model");
    {
      name                 = prm.get("Name");
      temperature_from_sgd = prm.get("Temperature source") == "sgd";
      temperature          = prm.get_double("Temperature");
      learning_rate        = prm.get_double("Learning rate");
      batch_size           = prm.get_integer("Batch size");
      interpretation       = prm.get("Noise interpretation") == "ito"
                                 ? NoiseInterpretation::ito
                                 : NoiseInterpretation::haenggi_klimontovich;
    }
    prm.leave_subsection();
    if (temperature_from_sgd)
      require(learning_rate > 0.,
              "Model/Learning rate",
              "must be > 0 when 'Temperature source = sgd'");
    else
      require(temperature > 0.,
              "Model/Temperature",
              "must be > 0 (got " + Utilities::to_string(temperature) + ")");
  }

  double
  ModelParameters::effective_temperature() const
  {
    return temperature_from_sgd ? learning_rate / (2. * batch_size) : temperature;
  }

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

  template <int dim>
  std::unique_ptr<Model<dim>>
  create_model(ParameterHandler &prm, const double length_scale)
  {
    ModelParameters parameters;
    parameters.parse_parameters(prm);
    const double T = parameters.effective_temperature();

    std::unique_ptr<Model<dim>> model;
    prm.enter_subsection("Model");
    try
      {
        for (const auto &entry : registry())
          if (entry.name == parameters.name)
            {
              if constexpr (dim == 1)
                model = entry.create1(prm, T);
              else if constexpr (dim == 2)
                model = entry.create2(prm, T);
              else
                model = entry.create3(prm, T);
            }
      }
    catch (...)
      {
        prm.leave_subsection();
        throw;
      }
    prm.leave_subsection();
    model->set_common(T, parameters.interpretation, length_scale);
    return model;
  }

  template class Model<1>;
  template class Model<2>;
  template class Model<3>;
  template std::unique_ptr<Model<1>>
  create_model<1>(ParameterHandler &, double);
  template std::unique_ptr<Model<2>>
  create_model<2>(ParameterHandler &, double);
  template std::unique_ptr<Model<3>>
  create_model<3>(ParameterHandler &, double);
} // namespace FokkerPlanck

#include <deal.II/base/patterns.h>

#include <fokker_planck/base/input_error.h>
#include <fokker_planck/model/deep_linear.h>
#include <fokker_planck/model/linear_regression.h>
#include <fokker_planck/model/model_parameters.h>
#include <fokker_planck/model/ornstein_uhlenbeck.h>
#include <fokker_planck/model/parsed_model.h>
#include <fokker_planck/model/tabulated.h>
#include <fokker_planck/model/two_layer_scalar.h>

#include <functional>
#include <type_traits>

namespace FokkerPlanck
{
  using namespace dealii;

  namespace
  {
    /**
     * One row of the model registry. Every model class M<dim> offers
     * - a type M<dim>::Parameters with the entries of its own subsection,
     * - static declare_parameters(prm) and parse_parameters(prm), called
     *   inside the entered subsection "Model" (a model that reads files
     *   takes parse_parameters(prm, input_directory) instead),
     * - a constructor M(const Parameters &, double temperature).
     * A new model adds one row to registry().
     */
    struct ModelEntry
    {
      std::string                             name;
      std::function<void(ParameterHandler &)> declare;
      std::function<std::any(ParameterHandler &, unsigned int dim, const std::string &)>
          parse;
      /** Whether the model takes T = η/(2B) ('Temperature source = sgd'). */
      bool                                                               sgd;
      std::function<std::unique_ptr<Model<1>>(const std::any &, double)> create1;
      std::function<std::unique_ptr<Model<2>>(const std::any &, double)> create2;
      std::function<std::unique_ptr<Model<3>>(const std::any &, double)> create3;

      template <int dim>
      std::unique_ptr<Model<dim>>
      create(const std::any &parameters, const double temperature) const
      {
        if constexpr (dim == 1)
          return create1(parameters, temperature);
        else if constexpr (dim == 2)
          return create2(parameters, temperature);
        else
          return create3(parameters, temperature);
      }
    };

    /** Whether M::parse_parameters takes the parameter file's folder. */
    template <class M, class = void>
    struct ReadsFiles : std::false_type
    {
    };
    template <class M>
    struct ReadsFiles<
        M,
        std::void_t<decltype(M::parse_parameters(std::declval<ParameterHandler &>(),
                                                 std::declval<std::string>()))>>
        : std::true_type
    {
    };

    template <class M>
    std::any
    parse_model(ParameterHandler &prm, const std::string &input_directory)
    {
      if constexpr (ReadsFiles<M>::value)
        return M::parse_parameters(prm, input_directory);
      else
        return M::parse_parameters(prm);
    }

    /** SGD models take T = η/(2B) only, unless they say otherwise. */
    template <class M>
    constexpr bool
    requires_sgd_temperature()
    {
      if constexpr (std::is_base_of_v<SgdModel<2>, M>)
        return M::requires_sgd_temperature;
      else
        return false;
    }

    template <template <int> class M, int dim>
    std::unique_ptr<Model<dim>>
    construct(const std::any &parameters, const double temperature)
    {
      return std::make_unique<M<dim>>(
          std::any_cast<const typename M<dim>::Parameters &>(parameters), temperature);
    }

    template <template <int> class M>
    ModelEntry
    make_entry(const std::string &name)
    {
      return {
          name,
          &M<2>::declare_parameters,
          [](ParameterHandler &prm, const unsigned int dim, const std::string &folder) {
            if (dim == 1)
              return parse_model<M<1>>(prm, folder);
            if (dim == 2)
              return parse_model<M<2>>(prm, folder);
            return parse_model<M<3>>(prm, folder);
          },
          requires_sgd_temperature<M<2>>(),
          &construct<M, 1>,
          &construct<M, 2>,
          &construct<M, 3>};
    }

    const std::vector<ModelEntry> &
    registry()
    {
      static const std::vector<ModelEntry> entries = {
          make_entry<ParsedModel>("parsed"),
          make_entry<OrnsteinUhlenbeckModel>("ornstein-uhlenbeck"),
          make_entry<LinearRegressionModel>("linear-regression"),
          make_entry<TwoLayerScalarModel>("two-layer-scalar"),
          make_entry<DeepLinearModel>("deep-linear"),
          make_entry<TabulatedModel>("tabulated")};
      return entries;
    }

    const ModelEntry &
    entry_named(const std::string &name)
    {
      for (const auto &entry : registry())
        if (entry.name == name)
          return entry;
      throw InputError("Model/Name", "'" + name + "' is not one of " + model_names());
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
      prm.add_parameter("Name",
                        name,
                        "Which model supplies the drift u, diffusion D and "
                        "loss L. 'parsed': expressions in subsection Parsed; "
                        "'ornstein-uhlenbeck': u = -Hx with constant D, "
                        "subsection Ornstein-Uhlenbeck. SGD models of linear "
                        "networks (T = eta/(2B), doc/sgd_models.md): "
                        "'linear-regression', 'two-layer-scalar', "
                        "'deep-linear', each with its own subsection. "
                        "'tabulated': u, D and L on a grid from an HDF5 file "
                        "(subsection Tabulated, doc/tabulated_models.md).",
                        Patterns::Selection(model_names()));
      prm.add_parameter("Temperature source",
                        temperature_source,
                        "'temperature': T is 'Temperature'; 'sgd': "
                        "T = eta/(2B) from 'Learning rate' eta and "
                        "'Batch size' B.",
                        Patterns::Selection("temperature|sgd"));
      prm.add_parameter("Temperature",
                        temperature,
                        "Temperature T > 0 multiplying the noise: "
                        "dX = u dt + sqrt(2T) sigma dW.",
                        Patterns::Double(0.));
      prm.add_parameter("Learning rate",
                        learning_rate,
                        "SGD learning rate eta > 0 (used when 'Temperature "
                        "source = sgd'); time is t = step * eta.",
                        Patterns::Double(0.));
      prm.add_parameter("Batch size",
                        batch_size,
                        "SGD batch size B >= 1 (used when 'Temperature "
                        "source = sgd').",
                        Patterns::Integer(1));
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
  ModelParameters::parse_parameters(ParameterHandler &prm, const unsigned int dim)
  {
    temperature_from_sgd = temperature_source == "sgd";
    if (temperature_from_sgd)
      require(learning_rate > 0.,
              "Model/Learning rate",
              "must be > 0 when 'Temperature source = sgd'");
    else
      require(temperature > 0.,
              "Model/Temperature",
              "must be > 0 (got " + Utilities::to_string(temperature) + ")");
    const ModelEntry &entry = entry_named(name);
    require(!entry.sgd || temperature_from_sgd,
            "Model/Temperature source",
            "must be 'sgd' for the model '" + name +
                "': its temperature is T = eta/(2B) from 'Learning rate' and "
                "'Batch size'");

    prm.enter_subsection("Model");
    try
      {
        interpretation = prm.get("Noise interpretation") == "ito"
                             ? NoiseInterpretation::ito
                             : NoiseInterpretation::haenggi_klimontovich;
        specific       = entry.parse(prm, dim, input_directory);
      }
    catch (...)
      {
        prm.leave_subsection();
        throw;
      }
    prm.leave_subsection();
  }

  double
  ModelParameters::effective_temperature() const
  {
    return temperature_from_sgd ? learning_rate / (2. * batch_size) : temperature;
  }

  template <int dim>
  std::unique_ptr<Model<dim>>
  create_model(const ModelParameters &parameters, const double length_scale)
  {
    const double T     = parameters.effective_temperature();
    auto         model = entry_named(parameters.name).create<dim>(parameters.specific, T);
    model->set_common(T, parameters.interpretation, length_scale);
    return model;
  }

  template std::unique_ptr<Model<1>>
  create_model<1>(const ModelParameters &, double);
  template std::unique_ptr<Model<2>>
  create_model<2>(const ModelParameters &, double);
  template std::unique_ptr<Model<3>>
  create_model<3>(const ModelParameters &, double);
} // namespace FokkerPlanck

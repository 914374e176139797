/**
 * @file
 * Subsection "Model": which model supplies u, D and L, the temperature T
 * (given, or T = η/(2B) from SGD's learning rate and batch size), the noise
 * interpretation, and the parsed entries of the chosen model's own
 * subsection. The model registry lives behind create_model(): its names
 * also make the Selection pattern of "Model/Name".
 */
#pragma once

#include <deal.II/base/parameter_handler.h>

#include <fokker_planck/model/model.h>

#include <any>
#include <memory>
#include <string>

namespace FokkerPlanck
{
  /**
   * Entries of subsection "Model" shared by all models, and the chosen
   * model's own entries as that model parsed them.
   */
  struct ModelParameters
  {
    /** Entry "Name": the registered model. */
    std::string name = "parsed";
    /** Entry "Temperature source" is 'sgd': T = η/(2B). */
    bool                temperature_from_sgd = false;
    std::string         temperature_source   = "temperature";
    double              temperature          = 1.;
    double              learning_rate        = 0.01;
    unsigned int        batch_size           = 1;
    NoiseInterpretation interpretation       = NoiseInterpretation::ito;
    /** The parameter file's folder: relative file names are taken from it. */
    std::string input_directory = ".";
    /**
     * The entries of the model's own subsection, parsed by the model for
     * the run's dimension (its type is the model's Parameters type; see
     * specific()).
     */
    std::any specific;

    /**
     * Declare the common entries (one-to-one entries bound to the members
     * above) and every registered model's subsection.
     */
    void
    declare_parameters(dealii::ParameterHandler &prm);

    /**
     * After the file is parsed: the interpretation, the checks of T, and
     * the chosen model's own subsection, parsed for @p dim dimensions.
     */
    void
    parse_parameters(dealii::ParameterHandler &prm, unsigned int dim);

    /** T, either given or η/(2B). */
    double
    effective_temperature() const;

    /** The chosen model's parsed entries, as type @p P (its Parameters). */
    template <class P>
    const P &
    specific_as() const
    {
      return std::any_cast<const P &>(specific);
    }
  };

  /**
   * The model named in @p parameters (parsed for @p dim), with the
   * temperature, the noise interpretation and @p length_scale (the
   * domain's diameter, which sets the step of finite differences) set.
   */
  template <int dim>
  std::unique_ptr<Model<dim>>
  create_model(const ModelParameters &parameters, double length_scale);

  /** The names of all registered models, '|'-separated (for Selection). */
  std::string
  model_names();

  extern template std::unique_ptr<Model<1>>
  create_model<1>(const ModelParameters &, double);
  extern template std::unique_ptr<Model<2>>
  create_model<2>(const ModelParameters &, double);
  extern template std::unique_ptr<Model<3>>
  create_model<3>(const ModelParameters &, double);
} // namespace FokkerPlanck

/**
 * @file
 * A model whose drift, diffusion matrix and loss are muparser expressions
 * (subsection "Model/Parsed").
 */
#pragma once

#include <deal.II/base/function_parser.h>

#include <fokker_planck/model/model.h>

namespace FokkerPlanck
{
  /** Entries of subsection "Model/Parsed": the expressions as written. */
  struct ParsedModelParameters
  {
    /** Entry "Drift": dim expressions separated by ';', or empty (u = −∇L). */
    std::string drift;
    /** Entry "Diffusion": 1, dim or dim² expressions separated by ';'. */
    std::string diffusion = "1";
    /** Entry "Loss": one expression, or empty. */
    std::string loss;
    /** Entry "Function constants": "a=1, c=0.5". */
    std::string constants;
  };

  /**
   * Drift u(x), diffusion D(x) and loss L(x) from FunctionParser expressions
   * in the variables x, y, z. The constant T (temperature) is predefined.
   * If no drift is given, u = −∇L (by fourth-order differences).
   * D may be given as 1 expression (D = f I), dim expressions (diagonal) or
   * dim² expressions (row-major, must be symmetric).
   */
  template <int dim>
  class ParsedModel : public Model<dim>
  {
  public:
    using Parameters = ParsedModelParameters;

    /** Declare subsection "Parsed" (inside the entered "Model"). */
    static void
    declare_parameters(dealii::ParameterHandler &prm);

    /** Read subsection "Parsed" (inside the entered "Model"). */
    static Parameters
    parse_parameters(dealii::ParameterHandler &prm);

    /**
     * Parse the expressions of @p parameters; the constant T of the
     * expressions is @p temperature.
     */
    ParsedModel(const Parameters &parameters, double temperature);

    dealii::Tensor<1, dim>
    drift(const dealii::Point<dim> &x) const override;

    dealii::SymmetricTensor<2, dim>
    diffusion(const dealii::Point<dim> &x) const override;

    bool
    has_loss() const override
    {
      return loss_function != nullptr;
    }

    double
    loss(const dealii::Point<dim> &x) const override;

    std::string
    description() const override;

    std::string
    diffusion_entry() const override
    {
      return "Model/Parsed/Diffusion";
    }

  private:
    std::unique_ptr<dealii::FunctionParser<dim>> drift_function;
    std::unique_ptr<dealii::FunctionParser<dim>> diffusion_function;
    std::unique_ptr<dealii::FunctionParser<dim>> loss_function;
    unsigned int                                 n_diffusion_components = 0;
    std::string                                  text;
  };
} // namespace FokkerPlanck

#include <deal.II/lac/vector.h>

#include <fokker_planck/base/input_error.h>
#include <fokker_planck/base/parsing.h>
#include <fokker_planck/model/parsed_model.h>

#include <cmath>
#include <iostream>
#include <sstream>

namespace FokkerPlanck
{
  using namespace dealii;

  template <int dim>
  void
  ParsedModel<dim>::declare_parameters(ParameterHandler &prm)
  {
    prm.enter_subsection("Parsed");
    {
      prm.declare_entry("Drift",
                        "",
                        Patterns::Anything(),
                        "Drift u(x) of the Ito SDE: dim expressions separated "
                        "by ';' in the variables x, y, z. Empty: u = -grad L "
                        "from 'Loss'. The constant T (temperature) is "
                        "predefined.");
      prm.declare_entry("Diffusion",
                        "1",
                        Patterns::Anything(),
                        "Diffusion matrix D(x) = sigma sigma^T, symmetric "
                        "positive definite: 1 expression (D = f I), dim "
                        "expressions (diagonal D) or dim*dim expressions "
                        "(row-major), separated by ';'. Its divergence is "
                        "computed, not asked for.");
      prm.declare_entry("Loss",
                        "",
                        Patterns::Anything(),
                        "Optional loss L(x) (one expression). Written to the "
                        "output as 'loss'; gives the drift -grad L when "
                        "'Drift' is empty.");
      prm.declare_entry("Function constants",
                        "",
                        Patterns::Anything(),
                        "Constants usable in the expressions, e.g. "
                        "'a=1, c=0.5'.");
    }
    prm.leave_subsection();
  }

  template <int dim>
  typename ParsedModel<dim>::Parameters
  ParsedModel<dim>::parse_parameters(ParameterHandler &prm)
  {
    Parameters parameters;
    prm.enter_subsection("Parsed");
    parameters.drift     = prm.get("Drift");
    parameters.diffusion = prm.get("Diffusion");
    parameters.loss      = prm.get("Loss");
    parameters.constants = prm.get("Function constants");
    prm.leave_subsection();
    return parameters;
  }

  template <int dim>
  ParsedModel<dim>::ParsedModel(const Parameters &parameters, const double temperature)
  {
    const std::string &drift_text     = parameters.drift;
    const std::string &diffusion_text = parameters.diffusion;
    const std::string &loss_text      = parameters.loss;
    const std::string &constants_text = parameters.constants;

    auto constants =
        Parsing::parse_constants(constants_text, "Model/Parsed/Function constants");
    constants.emplace("T", temperature);

    const auto loss_expressions = Parsing::split_expressions(loss_text);
    require(loss_expressions.size() <= 1,
            "Model/Parsed/Loss",
            "must be a single expression (no ';')");
    if (loss_expressions.size() == 1)
      loss_function =
          Parsing::make_parser<dim>(loss_expressions, constants, "Model/Parsed/Loss");

    const auto drift_expressions = Parsing::split_expressions(drift_text);
    if (drift_expressions.empty())
      require(loss_function != nullptr,
              "Model/Parsed/Drift",
              "is empty and so is 'Loss'; give the drift (" + std::to_string(dim) +
                  " expressions separated by ';') or a loss L (drift -grad L)");
    else
      {
        require(drift_expressions.size() == dim,
                "Model/Parsed/Drift",
                "needs dim = " + std::to_string(dim) +
                    " expressions separated by ';', got " +
                    std::to_string(drift_expressions.size()));
        drift_function =
            Parsing::make_parser<dim>(drift_expressions, constants, "Model/Parsed/Drift");
      }

    const auto diffusion_expressions = Parsing::split_expressions(diffusion_text);
    n_diffusion_components           = diffusion_expressions.size();
    require(n_diffusion_components == 1 || n_diffusion_components == dim ||
                n_diffusion_components == dim * dim,
            "Model/Parsed/Diffusion",
            "needs 1 (isotropic), dim = " + std::to_string(dim) +
                " (diagonal) or dim*dim = " + std::to_string(dim * dim) +
                " (row-major) expressions, got " +
                std::to_string(n_diffusion_components));
    diffusion_function = Parsing::make_parser<dim>(
        diffusion_expressions, constants, "Model/Parsed/Diffusion");

    text = "parsed: u = [" + (drift_text.empty() ? "-grad L" : drift_text) + "], D = [" +
           diffusion_text + "]" + (loss_text.empty() ? "" : ", L = " + loss_text);
  }

  template <int dim>
  Tensor<1, dim>
  ParsedModel<dim>::drift(const Point<dim> &x) const
  {
    Tensor<1, dim> u;
    if (drift_function)
      {
        Vector<double> values(dim);
        drift_function->vector_value(x, values);
        for (unsigned int d = 0; d < dim; ++d)
          u[d] = values[d];
        return u;
      }
    const double h = this->difference_step();
    for (unsigned int d = 0; d < dim; ++d)
      {
        Tensor<1, dim> step;
        step[d] = h;
        u[d] = -(8. * (loss_function->value(x + step) - loss_function->value(x - step)) -
                 (loss_function->value(x + 2. * step) -
                  loss_function->value(x - 2. * step))) /
               (12. * h);
      }
    return u;
  }

  template <int dim>
  SymmetricTensor<2, dim>
  ParsedModel<dim>::diffusion(const Point<dim> &x) const
  {
    Vector<double> values(n_diffusion_components);
    diffusion_function->vector_value(x, values);
    SymmetricTensor<2, dim> D;
    if (n_diffusion_components == 1)
      for (unsigned int d = 0; d < dim; ++d)
        D[d][d] = values[0];
    else if (n_diffusion_components == dim && dim > 1)
      for (unsigned int d = 0; d < dim; ++d)
        D[d][d] = values[d];
    else
      for (unsigned int i = 0; i < dim; ++i)
        for (unsigned int j = i; j < dim; ++j)
          {
            const double a = values[i * dim + j], b = values[j * dim + i];
            if (std::abs(a - b) > 1e-12 * (std::abs(a) + std::abs(b)) + 1e-300)
              {
                std::ostringstream where;
                where << x;
                throw InputError("Model/Parsed/Diffusion",
                                 "D must be symmetric, but D_" + std::to_string(i) +
                                     std::to_string(j) + " != D_" + std::to_string(j) +
                                     std::to_string(i) + " at x = (" + where.str() + ")");
              }
            D[i][j] = a;
          }
    return D;
  }

  template <int dim>
  double
  ParsedModel<dim>::loss(const Point<dim> &x) const
  {
    return loss_function ? loss_function->value(x) : 0.;
  }

  template <int dim>
  std::string
  ParsedModel<dim>::description() const
  {
    return text;
  }

  template class ParsedModel<1>;
  template class ParsedModel<2>;
  template class ParsedModel<3>;
} // namespace FokkerPlanck

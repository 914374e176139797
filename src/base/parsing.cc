#include <deal.II/base/utilities.h>

#include <fokker_planck/base/input_error.h>
#include <fokker_planck/base/parsing.h>

#include <deal.II/lac/vector.h>

#include <cmath>
#include <iostream>
#include <sstream>

namespace FokkerPlanck
{
  namespace Parsing
  {
    std::vector<double>
    get_doubles(const dealii::ParameterHandler &prm, const std::string &name)
    {
      std::vector<double> values;
      for (const auto &item : dealii::Utilities::split_string_list(prm.get(name), ','))
        values.push_back(dealii::Utilities::string_to_double(item));
      return values;
    }

    std::vector<unsigned int>
    get_unsigned(const dealii::ParameterHandler &prm, const std::string &name)
    {
      std::vector<unsigned int> values;
      for (const auto &item : dealii::Utilities::split_string_list(prm.get(name), ','))
        values.push_back(dealii::Utilities::string_to_int(item));
      return values;
    }

    std::vector<std::string>
    split_expressions(const std::string &text)
    {
      if (dealii::Utilities::trim(text).empty())
        return {};
      return dealii::Utilities::split_string_list(text, ';');
    }

    std::map<std::string, double>
    parse_constants(const std::string &text, const std::string &entry)
    {
      // pi and e are always defined; a user's own value takes precedence.
      std::map<std::string, double> constants = {{"pi", M_PI}, {"e", M_E}};
      for (const auto &pair : dealii::Utilities::split_string_list(text, ','))
        {
          const auto parts = dealii::Utilities::split_string_list(pair, '=');
          require(parts.size() == 2 && !parts[0].empty(),
                  entry,
                  "'" + pair +
                      "' is not of the form name=value; allowed is a comma-"
                      "separated list such as 'a=1, b=0.5'");
          try
            {
              constants[parts[0]] = dealii::Utilities::string_to_double(parts[1]);
            }
          catch (...)
            {
              throw InputError(entry,
                               "the value of '" + parts[0] + "' is not a number: '" +
                                   parts[1] + "'");
            }
        }
      return constants;
    }

    std::string
    variable_names(const unsigned int dim, const bool time_dependent)
    {
      const char *names[] = {"x", "y", "z"};
      std::string result;
      for (unsigned int d = 0; d < dim; ++d)
        result += (d ? "," : "") + std::string(names[d]);
      if (time_dependent)
        result += ",t";
      return result;
    }
  } // namespace Parsing
} // namespace FokkerPlanck

namespace FokkerPlanck::Parsing
{
  template <int dim>
  std::unique_ptr<dealii::FunctionParser<dim>>
  make_parser(const std::vector<std::string>      &expressions,
              const std::map<std::string, double> &constants,
              const std::string                   &entry,
              const std::string                   &context)
  {
    auto parser = std::make_unique<dealii::FunctionParser<dim>>(expressions.size());
    std::ostringstream    silenced;
    std::streambuf *const saved   = std::cerr.rdbuf(silenced.rdbuf());
    const auto            restore = [&]() { std::cerr.rdbuf(saved); };
    try
      {
        parser->initialize(variable_names(dim), expressions, constants);
        dealii::Vector<double> values(expressions.size());
        parser->vector_value(dealii::Point<dim>(), values);
        restore();
      }
    catch (const std::exception &e)
      {
        restore();
        std::string joined;
        for (const auto &text : expressions)
          joined += (joined.empty() ? "" : "; ") + text;
        throw InputError(entry,
                         "cannot evaluate '" + joined + "'" + context +
                             " as a function of " + variable_names(dim) + ": " +
                             one_line_message(e));
      }
    return parser;
  }

  template std::unique_ptr<dealii::FunctionParser<1>>
  make_parser<1>(const std::vector<std::string> &,
                 const std::map<std::string, double> &,
                 const std::string &,
                 const std::string &);
  template std::unique_ptr<dealii::FunctionParser<2>>
  make_parser<2>(const std::vector<std::string> &,
                 const std::map<std::string, double> &,
                 const std::string &,
                 const std::string &);
  template std::unique_ptr<dealii::FunctionParser<3>>
  make_parser<3>(const std::vector<std::string> &,
                 const std::map<std::string, double> &,
                 const std::string &,
                 const std::string &);
} // namespace FokkerPlanck::Parsing

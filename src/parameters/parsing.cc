#include <deal.II/base/utilities.h>

#include <fokker_planck/base/input_error.h>
#include <fokker_planck/parameters/parsing.h>

#include <cmath>

namespace FokkerPlanck
{
  namespace Parsing
  {
    std::vector<double>
    get_doubles(const dealii::ParameterHandler &prm, const std::string &name)
    {
      std::vector<double> values;
      for (const auto &item :
           dealii::Utilities::split_string_list(prm.get(name), ','))
        values.push_back(dealii::Utilities::string_to_double(item));
      return values;
    }

    std::vector<unsigned int>
    get_unsigned(const dealii::ParameterHandler &prm, const std::string &name)
    {
      std::vector<unsigned int> values;
      for (const auto &item :
           dealii::Utilities::split_string_list(prm.get(name), ','))
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
              constants[parts[0]] =
                dealii::Utilities::string_to_double(parts[1]);
            }
          catch (...)
            {
              throw InputError(entry,
                               "the value of '" + parts[0] +
                                 "' is not a number: '" + parts[1] + "'");
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

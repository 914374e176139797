/**
 * @file
 * Small helpers that turn ParameterHandler strings into numbers, each naming
 * the entry when the text is not what is allowed.
 */
#pragma once

#include <deal.II/base/function_parser.h>
#include <deal.II/base/parameter_handler.h>

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace FokkerPlanck
{
  namespace Parsing
  {
    /**
     * The names that a Selection entry gives the values of an enumeration
     * (or of a bool), in the order the help text lists them.
     */
    template <typename Value>
    using Names = std::vector<std::pair<std::string, Value>>;

    /** The name of @p value in @p names (the first name if it has none). */
    template <typename Value>
    const std::string &
    name_of(const Names<Value> &names, const Value value)
    {
      for (const auto &[name, v] : names)
        if (v == value)
          return name;
      return names.front().first;
    }

    /**
     * Declare entry @p entry as a Selection of the names in @p names, with
     * the name of @p member's current value as its default, and bind it to
     * @p member: parse_input() (and ParameterHandler::set()) store the
     * value of the name given. The enum counterpart of add_parameter().
     */
    template <typename Value>
    void
    add_selection(dealii::ParameterHandler &prm,
                  const std::string        &entry,
                  Value                    &member,
                  const Names<Value>       &names,
                  const std::string        &documentation)
    {
      std::string pattern;
      for (const auto &name : names)
        pattern += (pattern.empty() ? "" : "|") + name.first;
      prm.declare_entry(entry,
                        name_of(names, member),
                        dealii::Patterns::Selection(pattern),
                        documentation);
      prm.add_action(entry, [&member, names](const std::string &value) {
        for (const auto &[name, v] : names)
          if (name == value)
            member = v;
      });
    }

    /** Comma-separated doubles of entry @p name in the current subsection. */
    std::vector<double>
    get_doubles(const dealii::ParameterHandler &prm, const std::string &name);

    /** Comma-separated non-negative integers of entry @p name. */
    std::vector<unsigned int>
    get_unsigned(const dealii::ParameterHandler &prm, const std::string &name);

    /**
     * Split a FunctionParser expression list at ';' into its components and
     * trim white space. An empty string gives an empty vector.
     */
    std::vector<std::string>
    split_expressions(const std::string &text);

    /**
     * Parse "a=1.5, b=2" into a map of constants for FunctionParser; pi and
     * e are predefined unless the text defines them. Throws
     * an InputError naming @p entry if a pair is malformed.
     */
    std::map<std::string, double>
    parse_constants(const std::string &text, const std::string &entry);

    /** Default FunctionParser variable names in @p dim dimensions: "x,y,z". */
    std::string
    variable_names(unsigned int dim, bool time_dependent = false);

    /**
     * A FunctionParser in x, y, z for @p expressions (one per component),
     * evaluated once at the origin so that syntax errors and unknown names
     * surface here: they throw an InputError naming @p entry, with the
     * expression, @p context (e.g. " (region 'A')") and muparser's reason.
     * muparser's own printing to std::cerr is silenced meanwhile.
     */
    template <int dim>
    std::unique_ptr<dealii::FunctionParser<dim>>
    make_parser(const std::vector<std::string>      &expressions,
                const std::map<std::string, double> &constants,
                const std::string                   &entry,
                const std::string                   &context = "");
  } // namespace Parsing
} // namespace FokkerPlanck

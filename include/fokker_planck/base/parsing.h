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
#include <vector>

namespace FokkerPlanck
{
  namespace Parsing
  {
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

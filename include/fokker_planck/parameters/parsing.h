/**
 * @file
 * Small helpers that turn ParameterHandler strings into numbers, each naming
 * the entry when the text is not what is allowed.
 */
#pragma once

#include <deal.II/base/parameter_handler.h>

#include <map>
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
  } // namespace Parsing
} // namespace FokkerPlanck

#include <fokker_planck/analysis/analysis.h>
#include <fokker_planck/app/case_parameters.h>
#include <fokker_planck/base/input_error.h>
#include <fokker_planck/base/parsing.h>
#include <fokker_planck/discretization/density_fields.h>
#include <fokker_planck/solvers/two_level.h>

#include <nlohmann/json.hpp>

#include <cctype>
#include <filesystem>
#include <sstream>

namespace FokkerPlanck
{
  using namespace dealii;

  namespace
  {
    /** Every optional field any stage can write, for 'Output/Fields'. */
    std::vector<FieldDescription>
    optional_fields()
    {
      auto fields = density_field_descriptions();
      for (auto &field : analysis_field_descriptions())
        fields.push_back(field);
      return fields;
    }
  } // namespace

  CaseParameters::CaseParameters(ParameterHandler &prm)
  {
    prm.add_parameter("dim",
                      dim,
                      "Dimension d of the state x (1, 2 or 3). Read once; the "
                      "whole run is compiled for this dimension.",
                      Patterns::Integer(1, 3));
    Parsing::add_selection(prm,
                           "Problem",
                           stationary,
                           {{"stationary", true}, {"transient", false}},
                           "'stationary': the stationary density pi with "
                           "integral 1 (reflecting/periodic boundaries only). "
                           "'transient': p(t) from an initial condition up to "
                           "'Time stepping/End time'.");
    geometry.declare_parameters(prm);
    model.declare_parameters(prm);
    discretization.declare_parameters(prm);
    linear_solver.declare_parameters(prm);
    time_stepping.declare_parameters(prm);
    output.declare_parameters(prm, optional_fields());
    relaxation.declare_parameters(prm);
    sgd.declare_parameters(prm);
    analysis.declare_parameters(prm);
    quasi_potential.declare_parameters(prm);
    monte_carlo.declare_parameters(prm);
    estimation.declare_parameters(prm);
  }

  void
  CaseParameters::parse(ParameterHandler &prm, const std::string &input_directory)
  {
    geometry.parse_parameters(prm, input_directory);
    output.parse_parameters(prm);
    relaxation.parse_parameters(prm);
    sgd.parse_parameters(prm);
    quasi_potential.parse_parameters(prm);
    monte_carlo.parse_parameters(prm);
    estimation.parse_parameters(prm, input_directory);
    check();
    // The model's own subsection is read for the dimension checked above.
    model.input_directory = input_directory;
    model.parse_parameters(prm, dim);
  }

  void
  CaseParameters::check() const
  {
    geometry.check(dim);
    quasi_potential.check(dim, stationary);
    estimation.check(dim);
    if (stationary)
      require(!geometry.has_absorbing_boundary(),
              "Boundary conditions/Types",
              "'Problem = stationary' needs reflecting or periodic "
              "boundaries only: with an absorbing boundary the stationary "
              "density is zero. Use 'Problem = transient'");
    else
      time_stepping.check(dim);
    if (linear_solver.type == LinearSolverParameters::Type::two_level)
      require_two_level_applies(discretization.degree,
                                geometry.global_refinements >= 1,
                                periodic_directions(geometry, dim).empty());
    relaxation.check(dim, stationary, !geometry.has_absorbing_boundary());
    monte_carlo.check(dim, geometry);
  }

  namespace
  {
    /** Undo ParameterHandler's name mangling ("_20" is a space, etc.). */
    std::string
    demangle(const std::string &name)
    {
      std::string result;
      for (std::size_t i = 0; i < name.size(); ++i)
        if (name[i] == '_' && i + 2 < name.size() &&
            std::isxdigit(static_cast<unsigned char>(name[i + 1])) &&
            std::isxdigit(static_cast<unsigned char>(name[i + 2])))
          {
            result += static_cast<char>(std::stoi(name.substr(i + 1, 2), nullptr, 16));
            i += 2;
          }
        else
          result += name[i];
      return result;
    }

    void
    print_entries(const nlohmann::json &node, const std::string &path, std::ostream &out)
    {
      // Entries first, then subsections, each alphabetically (JSON order).
      for (const auto &[key, value] : node.items())
        if (value.is_object() && value.contains("value"))
          {
            out << path << demangle(key) << " = " << value.value("default_value", "")
                << "\n"
                << "    allowed: " << value.value("pattern_description", "") << "\n"
                << "    " << value.value("documentation", "") << "\n\n";
          }
      for (const auto &[key, value] : node.items())
        if (value.is_object() && !value.contains("value"))
          print_entries(value, path + demangle(key) + "/", out);
    }
  } // namespace

  void
  print_parameter_reference(const ParameterHandler &prm, std::ostream &out)
  {
    std::ostringstream json;
    prm.print_parameters(json, ParameterHandler::JSON);
    print_entries(nlohmann::json::parse(json.str()), "", out);
  }

  void
  read_parameter_file(ParameterHandler               &prm,
                      const std::string              &filename,
                      const std::vector<std::string> &overrides)
  {
    require(std::filesystem::is_regular_file(filename),
            "parameter file",
            "'" + filename + "' does not exist or is not a file");
    prm.parse_input(filename, "", false, false);

    for (const auto &assignment : overrides)
      {
        const auto equal = assignment.find('=');
        require(equal != std::string::npos,
                "--set " + assignment,
                "must have the form 'Subsection/Entry=value'");
        const std::string path  = Utilities::trim(assignment.substr(0, equal));
        const std::string value = Utilities::trim(assignment.substr(equal + 1));
        const auto        parts = Utilities::split_string_list(path, '/');
        unsigned int      depth = 0;
        try
          {
            for (; depth + 1 < parts.size(); ++depth)
              prm.enter_subsection(parts[depth]);
            prm.set(parts.back(), value);
          }
        catch (const ExceptionBase &e)
          {
            for (; depth > 0; --depth)
              prm.leave_subsection();
            std::ostringstream text;
            e.print_info(text);
            throw InputError(path,
                             "cannot set it to '" + value +
                                 "' from the command line: " + text.str());
          }
        for (; depth > 0; --depth)
          prm.leave_subsection();
      }
  }
} // namespace FokkerPlanck

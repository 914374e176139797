#include <fokker_planck/base/input_error.h>
#include <fokker_planck/base/parsing.h>
#include <fokker_planck/sampling/estimation_parameters.h>

#include <filesystem>

namespace FokkerPlanck::Sampling
{
  using namespace dealii;

  void
  EstimationParameters::declare_parameters(ParameterHandler &prm)
  {
    prm.enter_subsection("Estimation");
    {
      prm.declare_entry("Trajectory file",
                        "",
                        Patterns::Anything(),
                        "'fokker-planck --estimate': the recorded trajectories, CSV "
                        "with a header row 'run,t,<coordinates>' or HDF5 (.h5) with "
                        "datasets run, t, x[, y[, z]]; relative to the parameter "
                        "file's folder (doc/estimation.md).");
      prm.declare_entry("Bandwidth",
                        "auto",
                        Patterns::Anything(),
                        "Half-widths h of the Epanechnikov kernel: 'auto' "
                        "(h_k = sqrt(5) s_k n^(-1/(dim+4)), s_k the robust spread of "
                        "coordinate k, n the number of pairs), one number for every "
                        "axis, or one per axis.");
      prm.add_parameter("Minimum samples",
                        minimum_samples,
                        "Pairs of consecutive samples that the kernel must hold "
                        "at a vertex; below it the vertex is unresolved (no "
                        "estimate, not extrapolated).",
                        Patterns::Integer(1));
      Parsing::add_selection(prm,
                             "Finite time-step correction",
                             correct_time_step,
                             {{"none", false}, {"first-order", true}},
                             "'none': the increments are those of an Euler-type map "
                             "recorded at every step (SGD iterates), unbiased. "
                             "'first-order': samples of a continuous-time process (or "
                             "a map recorded every m > 1 steps): b = M - (dt/2)(grad M) "
                             "M, 2TD = C - (dt/2)(grad M C + C grad M^T).");
    }
    prm.leave_subsection();
  }

  void
  EstimationParameters::parse_parameters(ParameterHandler  &prm,
                                         const std::string &input_directory)
  {
    prm.enter_subsection("Estimation");
    {
      trajectory_file = Utilities::trim(prm.get("Trajectory file"));
      if (!trajectory_file.empty() &&
          std::filesystem::path(trajectory_file).is_relative())
        trajectory_file =
            (std::filesystem::path(input_directory) / trajectory_file).string();
      bandwidth.clear();
      const std::string text = Utilities::trim(prm.get("Bandwidth"));
      if (text != "auto")
        {
          try
            {
              bandwidth = Parsing::get_doubles(prm, "Bandwidth");
            }
          catch (const std::exception &)
            {
              throw InputError("Estimation/Bandwidth",
                               "'" + text +
                                   "' is neither 'auto' nor a comma-separated list of "
                                   "positive numbers");
            }
        }
    }
    prm.leave_subsection();
  }

  void
  EstimationParameters::check(const unsigned int dim) const
  {
    require(bandwidth.empty() || bandwidth.size() == 1 || bandwidth.size() == dim,
            "Estimation/Bandwidth",
            "has " + std::to_string(bandwidth.size()) +
                " values; give 'auto', one value "
                "or " +
                std::to_string(dim) + " (one per axis)");
    for (const double h : bandwidth)
      require(h > 0.,
              "Estimation/Bandwidth",
              "must be positive (got " + std::to_string(h) + ")");
  }
} // namespace FokkerPlanck::Sampling

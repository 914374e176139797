#include <fokker_planck/base/input_error.h>
#include <fokker_planck/sgd/sgd_parameters.h>

namespace FokkerPlanck::Sgd
{
  using namespace dealii;

  void
  SimulationParameters::declare_parameters(ParameterHandler &prm)
  {
    prm.enter_subsection("SGD simulation");
    {
      prm.add_parameter("Number of runs",
                        n_runs,
                        "Number of independent SGD runs (fokker-planck --sgd).",
                        Patterns::Integer(1));
      prm.add_parameter("Seed",
                        seed,
                        "Seed of the Philox generator: run r uses the key "
                        "(seed, r) and its step as counter, so results do "
                        "not depend on the number of MPI ranks.",
                        Patterns::Integer(0));
      prm.add_parameter("End time",
                        end_time,
                        "Time t = step * eta at which the runs stop.",
                        Patterns::Double(0.));
      prm.add_parameter("Number of outputs",
                        n_outputs,
                        "Output times (histogram, statistics row), equally "
                        "spaced in (0, End time], plus t = 0.",
                        Patterns::Integer(1));
      prm.add_parameter("Averaging start time",
                        averaging_start,
                        "From this time on, every step of every run is "
                        "pooled into a time-averaged histogram and moments "
                        "(the SGD estimate of the stationary density). "
                        "Beyond the end time: only the final states.",
                        Patterns::Double(0.));
      prm.add_parameter("Compare with finite elements",
                        compare_with_fe,
                        "Also solve the Fokker-Planck problem of this file "
                        "on the same mesh and compare (sgd_comparison.txt, "
                        "section 'comparison' of sgd_summary.json, fields "
                        "fe_density and sgd_density_difference). Stationary: "
                        "the time-averaged histogram against the stationary "
                        "density, its dispersion estimated from 20 batches "
                        "of runs (run r in batch r mod 20). Transient: the "
                        "runs at every output time up to 'Time stepping/End "
                        "time' against the density at the nearest time step. "
                        "Total variation with its sampling band ('Monte "
                        "Carlo/Band draws'), chi-square, KS in 1D, means and "
                        "covariances with standard errors.",
                        Patterns::Bool());
    }
    prm.leave_subsection();
  }

  void
  SimulationParameters::parse_parameters(ParameterHandler &)
  {
    // Every entry is bound in declare_parameters(); what is left is the check.
    require(end_time > 0., "SGD simulation/End time", "must be > 0");
  }
} // namespace FokkerPlanck::Sgd

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
      prm.declare_entry("Number of runs",
                        "1000",
                        Patterns::Integer(1),
                        "Number of independent SGD runs (fokker-planck --sgd).");
      prm.declare_entry("Seed",
                        "1",
                        Patterns::Integer(0),
                        "Seed of the Philox generator: run r uses the key "
                        "(seed, r) and its step as counter, so results do "
                        "not depend on the number of MPI ranks.");
      prm.declare_entry("End time",
                        "10",
                        Patterns::Double(0.),
                        "Time t = step * eta at which the runs stop.");
      prm.declare_entry("Number of outputs",
                        "10",
                        Patterns::Integer(1),
                        "Output times (histogram, statistics row), equally "
                        "spaced in (0, End time], plus t = 0.");
      prm.declare_entry("Averaging start time",
                        "1e300",
                        Patterns::Double(0.),
                        "From this time on, every step of every run is "
                        "pooled into a time-averaged histogram and moments "
                        "(the SGD estimate of the stationary density). "
                        "Beyond the end time: only the final states.");
      prm.declare_entry("Compare with finite elements",
                        "true",
                        Patterns::Bool(),
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
                        "covariances with standard errors.");
    }
    prm.leave_subsection();
  }

  void
  SimulationParameters::parse_parameters(ParameterHandler &prm)
  {
    prm.enter_subsection("SGD simulation");
    n_runs          = prm.get_integer("Number of runs");
    seed            = prm.get_integer("Seed");
    end_time        = prm.get_double("End time");
    n_outputs       = prm.get_integer("Number of outputs");
    averaging_start = prm.get_double("Averaging start time");
    compare_with_fe = prm.get_bool("Compare with finite elements");
    prm.leave_subsection();
    require(end_time > 0., "SGD simulation/End time", "must be > 0");
  }
} // namespace FokkerPlanck::Sgd

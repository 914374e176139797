#include <fokker_planck/base/input_error.h>
#include <fokker_planck/base/parsing.h>
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
      Parsing::add_selection(prm,
                             "Label noise",
                             label_noise.law,
                             {{"gaussian", LabelNoise::Law::gaussian},
                              {"student-t", LabelNoise::Law::student_t},
                              {"alpha-stable", LabelNoise::Law::alpha_stable}},
                             "The law of the label noise e in y = f(x) + sigma e of "
                             "the networks: 'gaussian'; 'student-t' with nu = 'Label "
                             "noise index' > 0 degrees of freedom (rescaled to unit "
                             "variance for nu > 2); 'alpha-stable', symmetric with "
                             "alpha = 'Label noise index' in (0, 2], E exp(ike) = "
                             "exp(-|k|^alpha/2) (doc/heavy_tails.md). The "
                             "Fokker-Planck model keeps the Gaussian sigma^2.");
      prm.add_parameter("Label noise index",
                        label_noise.index,
                        "nu of 'student-t' (> 0) or alpha of 'alpha-stable' "
                        "(0 < alpha <= 2).",
                        Patterns::Double(0.));
    }
    prm.leave_subsection();
  }

  void
  SimulationParameters::parse_parameters(ParameterHandler &)
  {
    // Every entry is bound in declare_parameters(); what is left is the check.
    require(end_time > 0., "SGD simulation/End time", "must be > 0");
    if (label_noise.law == LabelNoise::Law::student_t)
      require(label_noise.index > 0.,
              "SGD simulation/Label noise index",
              "must be > 0 (the degrees of freedom nu of 'student-t')");
    if (label_noise.law == LabelNoise::Law::alpha_stable)
      require(label_noise.index > 0. && label_noise.index <= 2.,
              "SGD simulation/Label noise index",
              "must be in (0, 2] (the stability index alpha of 'alpha-stable')");
  }
} // namespace FokkerPlanck::Sgd

/**
 * @file
 * Parameters of the SGD simulator (subsection "SGD simulation").
 */
#pragma once

#include <deal.II/base/parameter_handler.h>

#include <cstdint>

namespace FokkerPlanck::Sgd
{
  /**
   * The law of the label noise ε in y = f*(x) + σε (entries "Label noise"
   * and "Label noise index"): Gaussian, Student-t with ν > 0 degrees of
   * freedom (rescaled to unit variance for ν > 2), or symmetric α-stable
   * with E exp(ikε) = exp(−|k|^α/2), which is N(0, 1) at α = 2.
   */
  struct LabelNoise
  {
    enum class Law
    {
      gaussian,
      student_t,
      alpha_stable
    };
    Law law = Law::gaussian;
    /** ν (Student-t) or α (α-stable). */
    double index = 2.;
  };

  /** Entries of subsection "SGD simulation" (used by 'fokker-planck --sgd'). */
  struct SimulationParameters
  {
    /** Number of independent SGD runs (the ensemble). */
    unsigned int n_runs = 1000;
    /** Seed of the Philox generator; run r uses the key (seed, r). */
    std::uint64_t seed = 1;
    /** Time t = step · η at which the runs stop. */
    double end_time = 10.;
    /** Number of output times, equally spaced in (0, end_time]. */
    unsigned int n_outputs = 10;
    /**
     * From this time on, every step's state is also pooled into the
     * time-averaged ("stationary") histogram and moments. At or beyond the
     * end time only the final states are pooled.
     */
    double averaging_start = 1e300;
    /**
     * Also solve the Fokker–Planck problem of the same file on the same mesh
     * and compare the SGD histograms with it (sgd_comparison.txt).
     */
    bool compare_with_fe = true;
    /** The law of the label noise of the networks. */
    LabelNoise label_noise;

    void
    declare_parameters(dealii::ParameterHandler &prm);

    void
    parse_parameters(dealii::ParameterHandler &prm);
  };

} // namespace FokkerPlanck::Sgd

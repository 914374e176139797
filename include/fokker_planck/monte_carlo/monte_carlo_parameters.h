/**
 * @file
 * Entries of subsection "Monte Carlo": an ensemble simulation of the SDE of
 * DESIGN.md §1 with the same model, domain and boundary conditions as the
 * finite-element solve, and its comparison with it (doc/monte_carlo.md).
 */
#pragma once

#include <deal.II/base/parameter_handler.h>

#include <fokker_planck/geometry/geometry.h>
#include <fokker_planck/sampling/bins.h>

#include <string>
#include <utility>
#include <vector>

namespace FokkerPlanck
{
  /** Entries of subsection "Monte Carlo". */
  struct MonteCarloParameters
  {
    /** Time-stepping scheme of the particles. */
    enum class Scheme
    {
      /** X += b Δt + sqrt(2T) σ ΔW: weak order 1. */
      euler_maruyama,
      /** Platen's explicit (derivative-free) weak order-2 scheme. */
      weak_order_2
    };
    /** Law of the noise increments (doc/monte_carlo.md, doc/heavy_tails.md). */
    enum class Noise
    {
      /** Covariance 2 T D Δt: the SDE of the Fokker–Planck equation. */
      gaussian,
      /** Multivariate Student-t with ν > 2 degrees of freedom, rescaled. */
      student_t,
      /**
       * Symmetric α-stable: sqrt(2T) g Δt^(1/α) Λ with g gᵀ = D and
       * E exp(ik·Λ) = exp(−|k|^α / 2), so that α = 2 is the Gaussian.
       */
      alpha_stable
    };
    /** How the α-stable Λ is drawn in dim > 1. */
    enum class StableShape
    {
      /** Λ = sqrt(A) Z, Z ~ N(0, I): rotation invariant (sub-Gaussian). */
      isotropic,
      /** Independent components: jumps along the axes of g. */
      axis_wise
    };
    /** What happens to a particle that leaves through a reflecting face. */
    using Reflection = Sampling::Reflection;

    bool         enabled           = false;
    unsigned int n_trajectories    = 10000;
    double       time_step         = 1e-3;
    double       burn_in           = 5.;
    double       sampling_time     = 10.;
    unsigned int sampling_interval = 10;
    /** Stationary runs: the first n trajectories' samples go to a CSV file. */
    unsigned int recorded_trajectories = 0;
    unsigned int seed                  = 1;
    Scheme       scheme                = Scheme::euler_maruyama;
    Noise        noise                 = Noise::gaussian;
    double       degrees_of_freedom    = 5.;
    double       stability_index       = 1.5;
    StableShape  stable_shape          = StableShape::isotropic;
    Reflection   reflection            = Reflection::conormal;
    unsigned int n_batches             = 32;
    unsigned int n_threads             = 1;
    double       progress_interval     = 10.;
    unsigned int band_draws            = 200;
    /** Empty: draw starting points from "Time stepping/Initial condition". */
    std::vector<double> initial_point;
    /** Named first-passage regions {x : expression(x) > 0}. */
    std::vector<std::pair<std::string, std::string>> regions;

    void
    declare_parameters(dealii::ParameterHandler &prm);

    void
    parse_parameters(dealii::ParameterHandler &prm);

    /** Checks that involve several entries or other subsections. */
    void
    check(unsigned int dim, const GeometryParameters &geometry) const;
  };

  /** Names used in parameter files. */
  std::string
  to_string(MonteCarloParameters::Scheme scheme);
  std::string
  to_string(MonteCarloParameters::Noise noise);
  std::string
  to_string(MonteCarloParameters::Reflection reflection);
  std::string
  to_string(MonteCarloParameters::StableShape shape);
} // namespace FokkerPlanck

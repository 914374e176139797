/**
 * @file
 * Counter-based random numbers for reproducible sampling (Monte Carlo
 * particles and SGD runs): Random123's Philox keyed by (seed, stream), the
 * stream being a trajectory or an SGD run, with the step and what the
 * numbers are for as counter. A number depends only on these, never on
 * which rank or thread draws it or in which order, so an ensemble is
 * bitwise the same for any number of ranks and threads.
 *
 * One keyed generator, two ways of reading it:
 * - RandomStream (Monte Carlo): blocks of four 32-bit words for (step,
 *   purpose, attempt), with uniforms, single-precision Box–Muller normals,
 *   a χ² sampler and symmetric α-stable variables on top;
 * - NormalStream (SGD): a sequence of standard normals at one step,
 *   Random123's double-precision Box–Muller on 64-bit words.
 */
#pragma once

#include <Random123/boxmuller.hpp>
#include <Random123/philox.h>

#include <cmath>
#include <cstdint>

namespace FokkerPlanck::Sampling
{
  /**
   * Philox keyed by (seed, stream): the block of random words of a counter
   * is a pure function of (seed, stream, counter).
   */
  template <class Philox>
  class KeyedGenerator
  {
  public:
    using Counter = typename Philox::ctr_type;
    using Word    = typename Counter::value_type;

    KeyedGenerator(const Word seed, const Word stream)
        : key{{seed, stream}}
    {
    }

    /** The four random words of @p counter. */
    Counter
    operator()(const Counter &counter) const
    {
      return Philox()(counter, key);
    }

  private:
    typename Philox::key_type key;
  };

  /** What a block of four random words is used for (counter word 2). */
  enum class Purpose : std::uint32_t
  {
    step_noise = 0,
    /** Uniforms of the Brownian-bridge test at absorbing faces. */
    bridge        = 1,
    initial_point = 2,
    /** Signs V_rj of the weak order-2 scheme (dim > 1). */
    area_signs = 3,
    /** Chi-square divisor of Student-t noise (word 3 = attempt). */
    chi_square = 4,
    /** Axis-wise α-stable noise: two words per axis (attempt = axis / 2). */
    stable_noise = 5,
    /** The positive (α/2)-stable mixing variable of isotropic α-stable noise. */
    stable_mixing = 6
  };

  /**
   * Four 32-bit random words for (trajectory, step, purpose, attempt):
   * Philox4x32-10 keyed by (seed, trajectory), counter (step low, step
   * high, purpose, attempt).
   */
  class RandomStream
  {
  public:
    using Generator = KeyedGenerator<r123::Philox4x32>;

    RandomStream(const std::uint32_t seed, const std::uint32_t trajectory)
        : generator(seed, trajectory)
    {
    }

    Generator::Counter
    words(const std::uint64_t step,
          const Purpose       purpose,
          const std::uint32_t attempt = 0) const
    {
      return generator({{static_cast<std::uint32_t>(step),
                         static_cast<std::uint32_t>(step >> 32),
                         static_cast<std::uint32_t>(purpose),
                         attempt}});
    }

    /** A uniform number in (0, 1) from one word. */
    static double
    uniform(const std::uint32_t word)
    {
      return (static_cast<double>(word) + 0.5) * (1. / 4294967296.);
    }

    /**
     * 2 @p n_pairs (at most four) independent standard normal numbers
     * (Box–Muller on pairs of words; |z| ≤ 6.7 since the uniforms are
     * 32-bit).
     */
    void
    normals(const std::uint64_t step,
            const Purpose       purpose,
            double              z[4],
            const std::uint32_t attempt = 0,
            const unsigned int  n_pairs = 2) const
    {
      const auto w = words(step, purpose, attempt);
      // Single precision for log, sqrt, sin and cos (the uniforms have 32
      // bits anyway): twice as fast, and the same on every machine that
      // runs this binary.
      for (unsigned int pair = 0; pair < n_pairs; ++pair)
        {
          const float u     = static_cast<float>(uniform(w[2 * pair]));
          const float r     = std::sqrt(-2.f * std::log(u));
          const float angle = static_cast<float>(2. * M_PI * uniform(w[2 * pair + 1]));
          z[2 * pair]       = r * std::cos(angle);
          z[2 * pair + 1]   = r * std::sin(angle);
        }
    }

    /**
     * A χ²_ν variable divided by ν−2, for Student-t increments
     * ξ = Z / sqrt(χ²_ν/(ν−2)) of unit covariance: Marsaglia–Tsang's
     * gamma(ν/2) sampler, one counter block per attempt.
     */
    double
    chi_square_over_nu_minus_2(const std::uint64_t step, const double nu) const
    {
      const double shape = 0.5 * nu; // > 1 since nu > 2
      const double d = shape - 1. / 3., c = 1. / std::sqrt(9. * d);
      for (std::uint32_t attempt = 0;; ++attempt)
        {
          const auto   w = words(step, Purpose::chi_square, attempt);
          const double z = std::sqrt(-2. * std::log(uniform(w[0]))) *
                           std::cos(2. * M_PI * uniform(w[1]));
          const double v = std::pow(1. + c * z, 3);
          if (v <= 0.)
            continue;
          if (std::log(uniform(w[2])) < 0.5 * z * z + d - d * v + d * std::log(v))
            return 2. * d * v / (nu - 2.);
        }
    }

    /**
     * A symmetric α-stable number Λ with E exp(ikΛ) = exp(−|k|^α / 2),
     * 0 < α ≤ 2, so that α = 2 gives N(0, 1): 2^(−1/α) times the
     * Chambers–Mallows–Stuck variable of S_α(1, 0, 0) made from the
     * uniforms of @p w_angle and @p w_exponential.
     */
    static double
    symmetric_stable(const double        alpha,
                     const std::uint32_t w_angle,
                     const std::uint32_t w_exponential)
    {
      return symmetric_stable_from_uniforms(
          alpha, uniform(w_angle), uniform(w_exponential));
    }

    /** The same from two uniforms in (0, 1). */
    static double
    symmetric_stable_from_uniforms(const double alpha,
                                   const double u_angle,
                                   const double u_exponential)
    {
      const double V = M_PI * (u_angle - 0.5);
      if (alpha == 1.)
        return 0.5 * std::tan(V);
      const double W = -std::log(u_exponential);
      return std::pow(2., -1. / alpha) * std::sin(alpha * V) /
             std::pow(std::cos(V), 1. / alpha) *
             std::pow(std::cos((1. - alpha) * V) / W, (1. - alpha) / alpha);
    }

    /**
     * The mixing variable A of isotropic α-stable noise Λ = sqrt(A) Z,
     * Z ~ N(0, I), for 0 < α < 2: A = 2^(1−2/α) A₀ with A₀ positive
     * (α/2)-stable, E exp(−s A₀) = exp(−s^(α/2)) (Kanter's representation),
     * so that E exp(ik·Λ) = exp(−|k|^α / 2).
     */
    double
    stable_mixing(const std::uint64_t step, const double alpha) const
    {
      const auto   w    = words(step, Purpose::stable_mixing);
      const double beta = 0.5 * alpha;
      const double U    = M_PI * uniform(w[0]);
      const double E    = -std::log(uniform(w[1]));
      const double A0   = std::sin(beta * U) / std::pow(std::sin(U), 1. / beta) *
                        std::pow(std::sin((1. - beta) * U) / E, (1. - beta) / beta);
      return std::pow(2., 1. - 2. / alpha) * A0;
    }

  private:
    Generator generator;
  };

  /**
   * Standard normals N(0, 1) of SGD run @p run at step @p step: Philox4x64
   * keyed by (seed, run), counter (step, block, 0, 0); the i-th call of
   * normal() returns the same number for the same (seed, run, step)
   * whatever happened before.
   */
  class NormalStream
  {
  public:
    NormalStream(const std::uint64_t seed,
                 const std::uint64_t run,
                 const std::uint64_t step)
        : generator(seed, run)
        , counter{{step, 0, 0, 0}}
    {
    }

    /** The next standard normal number. */
    double
    normal()
    {
      if (used == 4)
        refill();
      return buffer[used++];
    }

  private:
    void
    refill()
    {
      const auto bits = generator(counter);
      ++counter[1];
      const auto first  = r123::boxmuller(bits[0], bits[1]);
      const auto second = r123::boxmuller(bits[2], bits[3]);
      buffer[0]         = first.x;
      buffer[1]         = first.y;
      buffer[2]         = second.x;
      buffer[3]         = second.y;
      used              = 0;
    }

    KeyedGenerator<r123::Philox4x64>          generator;
    KeyedGenerator<r123::Philox4x64>::Counter counter;
    double                                    buffer[4] = {0., 0., 0., 0.};
    unsigned int                              used      = 4;
  };
} // namespace FokkerPlanck::Sampling

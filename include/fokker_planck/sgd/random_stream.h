/**
 * @file
 * Reproducible standard normal numbers for the SGD simulator: Random123's
 * counter-based Philox generator keyed by (seed, run), with the SGD step as
 * counter, so that any run and step can be regenerated independently of
 * the number of MPI ranks or the order in which runs are done.
 */
#pragma once

#include <Random123/boxmuller.hpp>
#include <Random123/philox.h>

#include <cstdint>

namespace FokkerPlanck::Sgd
{
  /**
   * Standard normals N(0, 1) of run @p run at step @p step: the i-th call
   * of normal() returns the same number for the same (seed, run, step)
   * whatever happened before.
   */
  class NormalStream
  {
  public:
    NormalStream(const std::uint64_t seed,
                 const std::uint64_t run,
                 const std::uint64_t step)
        : key{{seed, run}}
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
      const auto bits = generator(counter, key);
      ++counter[1];
      const auto first  = r123::boxmuller(bits[0], bits[1]);
      const auto second = r123::boxmuller(bits[2], bits[3]);
      buffer[0]         = first.x;
      buffer[1]         = first.y;
      buffer[2]         = second.x;
      buffer[3]         = second.y;
      used              = 0;
    }

    r123::Philox4x64           generator;
    r123::Philox4x64::key_type key;
    r123::Philox4x64::ctr_type counter;
    double                     buffer[4] = {0., 0., 0., 0.};
    unsigned int               used      = 4;
  };
} // namespace FokkerPlanck::Sgd

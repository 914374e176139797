/**
 * @file
 * The names of the coordinates x, y, z as they appear in statistics columns
 * (mean_x, cov_xy, area_rate_xy, ...) and summary entries.
 */
#pragma once

#include <string>

namespace FokkerPlanck
{
  /** Name of coordinate @p k < 3: "x", "y" or "z". */
  inline std::string
  axis_name(const unsigned int k)
  {
    static const char *const names[] = {"x", "y", "z"};
    return names[k];
  }
} // namespace FokkerPlanck

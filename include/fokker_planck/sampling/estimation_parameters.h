/**
 * @file
 * The entries of subsection "Estimation" (doc/estimation.md): where the
 * recorded trajectories of 'fokker-planck --estimate' are, and how the
 * Kramers–Moyal estimate is made on the vertices of the case's mesh.
 */
#pragma once

#include <deal.II/base/parameter_handler.h>

#include <string>
#include <vector>

namespace FokkerPlanck::Sampling
{
  struct EstimationParameters
  {
    /** Entry "Trajectory file", resolved against the parameter file's folder. */
    std::string trajectory_file;
    /** Entry "Bandwidth": empty for 'auto', else one value or one per axis. */
    std::vector<double> bandwidth;
    /** Entry "Minimum samples". */
    unsigned int minimum_samples = 100;
    /** Entry "Finite time-step correction": 'first-order' or 'none'. */
    bool correct_time_step = false;

    void
    declare_parameters(dealii::ParameterHandler &prm);

    /** Read what add_parameter() does not bind; "File" relative to @p input_directory. */
    void
    parse_parameters(dealii::ParameterHandler &prm, const std::string &input_directory);

    /** Checks against the dimension (a bandwidth of 1 or dim positive values). */
    void
    check(unsigned int dim) const;
  };
} // namespace FokkerPlanck::Sampling

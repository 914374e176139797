/**
 * @file
 * Actual SGD against the Fokker–Planck solution of the same parameter file
 * (doc/sgd_models.md): the SGD histograms on the mesh compared cell by cell
 * with the finite-element cell probabilities by the Monte Carlo report's
 * tests (total variation with its sampling band, χ², KS in 1D), and the SGD
 * moments with standard errors against the FE moments.
 */
#pragma once

#include <deal.II/lac/vector.h>

#include <fokker_planck/base/stage.h>
#include <fokker_planck/discretization/problem.h>
#include <fokker_planck/sampling/box_histogram.h>
#include <fokker_planck/sampling/histogram_tests.h>
#include <fokker_planck/sampling/moments.h>

#include <memory>
#include <ostream>
#include <string>
#include <vector>

namespace FokkerPlanck
{
  struct LinearSolverParameters;
  struct TimeSteppingParameters;
} // namespace FokkerPlanck

namespace FokkerPlanck::Sgd
{
  /**
   * The finite-element side of 'fokker-planck --sgd' with 'Compare with
   * finite elements': solves the problem of the parameter file on the SGD
   * histogram's mesh (stationary: once; transient: up to the last SGD
   * output time that is ≤ 'Time stepping/End time', keeping the FE cell
   * probabilities and moments at the time step nearest to each SGD output
   * time), then compares SGD histograms with them. SGD bins are matched
   * to the FE cells through the cell centres.
   *
   * As a stage it writes sgd_comparison.txt and the section "comparison"
   * of the summary.
   */
  template <int dim>
  class FiniteElementComparison : public Stage<dim>
  {
  public:
    /**
     * @param problem the mesh, model and assembled operator of the FE side
     *   (its model is normally the SGD run's own)
     * @param stationary whether 'Problem = stationary'
     * @param band_draws 'Monte Carlo/Band draws' of the TV band
     * @param times the SGD output times (transient)
     * @param log receives one line per comparison (rank 0), or null
     * @param samples what the histograms are of: the prefix of their
     *   columns and of the table <samples>_comparison.txt
     */
    FiniteElementComparison(const Problem<dim>           &problem,
                            bool                          stationary,
                            const LinearSolverParameters &linear_solver,
                            const TimeSteppingParameters &time_stepping,
                            unsigned int                  band_draws,
                            const std::vector<double>    &times,
                            std::ostream                 *log,
                            const std::string            &samples = "sgd");
    ~FiniteElementComparison();

    /** True if SGD output @p output has an FE density (always if stationary). */
    bool
    covers(unsigned int output) const;

    /**
     * Compare @p histogram (summed over ranks) at SGD time @p time, with
     * dispersion @p dispersion of its samples, and @p moments with the FE
     * density of SGD output @p output (stationary: the stationary density).
     * Adds a row to the table and the JSON report, and logs one line.
     */
    const Sampling::HistogramComparison &
    compare(unsigned int                        output,
            double                              time,
            const Sampling::BoxHistogram<dim>  &histogram,
            double                              dispersion,
            const Sampling::SampleMoments<dim> &moments);

    /** FE cell average of the density of the last compare(), per active cell. */
    dealii::Vector<float>
    fe_density() const;

    /** Section "comparison". */
    void
    add_summary(nlohmann::json &summary) const override;

    /** sgd_comparison.txt. */
    void
    write_files(const std::string &directory) const override;

  private:
    struct Implementation;
    std::unique_ptr<Implementation> implementation;
  };

  extern template class FiniteElementComparison<1>;
  extern template class FiniteElementComparison<2>;
  extern template class FiniteElementComparison<3>;
} // namespace FokkerPlanck::Sgd

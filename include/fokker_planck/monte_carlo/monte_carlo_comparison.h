/**
 * @file
 * The Monte Carlo check of one case (doc/monte_carlo.md), a stage of the
 * run: an Ensemble of the same model in the same domain, compared with the
 * finite-element density at every output time. Writes the fields
 * mc_density, mc_density_difference, mc_probability_current and
 * mc_probability_current_difference into the run's .pvd, the table
 * monte_carlo.txt, the cell probabilities monte_carlo_cells_NNNN.csv (1D,
 * 2D) and a "monte_carlo" section of summary.json.
 */
#pragma once

#include <deal.II/dofs/dof_handler.h>
#include <deal.II/fe/fe_system.h>
#include <deal.II/lac/la_parallel_vector.h>

#include <fokker_planck/base/stage.h>
#include <fokker_planck/base/statistics.h>
#include <fokker_planck/discretization/problem.h>
#include <fokker_planck/monte_carlo/ensemble.h>
#include <fokker_planck/monte_carlo/monte_carlo_parameters.h>
#include <fokker_planck/sampling/finite_element_reference.h>
#include <fokker_planck/sampling/histogram_tests.h>
#include <fokker_planck/solvers/transient_solver.h>

#include <nlohmann/json.hpp>

#include <memory>
#include <ostream>
#include <string>
#include <vector>

namespace FokkerPlanck
{
  /**
   * The Monte Carlo comparison as a stage: observe() simulates up to the
   * time of each output snapshot and compares; add_fields() adds the mc_
   * fields of the last comparison; add_summary() and write_files() report
   * at the end. It adds no columns to statistics.txt (its table is
   * monte_carlo.txt).
   */
  template <int dim>
  class MonteCarloComparison : public Stage<dim>
  {
  public:
    /**
     * @param initial    'Time stepping' (its initial condition starts the
     *                   particles of a transient run)
     * @param stationary whether 'Problem = stationary'
     * @param problem    the mesh, model and discretisation of the case
     * @param log        receives the summary lines and progress (rank 0)
     */
    MonteCarloComparison(const MonteCarloParameters   &parameters,
                         const TimeSteppingParameters &initial,
                         bool                          stationary,
                         const Problem<dim>           &problem,
                         std::ostream                 *log);
    ~MonteCarloComparison();

    /** compare() at every output snapshot. */
    void
    observe(const Snapshot &snapshot) override;

    /** The mc_ fields of the last compare(). */
    void
    add_fields(dealii::DataOut<dim, dim> &data_out) const override;

    /** The "monte_carlo" section (with the particle steps and seconds). */
    void
    add_summary(nlohmann::json &summary) const override;

    /** monte_carlo.txt and the cell files. */
    void
    write_files(const std::string &directory) const override;

    /**
     * Simulate up to @p time (stationary: the whole run, once), compare
     * with the finite-element density @p p at that time and add a row to
     * the table.
     */
    void
    compare(double time, const LA::MPI::Vector &p);

    /** Results of the last compare(). */
    const MonteCarlo::Observation<dim> &
    last_observation() const
    {
      return observation;
    }
    const Sampling::HistogramComparison &
    last_histogram() const
    {
      return histogram;
    }
    const Sampling::FiniteElementReference<dim> &
    last_reference() const
    {
      return reference;
    }
    const nlohmann::json &
    results() const
    {
      return json;
    }

  private:
    /** The row of the table and of the JSON report of the last compare(). */
    nlohmann::json
    add_row(double time);
    /** The time-dependent pair estimators and survival (transient runs). */
    void
    add_transient_estimates(
        const std::function<void(const std::string &, const Sampling::Estimate &, double)>
            &put_estimate) const;
    /** The first-passage columns of the regions. */
    void
    add_regions(const std::function<void(const std::string &, double)> &put) const;
    void
    log_comparison(const nlohmann::json &row) const;
    void
    fill_fields();
    void
    write_cells(const std::string &directory) const;

    const MonteCarloParameters                         parameters;
    const bool                                         stationary;
    const Discretization<dim>                         &discretization;
    const Model<dim>                                  &model;
    std::ostream                                      *log;
    MonteCarlo::Ensemble<dim>                          ensemble;
    MonteCarlo::Observation<dim>                       observation;
    Sampling::HistogramComparison                      histogram;
    Sampling::FiniteElementReference<dim>              reference;
    bool                                               simulated = false;
    dealii::FESystem<dim>                              field_fe;
    dealii::DoFHandler<dim>                            field_dofs;
    dealii::LinearAlgebra::distributed::Vector<double> field_values;
    StatisticsTable                                    table;
    nlohmann::json                                     json;
    std::vector<std::vector<double>>                   cell_files;
    std::vector<std::vector<double>>                   cell_counts;
  };

  extern template class MonteCarloComparison<1>;
  extern template class MonteCarloComparison<2>;
  extern template class MonteCarloComparison<3>;
} // namespace FokkerPlanck

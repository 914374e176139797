/**
 * @file
 * The Monte Carlo check of one case (doc/monte_carlo.md): an Ensemble of
 * the same model in the same domain, compared with the finite-element density
 * at every output time. Writes the fields mc_density,
 * mc_density_difference, mc_probability_current and
 * mc_probability_current_difference into the run's .pvd, the table
 * monte_carlo.txt, the cell probabilities monte_carlo_cells_NNNN.csv (1D,
 * 2D) and a "monte_carlo" section of summary.json.
 */
#pragma once

#include <deal.II/dofs/dof_handler.h>
#include <deal.II/fe/fe_system.h>
#include <deal.II/lac/la_parallel_vector.h>

#include <fokker_planck/app/case_parameters.h>
#include <fokker_planck/base/stage.h>
#include <fokker_planck/base/statistics.h>
#include <fokker_planck/discretization/discretization.h>
#include <fokker_planck/monte_carlo/ensemble.h>
#include <fokker_planck/monte_carlo/histogram_tests.h>

#include <nlohmann/json.hpp>

#include <functional>
#include <memory>
#include <ostream>
#include <string>

namespace FokkerPlanck
{
  /**
   * Finite-element quantities on the Monte Carlo bins, for one density p_h:
   * cell probabilities, cell-averaged currents, moments, and the scalars
   * (the analysis stage's integrals, here per Monte Carlo grid):
   * - e_p = ∫ J_hᵀ (T D)⁻¹ a dx, which equals ∫ Jᵀ (T D)⁻¹ J / π dx for
   *   a stationary density with n·J = 0 (the difference is
   *   ∫ J·∇log π = −∫ log π ∇·J = 0) and needs no division by π_h;
   * - Ȧ_ij = ½ ∫ ((x_i − m_i) J_j − (x_j − m_j) J_i) dx,
   * with J_h = a p_h − T D ∇p_h.
   */
  template <int dim>
  struct FiniteElementReference
  {
    std::vector<double>                 probabilities;
    std::vector<dealii::Tensor<1, dim>> currents;
    double                              mass = 0.;
    dealii::Tensor<1, dim>              mean;
    dealii::SymmetricTensor<2, dim>     covariance;
    double                              entropy_production = 0.;
    dealii::Tensor<2, dim>              area_rate;

    /**
     * Integrate over the locally owned cells and sum over ranks. Each FE
     * cell goes to the bin that contains the average of its vertices;
     * throws unless every bin gets exactly one cell. On a curved mesh the
     * integrals are over the FE cells (with the FE mapping), the bins are
     * their straight-edged versions: they differ by the thin slivers between
     * the boundary faces and their chords (doc/monte_carlo.md).
     */
    void
    compute(const Discretization<dim>   &discretization,
            const Model<dim>            &model,
            const MonteCarlo::Bins<dim> &grid,
            const LA::MPI::Vector       &p);
  };

  template <int dim>
  class MonteCarloComparison
  {
  public:
    /** @param log receives the summary lines and progress (rank 0). */
    MonteCarloComparison(const CaseParameters      &parameters,
                         const Discretization<dim> &discretization,
                         const Model<dim>          &model,
                         std::ostream              *log);
    ~MonteCarloComparison();

    /**
     * Simulate up to @p time (stationary: the whole run, once), compare
     * with the finite-element density @p p at that time, add a row to the
     * table, and return the callback that adds the mc_ fields to this
     * step's output (valid until the next call).
     */
    std::function<void(dealii::DataOut<dim, dim> &)>
    compare(double time, const LA::MPI::Vector &p);

    /**
     * Write monte_carlo.txt and add the "monte_carlo" section to
     * @p summary.
     */
    void
    finish(const std::string &directory, nlohmann::json &summary);

    /** Results of the last compare(). */
    const MonteCarlo::Observation<dim> &
    last_observation() const
    {
      return observation;
    }
    const MonteCarlo::HistogramComparison &
    last_histogram() const
    {
      return histogram;
    }
    const FiniteElementReference<dim> &
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
    void
    fill_fields();
    void
    write_cells(const std::string &directory) const;

    const CaseParameters                              &parameters;
    const Discretization<dim>                         &discretization;
    const Model<dim>                                  &model;
    std::ostream                                      *log;
    MonteCarlo::Ensemble<dim>                          ensemble;
    MonteCarlo::Observation<dim>                       observation;
    MonteCarlo::HistogramComparison                    histogram;
    FiniteElementReference<dim>                        reference;
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

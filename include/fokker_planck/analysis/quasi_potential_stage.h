/**
 * @file
 * The quasi-potential S_Q of a stationary run as a stage of the output:
 * computed once after the stationary solve (doc/quasi_potential.md).
 */
#pragma once

#include <fokker_planck/analysis/quasi_potential.h>
#include <fokker_planck/base/stage.h>

#include <ostream>

namespace FokkerPlanck
{
  /**
   * Computes S_Q on the vertices of the mesh when it observes the
   * stationary density, and reports the fields quasi_potential and
   * quasi_potential_reached, the columns quasi_potential_max and
   * quasi_potential_unreached, and the section "quasi_potential".
   */
  template <int dim>
  class QuasiPotentialStage : public Stage<dim>
  {
  public:
    /** @p log receives one line on rank 0 (if not null). */
    QuasiPotentialStage(const QuasiPotentialParameters &parameters,
                        const Discretization<dim>      &discretization,
                        const Model<dim>               &model,
                        std::ostream                   *log);

    void
    observe(const Snapshot &snapshot) override;

    void
    add_fields(dealii::DataOut<dim, dim> &data_out) const override;

    void
    add_statistics(StatisticsTable &table) const override;

    void
    add_summary(nlohmann::json &summary) const override;

  private:
    const QuasiPotentialParameters parameters;
    const Discretization<dim>     &discretization;
    const Model<dim>              &model;
    std::ostream                  *log;
    QuasiPotentialInfo<dim>        info;
    bool                           computed = false;
    LA::MPI::Vector                S_Q, reached;
    mutable LA::MPI::Vector        S_Q_ghosted, reached_ghosted;
  };

  extern template class QuasiPotentialStage<1>;
  extern template class QuasiPotentialStage<2>;
  extern template class QuasiPotentialStage<3>;
} // namespace FokkerPlanck

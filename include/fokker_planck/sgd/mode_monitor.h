/**
 * @file
 * Saddle-to-saddle statistics of transient runs of models with modes to
 * learn (the deep linear network): per mode the mass that has learned the
 * mode, the mean SGD noise E[C_αα], and the gradient-flow reference
 * dx/dt = u|_{T=0} integrated alongside.
 */
#pragma once

#include <fokker_planck/base/stage.h>
#include <fokker_planck/discretization/discretization.h>
#include <fokker_planck/model/sgd_model.h>

#include <memory>
#include <vector>

namespace FokkerPlanck::Sgd
{
  /**
   * Observes the density p(t) of a transient run. Each observation gives
   * the statistics row, per mode α with target s_α:
   * - learned_α = ∫_{x_α > s_α/2} p dx, the mass that has learned mode α;
   * - noise_αα = E[C_αα] = ∫ C_αα p dx, the mean SGD noise of the mode;
   * - gf_α, the gradient-flow reference x_α(t) from the initial mean;
   * - gf_noise_αα = C_αα(x_gf(t)).
   * The summary (section "transient", entry "modes") gives per mode the time of maximal
   * E[C_αα], the time the mode is learned (learned_α first reaches 1/2, interpolated
   * linearly between observations), and the same two times along the gradient flow (its
   * crossing of s_α/2 located within the RK4 substeps of 1e-3).
   */
  template <int dim>
  class ModeMonitor : public Stage<dim>
  {
  public:
    /** A monitor if @p model is an SgdModel with mode targets, else null. */
    static std::unique_ptr<ModeMonitor>
    create(const Model<dim> &model, const Discretization<dim> &discretization);

    ModeMonitor(const SgdModel<dim> &model, const Discretization<dim> &discretization);

    /** Observe p at its time (the first call sets the reference's start). */
    void
    observe(const Snapshot &snapshot) override;

    void
    add_statistics(StatisticsTable &table) const override;

    /** Per-mode times. */
    void
    add_summary(nlohmann::json &summary) const override;

  private:
    /** Advance the gradient-flow reference to @p time (RK4). */
    void
    advance_gradient_flow(double time);

    const SgdModel<dim>       &model;
    const Discretization<dim> &discretization;
    const std::vector<double>  targets;

    bool               started = false;
    double             gf_time = 0.;
    dealii::Point<dim> gf_state;

    std::vector<double>              times;
    std::vector<std::vector<double>> learned, noise, gf_noise;
    /** First time x_gf,α > s_α/2, at the resolution of the RK4 substeps. */
    std::vector<double> gf_time_learned;
  };
} // namespace FokkerPlanck::Sgd

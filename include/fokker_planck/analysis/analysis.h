/**
 * @file
 * The analysis stage (DESIGN.md §2, §5): potentials, currents and entropy
 * production of a stationary density (and the current-based quantities of
 * each transient step), as output fields, statistics columns and summary
 * entries. doc/potentials.md explains every quantity.
 */
#pragma once

#include <fokker_planck/analysis/analysis_parameters.h>
#include <fokker_planck/analysis/currents.h>
#include <fokker_planck/analysis/effective_potential.h>
#include <fokker_planck/analysis/potentials.h>
#include <fokker_planck/base/stage.h>
#include <fokker_planck/discretization/problem.h>

#include <memory>
#include <optional>

namespace dealii
{
  template <int dim>
  class DataPostprocessor;
}

namespace FokkerPlanck
{
  /** The scalars of one analysed density. */
  struct AnalysisScalars
  {
    /** e_p, Ȧ_ij, ||J||. */
    CurrentScalars currents;
    /** ||∇_h·J||_{L2} of the discrete divergence M⁻¹Ap. */
    double current_divergence_l2 = 0.;
    /** 2D: Γ = max ψ − min ψ, the probability per unit time circulating
     *  between the boundary and the vortex centres. */
    std::optional<double> circulation;
    /** Where the model has a loss (stationary runs). */
    std::optional<BoltzmannDistances> boltzmann;
    /** Stationary runs: how S was computed. */
    std::optional<EffectivePotentialInfo> potential;
    /** The Galerkin–Newton solve of (★) after the fitted one, if enabled. */
    std::optional<HamiltonJacobiInfo> hamilton_jacobi;
  };

  /** The optional fields of the analysis, for 'Output/Fields'. */
  std::vector<FieldDescription>
  analysis_field_descriptions();

  /**
   * Computes and holds the analysis of one case. All fields live on the DoFs
   * of the run's discretisation (the effective potential is computed on an
   * exponentially fitted Q1 operator and interpolated).
   */
  template <int dim>
  class Analysis : public Stage<dim>
  {
  public:
    /**
     * The analysis of the densities of @p problem, with the linear solver
     * of @p solver for its own solves; @p fields: the requested fields.
     */
    Analysis(const AnalysisParameters     &parameters,
             const LinearSolverParameters &solver,
             const Problem<dim>           &problem,
             const FieldSelection         &fields);
    ~Analysis() override;

    /** stationary() or transient() of the snapshot's density. */
    void
    observe(const Snapshot &snapshot) override;

    /**
     * Everything for the stationary density @p pi: S, S_H, the current
     * fields and all scalars.
     */
    void
    stationary(const LA::MPI::Vector &pi);

    /**
     * The current-based fields and scalars of a transient density @p p
     * (e_p, Ȧ, ∇·J = −∂p/∂t, ψ) and S_H; S is a stationary notion and is
     * not computed.
     */
    void
    transient(const LA::MPI::Vector &p);

    /** Add the requested analysis fields to one output step. */
    void
    add_fields(dealii::DataOut<dim, dim> &data_out) const override;

    /** The scalars as statistics columns. */
    void
    add_statistics(StatisticsTable &table) const override;

    /** The scalars and how S was computed: section "analysis". */
    void
    add_summary(nlohmann::json &summary) const override;

    const AnalysisScalars &
    scalars() const
    {
      return results;
    }

    /** S (ghosted), min 0; empty before stationary(). */
    const LA::MPI::Vector &
    effective_potential() const
    {
      return S;
    }

    /** S_H (ghosted), mean 0. */
    const LA::MPI::Vector &
    helmholtz_potential() const
    {
      return S_H;
    }

    /** ψ (ghosted), 2D only. */
    const LA::MPI::Vector &
    stream_function() const
    {
      return psi;
    }

    /** ∇_h·J = M⁻¹Ap (ghosted). */
    const LA::MPI::Vector &
    current_divergence() const
    {
      return divergence;
    }

  private:
    void
    currents(const LA::MPI::Vector &p);

    const AnalysisParameters     parameters;
    const LinearSolverParameters solver;
    const Problem<dim>          &problem;
    const Discretization<dim>   &discretization;
    const Model<dim>            &model;
    const FieldSelection         output;

    AnalysisScalars results;
    LA::MPI::Vector density, S, S_H, psi, divergence;
    /** Postprocessors of the last add_fields(); alive until the next call. */
    mutable std::vector<std::unique_ptr<dealii::DataPostprocessor<dim>>> postprocessors;
  };

  extern template class Analysis<1>;
  extern template class Analysis<2>;
  extern template class Analysis<3>;
} // namespace FokkerPlanck

/**
 * @file
 * The density as a stage of the output: the field density (p or π), its
 * model fields (drift u, probability current J, loss L, diffusion D), the
 * MPI subdomain of each cell, and the columns mass, moments and extreme
 * values of the statistics table.
 */
#pragma once

#include <deal.II/lac/vector.h>

#include <fokker_planck/base/stage.h>
#include <fokker_planck/discretization/discretization.h>
#include <fokker_planck/model/model.h>

#include <memory>
#include <vector>

namespace dealii
{
  template <int dim>
  class DataPostprocessor;
}

namespace FokkerPlanck
{
  /** The optional fields of the density, for 'Output/Fields'. */
  std::vector<FieldDescription>
  density_field_descriptions();

  /**
   * Fields and statistics of the observed density p:
   * - fields density, drift, probability_current (3-component vectors in
   *   every dimension once written), loss (where the model has one),
   *   diffusion (a tensor) and subdomain, as far as requested;
   * - columns mass ∫p, mean_x.. and cov_xx.. (the moments of p/∫p),
   *   min_density, max_density.
   */
  template <int dim>
  class DensityFields : public Stage<dim>
  {
  public:
    DensityFields(const Discretization<dim> &discretization,
                  const Model<dim>          &model,
                  const FieldSelection      &fields);
    ~DensityFields() override;

    void
    observe(const Snapshot &snapshot) override;

    void
    add_fields(dealii::DataOut<dim, dim> &data_out) const override;

    void
    add_statistics(StatisticsTable &table) const override;

    /** Mean of the last observed density (∫x p / ∫p). */
    const dealii::Tensor<1, dim> &
    mean() const
    {
      return last_mean;
    }

    /** Covariance of the last observed density. */
    const dealii::SymmetricTensor<2, dim> &
    covariance() const
    {
      return last_covariance;
    }

    /** The moments of the last observed density as JSON (mean, covariance). */
    void
    add_moments(nlohmann::json &json) const;

  private:
    const Discretization<dim>                      &discretization;
    const Model<dim>                               &model;
    const FieldSelection                            fields;
    std::unique_ptr<dealii::DataPostprocessor<dim>> model_fields;
    LA::MPI::Vector                                 ghosted;
    dealii::Tensor<1, dim>                          last_mean;
    dealii::SymmetricTensor<2, dim>                 last_covariance;
    double                                          last_mass = 0.;
    double                                          last_min = 0., last_max = 0.;
    mutable dealii::Vector<float>                   subdomain;
  };

  extern template class DensityFields<1>;
  extern template class DensityFields<2>;
  extern template class DensityFields<3>;
} // namespace FokkerPlanck

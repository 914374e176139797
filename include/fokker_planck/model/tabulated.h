/**
 * @file
 * A model given on a grid (DESIGN.md §8, doc/tabulated_models.md): the drift
 * u, the diffusion D and optionally the loss L at the points of a
 * tensor-product grid read from an HDF5 file, interpolated (not fitted) by
 * deal.II's multilinear Functions::InterpolatedTensorProductGridData. ∇·D is
 * the gradient of that interpolant. The tabulated D plays the part of SGD's
 * gradient-noise covariance C, so the noise switch of the SGD models (its
 * Langevin twins, the isotropic floor) applies unchanged.
 */
#pragma once

#include <deal.II/base/bounding_box.h>
#include <deal.II/base/parameter_handler.h>

#include <fokker_planck/model/sgd_model.h>

#include <array>
#include <memory>
#include <string>
#include <vector>

namespace dealii::Functions
{
  template <int dim>
  class InterpolatedTensorProductGridData;
}

namespace FokkerPlanck
{
  /** Entries of subsection "Model/Tabulated". */
  struct TabulatedParameters
  {
    /** Entry "File", resolved against the parameter file's folder. */
    std::string file;
    /** Entries "Noise" and "Isotropic floor". */
    SgdNoiseParameters noise;
  };

  /**
   * The datasets of a tabulated-model file, checked: the grid coordinates
   * (strictly increasing, at least two each), u, D (symmetric) and L, all
   * finite, in the layout of doc/tabulated_models.md.
   */
  template <int dim>
  struct TabulatedData
  {
    std::array<std::vector<double>, dim> coordinates;
    /** Per grid point (C order): u (dim values), then D (dim² values). */
    std::vector<double> drift;
    std::vector<double> diffusion;
    std::vector<double> loss;

    /** Read and check @p file (messages name @p entry, file and dataset). */
    static TabulatedData
    read(const std::string &file, const std::string &entry);

    /** Write it (tests, scripts): datasets x[, y[, z]], drift, diffusion[, loss]. */
    void
    write(const std::string &file) const;

    std::size_t
    n_points() const;
  };

  template <int dim>
  class TabulatedModel : public SgdModel<dim>
  {
  public:
    using Parameters = TabulatedParameters;

    /** T may be given or η/(2B): the model accepts either source. */
    static constexpr bool requires_sgd_temperature = false;

    /** Declare subsection "Tabulated" (inside the entered "Model"). */
    static void
    declare_parameters(dealii::ParameterHandler &prm);

    /** Read subsection "Tabulated"; "File" relative to @p input_directory. */
    static Parameters
    parse_parameters(dealii::ParameterHandler &prm, const std::string &input_directory);

    /**
     * Read and check the file (InputError naming the file, the dataset
     * and, for D, the first grid point where it is not symmetric or not
     * positive definite).
     */
    TabulatedModel(const Parameters &parameters, double temperature);

    /** From data in memory (tests). */
    TabulatedModel(const TabulatedData<dim> &data, const SgdNoiseParameters &noise);

    ~TabulatedModel() override;

    dealii::Tensor<1, dim>
    drift(const dealii::Point<dim> &x) const override;

    dealii::Tensor<1, dim>
    gradient_flow_drift(const dealii::Point<dim> &x) const override
    {
      return drift(x);
    }

    dealii::SymmetricTensor<2, dim>
    gradient_covariance(const dealii::Point<dim> &x) const override;

    dealii::Tensor<1, dim>
    diffusion_divergence(const dealii::Point<dim> &x) const override;

    bool
    has_loss() const override
    {
      return !loss_interpolant.empty();
    }

    double
    loss(const dealii::Point<dim> &x) const override;

    /** The minimum of L on the grid, or without L the point where |u| is least. */
    dealii::Point<dim>
    reference_point() const override
    {
      return reference;
    }

    std::string
    description() const override;

    /** Refuse a mesh that reaches outside the grid (InputError). */
    void
    check_domain(const dealii::BoundingBox<dim> &mesh_box) const override;

  private:
    using Interpolant = dealii::Functions::InterpolatedTensorProductGridData<dim>;

    void
    build(const TabulatedData<dim> &data);

    std::string                               file_name;
    std::array<std::vector<double>, dim>      coordinates;
    std::vector<std::unique_ptr<Interpolant>> drift_interpolant;
    /** D_ij for i ≤ j, in the order of SymmetricTensor's unrolled index. */
    std::vector<std::unique_ptr<Interpolant>> diffusion_interpolant;
    std::vector<std::unique_ptr<Interpolant>> loss_interpolant;
    dealii::Point<dim>                        reference;
  };

  extern template struct TabulatedData<1>;
  extern template struct TabulatedData<2>;
  extern template struct TabulatedData<3>;
  extern template class TabulatedModel<1>;
  extern template class TabulatedModel<2>;
  extern template class TabulatedModel<3>;
} // namespace FokkerPlanck

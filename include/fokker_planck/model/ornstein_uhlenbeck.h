/**
 * @file
 * The anisotropic Ornstein–Uhlenbeck process u = −Hx, constant D
 * (DESIGN.md §3.1), built in so that it is fast and exact.
 */
#pragma once

#include <deal.II/base/tensor.h>

#include <deal.II/base/parameter_handler.h>

#include <fokker_planck/model/model.h>

#include <vector>

namespace FokkerPlanck
{
  /** Entries of subsection "Model/Ornstein-Uhlenbeck", row-major. */
  struct OrnsteinUhlenbeckParameters
  {
    /** Entry "H": dim² numbers. */
    std::vector<double> H;
    /** Entry "D": dim² numbers. */
    std::vector<double> D;
  };

  /**
   * u(x) = −H x with a constant symmetric positive definite D. H need not be
   * symmetric (non-equilibrium steady state with circulating current). If H
   * is symmetric, the loss L = ½ xᵀHx is defined.
   */
  template <int dim>
  class OrnsteinUhlenbeckModel : public Model<dim>
  {
  public:
    using Parameters = OrnsteinUhlenbeckParameters;

    /** Declare subsection "Ornstein-Uhlenbeck" (inside the entered "Model"). */
    static void
    declare_parameters(dealii::ParameterHandler &prm);

    /** Read subsection "Ornstein-Uhlenbeck" (inside the entered "Model"). */
    static Parameters
    parse_parameters(dealii::ParameterHandler &prm);

    /** H and D of @p parameters, checked (dim² numbers, D SPD). */
    OrnsteinUhlenbeckModel(const Parameters &parameters, double temperature);

    /** Direct construction (tests, benchmarks). */
    OrnsteinUhlenbeckModel(const dealii::Tensor<2, dim>          &H,
                           const dealii::SymmetricTensor<2, dim> &D);

    dealii::Tensor<1, dim>
    drift(const dealii::Point<dim> &x) const override
    {
      return -(H * x);
    }

    dealii::SymmetricTensor<2, dim>
    diffusion(const dealii::Point<dim> &) const override
    {
      return D;
    }

    dealii::Tensor<1, dim>
    diffusion_divergence(const dealii::Point<dim> &) const override
    {
      return {};
    }

    bool
    has_loss() const override;

    double
    loss(const dealii::Point<dim> &x) const override
    {
      return 0.5 * (x * (H * x));
    }

    std::string
    description() const override;

    std::string
    diffusion_entry() const override
    {
      return "Model/Ornstein-Uhlenbeck/D";
    }

    const dealii::Tensor<2, dim> &
    drift_matrix() const
    {
      return H;
    }

  private:
    dealii::Tensor<2, dim>          H;
    dealii::SymmetricTensor<2, dim> D;
  };
} // namespace FokkerPlanck

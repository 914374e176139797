// The 2D anisotropic Ornstein–Uhlenbeck case of DESIGN.md §3.1 that the
// stationary benchmarks time (H, D, T, the box [−6, 6]², reflecting), and
// its exact stationary covariance.

#pragma once

#include <deal.II/base/symmetric_tensor.h>
#include <deal.II/base/tensor.h>
#include <deal.II/lac/full_matrix.h>
#include <deal.II/lac/vector.h>

#include <fokker_planck/geometry/geometry.h>
#include <fokker_planck/model/model_parameters.h>
#include <fokker_planck/model/ornstein_uhlenbeck.h>

namespace BenchmarkCase
{
  constexpr int    dim         = 2;
  constexpr double temperature = 0.7;
  constexpr double half_width  = 6.;

  inline dealii::Tensor<2, dim>
  drift_matrix()
  {
    dealii::Tensor<2, dim> H;
    H[0][0] = 1.;
    H[0][1] = 0.8;
    H[1][0] = -0.3;
    H[1][1] = 2.;
    return H;
  }

  inline dealii::SymmetricTensor<2, dim>
  diffusion_matrix()
  {
    dealii::SymmetricTensor<2, dim> D;
    D[0][0] = 1.;
    D[0][1] = 0.3;
    D[1][1] = 0.5;
    return D;
  }

  /** 'Model' of the case: ornstein-uhlenbeck with H, D and T above. */
  inline FokkerPlanck::ModelParameters
  model_parameters()
  {
    FokkerPlanck::ModelParameters model;
    model.name        = "ornstein-uhlenbeck";
    model.temperature = temperature;
    model.specific    = FokkerPlanck::OrnsteinUhlenbeckParameters{{1., 0.8, -0.3, 2.},
                                                               {1., 0.3, 0.3, 0.5}};
    return model;
  }

  /** The box with @p coarse cells per direction, refined @p refinements times. */
  inline FokkerPlanck::GeometryParameters
  box(const unsigned int coarse, const unsigned int refinements)
  {
    FokkerPlanck::GeometryParameters geometry;
    geometry.mesh_type          = FokkerPlanck::GeometryParameters::MeshType::box;
    geometry.lower_corner       = {-half_width, -half_width};
    geometry.upper_corner       = {half_width, half_width};
    geometry.subdivisions       = {coarse, coarse};
    geometry.global_refinements = refinements;
    geometry.default_boundary   = FokkerPlanck::BoundaryType::reflecting;
    geometry.check(dim);
    return geometry;
  }

  /** Σ with HΣ + ΣHᵀ = 2TD, solved as a 3×3 linear system in (Σ11, Σ12, Σ22). */
  inline dealii::SymmetricTensor<2, dim>
  exact_covariance()
  {
    const auto                 H = drift_matrix();
    const auto                 D = diffusion_matrix();
    dealii::FullMatrix<double> L(3, 3);
    dealii::Vector<double>     rhs(3), s(3);
    // (1,1): 2 H11 S11 + 2 H12 S12
    L(0, 0) = 2 * H[0][0];
    L(0, 1) = 2 * H[0][1];
    rhs(0)  = 2 * temperature * D[0][0];
    // (1,2): H21 S11 + (H11 + H22) S12 + H12 S22
    L(1, 0) = H[1][0];
    L(1, 1) = H[0][0] + H[1][1];
    L(1, 2) = H[0][1];
    rhs(1)  = 2 * temperature * D[0][1];
    // (2,2): 2 H21 S12 + 2 H22 S22
    L(2, 1) = 2 * H[1][0];
    L(2, 2) = 2 * H[1][1];
    rhs(2)  = 2 * temperature * D[1][1];
    L.gauss_jordan();
    L.vmult(s, rhs);
    dealii::SymmetricTensor<2, dim> sigma;
    sigma[0][0] = s(0);
    sigma[0][1] = s(1);
    sigma[1][1] = s(2);
    return sigma;
  }
} // namespace BenchmarkCase

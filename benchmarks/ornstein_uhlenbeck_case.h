// The 2D anisotropic Ornstein–Uhlenbeck case of DESIGN.md §3.1 that the
// stationary benchmarks time (H, D, T, the box [−6, 6]², reflecting), and
// the barrier-synchronised clock they time it with.

#pragma once

#include <deal.II/base/mpi.h>
#include <deal.II/base/symmetric_tensor.h>
#include <deal.II/base/tensor.h>

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

  /** Barrier, then the wall clock, so that phases are timed on all ranks. */
  inline double
  synchronized_time(MPI_Comm communicator)
  {
    MPI_Barrier(communicator);
    return MPI_Wtime();
  }
} // namespace BenchmarkCase

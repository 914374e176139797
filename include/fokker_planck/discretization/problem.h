/**
 * @file
 * The problem of one case: the mesh of Ω, the model (u, D, L and T) and
 * its discretisation, built in one place from their parsed subsections.
 * The solver run, --monte-carlo, --sgd, the tests and the benchmarks all
 * get their problem here (doc/architecture.md).
 */
#pragma once

#include <deal.II/base/mpi.h>
#include <deal.II/distributed/tria_base.h>

#include <fokker_planck/discretization/discretization.h>
#include <fokker_planck/geometry/geometry.h>
#include <fokker_planck/model/model.h>
#include <fokker_planck/model/model_parameters.h>

#include <memory>

namespace FokkerPlanck
{
  /**
   * Owns the triangulation, the model and the discretisation of one case.
   * The constructor builds the mesh ('Geometry'), creates the model
   * ('Model', with the domain's diameter as length scale), distributes the
   * DoFs and assembles the operator A and the mass vector, so bad input
   * found there (a missing mesh, a D that is not positive definite) is
   * reported before anything is written.
   */
  template <int dim>
  class Problem
  {
  public:
    /** Wall seconds of the three phases of the constructor. */
    struct Timings
    {
      double mesh     = 0.;
      double setup    = 0.;
      double assembly = 0.;
    };

    Problem(const GeometryParameters       &geometry,
            const ModelParameters          &model,
            const DiscretizationParameters &discretization,
            MPI_Comm                        communicator = MPI_COMM_WORLD);
    ~Problem();

    /**
     * Distribute the DoFs and assemble again, after the triangulation has
     * been refined or coarsened.
     */
    void
    refresh();

    Problem(const Problem &) = delete;
    Problem &
    operator=(const Problem &) = delete;

    const GeometryParameters &
    geometry() const
    {
      return geometry_parameters;
    }

    /** The distributed mesh (p4est in 2D and 3D, shared in 1D). */
    dealii::parallel::TriangulationBase<dim> &
    triangulation() const
    {
      return *mesh;
    }

    const Model<dim> &
    model() const
    {
      return *model_object;
    }

    const Discretization<dim> &
    discretization() const
    {
      return *discretization_object;
    }

    MPI_Comm
    communicator() const
    {
      return mesh->get_communicator();
    }

    const Timings &
    timings() const
    {
      return phase_seconds;
    }

  private:
    const GeometryParameters                                  geometry_parameters;
    std::unique_ptr<dealii::parallel::TriangulationBase<dim>> mesh;
    std::unique_ptr<Model<dim>>                               model_object;
    std::unique_ptr<Discretization<dim>>                      discretization_object;
    Timings                                                   phase_seconds;
  };

  extern template class Problem<1>;
  extern template class Problem<2>;
  extern template class Problem<3>;
} // namespace FokkerPlanck

#include <deal.II/base/mpi.h>
#include <deal.II/base/timer.h>

#include <algorithm>
#include <limits>

#include <fokker_planck/discretization/problem.h>

namespace FokkerPlanck
{
  using namespace dealii;

  namespace
  {
    /** Seconds since the last lap of @p timer, after a barrier; restarts it. */
    double
    lap(Timer &timer, const MPI_Comm communicator)
    {
      MPI_Barrier(communicator);
      const double seconds = timer.wall_time();
      timer.restart();
      return seconds;
    }

    /** The box around every rank's cells (mapped vertices of the mesh). */
    template <int dim>
    BoundingBox<dim>
    global_bounding_box(const Triangulation<dim> &mesh, const MPI_Comm communicator)
    {
      Point<dim> lower, upper;
      for (unsigned int d = 0; d < dim; ++d)
        {
          lower[d] = std::numeric_limits<double>::max();
          upper[d] = -std::numeric_limits<double>::max();
        }
      for (const auto &cell : mesh.active_cell_iterators())
        if (cell->is_locally_owned())
          for (const unsigned int v : cell->vertex_indices())
            for (unsigned int d = 0; d < dim; ++d)
              {
                lower[d] = std::min(lower[d], cell->vertex(v)[d]);
                upper[d] = std::max(upper[d], cell->vertex(v)[d]);
              }
      for (unsigned int d = 0; d < dim; ++d)
        {
          lower[d] = Utilities::MPI::min(lower[d], communicator);
          upper[d] = Utilities::MPI::max(upper[d], communicator);
        }
      return BoundingBox<dim>(std::make_pair(lower, upper));
    }
  } // namespace

  template <int dim>
  Problem<dim>::Problem(const GeometryParameters       &geometry,
                        const ModelParameters          &model,
                        const DiscretizationParameters &discretization,
                        const MPI_Comm                  communicator)
      : geometry_parameters(geometry)
      , mesh(make_triangulation<dim>(communicator))
  {
    // Phases are timed from a barrier to a barrier, so that every rank
    // reports the time of the slowest.
    MPI_Barrier(communicator);
    Timer timer(communicator);
    build_mesh(geometry_parameters, *mesh);
    model_object = create_model<dim>(model, length_scale(*mesh));
    model_object->check_domain(global_bounding_box(*mesh, communicator));
    phase_seconds.mesh = lap(timer, communicator);
    discretization_object =
        std::make_unique<Discretization<dim>>(*mesh, geometry_parameters, discretization);
    refresh();
  }

  template <int dim>
  Problem<dim>::~Problem() = default;

  template <int dim>
  void
  Problem<dim>::refresh()
  {
    MPI_Barrier(communicator());
    Timer timer(communicator());
    discretization_object->setup();
    phase_seconds.setup = lap(timer, communicator());
    discretization_object->assemble(*model_object);
    phase_seconds.assembly = lap(timer, communicator());
  }

  template class Problem<1>;
  template class Problem<2>;
  template class Problem<3>;
} // namespace FokkerPlanck

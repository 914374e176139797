#include <deal.II/dofs/dof_handler.h>
#include <deal.II/fe/mapping.h>
#include <deal.II/grid/tria.h>
#include <deal.II/numerics/data_out.h>

#include <fokker_planck/output/output_writer.h>

namespace FokkerPlanck
{
  using namespace dealii;

  template <int dim>
  OutputWriter<dim>::OutputWriter(const std::string &directory,
                                  const std::string &base_name,
                                  const unsigned int n_groups,
                                  const MPI_Comm     communicator)
      : series(directory, base_name, n_groups, communicator)
  {
  }

  template <int dim>
  std::string
  OutputWriter<dim>::write(const double           time,
                           const DoFHandler<dim> &dof_handler,
                           const Mapping<dim>    &mapping,
                           const unsigned int     degree,
                           const StageList<dim>  &stages)
  {
    DataOut<dim> data_out;
    data_out.attach_dof_handler(dof_handler);
    for (const auto *stage : stages)
      stage->add_fields(data_out);
    data_out.build_patches(mapping, degree, DataOut<dim>::curved_inner_cells);
    return series.write_step(time, data_out);
  }

  template <int dim>
  std::string
  OutputWriter<dim>::write(const double              time,
                           const Triangulation<dim> &triangulation,
                           const StageList<dim>     &stages)
  {
    DataOut<dim> data_out;
    data_out.attach_triangulation(triangulation);
    for (const auto *stage : stages)
      stage->add_fields(data_out);
    data_out.build_patches();
    return series.write_step(time, data_out);
  }

  template class OutputWriter<1>;
  template class OutputWriter<2>;
  template class OutputWriter<3>;
} // namespace FokkerPlanck

#include <deal.II/dofs/dof_handler.h>
#include <deal.II/fe/mapping.h>
#include <deal.II/grid/tria.h>
#include <deal.II/numerics/data_out.h>

#include <fokker_planck/output/output_writer.h>

#include <fstream>

namespace FokkerPlanck
{
  using namespace dealii;

  template <int dim>
  OutputWriter<dim>::OutputWriter(const std::string &directory,
                                  const std::string &base_name,
                                  const unsigned int n_groups,
                                  const MPI_Comm     communicator)
      : directory(directory)
      , base_name(base_name)
      , n_groups(n_groups)
      , communicator(communicator)
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
    return finish_step(time, data_out);
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
    return finish_step(time, data_out);
  }

  template <int dim>
  template <class DataOutType>
  std::string
  OutputWriter<dim>::finish_step(const double time, DataOutType &data_out)
  {
    const unsigned int step = times_and_names.size();
    data_out.set_flags(
        DataOutBase::VtkFlags(time, step, false, DataOutBase::VtkFlags::best_speed));
    const std::string pvtu = data_out.write_vtu_with_pvtu_record(
        directory + "/", base_name, step, communicator, 4, n_groups);
    times_and_names.emplace_back(time, pvtu);
    if (Utilities::MPI::this_mpi_process(communicator) == 0)
      {
        std::ofstream pvd(directory + "/" + pvd_name());
        DataOutBase::write_pvd_record(pvd, times_and_names);
      }
    return pvtu;
  }

  template class OutputWriter<1>;
  template class OutputWriter<2>;
  template class OutputWriter<3>;
} // namespace FokkerPlanck

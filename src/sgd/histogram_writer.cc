#include <deal.II/numerics/data_out.h>

#include <fokker_planck/sgd/histogram_writer.h>

#include <fstream>

namespace FokkerPlanck::Sgd
{
  using namespace dealii;

  template <int dim>
  void
  HistogramWriter<dim>::write(const double              time,
                              const CellHistogram<dim> &histogram,
                              const Vector<float>      *fe_density)
  {
    const Vector<float> density = histogram.density(triangulation);
    DataOut<dim>        data_out;
    data_out.attach_triangulation(triangulation);
    data_out.add_data_vector(density, "sgd_density", DataOut<dim>::type_cell_data);
    Vector<float> difference(density);
    if (fe_density)
      {
        difference -= *fe_density;
        data_out.add_data_vector(*fe_density, "fe_density", DataOut<dim>::type_cell_data);
        data_out.add_data_vector(
            difference, "sgd_density_difference", DataOut<dim>::type_cell_data);
      }
    data_out.build_patches();
    DataOutBase::VtkFlags flags(time, entries.size());
    data_out.set_flags(flags);
    const std::string name =
        data_out.write_vtu_with_pvtu_record(directory + "/",
                                            "sgd_histogram",
                                            entries.size(),
                                            triangulation.get_communicator(),
                                            4);
    entries.emplace_back(time, name);
    if (Utilities::MPI::this_mpi_process(triangulation.get_communicator()) == 0)
      {
        std::ofstream pvd(directory + "/sgd_histogram.pvd");
        DataOutBase::write_pvd_record(pvd, entries);
      }
  }

  template class HistogramWriter<1>;
  template class HistogramWriter<2>;
  template class HistogramWriter<3>;
} // namespace FokkerPlanck::Sgd

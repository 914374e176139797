#include <deal.II/numerics/data_out.h>

#include <fokker_planck/sampling/histogram_output.h>

namespace FokkerPlanck::Sampling
{
  using namespace dealii;

  template <int dim>
  HistogramWriter<dim>::HistogramWriter(const Triangulation<dim> &triangulation,
                                        const std::string        &directory,
                                        const std::string        &name)
      : triangulation(triangulation)
      , name(name)
      , series(directory, name + "_histogram", 0, triangulation.get_communicator())
  {
  }

  template <int dim>
  void
  HistogramWriter<dim>::write(const double             time,
                              const BoxHistogram<dim> &histogram,
                              const Vector<float>     *fe_density)
  {
    const Vector<float> density = histogram.density(triangulation);
    DataOut<dim>        data_out;
    data_out.attach_triangulation(triangulation);
    data_out.add_data_vector(density, name + "_density", DataOut<dim>::type_cell_data);
    Vector<float> difference(density);
    if (fe_density)
      {
        difference -= *fe_density;
        data_out.add_data_vector(*fe_density, "fe_density", DataOut<dim>::type_cell_data);
        data_out.add_data_vector(
            difference, name + "_density_difference", DataOut<dim>::type_cell_data);
      }
    data_out.build_patches();
    series.write_step(time, data_out);
  }

  template class HistogramWriter<1>;
  template class HistogramWriter<2>;
  template class HistogramWriter<3>;
} // namespace FokkerPlanck::Sampling

#include <deal.II/base/data_out_base.h>

#include <fokker_planck/base/pvd_series.h>

#include <fstream>

namespace FokkerPlanck
{
  using namespace dealii;

  PvdSeries::PvdSeries(const std::string &directory,
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
  PvdSeries::write_step(const double time, DataOutInterface<dim, dim> &data_out)
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

  template std::string
  PvdSeries::write_step<1>(double, DataOutInterface<1, 1> &);
  template std::string
  PvdSeries::write_step<2>(double, DataOutInterface<2, 2> &);
  template std::string
  PvdSeries::write_step<3>(double, DataOutInterface<3, 3> &);
} // namespace FokkerPlanck

#include <deal.II/base/mpi.templates.h>

#include <fokker_planck/base/collective.h>
#include <fokker_planck/base/input_error.h>

#include <tuple>

namespace FokkerPlanck
{
  void
  run_collectively(MPI_Comm communicator, const std::function<void()> &local_work)
  {
    // (is input error, entry, text)
    std::tuple<bool, std::string, std::string> error;
    bool                                       failed = false;
    try
      {
        local_work();
      }
    catch (const InputError &e)
      {
        failed = true;
        error  = {true, e.entry(), e.problem()};
      }
    catch (const std::exception &e)
      {
        failed = true;
        error  = {false, "", e.what()};
      }
    const unsigned int n_ranks = dealii::Utilities::MPI::n_mpi_processes(communicator);
    const unsigned int my_rank = dealii::Utilities::MPI::this_mpi_process(communicator);
    const unsigned int first =
        dealii::Utilities::MPI::min(failed ? my_rank : n_ranks, communicator);
    if (first == n_ranks)
      return;
    error = dealii::Utilities::MPI::broadcast(communicator, error, first);
    if (std::get<0>(error))
      throw InputError(std::get<1>(error), std::get<2>(error));
    throw std::runtime_error(std::get<2>(error));
  }

  std::vector<double>
  gather_concatenated(const MPI_Comm communicator, const std::vector<double> &local)
  {
    std::vector<double> all;
    for (const auto &part : dealii::Utilities::MPI::all_gather(communicator, local))
      all.insert(all.end(), part.begin(), part.end());
    return all;
  }
} // namespace FokkerPlanck

#include <fokker_planck/base/statistics.h>

#include <fstream>

namespace FokkerPlanck
{
  void
  StatisticsTable::add(const std::string &column, const double value)
  {
    handler.add_value(column, value);
    handler.set_scientific(column, true);
    handler.set_precision(column, 10);
  }

  void
  StatisticsTable::add(const std::string &column, const unsigned int value)
  {
    handler.add_value(column, value);
  }

  void
  StatisticsTable::write(const std::string &filename, MPI_Comm communicator) const
  {
    if (dealii::Utilities::MPI::this_mpi_process(communicator) != 0)
      return;
    std::ofstream out(filename);
    handler.write_text(out, dealii::TableHandler::table_with_separate_column_description);
  }
} // namespace FokkerPlanck

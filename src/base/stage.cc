#include <fokker_planck/base/stage.h>

#include <nlohmann/json.hpp>

namespace FokkerPlanck
{
  template <int dim>
  void
  Stage<dim>::observe(const Snapshot &)
  {
  }

  template <int dim>
  void
  Stage<dim>::add_fields(dealii::DataOut<dim, dim> &) const
  {
  }

  template <int dim>
  void
  Stage<dim>::add_statistics(StatisticsTable &) const
  {
  }

  template <int dim>
  void
  Stage<dim>::add_summary(nlohmann::json &) const
  {
  }

  template <int dim>
  void
  Stage<dim>::write_files(const std::string &) const
  {
  }

  template class Stage<1>;
  template class Stage<2>;
  template class Stage<3>;
} // namespace FokkerPlanck

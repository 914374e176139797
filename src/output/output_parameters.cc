#include <deal.II/base/utilities.h>

#include <fokker_planck/output/output_parameters.h>

namespace FokkerPlanck
{
  using namespace dealii;

  void
  OutputParameters::declare_parameters(
      ParameterHandler &prm, const std::vector<FieldDescription> &optional_fields)
  {
    std::string names, selection, help;
    for (const auto &field : optional_fields)
      {
        names += (names.empty() ? "" : ", ") + field.name;
        selection += (selection.empty() ? "" : "|") + field.name;
        help += (help.empty() ? "" : "; ") + field.name + ": " + field.meaning;
      }
    prm.enter_subsection("Output");
    {
      prm.add_parameter("Directory",
                        directory,
                        "Folder for all results; created if missing. A "
                        "relative path is taken relative to the working "
                        "directory. The run writes into its subfolder "
                        "'.incomplete' and moves the files up when it has "
                        "finished; a run that fails leaves earlier results "
                        "as they were. A finished run removes the files "
                        "the previous finished run there wrote and it did "
                        "not (listed in '.fokker-planck-files'), and no "
                        "others.",
                        Patterns::DirectoryName());
      prm.add_parameter("Base name",
                        base_name,
                        "Stem of the field files: <base>.pvd, "
                        "<base>_NNNN.pvtu, <base>_NNNN.K.vtu.",
                        Patterns::FileName());
      prm.declare_entry("Fields",
                        names,
                        Patterns::MultipleSelection(selection),
                        "Fields to write. " + help + ".");
      prm.add_parameter("Every n steps",
                        every_n_steps,
                        "Write fields every n-th time step (and always the "
                        "first and last).",
                        Patterns::Integer(1));
      prm.add_parameter("Write fields",
                        write_fields,
                        "If false, only the statistics table and summary are "
                        "written (no .vtu files).");
      prm.add_parameter("Number of output groups",
                        n_groups,
                        "Number of .vtu pieces per step (ranks are grouped).",
                        Patterns::Integer(1));
    }
    prm.leave_subsection();
  }

  void
  OutputParameters::parse_parameters(ParameterHandler &prm)
  {
    prm.enter_subsection("Output");
    fields.clear();
    for (const auto &f : Utilities::split_string_list(prm.get("Fields"), ','))
      fields.insert(f);
    prm.leave_subsection();
  }
} // namespace FokkerPlanck

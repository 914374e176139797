#include <deal.II/numerics/data_out.h>
#include <deal.II/numerics/data_postprocessor.h>

#include <fokker_planck/analysis/analysis_fields.h>
#include <fokker_planck/output/output_writer.h>

#include <fstream>

namespace FokkerPlanck
{
  using namespace dealii;

  void
  OutputParameters::declare_parameters(ParameterHandler &prm)
  {
    prm.enter_subsection("Output");
    {
      prm.declare_entry("Directory",
                        "results",
                        Patterns::DirectoryName(),
                        "Folder for all results; created if missing. A "
                        "relative path is taken relative to the working "
                        "directory. The run writes into its subfolder "
                        "'.incomplete' and moves the files up when it has "
                        "finished; a run that fails leaves earlier results "
                        "as they were. A finished run removes the files "
                        "the previous finished run there wrote and it did "
                        "not (listed in '.fokker-planck-files'), and no "
                        "others.");
      prm.declare_entry("Base name",
                        "solution",
                        Patterns::FileName(),
                        "Stem of the field files: <base>.pvd, "
                        "<base>_NNNN.pvtu, <base>_NNNN.K.vtu.");
      prm.declare_entry(
          "Fields",
          "density, drift, probability_current, loss, diffusion, subdomain"
          ", " FP_ANALYSIS_FIELDS,
          Patterns::MultipleSelection(
              "density|drift|probability_current|loss|diffusion|subdomain"
              "|" FP_ANALYSIS_FIELD_SELECTION),
          "Fields to write. density: p or pi (1/volume); drift: u; "
          "probability_current: J = a p - T D grad p; loss: L (if the model "
          "has one); diffusion: the tensor D; subdomain: MPI rank of each "
          "cell. " FP_ANALYSIS_FIELD_HELP);
      prm.declare_entry("Every n steps",
                        "1",
                        Patterns::Integer(1),
                        "Write fields every n-th time step (and always the "
                        "first and last).");
      prm.declare_entry("Write fields",
                        "true",
                        Patterns::Bool(),
                        "If false, only the statistics table and summary are "
                        "written (no .vtu files).");
      prm.declare_entry("Number of output groups",
                        "1",
                        Patterns::Integer(1),
                        "Number of .vtu pieces per step (ranks are grouped).");
    }
    prm.leave_subsection();
  }

  void
  OutputParameters::parse_parameters(ParameterHandler &prm)
  {
    prm.enter_subsection("Output");
    directory = prm.get("Directory");
    base_name = prm.get("Base name");
    fields.clear();
    for (const auto &f : Utilities::split_string_list(prm.get("Fields"), ','))
      fields.insert(f);
    every_n_steps = prm.get_integer("Every n steps");
    write_fields  = prm.get_bool("Write fields");
    n_groups      = prm.get_integer("Number of output groups");
    prm.leave_subsection();
  }

  namespace
  {
    /**
     * Model fields at output points: drift u, current J = a p − T D∇p,
     * loss L and the diffusion tensor D.
     */
    template <int dim>
    class ModelFields : public DataPostprocessor<dim>
    {
    public:
      ModelFields(const Model<dim> &model, const OutputParameters &parameters)
          : model(model)
          , drift(parameters.wants("drift"))
          , current(parameters.wants("probability_current"))
          , loss(parameters.wants("loss") && model.has_loss())
          , diffusion(parameters.wants("diffusion"))
      {
      }

      void
      evaluate_scalar_field(const DataPostprocessorInputs::Scalar<dim> &inputs,
                            std::vector<Vector<double>> &computed) const override
      {
        const double T = model.temperature();
        for (unsigned int q = 0; q < inputs.solution_values.size(); ++q)
          {
            const Point<dim> &x = inputs.evaluation_points[q];
            unsigned int      c = 0;
            if (drift)
              {
                const auto u = model.drift(x);
                for (unsigned int d = 0; d < dim; ++d)
                  computed[q](c++) = u[d];
              }
            if (current)
              {
                const auto J = model.fokker_planck_drift(x) * inputs.solution_values[q] -
                               T * (model.diffusion(x) * inputs.solution_gradients[q]);
                for (unsigned int d = 0; d < dim; ++d)
                  computed[q](c++) = J[d];
              }
            if (loss)
              computed[q](c++) = model.loss(x);
            if (diffusion)
              {
                const auto D = model.diffusion(x);
                for (unsigned int i = 0; i < dim; ++i)
                  for (unsigned int j = 0; j < dim; ++j)
                    computed[q](c++) = D[i][j];
              }
          }
      }

      std::vector<std::string>
      get_names() const override
      {
        std::vector<std::string> names;
        if (drift)
          names.insert(names.end(), dim, "drift");
        if (current)
          names.insert(names.end(), dim, "probability_current");
        if (loss)
          names.push_back("loss");
        if (diffusion)
          names.insert(names.end(), dim * dim, "diffusion");
        return names;
      }

      std::vector<DataComponentInterpretation::DataComponentInterpretation>
      get_data_component_interpretation() const override
      {
        using namespace DataComponentInterpretation;
        std::vector<DataComponentInterpretation::DataComponentInterpretation> kinds;
        if (drift)
          kinds.insert(kinds.end(), dim, component_is_part_of_vector);
        if (current)
          kinds.insert(kinds.end(), dim, component_is_part_of_vector);
        if (loss)
          kinds.push_back(component_is_scalar);
        if (diffusion)
          kinds.insert(kinds.end(), dim * dim, component_is_part_of_tensor);
        return kinds;
      }

      UpdateFlags
      get_needed_update_flags() const override
      {
        return update_values | update_gradients | update_quadrature_points;
      }

      bool
      empty() const
      {
        return !(drift || current || loss || diffusion);
      }

    private:
      const Model<dim> &model;
      const bool        drift, current, loss, diffusion;
    };
  } // namespace

  template <int dim>
  OutputWriter<dim>::OutputWriter(const OutputParameters    &parameters,
                                  const Discretization<dim> &discretization,
                                  const Model<dim>          &model)
      : parameters(parameters)
      , discretization(discretization)
      , model(model)
  {
  }

  template <int dim>
  std::string
  OutputWriter<dim>::write(const double           time,
                           const LA::MPI::Vector &p,
                           const ExtraFields     &extra)
  {
    LA::MPI::Vector ghosted;
    discretization.initialize_ghosted_vector(ghosted);
    ghosted = p;

    const auto  &dof_handler = discretization.get_dof_handler();
    DataOut<dim> data_out;
    data_out.attach_dof_handler(dof_handler);
    if (parameters.wants("density"))
      data_out.add_data_vector(ghosted, "density");
    ModelFields<dim> fields(model, parameters);
    if (!fields.empty())
      data_out.add_data_vector(ghosted, fields);

    Vector<float> subdomain(dof_handler.get_triangulation().n_active_cells());
    if (parameters.wants("subdomain"))
      {
        for (const auto &cell : dof_handler.active_cell_iterators())
          if (cell->is_locally_owned())
            subdomain(cell->active_cell_index()) = cell->subdomain_id();
        data_out.add_data_vector(subdomain, "subdomain");
      }
    if (extra)
      extra(data_out);

    DataOutBase::VtkFlags flags(
        time, times_and_names.size(), false, DataOutBase::VtkFlags::best_speed);
    data_out.set_flags(flags);
    data_out.build_patches(discretization.get_mapping(),
                           discretization.get_fe().degree,
                           DataOut<dim>::curved_inner_cells);
    const std::string pvtu =
        data_out.write_vtu_with_pvtu_record(parameters.directory + "/",
                                            parameters.base_name,
                                            times_and_names.size(),
                                            discretization.communicator(),
                                            4,
                                            parameters.n_groups);

    times_and_names.emplace_back(time, pvtu);
    if (Utilities::MPI::this_mpi_process(discretization.communicator()) == 0)
      {
        std::ofstream pvd(parameters.directory + "/" + pvd_name());
        DataOutBase::write_pvd_record(pvd, times_and_names);
      }
    return pvtu;
  }

  template class OutputWriter<1>;
  template class OutputWriter<2>;
  template class OutputWriter<3>;
} // namespace FokkerPlanck

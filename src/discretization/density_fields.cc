#include <deal.II/numerics/data_out.h>
#include <deal.II/numerics/data_postprocessor.h>

#include <fokker_planck/base/axes.h>
#include <fokker_planck/discretization/density_fields.h>
#include <fokker_planck/discretization/probability_current.h>

#include <nlohmann/json.hpp>

namespace FokkerPlanck
{
  using namespace dealii;

  std::vector<FieldDescription>
  density_field_descriptions()
  {
    return {{"density", "p or pi (1/volume)"},
            {"drift", "u"},
            {"probability_current", "J = a p - T D grad p"},
            {"loss", "L (if the model has one)"},
            {"diffusion", "the tensor D"},
            {"subdomain", "MPI rank of each cell"}};
  }

  namespace
  {
    /**
     * Model fields at output points: drift u, current J, loss L and the
     * diffusion tensor D.
     */
    template <int dim>
    class ModelFields : public DataPostprocessor<dim>
    {
    public:
      ModelFields(const Model<dim> &model, const FieldSelection &fields)
          : model(model)
          , drift(fields.wants("drift"))
          , current(fields.wants("probability_current"))
          , loss(fields.wants("loss") && model.has_loss())
          , diffusion(fields.wants("diffusion"))
      {
      }

      void
      evaluate_scalar_field(const DataPostprocessorInputs::Scalar<dim> &inputs,
                            std::vector<Vector<double>> &computed) const override
      {
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
                const auto J = probability_current(
                    model, x, inputs.solution_values[q], inputs.solution_gradients[q]);
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
  DensityFields<dim>::DensityFields(const Discretization<dim> &discretization,
                                    const Model<dim>          &model,
                                    const FieldSelection      &fields)
      : discretization(discretization)
      , model(model)
      , fields(fields)
      , model_fields(std::make_unique<ModelFields<dim>>(model, fields))
  {
  }

  template <int dim>
  DensityFields<dim>::~DensityFields() = default;

  template <int dim>
  void
  DensityFields<dim>::observe(const Snapshot &snapshot)
  {
    const LA::MPI::Vector &p = *snapshot.density;
    discretization.initialize_ghosted_vector(ghosted);
    ghosted   = p;
    last_mass = discretization.mass(p);
    discretization.moments(p, last_mean, last_covariance);
    last_min = LA::min_entry(p);
    last_max = LA::max_entry(p);
  }

  template <int dim>
  void
  DensityFields<dim>::add_fields(DataOut<dim, dim> &data_out) const
  {
    if (fields.wants("density"))
      data_out.add_data_vector(ghosted, "density");
    if (!static_cast<const ModelFields<dim> &>(*model_fields).empty())
      data_out.add_data_vector(ghosted, *model_fields);
    if (fields.wants("subdomain"))
      {
        const auto &triangulation = discretization.get_dof_handler().get_triangulation();
        subdomain.reinit(triangulation.n_active_cells());
        for (const auto &cell : triangulation.active_cell_iterators())
          if (cell->is_locally_owned())
            subdomain(cell->active_cell_index()) = cell->subdomain_id();
        data_out.add_data_vector(subdomain, "subdomain");
      }
  }

  template <int dim>
  void
  DensityFields<dim>::add_statistics(StatisticsTable &table) const
  {
    table.add("mass", last_mass);
    for (unsigned int k = 0; k < dim; ++k)
      table.add("mean_" + axis_name(k), last_mean[k]);
    for (unsigned int k = 0; k < dim; ++k)
      for (unsigned int l = k; l < dim; ++l)
        table.add("cov_" + axis_name(k) + axis_name(l), last_covariance[k][l]);
    table.add("min_density", last_min);
    table.add("max_density", last_max);
  }

  template <int dim>
  void
  DensityFields<dim>::add_moments(nlohmann::json &json) const
  {
    for (unsigned int k = 0; k < dim; ++k)
      {
        json["mean"].push_back(last_mean[k]);
        nlohmann::json row;
        for (unsigned int l = 0; l < dim; ++l)
          row.push_back(last_covariance[k][l]);
        json["covariance"].push_back(row);
      }
  }

  template class DensityFields<1>;
  template class DensityFields<2>;
  template class DensityFields<3>;
} // namespace FokkerPlanck

#include <deal.II/base/function_lib.h>
#include <deal.II/base/table.h>

#include <fokker_planck/base/axes.h>
#include <fokker_planck/base/hdf5_arrays.h>
#include <fokker_planck/base/input_error.h>
#include <fokker_planck/model/tabulated.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <sstream>

namespace FokkerPlanck
{
  using namespace dealii;

  namespace
  {
    const std::string file_entry = "Model/Tabulated/File";

    /** The grid index (i, j, k) of flat point @p n, and its coordinates. */
    template <int dim>
    std::string
    grid_point(const std::array<std::vector<double>, dim> &coordinates, std::size_t n)
    {
      std::array<std::size_t, dim> index;
      for (int d = dim - 1; d >= 0; --d)
        {
          index[d] = n % coordinates[d].size();
          n /= coordinates[d].size();
        }
      std::ostringstream out;
      out << "grid point (";
      for (int d = 0; d < dim; ++d)
        out << (d > 0 ? ", " : "") << index[d];
      out << ") at (";
      for (int d = 0; d < dim; ++d)
        out << (d > 0 ? ", " : "") << axis_name(d) << " = " << coordinates[d][index[d]];
      out << ")";
      return out.str();
    }

    /** Read @p name, check its shape is the grid's followed by @p tail. */
    template <int dim>
    std::vector<double>
    read_field(const Hdf5Reader                           &file,
               const std::string                          &name,
               const std::array<std::vector<double>, dim> &coordinates,
               const std::vector<std::size_t>             &tail)
    {
      Hdf5Array array = file.read(name);
      Hdf5Array expected;
      for (const auto &axis : coordinates)
        expected.shape.push_back(axis.size());
      std::size_t components = 1;
      for (const std::size_t n : tail)
        {
          expected.shape.push_back(n);
          components *= n;
        }
      // In 1D the component axes (of size 1) may be left out.
      if (dim == 1 && array.shape.size() == 1)
        array.shape = expected.shape;
      require(array.shape == expected.shape,
              file.entry(),
              file.where(name) + " has shape " + array.shape_text() + ", expected " +
                  expected.shape_text() + " (grid points, then components)");
      for (std::size_t k = 0; k < array.values.size(); ++k)
        require(std::isfinite(array.values[k]),
                file.entry(),
                file.where(name) + " holds " + std::to_string(array.values[k]) + " at " +
                    grid_point<dim>(coordinates, k / components));
      return array.values;
    }

    template <int dim>
    SymmetricTensor<2, dim>
    matrix_at(const std::vector<double> &diffusion, const std::size_t n)
    {
      SymmetricTensor<2, dim> D;
      for (unsigned int i = 0; i < dim; ++i)
        for (unsigned int j = i; j < dim; ++j)
          D[i][j] = diffusion[(n * dim + i) * dim + j];
      return D;
    }

    template <int dim>
    std::unique_ptr<Functions::InterpolatedTensorProductGridData<dim>>
    interpolant(const std::array<std::vector<double>, dim> &coordinates,
                const std::vector<double>                  &values,
                const std::size_t                           stride,
                const std::size_t                           offset)
    {
      TableIndices<dim> sizes;
      std::size_t       n_points = 1;
      for (unsigned int d = 0; d < dim; ++d)
        {
          sizes[d] = coordinates[d].size();
          n_points *= sizes[d];
        }
      std::vector<double> component(n_points);
      for (std::size_t n = 0; n < n_points; ++n)
        component[n] = values[n * stride + offset];
      Table<dim, double> table;
      table.reinit(sizes);
      table.fill(component.begin(), true);
      return std::make_unique<Functions::InterpolatedTensorProductGridData<dim>>(
          coordinates, std::move(table));
    }
  } // namespace

  template <int dim>
  std::size_t
  TabulatedData<dim>::n_points() const
  {
    std::size_t n = 1;
    for (const auto &axis : coordinates)
      n *= axis.size();
    return n;
  }

  template <int dim>
  TabulatedData<dim>
  TabulatedData<dim>::read(const std::string &file_name, const std::string &entry)
  {
    const Hdf5Reader   file(file_name, entry);
    TabulatedData<dim> data;
    for (unsigned int d = 0; d < dim; ++d)
      {
        const std::string name  = axis_name(d);
        const Hdf5Array   array = file.read(name);
        auto             &axis  = data.coordinates[d];
        axis                    = array.values;
        require(array.shape.size() == 1 && axis.size() >= 2,
                entry,
                file.where(name) + " has shape " + array.shape_text() +
                    ": the grid coordinates are a list of at least two numbers");
        for (std::size_t k = 0; k < axis.size(); ++k)
          require(std::isfinite(axis[k]) && (k == 0 || axis[k] > axis[k - 1]),
                  entry,
                  file.where(name) +
                      ": the coordinates must be finite and strictly "
                      "increasing, but entry " +
                      std::to_string(k) + " is " + std::to_string(axis[k]));
      }
    data.drift     = read_field<dim>(file, "drift", data.coordinates, {dim});
    data.diffusion = read_field<dim>(file, "diffusion", data.coordinates, {dim, dim});
    if (file.has("loss"))
      data.loss = read_field<dim>(file, "loss", data.coordinates, {});
    for (std::size_t n = 0; n < data.n_points(); ++n)
      for (unsigned int i = 0; i < dim; ++i)
        for (unsigned int j = i + 1; j < dim; ++j)
          {
            const double a = data.diffusion[(n * dim + i) * dim + j];
            const double b = data.diffusion[(n * dim + j) * dim + i];
            require(std::abs(a - b) <=
                        1e-8 * std::max({std::abs(a), std::abs(b), 1e-300}),
                    entry,
                    file.where("diffusion") + " is not symmetric at " +
                        grid_point<dim>(data.coordinates, n) + ": D_" +
                        std::to_string(i + 1) + std::to_string(j + 1) + " = " +
                        std::to_string(a) + " but D_" + std::to_string(j + 1) +
                        std::to_string(i + 1) + " = " + std::to_string(b));
          }
    return data;
  }

  template <int dim>
  void
  TabulatedData<dim>::write(const std::string &file_name) const
  {
    std::vector<std::pair<std::string, Hdf5Array>> arrays;
    std::vector<std::size_t>                       grid;
    for (unsigned int d = 0; d < dim; ++d)
      {
        arrays.push_back({axis_name(d), {{coordinates[d].size()}, coordinates[d]}});
        grid.push_back(coordinates[d].size());
      }
    auto with = [&grid](std::vector<std::size_t> tail) {
      std::vector<std::size_t> shape = grid;
      shape.insert(shape.end(), tail.begin(), tail.end());
      return shape;
    };
    arrays.push_back({"drift", {with({dim}), drift}});
    arrays.push_back({"diffusion", {with({dim, dim}), diffusion}});
    if (!loss.empty())
      arrays.push_back({"loss", {with({}), loss}});
    write_hdf5_arrays(file_name, arrays);
  }

  template <int dim>
  void
  TabulatedModel<dim>::declare_parameters(ParameterHandler &prm)
  {
    prm.enter_subsection("Tabulated");
    prm.declare_entry("File",
                      "",
                      Patterns::Anything(),
                      "HDF5 file with the model on a tensor-product grid: datasets "
                      "x[, y[, z]] (grid coordinates, strictly increasing, may be "
                      "non-uniform), drift (grid shape, then dim), diffusion (grid "
                      "shape, then dim x dim, symmetric) and optionally loss (grid "
                      "shape); doc/tabulated_models.md. A relative path is taken "
                      "from the parameter file's folder. Interpolated multilinearly; "
                      "div D is the gradient of the interpolant.");
    SgdNoiseParameters::declare_parameters(prm);
    prm.leave_subsection();
  }

  template <int dim>
  TabulatedParameters
  TabulatedModel<dim>::parse_parameters(ParameterHandler  &prm,
                                        const std::string &input_directory)
  {
    TabulatedParameters parameters;
    prm.enter_subsection("Tabulated");
    parameters.file = prm.get("File");
    parameters.noise.parse_parameters(prm);
    prm.leave_subsection();
    require(!parameters.file.empty(),
            file_entry,
            "is empty: 'Model/Name = tabulated' needs the HDF5 file of the "
            "model (doc/tabulated_models.md)");
    if (std::filesystem::path(parameters.file).is_relative())
      parameters.file =
          (std::filesystem::path(input_directory) / parameters.file).string();
    return parameters;
  }

  template <int dim>
  TabulatedModel<dim>::TabulatedModel(const Parameters &parameters, double)
      : TabulatedModel(TabulatedData<dim>::read(parameters.file, file_entry),
                       parameters.noise)
  {
    file_name = parameters.file;
  }

  template <int dim>
  TabulatedModel<dim>::TabulatedModel(const TabulatedData<dim> &data,
                                      const SgdNoiseParameters &noise)
      : SgdModel<dim>(noise, "Tabulated")
  {
    build(data);
  }

  template <int dim>
  TabulatedModel<dim>::~TabulatedModel() = default;

  template <int dim>
  void
  TabulatedModel<dim>::build(const TabulatedData<dim> &data)
  {
    coordinates = data.coordinates;
    const bool uses_matrix =
        this->noise.noise == NoiseModel::sgd ||
        this->noise.noise == NoiseModel::langevin_trace_matched_pointwise;
    for (std::size_t n = 0; n < data.n_points(); ++n)
      {
        const auto   C      = matrix_at<dim>(data.diffusion, n);
        const auto   lambda = eigenvalues(C);
        const double floor =
            this->noise.noise == NoiseModel::sgd ? this->noise.floor : 0.;
        const double least = *std::min_element(lambda.begin(), lambda.end()) + floor;
        const double scale = std::max(std::abs(lambda[0]), 1e-300);
        require(
            this->noise.noise == NoiseModel::sgd ? least > 0. : least >= -1e-12 * scale,
            file_entry,
            "dataset 'diffusion' is not positive " +
                std::string(this->noise.noise == NoiseModel::sgd ? "definite"
                                                                 : "semi-definite") +
                " at " + grid_point<dim>(coordinates, n) + ": its smallest eigenvalue" +
                (floor > 0. ? " plus 'Isotropic floor'" : "") + " is " +
                std::to_string(least) +
                (uses_matrix ? ""
                             : " (D is a covariance even where a twin replaces it)"));
      }

    for (unsigned int c = 0; c < dim; ++c)
      drift_interpolant.push_back(interpolant<dim>(coordinates, data.drift, dim, c));
    for (unsigned int i = 0; i < dim; ++i)
      for (unsigned int j = i; j < dim; ++j)
        diffusion_interpolant.push_back(
            interpolant<dim>(coordinates, data.diffusion, dim * dim, i * dim + j));
    if (!data.loss.empty())
      loss_interpolant.push_back(interpolant<dim>(coordinates, data.loss, 1, 0));

    // The reference point of the trace-matched twin: the minimum of L on the
    // grid, or without L the grid point where the drift is smallest.
    std::size_t best       = 0;
    double      best_value = std::numeric_limits<double>::max();
    for (std::size_t n = 0; n < data.n_points(); ++n)
      {
        double value = 0.;
        if (!data.loss.empty())
          value = data.loss[n];
        else
          for (unsigned int c = 0; c < dim; ++c)
            value += data.drift[n * dim + c] * data.drift[n * dim + c];
        if (value < best_value)
          {
            best_value = value;
            best       = n;
          }
      }
    for (int d = dim - 1; d >= 0; --d)
      {
        reference[d] = coordinates[d][best % coordinates[d].size()];
        best /= coordinates[d].size();
      }
    this->finish_setup();
  }

  template <int dim>
  Tensor<1, dim>
  TabulatedModel<dim>::drift(const Point<dim> &x) const
  {
    Tensor<1, dim> u;
    for (unsigned int c = 0; c < dim; ++c)
      u[c] = drift_interpolant[c]->value(x);
    return u;
  }

  template <int dim>
  SymmetricTensor<2, dim>
  TabulatedModel<dim>::gradient_covariance(const Point<dim> &x) const
  {
    SymmetricTensor<2, dim> C;
    unsigned int            k = 0;
    for (unsigned int i = 0; i < dim; ++i)
      for (unsigned int j = i; j < dim; ++j)
        C[i][j] = diffusion_interpolant[k++]->value(x);
    return C;
  }

  template <int dim>
  Tensor<1, dim>
  TabulatedModel<dim>::diffusion_divergence(const Point<dim> &x) const
  {
    // The divergence of the D the solver sees (DESIGN.md §8: from the
    // interpolant): of C for SGD's noise, of (tr C/d) I for the pointwise
    // twin, and zero for the constant twins.
    Tensor<1, dim>   divergence;
    const NoiseModel noise = this->noise.noise;
    if (noise == NoiseModel::langevin || noise == NoiseModel::langevin_trace_matched)
      return divergence;
    unsigned int k = 0;
    for (unsigned int i = 0; i < dim; ++i)
      for (unsigned int j = i; j < dim; ++j, ++k)
        {
          const Tensor<1, dim> g = diffusion_interpolant[k]->gradient(x);
          if (noise == NoiseModel::sgd)
            {
              divergence[i] += g[j];
              if (i != j)
                divergence[j] += g[i];
            }
          else if (i == j)
            divergence += g / dim;
        }
    return divergence;
  }

  template <int dim>
  double
  TabulatedModel<dim>::loss(const Point<dim> &x) const
  {
    AssertThrow(has_loss(), ExcMessage("the tabulated model has no dataset 'loss'"));
    return loss_interpolant[0]->value(x);
  }

  template <int dim>
  std::string
  TabulatedModel<dim>::description() const
  {
    std::ostringstream out;
    out << "tabulated model";
    if (!file_name.empty())
      out << " from '" << file_name << "'";
    out << " on a ";
    for (unsigned int d = 0; d < dim; ++d)
      out << (d > 0 ? " x " : "") << coordinates[d].size();
    out << " grid over ";
    for (unsigned int d = 0; d < dim; ++d)
      out << (d > 0 ? " x " : "") << "[" << coordinates[d].front() << ", "
          << coordinates[d].back() << "]";
    out << (has_loss() ? ", with loss" : ", without loss") << this->noise_description();
    return out.str();
  }

  template <int dim>
  void
  TabulatedModel<dim>::check_domain(const BoundingBox<dim> &mesh_box) const
  {
    for (unsigned int d = 0; d < dim; ++d)
      {
        const double       lower = coordinates[d].front(), upper = coordinates[d].back();
        const double       tolerance  = 1e-10 * (upper - lower);
        const double       mesh_lower = mesh_box.get_boundary_points().first[d];
        const double       mesh_upper = mesh_box.get_boundary_points().second[d];
        std::ostringstream message;
        message << "the mesh reaches " << axis_name(d) << " in [" << mesh_lower << ", "
                << mesh_upper << "], but the grid of '" << file_name << "' covers only ["
                << lower << ", " << upper
                << "]: the model is not defined there. Give a grid that covers the "
                   "domain, or a smaller domain";
        require(mesh_lower >= lower - tolerance && mesh_upper <= upper + tolerance,
                file_entry,
                message.str());
      }
  }

  template struct TabulatedData<1>;
  template struct TabulatedData<2>;
  template struct TabulatedData<3>;
  template class TabulatedModel<1>;
  template class TabulatedModel<2>;
  template class TabulatedModel<3>;
} // namespace FokkerPlanck

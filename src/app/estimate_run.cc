#include <deal.II/base/timer.h>
#include <deal.II/dofs/dof_handler.h>
#include <deal.II/fe/fe_q.h>
#include <deal.II/fe/fe_system.h>
#include <deal.II/lac/vector.h>
#include <deal.II/numerics/data_out.h>

#include <fokker_planck/app/estimate_run.h>
#include <fokker_planck/base/axes.h>
#include <fokker_planck/base/input_error.h>
#include <fokker_planck/base/instantiate.h>
#include <fokker_planck/base/pvd_series.h>
#include <fokker_planck/base/statistics.h>
#include <fokker_planck/discretization/problem.h>
#include <fokker_planck/model/tabulated.h>
#include <fokker_planck/sampling/box_histogram.h>
#include <fokker_planck/sampling/histogram_tests.h>
#include <fokker_planck/sampling/kramers_moyal.h>
#include <fokker_planck/sampling/moments.h>
#include <fokker_planck/sampling/trajectories.h>
#include <fokker_planck/sgd/sgd_comparison.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <numeric>
#include <sstream>

namespace FokkerPlanck
{
  using namespace dealii;

  namespace
  {
    /** Whether the symmetric @p D is positive definite (leading minors). */
    template <int dim>
    bool
    positive_definite(const SymmetricTensor<2, dim> &D)
    {
      if (!(D[0][0] > 0.))
        return false;
      if (dim >= 2 && !(D[0][0] * D[1][1] - D[0][1] * D[0][1] > 0.))
        return false;
      return dim < 3 || determinant(D) > 0.;
    }

    template <typename T>
    nlohmann::json
    list(const T &values, const unsigned int n)
    {
      nlohmann::json result = nlohmann::json::array();
      for (unsigned int i = 0; i < n; ++i)
        result.push_back(values[i]);
      return result;
    }

    /** The case of the estimated model, parsed from its parameter file. */
    struct ModelCase
    {
      ModelCase(const std::string &text, const std::string &input_directory)
          : parameters(prm)
      {
        prm.parse_input_from_string(text);
        parameters.parse(prm, input_directory);
      }

      ParameterHandler prm;
      CaseParameters   parameters;
    };

    /** One estimation run of one case (see run_estimate()). */
    template <int dim>
    class EstimateRun
    {
    public:
      EstimateRun(const CaseParameters &parameters,
                  const RunContext     &context,
                  MPI_Comm              communicator);

      nlohmann::json
      execute();

    private:
      /** The vertex grid of the box mesh, in C order (the last axis fastest). */
      void
      make_grid();
      /** The estimate at the vertices; D = C / (2T), positive definite or unresolved. */
      void
      estimate();
      /**
       * The closure of the model at unresolved vertices: the affine drift
       * A x + c and the constant D that fit the resolved estimates best
       * (weighted least squares, weights 1/error²).
       */
      void
      fit_closure();
      void
      write_table() const;
      void
      write_fields() const;
      /** estimated_model.h5 and the text of estimated_model.prm. */
      std::string
      write_model() const;
      /** Solve the estimated model and compare it with the samples. */
      void
      solve_and_compare(const std::string &model_parameters);
      void
      finish();

      /** Flat C-order index of the grid point @p index. */
      std::size_t
      flat(const std::array<unsigned int, dim> &index) const
      {
        std::size_t n = 0;
        for (unsigned int d = 0; d < dim; ++d)
          n = n * axes[d].size() + index[d];
        return n;
      }

      std::array<unsigned int, dim>
      unflat(std::size_t n) const
      {
        std::array<unsigned int, dim> index;
        for (int d = dim - 1; d >= 0; --d)
          {
            index[d] = n % axes[d].size();
            n /= axes[d].size();
          }
        return index;
      }

      const CaseParameters                &parameters;
      const RunContext                    &context;
      const MPI_Comm                       communicator;
      const bool                           root;
      const std::string                    directory;
      std::ostream                        *log;
      Timer                                timer;
      const double                         temperature;
      const Sampling::Trajectories<dim>    trajectories;
      std::array<std::vector<double>, dim> axes;
      std::vector<Point<dim>>              points;
      Sampling::KramersMoyalEstimate<dim>  km;
      std::vector<SymmetricTensor<2, dim>> diffusion, diffusion_error;
      /** The closure: drift A x + c and constant D. */
      Tensor<2, dim>                                     closure_matrix;
      Tensor<1, dim>                                     closure_offset;
      SymmetricTensor<2, dim>                            closure_diffusion;
      nlohmann::json                                     summary;
      std::unique_ptr<ModelCase>                         model_case;
      std::unique_ptr<Problem<dim>>                      problem;
      std::unique_ptr<Sgd::FiniteElementComparison<dim>> comparison;
    };

    template <int dim>
    EstimateRun<dim>::EstimateRun(const CaseParameters &parameters,
                                  const RunContext     &context,
                                  const MPI_Comm        communicator)
        : parameters(parameters)
        , context(context)
        , communicator(communicator)
        , root(Utilities::MPI::this_mpi_process(communicator) == 0)
        , directory(parameters.output.directory)
        , log(root && context.verbose ? &std::cout : nullptr)
        , timer(communicator)
        , temperature(parameters.model.effective_temperature())
        , trajectories([&]() {
          require(!parameters.estimation.trajectory_file.empty(),
                  "Estimation/Trajectory file",
                  "is empty: 'fokker-planck --estimate' needs the recorded "
                  "trajectories (CSV with a header 'run,t,<coordinates>' or HDF5)");
          require(parameters.geometry.mesh_type == GeometryParameters::MeshType::box,
                  "Geometry/Mesh type",
                  "must be 'box' for --estimate: the estimate is made on the "
                  "vertices of a tensor-product grid");
          return Sampling::Trajectories<dim>::read(parameters.estimation.trajectory_file,
                                                   "Estimation/Trajectory file");
        }())
    {
    }

    template <int dim>
    void
    EstimateRun<dim>::make_grid()
    {
      const auto &g = parameters.geometry;
      for (unsigned int d = 0; d < dim; ++d)
        {
          const unsigned int cells = g.subdivisions[d] << g.global_refinements;
          axes[d].resize(cells + 1);
          for (unsigned int i = 0; i <= cells; ++i)
            axes[d][i] =
                g.lower_corner[d] + (g.upper_corner[d] - g.lower_corner[d]) * i / cells;
        }
      std::size_t n = 1;
      for (const auto &axis : axes)
        n *= axis.size();
      points.resize(n);
      for (std::size_t q = 0; q < n; ++q)
        {
          const auto index = unflat(q);
          for (unsigned int d = 0; d < dim; ++d)
            points[q][d] = axes[d][index[d]];
        }
    }

    template <int dim>
    void
    EstimateRun<dim>::estimate()
    {
      Sampling::KramersMoyalSettings<dim> settings;
      const auto                         &h = parameters.estimation.bandwidth;
      for (unsigned int d = 0; d < dim && !h.empty(); ++d)
        settings.bandwidth[d] = h.size() == 1 ? h[0] : h[d];
      settings.minimum_samples   = parameters.estimation.minimum_samples;
      settings.correct_time_step = parameters.estimation.correct_time_step;
      km = Sampling::estimate_kramers_moyal(trajectories, points, settings);
      diffusion.resize(points.size());
      diffusion_error.resize(points.size());
      for (std::size_t q = 0; q < points.size(); ++q)
        {
          diffusion[q]       = km.noise[q] / (2. * temperature);
          diffusion_error[q] = km.noise_error[q] / (2. * temperature);
          // A noise estimate that is not positive definite is not resolved.
          if (km.resolved[q] && !positive_definite(diffusion[q]))
            km.resolved[q] = false;
        }
    }

    template <int dim>
    void
    EstimateRun<dim>::fit_closure()
    {
      if (km.n_resolved() < dim + 1)
        throw InputError(
            "Estimation/Minimum samples",
            std::to_string(km.n_resolved()) + " of " + std::to_string(points.size()) +
                " vertices are resolved, fewer than the " + std::to_string(dim + 1) +
                " that the closure at the others needs: give more "
                "trajectories, a larger 'Estimation/Bandwidth', a smaller "
                "'Minimum samples', or a 'Geometry' box where the samples are");
      const auto affine = Sampling::fit_affine_model(km, points);
      closure_matrix    = affine.drift_matrix;
      closure_offset    = affine.drift_offset;
      closure_diffusion = affine.noise / (2. * temperature);
      if (!positive_definite(closure_diffusion))
        throw InputError("Estimation/Trajectory file",
                         "the mean of the resolved diffusion estimates is not positive "
                         "definite; the closure of the model at unresolved vertices "
                         "needs more data");
    }

    template <int dim>
    void
    EstimateRun<dim>::write_table() const
    {
      StatisticsTable table;
      for (std::size_t q = 0; q < points.size(); ++q)
        {
          for (unsigned int d = 0; d < dim; ++d)
            table.add(axis_name(d), points[q][d]);
          table.add("samples", static_cast<unsigned int>(km.samples[q]));
          table.add("effective_samples", km.effective_samples[q]);
          table.add("resolved", static_cast<unsigned int>(km.resolved[q]));
          for (unsigned int i = 0; i < dim; ++i)
            {
              table.add("drift_" + axis_name(i), km.drift[q][i]);
              table.add("drift_" + axis_name(i) + "_error", km.drift_error[q][i]);
            }
          for (unsigned int i = 0; i < dim; ++i)
            for (unsigned int j = i; j < dim; ++j)
              {
                const std::string name = "diffusion_" + axis_name(i) + axis_name(j);
                table.add(name, diffusion[q][i][j]);
                table.add(name + "_error", diffusion_error[q][i][j]);
              }
          table.add("time_step", km.time_step[q]);
        }
      table.write(directory + "/estimation.txt", communicator);
    }

    template <int dim>
    void
    EstimateRun<dim>::write_fields() const
    {
      // Point fields of FE_Q(1) components at the vertices: drift, its
      // error, D and its error (full tensors), then three scalars.
      constexpr unsigned int n_components  = 2 * dim + 2 * dim * dim + 3;
      auto                   triangulation = make_triangulation<dim>(communicator);
      build_mesh(parameters.geometry, *triangulation);
      const FESystem<dim> fe(FE_Q<dim>(1), n_components);
      DoFHandler<dim>     dof_handler(*triangulation);
      dof_handler.distribute_dofs(fe);
      Vector<double> values(dof_handler.n_dofs());
      for (const auto &cell : dof_handler.active_cell_iterators())
        if (cell->is_locally_owned())
          for (const unsigned int v : cell->vertex_indices())
            {
              std::array<unsigned int, dim> index;
              for (unsigned int d = 0; d < dim; ++d)
                index[d] = static_cast<unsigned int>(std::lround(
                    (cell->vertex(v)[d] - axes[d][0]) / (axes[d][1] - axes[d][0])));
              const std::size_t   q = flat(index);
              std::vector<double> c;
              for (unsigned int i = 0; i < dim; ++i)
                c.push_back(km.drift[q][i]);
              for (unsigned int i = 0; i < dim; ++i)
                c.push_back(km.drift_error[q][i]);
              for (const auto *D : {&diffusion[q], &diffusion_error[q]})
                for (unsigned int i = 0; i < dim; ++i)
                  for (unsigned int j = 0; j < dim; ++j)
                    c.push_back((*D)[i][j]);
              c.push_back(km.samples[q]);
              c.push_back(km.effective_samples[q]);
              c.push_back(km.resolved[q]);
              for (unsigned int k = 0; k < n_components; ++k)
                values[cell->vertex_dof_index(v, k)] = c[k];
            }
      using Interpretation = DataComponentInterpretation::DataComponentInterpretation;
      std::vector<std::string>    names;
      std::vector<Interpretation> kinds;
      const auto                  add =
          [&](const std::string &name, const unsigned int n, const Interpretation kind) {
            for (unsigned int k = 0; k < n; ++k)
              {
                names.push_back(name);
                kinds.push_back(kind);
              }
          };
      add("estimated_drift",
          dim,
          DataComponentInterpretation::component_is_part_of_vector);
      add("estimated_drift_error",
          dim,
          DataComponentInterpretation::component_is_part_of_vector);
      add("estimated_diffusion",
          dim * dim,
          DataComponentInterpretation::component_is_part_of_tensor);
      add("estimated_diffusion_error",
          dim * dim,
          DataComponentInterpretation::component_is_part_of_tensor);
      for (const std::string name : {"sample_count", "effective_samples", "resolved"})
        add(name, 1, DataComponentInterpretation::component_is_scalar);
      DataOut<dim> data_out;
      data_out.attach_dof_handler(dof_handler);
      data_out.add_data_vector(values, names, DataOut<dim>::type_dof_data, kinds);
      data_out.build_patches();
      PvdSeries series(directory, "estimation", 0, communicator);
      series.write_step(0., data_out);
    }

    template <int dim>
    std::string
    EstimateRun<dim>::write_model() const
    {
      // Estimates where resolved, the closure elsewhere.
      TabulatedData<dim> data;
      data.coordinates = axes;
      for (std::size_t q = 0; q < points.size(); ++q)
        {
          const Tensor<1, dim> b =
              km.resolved[q] ? km.drift[q] : closure_matrix * points[q] + closure_offset;
          const SymmetricTensor<2, dim> &D =
              km.resolved[q] ? diffusion[q] : closure_diffusion;
          for (unsigned int i = 0; i < dim; ++i)
            {
              data.drift.push_back(b[i]);
              for (unsigned int j = 0; j < dim; ++j)
                data.diffusion.push_back(D[i][j]);
            }
        }
      if (root)
        data.write(directory + "/estimated_model.h5");

      const auto &g    = parameters.geometry;
      const auto  join = [](const auto &values) {
        std::ostringstream text;
        text << std::setprecision(17);
        for (unsigned int d = 0; d < dim; ++d)
          text << (d > 0 ? ", " : "") << values[d];
        return text.str();
      };
      std::ostringstream prm;
      prm << std::setprecision(17)
          << "# The Fokker-Planck problem of the model estimated by 'fokker-planck "
             "--estimate "
          << context.parameter_file << "'\n# from "
          << parameters.estimation.trajectory_file
          << " (doc/estimation.md). Run: fokker-planck estimated_model.prm\n"
          << "set dim     = " << dim << "\nset Problem = stationary\n\n"
          << "subsection Geometry\n  set Mesh type          = box\n"
          << "  set Lower corner       = " << join(g.lower_corner) << "\n"
          << "  set Upper corner       = " << join(g.upper_corner) << "\n"
          << "  set Subdivisions       = " << join(g.subdivisions) << "\n"
          << "  set Global refinements = " << g.global_refinements << "\nend\n\n"
          << "subsection Boundary conditions\n  set Default type = reflecting\nend\n\n"
          << "subsection Model\n  set Name                 = tabulated\n"
          << "  set Temperature          = " << temperature << "\n"
          << "  set Noise interpretation = ito\n"
          << "  subsection Tabulated\n    set File = estimated_model.h5\n  end\nend\n\n"
          << "subsection Discretization\n  set Degree = "
          << parameters.discretization.degree
          << "\nend\n\nsubsection Output\n  set Directory = "
          << (std::filesystem::path(parameters.output.results_folder()) /
              "estimated_model")
                 .string()
          << "\nend\n";
      if (root)
        std::ofstream(directory + "/estimated_model.prm") << prm.str();
      return prm.str();
    }

    template <int dim>
    void
    EstimateRun<dim>::solve_and_compare(const std::string &model_parameters)
    {
      model_case     = std::make_unique<ModelCase>(model_parameters, directory);
      const auto &mp = model_case->parameters;
      problem        = std::make_unique<Problem<dim>>(
          mp.geometry, mp.model, mp.discretization, communicator);
      comparison = std::make_unique<Sgd::FiniteElementComparison<dim>>(
          *problem,
          true,
          parameters.linear_solver,
          mp.time_stepping,
          parameters.monte_carlo.band_draws,
          std::vector<double>(),
          log,
          "trajectory");
      // The samples in batches: runs grouped into at most 32 batches, or
      // with fewer than 8 runs each run cut into contiguous blocks, so that
      // 32 batches result (doc/estimation.md).
      const std::size_t  n_runs  = trajectories.n_runs();
      const unsigned int per_run = n_runs >= 8 ? 1 : (32 + n_runs - 1) / n_runs;
      const unsigned int n_batches =
          n_runs >= 8 ? std::min<std::size_t>(32, n_runs) : per_run * n_runs;
      Sampling::BoxHistogram<dim>              histogram(mp.geometry);
      std::vector<Sampling::BoxHistogram<dim>> batches(n_batches, histogram);
      std::vector<Sampling::Moments<dim>>      moments(n_batches);
      Sampling::Moments<dim>                   pooled;
      for (std::size_t r = 0; r < n_runs; ++r)
        {
          const std::size_t begin = trajectories.run_begin[r],
                            end   = trajectories.run_begin[r + 1];
          for (std::size_t k = begin; k < end; ++k)
            {
              const unsigned int b =
                  n_runs >= 8 ? r * n_batches / n_runs
                              : r * per_run + (k - begin) * per_run / (end - begin);
              const auto &x = trajectories.points[k];
              histogram.add(x);
              batches[b].add(x);
              if (histogram.bin(x) >= 0)
                {
                  moments[b].add(x);
                  pooled.add(x);
                }
            }
        }
      std::vector<double> batch_counts, batch_n;
      double              n_inside = 0.;
      for (const auto &batch : batches)
        {
          const auto &c = batch.bin_counts();
          batch_counts.insert(batch_counts.end(), c.begin(), c.end());
          batch_n.push_back(std::accumulate(c.begin(), c.end(), 0.));
        }
      for (const double c : histogram.bin_counts())
        n_inside += c;
      const double dispersion = Sampling::batch_dispersion(
          histogram.bin_counts(), n_inside, batch_counts, batch_n, n_batches);
      // Every rank holds all samples: rank 0 alone gives the batch moments.
      const auto sample_moments = Sampling::SampleMoments<dim>::of_runs(
          root ? moments : std::vector<Sampling::Moments<dim>>(),
          pooled,
          n_batches,
          communicator);
      const auto &result =
          comparison->compare(0, 0., histogram, dispersion, sample_moments);
      summary["comparison_inside_band"] = result.total_variation <= result.band_99;
      summary["outside_fraction"]       = histogram.outside_fraction();
      summary["dispersion"]             = dispersion;
      summary["n_batches"]              = n_batches;
    }

    template <int dim>
    void
    EstimateRun<dim>::finish()
    {
      const auto to_json =
          [](const auto &t, const unsigned int rows, const unsigned int columns) {
            nlohmann::json result = nlohmann::json::array();
            for (unsigned int i = 0; i < rows; ++i)
              {
                nlohmann::json row = nlohmann::json::array();
                for (unsigned int j = 0; j < columns; ++j)
                  row.push_back(t[i][j]);
                result.push_back(row);
              }
            return result;
          };
      const nlohmann::json closure = {
          {"drift_matrix", to_json(closure_matrix, dim, dim)},
          {"drift_offset", list(closure_offset, dim)},
          {"diffusion", to_json(closure_diffusion, dim, dim)}};
      nlohmann::json estimation = {
          {"trajectory_file", parameters.estimation.trajectory_file},
          {"coordinates", trajectories.names},
          {"n_runs", trajectories.n_runs()},
          {"n_samples", trajectories.points.size()},
          {"n_pairs", trajectories.n_pairs()},
          {"bandwidth", list(km.bandwidth, dim)},
          {"bandwidth_rule", parameters.estimation.bandwidth.empty() ? "auto" : "given"},
          {"minimum_samples", parameters.estimation.minimum_samples},
          {"finite_time_step_correction",
           parameters.estimation.correct_time_step ? "first-order" : "none"},
          {"temperature", temperature},
          {"n_vertices", points.size()},
          {"n_resolved", km.n_resolved()},
          {"closure", closure},
          {"outside_fraction", summary["outside_fraction"]},
          {"dispersion", summary["dispersion"]},
          {"n_batches", summary["n_batches"]},
          {"files",
           {{"model", "estimated_model.h5"},
            {"parameter_file", "estimated_model.prm"},
            {"table", "estimation.txt"},
            {"fields", "estimation.pvd"}}}};
      nlohmann::json out;
      out["parameter_file"] = context.parameter_file;
      out["estimation"]     = estimation;
      comparison->add_summary(out);
      out["seconds"] = timer.wall_time();
      comparison->write_files(directory);
      summary = out;
      if (root)
        std::ofstream(directory + "/summary.json") << summary.dump(2) << "\n";
      if (!log)
        return;
      *log << std::setprecision(4)
           << "fokker-planck --estimate: " << context.parameter_file
           << "\n  trajectories: " << trajectories.n_runs() << " run(s), "
           << trajectories.points.size() << " samples, " << trajectories.n_pairs()
           << " pairs from " << parameters.estimation.trajectory_file
           << "\n  estimate:     " << km.n_resolved() << " of " << points.size()
           << " vertices resolved, bandwidth " << km.bandwidth << ", correction "
           << estimation["finite_time_step_correction"].get<std::string>()
           << "\n  closure:      at the " << points.size() - km.n_resolved()
           << " unresolved vertices u = A x + c, A = " << closure["drift_matrix"].dump()
           << ", c = " << closure["drift_offset"].dump()
           << ", D = " << closure["diffusion"].dump()
           << "\n  results:      " << parameters.output.results_folder()
           << "/ (estimated_model.h5, estimated_model.prm, estimation.txt, "
              "estimation.pvd, "
              "trajectory_comparison.txt, summary.json)\n";
    }

    template <int dim>
    nlohmann::json
    EstimateRun<dim>::execute()
    {
      // Everything that reads input comes before the first file is written.
      make_grid();
      estimate();
      fit_closure();
      if (root)
        std::filesystem::create_directories(directory);
      MPI_Barrier(communicator);
      write_parameter_files(parameters.output, context);
      const std::string model_parameters = write_model();
      MPI_Barrier(communicator);
      write_table();
      write_fields();
      solve_and_compare(model_parameters);
      finish();
      return summary;
    }
  } // namespace

  template <int dim>
  nlohmann::json
  run_estimate(const CaseParameters &parameters,
               const RunContext     &context,
               const MPI_Comm        communicator)
  {
    EstimateRun<dim> run(parameters, context, communicator);
    return run.execute();
  }

#define FP_INSTANTIATE(dim)                                                              \
  template nlohmann::json run_estimate<dim>(                                             \
      const CaseParameters &, const RunContext &, MPI_Comm);
  FP_FOR_EACH_DIM(FP_INSTANTIATE)
#undef FP_INSTANTIATE
} // namespace FokkerPlanck

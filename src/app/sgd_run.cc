#include <deal.II/base/timer.h>

#include <fokker_planck/app/sgd_run.h>
#include <fokker_planck/base/instantiate.h>
#include <fokker_planck/discretization/problem.h>
#include <fokker_planck/sampling/histogram_output.h>
#include <fokker_planck/sgd/network_ensemble.h>
#include <fokker_planck/sgd/sgd_comparison.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <memory>

namespace FokkerPlanck
{
  using namespace dealii;

  namespace
  {
    /**
     * One SGD run of one case: the network ensemble, the mesh of its
     * histograms (the FE problem's, with the comparison), and the stages
     * that report (the ensemble, then the comparison).
     */
    template <int dim>
    class SgdRun
    {
    public:
      SgdRun(const CaseParameters  &parameters,
             const RunContext      &context,
             MPI_Comm               communicator,
             const ModelParameters *finite_element_model);

      nlohmann::json
      execute();

    private:
      /** The mesh, and with the comparison the FE problem solved on it. */
      void
      make_mesh_and_comparison(const ModelParameters &finite_element_model);
      /** Step to output @p output; its statistics row, comparison and fields. */
      void
      record_output(unsigned int output);
      /** The time-averaged histogram: its comparison (stationary) and fields. */
      void
      record_time_average();
      void
      finish();

      const Triangulation<dim> &
      triangulation() const
      {
        return problem ? problem->triangulation() : *mesh;
      }

      const CaseParameters                    &parameters;
      const RunContext                        &context;
      const MPI_Comm                           communicator;
      const std::string                        directory;
      std::ostream                            *log;
      Timer                                    timer;
      const std::unique_ptr<Sgd::Network<dim>> prototype;
      Sgd::NetworkEnsemble<dim>                ensemble;

      std::unique_ptr<Problem<dim>>                      problem;
      std::unique_ptr<parallel::TriangulationBase<dim>>  mesh;
      std::unique_ptr<Sgd::FiniteElementComparison<dim>> comparison;
      std::unique_ptr<Sampling::HistogramWriter<dim>>    writer;
      StatisticsTable                                    statistics;
      nlohmann::json                                     summary;
    };

    template <int dim>
    SgdRun<dim>::SgdRun(const CaseParameters  &parameters,
                        const RunContext      &context,
                        const MPI_Comm         communicator,
                        const ModelParameters *finite_element_model)
        : parameters(parameters)
        , context(context)
        , communicator(communicator)
        , directory(parameters.output.directory)
        , log(Utilities::MPI::this_mpi_process(communicator) == 0 && context.verbose
                  ? &std::cout
                  : nullptr)
        , timer(communicator)
        , prototype(Sgd::make_network<dim>(parameters.model,
                                           parameters.time_stepping,
                                           parameters.sgd.seed,
                                           parameters.sgd.label_noise))
        , ensemble(*prototype,
                   parameters.sgd,
                   parameters.model.learning_rate,
                   parameters.geometry,
                   parameters.sgd.compare_with_fe && parameters.stationary,
                   communicator)
    {
      make_mesh_and_comparison(finite_element_model ? *finite_element_model
                                                    : parameters.model);
    }

    template <int dim>
    void
    SgdRun<dim>::make_mesh_and_comparison(const ModelParameters &finite_element_model)
    {
      if (!parameters.sgd.compare_with_fe)
        {
          mesh = make_triangulation<dim>(communicator);
          build_mesh(parameters.geometry, *mesh);
          return;
        }
      problem    = std::make_unique<Problem<dim>>(parameters.geometry,
                                               finite_element_model,
                                               parameters.discretization,
                                               communicator);
      comparison = std::make_unique<Sgd::FiniteElementComparison<dim>>(
          *problem,
          parameters.stationary,
          parameters.linear_solver,
          parameters.time_stepping,
          parameters.monte_carlo.band_draws,
          ensemble.output_times(),
          log);
    }

    template <int dim>
    void
    SgdRun<dim>::record_output(const unsigned int output)
    {
      ensemble.advance(output);
      ensemble.add_statistics(statistics);
      statistics.write(directory + "/sgd_statistics.txt", communicator);
      Vector<float> fe_density;
      if (comparison && !parameters.stationary && comparison->covers(output))
        {
          comparison->compare(
              output,
              ensemble.time(),
              ensemble.histogram(),
              1.,
              Sampling::SampleMoments<dim>::independent(ensemble.states(), communicator));
          fe_density = comparison->fe_density();
        }
      if (parameters.output.write_fields)
        writer->write(ensemble.time(),
                      ensemble.histogram(),
                      fe_density.size() > 0 ? &fe_density : nullptr);
    }

    template <int dim>
    void
    SgdRun<dim>::record_time_average()
    {
      if (!ensemble.finish_time_average())
        return;
      Vector<float> fe_density;
      if (comparison && parameters.stationary)
        {
          const double dispersion = ensemble.batch_dispersion();
          comparison->compare(0,
                              ensemble.averaging_start(),
                              ensemble.time_averaged_histogram(),
                              dispersion,
                              ensemble.time_averaged_moments());
          fe_density = comparison->fe_density();
        }
      if (parameters.output.write_fields)
        writer->write(ensemble.n_steps() * parameters.model.learning_rate + 1e-9,
                      ensemble.time_averaged_histogram(),
                      fe_density.size() > 0 ? &fe_density : nullptr);
    }

    template <int dim>
    void
    SgdRun<dim>::finish()
    {
      const double       eta        = parameters.model.learning_rate;
      const unsigned int batch_size = parameters.model.batch_size;
      const unsigned int n_ranks    = Utilities::MPI::n_mpi_processes(communicator);
      ensemble.add_summary(summary);
      summary["parameter_file"] = context.parameter_file;
      summary["batch_size"]     = batch_size;
      summary["temperature"]    = eta / (2. * batch_size);
      summary["n_ranks"]        = n_ranks;
      summary["seconds"]        = timer.wall_time();
      summary["files"]          = {
                   {"statistics", "sgd_statistics.txt"},
                   {"histograms", parameters.output.write_fields ? "sgd_histogram.pvd" : ""}};
      if (comparison)
        {
          comparison->write_files(directory);
          comparison->add_summary(summary);
        }
      if (Utilities::MPI::this_mpi_process(communicator) == 0)
        std::ofstream(directory + "/sgd_summary.json") << summary.dump(2) << "\n";
      if (!log)
        return;
      *log << "fokker-planck --sgd: " << context.parameter_file << "\n"
           << "  " << parameters.sgd.n_runs << " SGD runs of " << ensemble.n_steps()
           << " steps (eta = " << eta << ", B = " << batch_size << ") on " << n_ranks
           << " rank(s), " << std::setprecision(3) << timer.wall_time() << " s\n";
      if (summary.contains("time_averaged"))
        *log << "  time-averaged mean = " << summary["time_averaged"]["mean"].dump()
             << ", covariance = " << summary["time_averaged"]["covariance"].dump()
             << "\n";
      *log << "  results:     " << parameters.output.results_folder()
           << "/ (sgd_statistics.txt, sgd_summary.json"
           << (comparison ? ", sgd_comparison.txt" : "")
           << (parameters.output.write_fields ? ", sgd_histogram.pvd)\n" : ")\n");
    }

    template <int dim>
    nlohmann::json
    SgdRun<dim>::execute()
    {
      // The FE side of the comparison was solved in the constructor, so its
      // input errors come before any output.
      if (Utilities::MPI::this_mpi_process(communicator) == 0)
        std::filesystem::create_directories(directory);
      MPI_Barrier(communicator);
      writer = std::make_unique<Sampling::HistogramWriter<dim>>(
          triangulation(), directory, "sgd");
      for (unsigned int output = 0; output <= parameters.sgd.n_outputs; ++output)
        record_output(output);
      record_time_average();
      finish();
      return summary;
    }
  } // namespace

  template <int dim>
  nlohmann::json
  run_sgd(const CaseParameters  &parameters,
          const RunContext      &context,
          const MPI_Comm         communicator,
          const ModelParameters *finite_element_model)
  {
    SgdRun<dim> run(parameters, context, communicator, finite_element_model);
    return run.execute();
  }

#define FP_INSTANTIATE(dim)                                                              \
  template nlohmann::json run_sgd<dim>(                                                  \
      const CaseParameters &, const RunContext &, MPI_Comm, const ModelParameters *);
  FP_FOR_EACH_DIM(FP_INSTANTIATE)
#undef FP_INSTANTIATE
} // namespace FokkerPlanck

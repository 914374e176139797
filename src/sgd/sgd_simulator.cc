#include <deal.II/base/conditional_ostream.h>
#include <deal.II/base/timer.h>

#include <fokker_planck/base/axes.h>
#include <fokker_planck/base/input_error.h>
#include <fokker_planck/base/statistics.h>
#include <fokker_planck/sampling/box_histogram.h>
#include <fokker_planck/sampling/histogram_output.h>
#include <fokker_planck/sampling/moments.h>
#include <fokker_planck/sgd/sgd_comparison.h>
#include <fokker_planck/sgd/sgd_simulator.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <limits>
#include <numeric>

namespace FokkerPlanck::Sgd
{
  using namespace dealii;

  void
  SimulationParameters::declare_parameters(ParameterHandler &prm)
  {
    prm.enter_subsection("SGD simulation");
    {
      prm.declare_entry("Number of runs",
                        "1000",
                        Patterns::Integer(1),
                        "Number of independent SGD runs (fokker-planck --sgd).");
      prm.declare_entry("Seed",
                        "1",
                        Patterns::Integer(0),
                        "Seed of the Philox generator: run r uses the key "
                        "(seed, r) and its step as counter, so results do "
                        "not depend on the number of MPI ranks.");
      prm.declare_entry("End time",
                        "10",
                        Patterns::Double(0.),
                        "Time t = step * eta at which the runs stop.");
      prm.declare_entry("Number of outputs",
                        "10",
                        Patterns::Integer(1),
                        "Output times (histogram, statistics row), equally "
                        "spaced in (0, End time], plus t = 0.");
      prm.declare_entry("Averaging start time",
                        "1e300",
                        Patterns::Double(0.),
                        "From this time on, every step of every run is "
                        "pooled into a time-averaged histogram and moments "
                        "(the SGD estimate of the stationary density). "
                        "Beyond the end time: only the final states.");
      prm.declare_entry("Compare with finite elements",
                        "true",
                        Patterns::Bool(),
                        "Also solve the Fokker-Planck problem of this file "
                        "on the same mesh and compare (sgd_comparison.txt, "
                        "section 'comparison' of sgd_summary.json, fields "
                        "fe_density and sgd_density_difference). Stationary: "
                        "the time-averaged histogram against the stationary "
                        "density, its dispersion estimated from 20 batches "
                        "of runs (run r in batch r mod 20). Transient: the "
                        "runs at every output time up to 'Time stepping/End "
                        "time' against the density at the nearest time step. "
                        "Total variation with its sampling band ('Monte "
                        "Carlo/Band draws'), chi-square, KS in 1D, means and "
                        "covariances with standard errors.");
    }
    prm.leave_subsection();
  }

  void
  SimulationParameters::parse_parameters(ParameterHandler &prm)
  {
    prm.enter_subsection("SGD simulation");
    n_runs          = prm.get_integer("Number of runs");
    seed            = prm.get_integer("Seed");
    end_time        = prm.get_double("End time");
    n_outputs       = prm.get_integer("Number of outputs");
    averaging_start = prm.get_double("Averaging start time");
    compare_with_fe = prm.get_bool("Compare with finite elements");
    prm.leave_subsection();
    require(end_time > 0., "SGD simulation/End time", "must be > 0");
  }

  namespace
  {
    /** The median of @p values (empty: NaN). */
    double
    median(std::vector<double> values)
    {
      if (values.empty())
        return std::numeric_limits<double>::quiet_NaN();
      std::sort(values.begin(), values.end());
      const std::size_t n = values.size();
      return n % 2 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
    }
  } // namespace

  template <int dim>
  nlohmann::json
  run_sgd(const CaseParameters  &parameters,
          const std::string     &parameter_file,
          const bool             verbose,
          const MPI_Comm         communicator,
          const ModelParameters *finite_element_model)
  {
    const unsigned int rank    = Utilities::MPI::this_mpi_process(communicator);
    const unsigned int n_ranks = Utilities::MPI::n_mpi_processes(communicator);
    ConditionalOStream log(std::cout, rank == 0 && verbose);
    Timer              timer(communicator);

    const auto         &sgd       = parameters.sgd;
    const auto          prototype = make_network<dim>(parameters);
    const double        eta       = parameters.model.learning_rate;
    const auto          targets   = prototype->targets();
    const unsigned long n_steps =
        std::max<unsigned long>(1, std::lround(sgd.end_time / eta));
    Sampling::BoxHistogram<dim> histogram(parameters.geometry),
        averaged(parameters.geometry);
    auto triangulation = make_triangulation<dim>(communicator);
    build_mesh(parameters.geometry, *triangulation);

    // Output k at step (n_steps k) / n_outputs. The FE side of the
    // comparison is solved first (its input errors come before any output).
    std::vector<double> output_times;
    for (unsigned int output = 0; output <= sgd.n_outputs; ++output)
      output_times.push_back(((n_steps * output) / sgd.n_outputs) * eta);
    std::unique_ptr<FiniteElementComparison<dim>> comparison;
    if (sgd.compare_with_fe)
      comparison = std::make_unique<FiniteElementComparison<dim>>(
          finite_element_model ? *finite_element_model : parameters.model,
          parameters,
          *triangulation,
          output_times,
          rank == 0 && verbose ? &std::cout : nullptr);
    // Stationary: the time-averaged samples of run r also go into batch
    // r mod B, whose spread gives the dispersion of the correlated samples.
    const unsigned int                       n_batches = std::min(20U, sgd.n_runs);
    std::vector<Sampling::BoxHistogram<dim>> batches;
    if (comparison && parameters.stationary)
      batches.assign(n_batches, Sampling::BoxHistogram<dim>(parameters.geometry));

    const std::string directory = parameters.output.directory;
    if (rank == 0)
      std::filesystem::create_directories(directory);
    MPI_Barrier(communicator);
    Sampling::HistogramWriter<dim> writer(*triangulation, directory, "sgd");

    // This rank's runs: r = rank, rank + n_ranks, ...
    std::vector<unsigned int>                  runs;
    std::vector<std::unique_ptr<Network<dim>>> networks;
    for (unsigned int r = rank; r < sgd.n_runs; r += n_ranks)
      {
        runs.push_back(r);
        networks.push_back(prototype->clone());
        NormalStream random(sgd.seed, r, 0);
        networks.back()->initialise(random);
      }
    // Per run: first step at which mode α is learned; time-averaged moments.
    std::vector<std::vector<double>> learned_time(
        runs.size(),
        std::vector<double>(targets.size(), std::numeric_limits<double>::infinity()));
    std::vector<Sampling::Moments<dim>> run_average(runs.size());

    StatisticsTable   statistics;
    nlohmann::json    summary;
    const std::string statistics_file = directory + "/sgd_statistics.txt";
    unsigned long     step            = 0;
    for (unsigned int output = 0; output <= sgd.n_outputs; ++output)
      {
        const unsigned long target_step = (n_steps * output) / sgd.n_outputs;
        for (std::size_t k = 0; k < runs.size(); ++k)
          for (unsigned long s = step + 1; s <= target_step; ++s)
            {
              NormalStream random(sgd.seed, runs[k], s);
              networks[k]->step(random);
              const Point<dim> x = networks[k]->coordinates();
              for (unsigned int a = 0; a < targets.size(); ++a)
                if (x[a] > 0.5 * targets[a] && std::isinf(learned_time[k][a]))
                  learned_time[k][a] = s * eta;
              if (s * eta >= sgd.averaging_start && s < n_steps)
                {
                  averaged.add(x);
                  run_average[k].add(x);
                  if (!batches.empty())
                    batches[runs[k] % n_batches].add(x);
                }
            }
        step = target_step;

        histogram.clear();
        Sampling::Moments<dim> moments;
        std::vector<double>    learned(targets.size(), 0.);
        for (const auto &network : networks)
          {
            const Point<dim> x = network->coordinates();
            histogram.add(x);
            moments.add(x);
            for (unsigned int a = 0; a < targets.size(); ++a)
              learned[a] += x[a] > 0.5 * targets[a] ? 1. : 0.;
          }
        if (step == n_steps)
          for (std::size_t k = 0; k < runs.size(); ++k)
            {
              averaged.add(networks[k]->coordinates());
              run_average[k].add(networks[k]->coordinates());
              if (!batches.empty())
                batches[runs[k] % n_batches].add(networks[k]->coordinates());
            }
        histogram.sum(communicator);
        const auto all = moments.sum(communicator);
        Utilities::MPI::sum(learned, communicator, learned);

        const double time = step * eta;
        statistics.add("step", static_cast<unsigned int>(step));
        statistics.add("time", time);
        for (unsigned int d = 0; d < dim; ++d)
          statistics.add(std::string("mean_") + axis_name(d), all.mean()[d]);
        for (unsigned int d = 0; d < dim; ++d)
          for (unsigned int e = d; e < dim; ++e)
            statistics.add(std::string("cov_") + axis_name(d) + axis_name(e),
                           all.covariance()[d][e]);
        for (unsigned int a = 0; a < targets.size(); ++a)
          statistics.add(std::string("learned_") + axis_name(a), learned[a] / all.n);
        statistics.add("outside_fraction", histogram.outside_fraction());
        statistics.write(statistics_file, communicator);
        Vector<float> fe_density;
        if (comparison && !parameters.stationary && comparison->covers(output))
          {
            std::vector<Point<dim>> points;
            for (const auto &network : networks)
              points.push_back(network->coordinates());
            comparison->compare(
                output,
                time,
                histogram,
                1.,
                Sampling::SampleMoments<dim>::independent(points, communicator));
            fe_density = comparison->fe_density();
          }
        if (parameters.output.write_fields)
          writer.write(time, histogram, fe_density.size() > 0 ? &fe_density : nullptr);
      }

    // Time-averaged ("stationary") estimate, with standard errors from the
    // spread of the per-run averages (runs are independent).
    averaged.sum(communicator);
    Sampling::Moments<dim> pooled;
    for (const auto &m : run_average)
      {
        pooled.n += m.n;
        pooled.first += m.first;
        pooled.second += m.second;
      }
    pooled = pooled.sum(communicator);
    if (pooled.n > 0)
      {
        const auto              mean = pooled.mean();
        const auto              cov  = pooled.covariance();
        SymmetricTensor<2, dim> sum_sq;
        Tensor<1, dim>          mean_sq;
        for (const auto &m : run_average)
          if (m.n > 0)
            {
              for (unsigned int d = 0; d < dim; ++d)
                mean_sq[d] += (m.first[d] / m.n - mean[d]) * (m.first[d] / m.n - mean[d]);
              // The run's own second moment about the pooled mean.
              const auto c = m.second / m.n -
                             symmetrize(outer_product(m.first / m.n, mean)) * 2. +
                             symmetrize(outer_product(mean, mean));
              for (unsigned int d = 0; d < dim; ++d)
                for (unsigned int e = d; e < dim; ++e)
                  sum_sq[d][e] += (c[d][e] - cov[d][e]) * (c[d][e] - cov[d][e]);
            }
        sum_sq                    = Utilities::MPI::sum(sum_sq, communicator);
        mean_sq                   = Utilities::MPI::sum(mean_sq, communicator);
        const auto standard_error = [&](const double square_sum) {
          return sgd.n_runs > 1 ? std::sqrt(square_sum / (sgd.n_runs * (sgd.n_runs - 1.)))
                                : std::numeric_limits<double>::quiet_NaN();
        };
        Sampling::SampleMoments<dim> moments;
        moments.mean       = mean;
        moments.covariance = cov;
        nlohmann::json jm, jme, jc, je;
        for (unsigned int d = 0; d < dim; ++d)
          {
            moments.mean_error[d] = standard_error(mean_sq[d]);
            jm.push_back(mean[d]);
            jme.push_back(moments.mean_error[d]);
            nlohmann::json rc, re;
            for (unsigned int e = 0; e < dim; ++e)
              {
                moments.covariance_error[d][e] = standard_error(sum_sq[d][e]);
                rc.push_back(cov[d][e]);
                re.push_back(moments.covariance_error[d][e]);
              }
            jc.push_back(rc);
            je.push_back(re);
          }
        const double from_time   = std::min(sgd.averaging_start, n_steps * eta);
        summary["time_averaged"] = {{"from_time", from_time},
                                    {"n_samples", pooled.n},
                                    {"mean", jm},
                                    {"mean_standard_error", jme},
                                    {"covariance", jc},
                                    {"covariance_standard_error", je},
                                    {"outside_fraction", averaged.outside_fraction()}};
        Vector<float> fe_density;
        if (comparison && parameters.stationary)
          {
            // Batch counts in bin order: exact sums, whatever the ranks.
            std::vector<double> batch_counts, batch_n;
            double              n_inside = 0.;
            for (auto &batch : batches)
              {
                batch.sum(communicator);
                const auto &c = batch.bin_counts();
                batch_counts.insert(batch_counts.end(), c.begin(), c.end());
                batch_n.push_back(std::accumulate(c.begin(), c.end(), 0.));
              }
            for (const double c : averaged.bin_counts())
              n_inside += c;
            const double dispersion = Sampling::batch_dispersion(
                averaged.bin_counts(), n_inside, batch_counts, batch_n, n_batches);
            comparison->compare(0, from_time, averaged, dispersion, moments);
            fe_density = comparison->fe_density();
          }
        if (parameters.output.write_fields)
          writer.write(n_steps * eta + 1e-9,
                       averaged,
                       fe_density.size() > 0 ? &fe_density : nullptr);
      }

    // Per mode: the median first time u_α > s_α/2 over the runs.
    for (unsigned int a = 0; a < targets.size(); ++a)
      {
        std::vector<double> local;
        for (const auto &t : learned_time)
          local.push_back(t[a]);
        std::vector<double> times;
        for (const auto &part : Utilities::MPI::all_gather(communicator, local))
          times.insert(times.end(), part.begin(), part.end());
        const double t = median(times);
        summary["modes"].push_back(
            {{"target", targets[a]},
             {"median_time_learned",
              std::isfinite(t) ? nlohmann::json(t) : nlohmann::json()},
             {"fraction_learned_at_end",
              std::count_if(times.begin(), times.end(), [](double v) {
                return std::isfinite(v);
              }) / double(times.size())}});
      }

    summary["parameter_file"] = parameter_file;
    summary["learning_rate"]  = eta;
    summary["batch_size"]     = parameters.model.batch_size;
    summary["temperature"]    = eta / (2. * parameters.model.batch_size);
    summary["n_runs"]         = sgd.n_runs;
    summary["n_steps"]        = n_steps;
    summary["seed"]           = sgd.seed;
    summary["n_ranks"]        = n_ranks;
    summary["seconds"]        = timer.wall_time();
    summary["files"]          = {
                 {"statistics", "sgd_statistics.txt"},
                 {"histograms", parameters.output.write_fields ? "sgd_histogram.pvd" : ""}};
    if (comparison)
      comparison->finish(directory, summary);
    if (rank == 0)
      {
        std::ofstream out(directory + "/sgd_summary.json");
        out << summary.dump(2) << "\n";
      }
    log << "fokker-planck --sgd: " << parameter_file << "\n"
        << "  " << sgd.n_runs << " SGD runs of " << n_steps << " steps (eta = " << eta
        << ", B = " << parameters.model.batch_size << ") on " << n_ranks << " rank(s), "
        << std::setprecision(3) << timer.wall_time() << " s\n";
    if (summary.contains("time_averaged"))
      log << "  time-averaged mean = " << summary["time_averaged"]["mean"].dump()
          << ", covariance = " << summary["time_averaged"]["covariance"].dump() << "\n";
    log << "  results:     " << parameters.output.results_folder()
        << "/ (sgd_statistics.txt, sgd_summary.json"
        << (comparison ? ", sgd_comparison.txt" : "")
        << (parameters.output.write_fields ? ", sgd_histogram.pvd)\n" : ")\n");
    return summary;
  }

#define FP_INSTANTIATE(dim)                                                              \
  template nlohmann::json run_sgd<dim>(const CaseParameters &,                           \
                                       const std::string &,                              \
                                       bool,                                             \
                                       MPI_Comm,                                         \
                                       const ModelParameters *);
  FP_INSTANTIATE(1)
  FP_INSTANTIATE(2)
  FP_INSTANTIATE(3)
#undef FP_INSTANTIATE
} // namespace FokkerPlanck::Sgd

#include <fokker_planck/base/axes.h>
#include <fokker_planck/base/collective.h>
#include <fokker_planck/sampling/histogram_tests.h>
#include <fokker_planck/sampling/tail_index.h>
#include <fokker_planck/sgd/network_ensemble.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace FokkerPlanck::Sgd
{
  using namespace dealii;

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

    /** The entries of @p tensor as a JSON array (of arrays). */
    template <int dim>
    nlohmann::json
    to_json(const Tensor<1, dim> &tensor)
    {
      nlohmann::json result;
      for (unsigned int d = 0; d < dim; ++d)
        result.push_back(tensor[d]);
      return result;
    }

    template <int dim>
    nlohmann::json
    to_json(const SymmetricTensor<2, dim> &tensor)
    {
      nlohmann::json result;
      for (unsigned int d = 0; d < dim; ++d)
        {
          nlohmann::json row;
          for (unsigned int e = 0; e < dim; ++e)
            row.push_back(tensor[d][e]);
          result.push_back(row);
        }
      return result;
    }
  } // namespace

  template <int dim>
  NetworkEnsemble<dim>::NetworkEnsemble(const Network<dim>         &prototype,
                                        const SimulationParameters &parameters,
                                        const double                learning_rate,
                                        const GeometryParameters   &geometry,
                                        const bool                  with_batches,
                                        const MPI_Comm              communicator)
      : parameters(parameters)
      , eta(learning_rate)
      , communicator(communicator)
      , n_total_steps(
            std::max<unsigned long>(1, std::lround(parameters.end_time / learning_rate)))
      , targets(prototype.targets())
      , n_batches(std::min(20U, parameters.n_runs))
      , current(geometry)
      , averaged(geometry)
  {
    if (with_batches)
      batches.assign(n_batches, Sampling::BoxHistogram<dim>(geometry));
    // This rank's runs: r = rank, rank + n_ranks, ...
    const unsigned int rank    = Utilities::MPI::this_mpi_process(communicator);
    const unsigned int n_ranks = Utilities::MPI::n_mpi_processes(communicator);
    for (unsigned int r = rank; r < parameters.n_runs; r += n_ranks)
      {
        runs.push_back(r);
        networks.push_back(prototype.clone());
        NormalStream random(parameters.seed, r, 0);
        networks.back()->initialise(random);
      }
    learned_time.assign(
        runs.size(),
        std::vector<double>(targets.size(), std::numeric_limits<double>::infinity()));
    run_average.resize(runs.size());
    noise_samples.resize(runs.size());
  }

  template <int dim>
  std::vector<double>
  NetworkEnsemble<dim>::output_times() const
  {
    std::vector<double> times;
    for (unsigned int output = 0; output <= parameters.n_outputs; ++output)
      times.push_back(((n_total_steps * output) / parameters.n_outputs) * eta);
    return times;
  }

  template <int dim>
  void
  NetworkEnsemble<dim>::pool(const std::size_t k, const Point<dim> &x)
  {
    averaged.add(x);
    run_average[k].add(x);
    if (!batches.empty())
      batches[runs[k] % n_batches].add(x);
  }

  template <int dim>
  void
  NetworkEnsemble<dim>::advance(const unsigned int output)
  {
    const unsigned long target_step = (n_total_steps * output) / parameters.n_outputs;
    for (std::size_t k = 0; k < runs.size(); ++k)
      for (unsigned long s = step + 1; s <= target_step; ++s)
        {
          NormalStream random(parameters.seed, runs[k], s);
          networks[k]->step(random);
          const Point<dim> x = networks[k]->coordinates();
          for (unsigned int a = 0; a < targets.size(); ++a)
            if (x[a] > 0.5 * targets[a] && std::isinf(learned_time[k][a]))
              learned_time[k][a] = s * eta;
          if (s * eta >= parameters.averaging_start && s < n_total_steps)
            {
              pool(k, x);
              Tensor<1, dim> noise;
              if (noise_samples[k].size() < max_noise_samples &&
                  networks[k]->gradient_noise(noise))
                noise_samples[k].push_back(noise);
            }
        }
    step = target_step;

    current.clear();
    Sampling::Moments<dim> moments;
    learned.assign(targets.size(), 0.);
    for (const auto &network : networks)
      {
        const Point<dim> x = network->coordinates();
        current.add(x);
        moments.add(x);
        for (unsigned int a = 0; a < targets.size(); ++a)
          learned[a] += x[a] > 0.5 * targets[a] ? 1. : 0.;
      }
    if (step == n_total_steps)
      for (std::size_t k = 0; k < runs.size(); ++k)
        pool(k, networks[k]->coordinates());
    current.sum(communicator);
    current_moments = moments.sum(communicator);
    Utilities::MPI::sum(learned, communicator, learned);
  }

  template <int dim>
  std::vector<Point<dim>>
  NetworkEnsemble<dim>::states() const
  {
    std::vector<Point<dim>> points;
    for (const auto &network : networks)
      points.push_back(network->coordinates());
    return points;
  }

  template <int dim>
  void
  NetworkEnsemble<dim>::add_statistics(StatisticsTable &table) const
  {
    const auto &all = current_moments;
    table.add("step", static_cast<unsigned int>(step));
    table.add("time", time());
    for (unsigned int d = 0; d < dim; ++d)
      table.add(std::string("mean_") + axis_name(d), all.mean()[d]);
    for (unsigned int d = 0; d < dim; ++d)
      for (unsigned int e = d; e < dim; ++e)
        table.add(std::string("cov_") + axis_name(d) + axis_name(e),
                  all.covariance()[d][e]);
    for (unsigned int a = 0; a < targets.size(); ++a)
      table.add(std::string("learned_") + axis_name(a), learned[a] / all.n);
    table.add("outside_fraction", current.outside_fraction());
  }

  template <int dim>
  bool
  NetworkEnsemble<dim>::finish_time_average()
  {
    averaged.sum(communicator);
    Sampling::Moments<dim> pooled;
    for (const auto &m : run_average)
      {
        pooled.n += m.n;
        pooled.first += m.first;
        pooled.second += m.second;
      }
    pooled   = pooled.sum(communicator);
    n_pooled = pooled.n;
    if (n_pooled > 0)
      averaged_moments = Sampling::SampleMoments<dim>::of_runs(
          run_average, pooled, parameters.n_runs, communicator);
    return n_pooled > 0;
  }

  template <int dim>
  double
  NetworkEnsemble<dim>::averaging_start() const
  {
    return std::min(parameters.averaging_start, n_total_steps * eta);
  }

  template <int dim>
  double
  NetworkEnsemble<dim>::batch_dispersion()
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
    return Sampling::batch_dispersion(
        averaged.bin_counts(), n_inside, batch_counts, batch_n, n_batches);
  }

  template <int dim>
  void
  NetworkEnsemble<dim>::add_summary(nlohmann::json &summary) const
  {
    // Time-averaged ("stationary") estimate, with standard errors from the
    // spread of the per-run averages (runs are independent).
    if (n_pooled > 0)
      {
        const auto &m            = averaged_moments;
        summary["time_averaged"] = {
            {"from_time", averaging_start()},
            {"n_samples", n_pooled},
            {"mean", to_json(m.mean)},
            {"mean_standard_error", to_json(m.mean_error)},
            {"covariance", to_json(m.covariance)},
            {"covariance_standard_error", to_json(m.covariance_error)},
            {"outside_fraction", averaged.outside_fraction()}};
      }
    // Per mode: the median first time u_α > s_α/2 over the runs.
    for (unsigned int a = 0; a < targets.size(); ++a)
      {
        std::vector<double> local;
        for (const auto &t : learned_time)
          local.push_back(t[a]);
        const std::vector<double> times = gather_concatenated(communicator, local);
        const double              t     = median(times);
        summary["modes"].push_back(
            {{"target", targets[a]},
             {"median_time_learned",
              std::isfinite(t) ? nlohmann::json(t) : nlohmann::json()},
             {"fraction_learned_at_end",
              std::count_if(times.begin(), times.end(), [](double v) {
                return std::isfinite(v);
              }) / double(times.size())}});
      }
    summary["tail_indices"]  = tail_indices();
    summary["learning_rate"] = eta;
    summary["n_runs"]        = parameters.n_runs;
    summary["n_steps"]       = n_total_steps;
    summary["seed"]          = parameters.seed;
  }

  template <int dim>
  nlohmann::json
  NetworkEnsemble<dim>::tail_indices() const
  {
    // Per run: the block estimator of each coordinate of the gradient
    // noise, Hill's index of its norm; across the independent runs their
    // mean and standard error (doc/heavy_tails.md).
    std::vector<double> local;
    for (const auto &samples : noise_samples)
      {
        if (samples.size() < 16)
          continue;
        std::vector<double> column(samples.size()), norm(samples.size());
        for (unsigned int i = 0; i < dim; ++i)
          {
            for (std::size_t j = 0; j < samples.size(); ++j)
              column[j] = samples[j][i];
            local.push_back(Sampling::block_stability_index(column));
          }
        for (std::size_t j = 0; j < samples.size(); ++j)
          norm[j] = samples[j].norm();
        local.push_back(Sampling::hill_tail_index(norm).value);
      }
    std::vector<std::vector<double>> per_entry(dim + 1);
    const std::vector<double>        all_runs = gather_concatenated(communicator, local);
    for (std::size_t k = 0; k < all_runs.size(); ++k)
      per_entry[k % (dim + 1)].push_back(all_runs[k]);
    const auto to_json = [](const Sampling::Estimate &e) {
      return nlohmann::json{{"estimate", e.value}, {"standard_error", e.error}};
    };
    nlohmann::json result;
    if (!per_entry[0].empty())
      {
        nlohmann::json noise;
        for (unsigned int i = 0; i < dim; ++i)
          noise[axis_name(i) + "_block"] =
              to_json(Sampling::mean_and_error(per_entry[i]));
        noise["norm_hill_per_run"] = to_json(Sampling::mean_and_error(per_entry[dim]));
        noise["n_runs"]            = per_entry[0].size();
        // Hill's index of all runs' noise samples pooled, per coordinate.
        std::vector<double> flat;
        for (const auto &samples : noise_samples)
          for (const auto &n : samples)
            for (unsigned int i = 0; i < dim; ++i)
              flat.push_back(n[i]);
        const auto hill = Sampling::coordinate_tail_indices(
            gather_concatenated(communicator, flat), dim);
        for (unsigned int i = 0; i <= dim; ++i)
          noise[(i < dim ? axis_name(i) : std::string("norm")) + "_hill_pooled"] =
              to_json(hill[i]);
        result["gradient_noise"] = noise;
      }
    // The current iterates of all runs (independent): Hill per coordinate
    // about the median and for the norm.
    std::vector<double> states;
    for (const auto &network : networks)
      for (unsigned int i = 0; i < dim; ++i)
        states.push_back(network->coordinates()[i]);
    const auto iterates =
        Sampling::coordinate_tail_indices(gather_concatenated(communicator, states), dim);
    for (unsigned int i = 0; i <= dim; ++i)
      result["iterates_hill"][i < dim ? axis_name(i) : std::string("norm")] =
          to_json(iterates[i]);
    return result;
  }

  template class NetworkEnsemble<1>;
  template class NetworkEnsemble<2>;
  template class NetworkEnsemble<3>;
} // namespace FokkerPlanck::Sgd

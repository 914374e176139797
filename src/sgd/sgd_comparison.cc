#include <deal.II/base/mpi.h>
#include <deal.II/base/timer.h>

#include <fokker_planck/base/axes.h>
#include <fokker_planck/base/input_error.h>
#include <fokker_planck/base/statistics.h>
#include <fokker_planck/sampling/box_grid.h>
#include <fokker_planck/sampling/finite_element_reference.h>
#include <fokker_planck/sgd/sgd_comparison.h>
#include <fokker_planck/solvers/stationary_solver.h>
#include <fokker_planck/solvers/transient_solver.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <limits>
#include <sstream>

namespace FokkerPlanck::Sgd
{
  using namespace dealii;

  namespace
  {
    /** Two-sided 99% normal quantile. */
    constexpr double z99 = 2.5758293035489;
  } // namespace

  template <int dim>
  struct FiniteElementComparison<dim>::Implementation
  {
    /** FE quantities for one SGD output time (stationary: one entry). */
    struct Entry
    {
      bool                            valid   = false;
      double                          fe_time = -1.;
      std::vector<double>             probabilities;
      dealii::Tensor<1, dim>          mean;
      dealii::SymmetricTensor<2, dim> covariance;
    };

    Implementation(const Problem<dim> &problem,
                   const bool          stationary,
                   const unsigned int  band_draws,
                   std::ostream       *log,
                   const std::string  &samples)
        : problem(problem)
        , samples(samples)
        , stationary(stationary)
        , band_draws(band_draws)
        , grid(problem.geometry())
        , log(log)
    {
    }

    /**
     * The FE cell probabilities ∫_c p_h dx of @p p on the grid cells (each
     * FE cell to the grid cell of its centre; throws unless they match one
     * to one) and its moments, into @p entry (collective).
     */
    void
    compute(const LA::MPI::Vector &p, Entry &entry) const;

    /** The transient FE run: an entry for each SGD output time it covers. */
    void
    solve_transient(const LinearSolverParameters &linear_solver,
                    TimeSteppingParameters        stepping,
                    const std::vector<double>    &times);

    const Problem<dim> &problem;
    /** Prefix of the sample columns and the table ("sgd", "trajectory"). */
    const std::string      samples;
    const bool             stationary;
    const unsigned int     band_draws;
    Sampling::BoxGrid<dim> grid;
    std::ostream          *log;
    /** SGD histogram bin of every grid cell (through the cell centres). */
    std::vector<long>             bin_of_cell;
    std::vector<Entry>            entries;
    const Entry                  *last = nullptr;
    Sampling::HistogramComparison result;
    StatisticsTable               table;
    nlohmann::json                json;
  };

  template <int dim>
  void
  FiniteElementComparison<dim>::Implementation::compute(const LA::MPI::Vector &p,
                                                        Entry &entry) const
  {
    const auto &discretization = problem.discretization();
    discretization.moments(p, entry.mean, entry.covariance);
    std::vector<double> probabilities(grid.size(), 0.);
    Sampling::for_each_binned_point<dim>(
        discretization,
        grid,
        p,
        false,
        [&](const unsigned int c, const DensityAtPoint<dim> &point) {
          probabilities[c] += point.value * point.JxW;
        });
    Utilities::MPI::sum(probabilities, discretization.communicator(), probabilities);
    entry.probabilities = std::move(probabilities);
  }

  template <int dim>
  void
  FiniteElementComparison<dim>::Implementation::solve_transient(
      const LinearSolverParameters &linear_solver,
      TimeSteppingParameters        stepping,
      const std::vector<double>    &times)
  {
    const auto &discretization = problem.discretization();
    // The SGD output times the FE run reaches, in increasing order.
    const auto covered = [&](const double t) {
      return t <= stepping.end_time * (1. + 1e-12) + 1e-14;
    };
    entries.resize(times.size());
    std::vector<unsigned int> pending;
    double                    last_time = 0.;
    for (unsigned int k = 0; k < times.size(); ++k)
      if (covered(times[k]))
        {
          pending.push_back(k);
          last_time = std::max(last_time, times[k]);
        }
    std::sort(pending.begin(), pending.end(), [&](unsigned int a, unsigned int b) {
      return times[a] < times[b];
    });

    LA::MPI::Vector p;
    initial_density(discretization, stepping, p);

    // At each pending time t: the nearer of the two steps around t.
    std::size_t     next = 0;
    LA::MPI::Vector previous;
    double          previous_time = -std::numeric_limits<double>::infinity();
    const auto      take = [&](const double fe_time, const LA::MPI::Vector &density) {
      auto &entry   = entries[pending[next++]];
      entry.valid   = true;
      entry.fe_time = fe_time;
      compute(density, entry);
    };
    const auto observe = [&](const StepInfo &info, const LA::MPI::Vector &density) {
      while (next < pending.size() &&
             times[pending[next]] <= info.time + 1e-12 * (1. + info.time))
        {
          const double t = times[pending[next]];
          if (t - previous_time < info.time - t)
            take(previous_time, previous);
          else
            take(info.time, density);
        }
      if (previous.size() != density.size())
        previous.reinit(density);
      previous      = density;
      previous_time = info.time;
    };
    if (last_time > 0.)
      {
        stepping.end_time = last_time;
        TransientSolver<dim> solver(discretization, stepping, linear_solver);
        solver.run(p, observe);
      }
    else
      observe(StepInfo(), p);
    while (next < pending.size()) // rounding: a time just past the last step
      take(previous_time, previous);
  }

  template <int dim>
  FiniteElementComparison<dim>::FiniteElementComparison(
      const Problem<dim>           &problem,
      const bool                    stationary,
      const LinearSolverParameters &linear_solver,
      const TimeSteppingParameters &time_stepping,
      const unsigned int            band_draws,
      const std::vector<double>    &times,
      std::ostream                 *log,
      const std::string            &samples)
      : implementation(std::make_unique<Implementation>(
            problem, stationary, band_draws, log, samples))
  {
    auto &self = *implementation;
    Timer timer(problem.communicator());

    // Match the SGD bins to the FE cells through the cell centres.
    const Sampling::BoxHistogram<dim> bins(problem.geometry());
    self.bin_of_cell.resize(self.grid.size());
    for (unsigned int c = 0; c < self.grid.size(); ++c)
      {
        self.bin_of_cell[c] = bins.bin(self.grid.center(c));
        AssertThrow(self.bin_of_cell[c] >= 0 &&
                        bins.bin_counts().size() == self.grid.size(),
                    ExcMessage("SGD histogram bins and FE cells do not match"));
      }

    const auto &discretization = problem.discretization();
    if (stationary)
      {
        LA::MPI::Vector p;
        solve_stationary(discretization, linear_solver, p);
        self.entries.resize(1);
        self.entries[0].valid = true;
        self.compute(p, self.entries[0]);
      }
    else
      self.solve_transient(linear_solver, time_stepping, times);

    // The FE side's time: setting up and assembling the problem, and solving.
    const double seconds =
        problem.timings().setup + problem.timings().assembly + timer.wall_time();
    const auto n_cells           = problem.triangulation().n_global_active_cells();
    self.json["finite_elements"] = {{"n_cells", n_cells},
                                    {"n_dofs", discretization.get_dof_handler().n_dofs()},
                                    {"temperature", problem.model().temperature()},
                                    {"seconds", seconds}};
    self.json["comparisons"]     = nlohmann::json::array();
    if (log)
      *log << "  finite elements: " << n_cells << " cells, "
           << discretization.get_dof_handler().n_dofs()
           << " unknowns, T = " << problem.model().temperature() << ", "
           << (stationary ? "stationary density" : "transient") << " in "
           << std::setprecision(3) << seconds << " s\n";
  }

  template <int dim>
  FiniteElementComparison<dim>::~FiniteElementComparison() = default;

  template <int dim>
  bool
  FiniteElementComparison<dim>::covers(const unsigned int output) const
  {
    const auto &entries = implementation->entries;
    return implementation->stationary ||
           (output < entries.size() && entries[output].valid);
  }

  template <int dim>
  const Sampling::HistogramComparison &
  FiniteElementComparison<dim>::compare(const unsigned int                  output,
                                        const double                        time,
                                        const Sampling::BoxHistogram<dim>  &histogram,
                                        const double                        dispersion,
                                        const Sampling::SampleMoments<dim> &moments)
  {
    auto &self = *implementation;
    AssertThrow(covers(output), ExcMessage("no finite-element density for this output"));
    const auto &entry = self.entries[self.stationary ? 0 : output];
    self.last         = &entry;

    std::vector<double> counts(self.grid.size());
    for (unsigned int c = 0; c < self.grid.size(); ++c)
      counts[c] = histogram.bin_counts()[self.bin_of_cell[c]];
    auto &result = self.result;
    result       = Sampling::compare_histogram(
        entry.probabilities, counts, dispersion, self.band_draws, dim == 1);

    nlohmann::json row;
    const auto     put = [&](const std::string &name, const double value) {
      self.table.add(name, value);
      row[name] = value;
    };
    const auto put_estimate = [&](const std::string &name,
                                  const double       sgd,
                                  const double       error,
                                  const double       fe) {
      put(self.samples + "_" + name, sgd);
      put(self.samples + "_" + name + "_error", error);
      put("fe_" + name, fe);
      row["within_99"][name] =
          std::abs(sgd - fe) <= z99 * error + 1e-9 * (1. + std::abs(fe));
    };
    put("time", time);
    put("fe_time", entry.fe_time);
    result.columns(dispersion, dim == 1, put);
    put("outside_fraction", histogram.outside_fraction());
    row["tv_inside_band"] = result.total_variation <= result.band_99;
    for (unsigned int i = 0; i < dim; ++i)
      put_estimate(std::string("mean_") + axis_name(i),
                   moments.mean[i],
                   moments.mean_error[i],
                   entry.mean[i]);
    for (unsigned int i = 0; i < dim; ++i)
      for (unsigned int j = i; j < dim; ++j)
        put_estimate(std::string("cov_") + axis_name(i) + axis_name(j),
                     moments.covariance[i][j],
                     moments.covariance_error[i][j],
                     entry.covariance[i][j]);
    self.json["comparisons"].push_back(row);

    if (self.log)
      {
        std::ostringstream text;
        text << std::setprecision(4) << "  comparison: t = " << time;
        if (self.stationary)
          text << " (time average from here on, FE stationary)";
        else
          text << " (FE t = " << entry.fe_time << ")";
        text << ", " << result.n_samples << " samples (effective " << result.n_effective
             << "): TV = " << result.total_variation << " (99% band " << result.band_99
             << "), chi2 p = " << result.chi_square_p;
        if (dim == 1)
          text << ", KS p = " << result.ks_p;
        *self.log << text.str() << "\n";
      }
    return result;
  }

  template <int dim>
  Vector<float>
  FiniteElementComparison<dim>::fe_density() const
  {
    const auto   &self          = *implementation;
    const auto   &triangulation = self.problem.triangulation();
    Vector<float> field(triangulation.n_active_cells());
    if (self.last)
      for (const auto &cell : triangulation.active_cell_iterators())
        if (!cell->is_artificial())
          field[cell->active_cell_index()] =
              self.last->probabilities[self.grid.index(cell->center())] /
              self.grid.cell_volume();
    return field;
  }

  template <int dim>
  void
  FiniteElementComparison<dim>::add_summary(nlohmann::json &summary) const
  {
    const auto &self                 = *implementation;
    summary["comparison"]            = self.json;
    summary["comparison"]["problem"] = self.stationary ? "stationary" : "transient";
    summary["comparison"]["files"]["table"] = self.samples + "_comparison.txt";
  }

  template <int dim>
  void
  FiniteElementComparison<dim>::write_files(const std::string &directory) const
  {
    implementation->table.write(directory + "/" + implementation->samples +
                                    "_comparison.txt",
                                implementation->problem.communicator());
  }

  template class FiniteElementComparison<1>;
  template class FiniteElementComparison<2>;
  template class FiniteElementComparison<3>;
} // namespace FokkerPlanck::Sgd

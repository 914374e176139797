#include <deal.II/base/mpi.h>
#include <deal.II/base/timer.h>

#include <fokker_planck/base/axes.h>
#include <fokker_planck/base/input_error.h>
#include <fokker_planck/discretization/discretization.h>
#include <fokker_planck/geometry/geometry.h>
#include <fokker_planck/model/model.h>
#include <fokker_planck/sampling/finite_element_reference.h>
#include <fokker_planck/sgd/sgd_comparison.h>
#include <fokker_planck/solvers/stationary_solver.h>
#include <fokker_planck/solvers/transient_solver.h>

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
      bool                                  valid   = false;
      double                                fe_time = -1.;
      Sampling::FiniteElementReference<dim> reference;
    };

    Implementation(const CaseParameters                     &parameters,
                   dealii::parallel::TriangulationBase<dim> &triangulation,
                   std::ostream                             *log)
        : parameters(parameters)
        , triangulation(triangulation)
        , grid(parameters.geometry)
        , log(log)
    {
    }

    const CaseParameters                     &parameters;
    dealii::parallel::TriangulationBase<dim> &triangulation;
    Sampling::BoxGrid<dim>                    grid;
    std::ostream                             *log;
    /** SGD histogram bin of every grid cell (through the cell centres). */
    std::vector<long>             bin_of_cell;
    std::vector<Entry>            entries;
    const Entry                  *last = nullptr;
    Sampling::HistogramComparison result;
    StatisticsTable               table;
    nlohmann::json                json;
  };

  template <int dim>
  FiniteElementComparison<dim>::FiniteElementComparison(
      const ModelParameters            &model_parameters,
      const CaseParameters             &parameters,
      parallel::TriangulationBase<dim> &triangulation,
      const std::vector<double>        &times,
      std::ostream                     *log)
      : implementation(std::make_unique<Implementation>(parameters, triangulation, log))
  {
    auto      &self = *implementation;
    Timer      timer(triangulation.get_communicator());
    const auto model = create_model<dim>(model_parameters, length_scale(triangulation));

    // Match the SGD bins to the FE cells through the cell centres.
    const Sampling::BoxHistogram<dim> bins(parameters.geometry);
    self.bin_of_cell.resize(self.grid.size());
    for (unsigned int c = 0; c < self.grid.size(); ++c)
      {
        self.bin_of_cell[c] = bins.bin(self.grid.center(c));
        AssertThrow(self.bin_of_cell[c] >= 0 &&
                        bins.bin_counts().size() == self.grid.size(),
                    ExcMessage("SGD histogram bins and FE cells do not match"));
      }

    Discretization<dim> discretization(
        triangulation, parameters.geometry, parameters.discretization);
    discretization.setup();
    discretization.assemble(*model);
    LA::MPI::Vector p;
    if (parameters.stationary)
      {
        solve_stationary(discretization, parameters.linear_solver, p);
        self.entries.resize(1);
        self.entries[0].valid = true;
        self.entries[0].reference.compute(discretization, *model, self.grid, p);
      }
    else
      {
        // The SGD output times the FE run reaches, in increasing order.
        auto       stepping = parameters.time_stepping;
        const auto covered  = [&](const double t) {
          return t <= stepping.end_time * (1. + 1e-12) + 1e-14;
        };
        self.entries.resize(times.size());
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

        auto initial = make_initial_condition<dim>(stepping);
        discretization.interpolate(*initial, p);
        const double initial_mass = discretization.mass(p);
        require(initial_mass > 0.,
                "Time stepping/Initial condition",
                "the initial density has no positive mass on the mesh");
        if (stepping.normalize)
          p /= initial_mass;

        // At each pending time t: the nearer of the two steps around t.
        std::size_t     next = 0;
        LA::MPI::Vector previous;
        double          previous_time = -std::numeric_limits<double>::infinity();
        const auto      take = [&](const double fe_time, const LA::MPI::Vector &density) {
          auto &entry   = self.entries[pending[next++]];
          entry.valid   = true;
          entry.fe_time = fe_time;
          entry.reference.compute(discretization, *model, self.grid, density);
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
            TransientSolver<dim> solver(
                discretization, stepping, parameters.linear_solver);
            solver.run(p, observe);
          }
        else
          observe(StepInfo(), p);
        while (next < pending.size()) // rounding: a time just past the last step
          take(previous_time, previous);
      }

    self.json["finite_elements"] = {{"n_cells", triangulation.n_global_active_cells()},
                                    {"n_dofs", discretization.get_dof_handler().n_dofs()},
                                    {"temperature", model->temperature()},
                                    {"seconds", timer.wall_time()}};
    self.json["comparisons"]     = nlohmann::json::array();
    if (log)
      *log << "  finite elements: " << triangulation.n_global_active_cells() << " cells, "
           << discretization.get_dof_handler().n_dofs()
           << " unknowns, T = " << model->temperature() << ", "
           << (parameters.stationary ? "stationary density" : "transient") << " in "
           << std::setprecision(3) << timer.wall_time() << " s\n";
  }

  template <int dim>
  FiniteElementComparison<dim>::~FiniteElementComparison() = default;

  template <int dim>
  bool
  FiniteElementComparison<dim>::covers(const unsigned int output) const
  {
    const auto &entries = implementation->entries;
    return implementation->parameters.stationary ||
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
    const auto &entry     = self.entries[self.parameters.stationary ? 0 : output];
    const auto &reference = entry.reference;
    self.last             = &entry;

    std::vector<double> counts(self.grid.size());
    for (unsigned int c = 0; c < self.grid.size(); ++c)
      counts[c] = histogram.bin_counts()[self.bin_of_cell[c]];
    auto &result = self.result;
    result       = Sampling::compare_histogram(reference.probabilities,
                                         counts,
                                         dispersion,
                                         self.parameters.monte_carlo.band_draws,
                                         dim == 1);

    nlohmann::json row;
    const auto     put = [&](const std::string &name, const double value) {
      self.table.add(name, value);
      row[name] = value;
    };
    const auto put_estimate = [&](const std::string &name,
                                  const double       sgd,
                                  const double       error,
                                  const double       fe) {
      put("sgd_" + name, sgd);
      put("sgd_" + name + "_error", error);
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
                   reference.mean[i]);
    for (unsigned int i = 0; i < dim; ++i)
      for (unsigned int j = i; j < dim; ++j)
        put_estimate(std::string("cov_") + axis_name(i) + axis_name(j),
                     moments.covariance[i][j],
                     moments.covariance_error[i][j],
                     reference.covariance[i][j]);
    self.json["comparisons"].push_back(row);

    if (self.log)
      {
        std::ostringstream text;
        text << std::setprecision(4) << "  comparison: t = " << time;
        if (self.parameters.stationary)
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
    const auto   &self = *implementation;
    Vector<float> field(self.triangulation.n_active_cells());
    if (self.last)
      for (const auto &cell : self.triangulation.active_cell_iterators())
        if (!cell->is_artificial())
          field[cell->active_cell_index()] =
              self.last->reference.probabilities[self.grid.index(cell->center())] /
              self.grid.cell_volume();
    return field;
  }

  template <int dim>
  void
  FiniteElementComparison<dim>::finish(const std::string &directory,
                                       nlohmann::json    &summary) const
  {
    const auto &self = *implementation;
    self.table.write(directory + "/sgd_comparison.txt",
                     self.triangulation.get_communicator());
    summary["comparison"] = self.json;
    summary["comparison"]["problem"] =
        self.parameters.stationary ? "stationary" : "transient";
    summary["comparison"]["files"]["table"] = "sgd_comparison.txt";
  }

  template class FiniteElementComparison<1>;
  template class FiniteElementComparison<2>;
  template class FiniteElementComparison<3>;
} // namespace FokkerPlanck::Sgd

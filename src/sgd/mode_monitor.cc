#include <fokker_planck/base/axes.h>
#include <fokker_planck/discretization/density_quadrature.h>
#include <fokker_planck/sgd/mode_monitor.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <limits>

namespace FokkerPlanck::Sgd
{
  using namespace dealii;

  namespace
  {
    /**
     * The first time @p values reaches @p level, linearly interpolated
     * between observations (null if never).
     */
    nlohmann::json
    first_crossing(const std::vector<double> &times,
                   const std::vector<double> &values,
                   const double               level)
    {
      for (std::size_t k = 0; k < values.size(); ++k)
        if (values[k] >= level)
          {
            if (k == 0)
              return times[0];
            const double w = (level - values[k - 1]) / (values[k] - values[k - 1]);
            return times[k - 1] + w * (times[k] - times[k - 1]);
          }
      return nullptr;
    }

    /** The time at which @p values is largest. */
    double
    time_of_maximum(const std::vector<double> &times, const std::vector<double> &values)
    {
      std::size_t best = 0;
      for (std::size_t k = 1; k < values.size(); ++k)
        if (values[k] > values[best])
          best = k;
      return times[best];
    }
  } // namespace

  template <int dim>
  std::unique_ptr<ModeMonitor<dim>>
  ModeMonitor<dim>::create(const Model<dim>          &model,
                           const Discretization<dim> &discretization)
  {
    const auto *sgd = dynamic_cast<const SgdModel<dim> *>(&model);
    if (sgd == nullptr || sgd->mode_targets().empty())
      return nullptr;
    return std::make_unique<ModeMonitor<dim>>(*sgd, discretization);
  }

  template <int dim>
  ModeMonitor<dim>::ModeMonitor(const SgdModel<dim>       &model,
                                const Discretization<dim> &discretization)
      : model(model)
      , discretization(discretization)
      , targets(model.mode_targets())
      , learned(dim)
      , noise(dim)
      , gf_noise(dim)
      , gf_time_learned(dim, std::numeric_limits<double>::quiet_NaN())
  {
  }

  template <int dim>
  void
  ModeMonitor<dim>::advance_gradient_flow(const double time)
  {
    const unsigned int n = std::max(1., std::ceil((time - gf_time) / 1e-3));
    const double       h = (time - gf_time) / n;
    for (unsigned int k = 0; k < n; ++k)
      {
        const auto       k1     = model.gradient_flow_drift(gf_state);
        const auto       k2     = model.gradient_flow_drift(gf_state + 0.5 * h * k1);
        const auto       k3     = model.gradient_flow_drift(gf_state + 0.5 * h * k2);
        const auto       k4     = model.gradient_flow_drift(gf_state + h * k3);
        const Point<dim> before = gf_state;
        gf_state += h / 6. * (k1 + 2. * k2 + 2. * k3 + k4);
        for (unsigned int a = 0; a < dim; ++a)
          if (std::isnan(gf_time_learned[a]) && gf_state[a] > 0.5 * targets[a])
            gf_time_learned[a] =
                gf_time +
                (k + (0.5 * targets[a] - before[a]) / (gf_state[a] - before[a])) * h;
      }
    gf_time = time;
  }

  template <int dim>
  void
  ModeMonitor<dim>::observe(const Snapshot &snapshot)
  {
    const double           time = snapshot.time;
    const LA::MPI::Vector &p    = *snapshot.density;
    // Per mode: learned mass, E[C_αα]; then mass and ∫x p for the start.
    std::vector<double> local(2 * dim + 1 + dim, 0.);
    for_each_density_point<dim>(
        discretization, p, false, [&](const DensityAtPoint<dim> &point) {
          const Point<dim> &x  = point.x;
          const double      pw = point.value * point.JxW;
          const auto        C  = model.gradient_covariance(x);
          for (unsigned int a = 0; a < dim; ++a)
            {
              local[a] += x[a] > 0.5 * targets[a] ? pw : 0.;
              local[dim + a] += C[a][a] * pw;
              local[2 * dim + 1 + a] += x[a] * pw;
            }
          local[2 * dim] += pw;
        });
    std::vector<double> global(local.size());
    Utilities::MPI::sum(local, discretization.communicator(), global);
    const double mass = global[2 * dim];

    if (!started)
      {
        for (unsigned int a = 0; a < dim; ++a)
          {
            gf_state[a] = global[2 * dim + 1 + a] / mass;
            if (gf_state[a] > 0.5 * targets[a])
              gf_time_learned[a] = time;
          }
        gf_time = time;
        started = true;
      }
    advance_gradient_flow(time);
    const auto gf_C = model.gradient_covariance(gf_state);

    times.push_back(time);
    for (unsigned int a = 0; a < dim; ++a)
      {
        learned[a].push_back(global[a] / mass);
        noise[a].push_back(global[dim + a] / mass);
        gf_noise[a].push_back(gf_C[a][a]);
      }
  }

  template <int dim>
  void
  ModeMonitor<dim>::add_statistics(StatisticsTable &table) const
  {
    for (unsigned int a = 0; a < dim; ++a)
      {
        const std::string x = axis_name(a);
        table.add("learned_" + x, learned[a].back());
        table.add("noise_" + x + x, noise[a].back());
        table.add("gf_" + x, gf_state[a]);
        table.add("gf_noise_" + x + x, gf_noise[a].back());
      }
  }

  template <int dim>
  void
  ModeMonitor<dim>::add_summary(nlohmann::json &summary) const
  {
    auto &modes = summary["transient"]["modes"];
    modes       = nlohmann::json::array();
    if (times.empty())
      return;
    for (unsigned int a = 0; a < dim; ++a)
      modes.push_back(
          {{"target", targets[a]},
           {"time_learned", first_crossing(times, learned[a], 0.5)},
           {"time_max_noise", time_of_maximum(times, noise[a])},
           {"max_noise", *std::max_element(noise[a].begin(), noise[a].end())},
           {"gradient_flow_time_learned",
            std::isnan(gf_time_learned[a]) ? nlohmann::json()
                                           : nlohmann::json(gf_time_learned[a])},
           {"gradient_flow_time_max_noise", time_of_maximum(times, gf_noise[a])}});
  }

  template class ModeMonitor<1>;
  template class ModeMonitor<2>;
  template class ModeMonitor<3>;
} // namespace FokkerPlanck::Sgd

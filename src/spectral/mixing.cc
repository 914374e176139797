#include <fokker_planck/base/input_error.h>
#include <fokker_planck/base/instantiate.h>
#include <fokker_planck/base/parsing.h>
#include <fokker_planck/spectral/cell_integral.h>
#include <fokker_planck/spectral/mixing.h>

#include <cmath>
#include <complex>

namespace FokkerPlanck
{
  using namespace dealii;

  void
  MixingParameters::declare_parameters(ParameterHandler &prm)
  {
    prm.enter_subsection("Mixing");
    {
      prm.add_parameter("Distance to stationarity",
                        distance,
                        "Transient runs with reflecting/periodic boundaries: "
                        "compute pi first and add l1_distance = ||p - pi||_1 "
                        "and kl_divergence = KL(p || pi) to the statistics "
                        "at every step, next to what the spectral gap "
                        "predicts (with 'Spectrum/Compute = true').");
      prm.add_parameter("Mixing epsilon",
                        epsilon,
                        "epsilon of the mixing time t_mix = first t with "
                        "||p(t) - pi||_1 < epsilon.",
                        Patterns::Double(0.));
      prm.declare_entry("Observables",
                        "",
                        Patterns::Anything(),
                        "Linear observables f = c.x: directions c separated "
                        "by ';', each dim numbers, e.g. '1, 0; 0, 1; 1, -1'. "
                        "With 'Spectrum/Compute' (and 'Left eigenvectors'): "
                        "stationary autocorrelation times from the spectral "
                        "decomposition. In a transient run with 'Distance to "
                        "stationarity': the relaxation of the mean of f from "
                        "the initial density (a narrow Gaussian acts as a "
                        "point mass), as statistics columns.");
      prm.add_parameter("Training horizon",
                        horizon,
                        "Length of training in units of t (steps * learning "
                        "rate); an observable mixes within it if its "
                        "autocorrelation at the horizon is below the "
                        "threshold. 0: no horizon.",
                        Patterns::Double(0.));
      prm.add_parameter("Autocorrelation threshold",
                        threshold,
                        "An observable counts as mixed within the horizon if "
                        "its autocorrelation |rho(horizon)| (spectral route) "
                        "or its relative mean offset (transient route) has "
                        "fallen below this.",
                        Patterns::Double(0., 1.));
    }
    prm.leave_subsection();
  }

  void
  MixingParameters::parse_parameters(ParameterHandler &prm)
  {
    prm.enter_subsection("Mixing");
    observables.clear();
    for (const auto &item : Parsing::split_expressions(prm.get("Observables")))
      {
        std::vector<double> c;
        try
          {
            for (const auto &number : Utilities::split_string_list(item, ','))
              c.push_back(Utilities::string_to_double(number));
          }
        catch (const std::exception &)
          {
            throw InputError("Mixing/Observables",
                             "'" + item + "' is not a list of numbers");
          }
        observables.push_back(c);
      }
    prm.leave_subsection();
  }

  void
  MixingParameters::check(const unsigned int dim) const
  {
    require(epsilon > 0., "Mixing/Mixing epsilon", "must be > 0");
    for (const auto &c : observables)
      {
        require(c.size() == dim,
                "Mixing/Observables",
                "each direction needs dim = " + std::to_string(dim) + " numbers");
        double norm = 0.;
        for (const double x : c)
          norm += x * x;
        require(norm > 0., "Mixing/Observables", "a direction must not be zero");
      }
  }

  template <int dim>
  Distance
  distance_to_stationarity(const Discretization<dim> &discretization,
                           const LA::MPI::Vector     &p,
                           const LA::MPI::Vector     &pi)
  {
    Distance   d;
    const auto integrals = integrate_fields<dim>(
        discretization,
        {&p, &pi},
        3,
        [](const Point<dim> &, const std::vector<double> &v, std::vector<double> &out) {
          const double density = v[0], stationary = std::max(v[1], 1e-300);
          out[0] = std::abs(density - v[1]);
          out[1] = density > 0. ? density * std::log(density / stationary) : 0.;
          out[2] = (density - v[1]) * (density - v[1]) / stationary;
        });
    d.l1   = integrals[0];
    d.kl   = integrals[1];
    d.chi2 = integrals[2];
    return d;
  }

  MixingMonitor::MixingMonitor(const double epsilon, const double gap)
      : epsilon(epsilon)
      , gap(gap)
  {
  }

  void
  MixingMonitor::add(const double t, const Distance &distance)
  {
    if (n == 0)
      chi2_initial = distance.chi2;
    previous_t  = last_t;
    previous_kl = last_kl;
    last_t      = t;
    last_kl     = distance.kl;
    ++n;
    if (std::isnan(t_mix) && distance.l1 < epsilon)
      t_mix = t;
  }

  double
  MixingMonitor::kl_rate() const
  {
    if (n < 2 || last_kl <= 0. || previous_kl <= 0. || last_t <= previous_t)
      return std::numeric_limits<double>::quiet_NaN();
    return -std::log(last_kl / previous_kl) / (last_t - previous_t);
  }

  double
  MixingMonitor::l1_bound(const double t) const
  {
    return std::sqrt(chi2_initial) * std::exp(-gap * t);
  }

  void
  ObservableRelaxation::add(const double t, const double mean, const double threshold)
  {
    const double offset = mean - stationary_mean;
    if (std::isnan(initial_offset))
      initial_offset = offset;
    relative = initial_offset != 0. ? offset / initial_offset
                                    : std::numeric_limits<double>::quiet_NaN();
    if (std::isnan(relaxation_time) && std::abs(relative) < threshold)
      relaxation_time = t;
  }

  template <int dim>
  double
  linear_moment(const Discretization<dim> &discretization,
                const std::vector<double> &direction,
                const LA::MPI::Vector     &p)
  {
    double value = 0.;
    for (unsigned int d = 0; d < dim; ++d)
      value += direction[d] * (discretization.get_first_moment_vector(d) * p);
    return value;
  }

  template <int dim>
  std::vector<Autocorrelation>
  autocorrelations(const Discretization<dim> &discretization,
                   const Spectrum            &spectrum,
                   const MixingParameters    &parameters)
  {
    std::vector<Autocorrelation> result;
    if (parameters.observables.empty())
      return result;
    require(spectrum.conserving,
            "Mixing/Observables",
            "autocorrelation times need a stationary density: reflecting or "
            "periodic boundaries only");
    require(!spectrum.left_real.empty(),
            "Spectrum/Left eigenvectors",
            "must be true for autocorrelation times ('Mixing/Observables')");
    const LA::MPI::Vector &pi = spectrum.right_real[0];

    for (const auto &c : parameters.observables)
      {
        Autocorrelation a;
        a.direction  = c;
        const auto f = [&](const Point<dim> &x) {
          double value = 0.;
          for (unsigned int d = 0; d < dim; ++d)
            value += c[d] * x[d];
          return value;
        };
        const auto moment = [&](const LA::MPI::Vector &v) {
          return linear_moment(discretization, c, v);
        };
        const double mean   = moment(pi);
        const double second = integrate_fields<dim>(
            discretization, {&pi}, [&](const Point<dim> &x, const auto &v) {
              return f(x) * f(x) * v[0];
            });
        a.variance = second - mean * mean;

        std::vector<std::complex<double>> weights(spectrum.eigenvalues.size());
        std::complex<double>              sum_weights = 0., sum_over_lambda = 0.;
        for (unsigned int k = 1; k < spectrum.eigenvalues.size(); ++k)
          {
            const std::complex<double> fv(moment(spectrum.right_real[k]),
                                          moment(spectrum.right_imag[k]));
            const auto                 wf = [&](const LA::MPI::Vector &w) {
              return integrate_fields<dim>(
                  discretization, {&w, &pi}, [&](const Point<dim> &x, const auto &v) {
                    return v[0] * f(x) * v[1];
                  });
            };
            weights[k] = fv * std::complex<double>(wf(spectrum.left_real[k]),
                                                   wf(spectrum.left_imag[k]));
            sum_weights += weights[k];
            sum_over_lambda += weights[k] / spectrum.eigenvalues[k];
          }
        a.captured_variance = sum_weights.real();
        a.integrated_time   = sum_over_lambda.real() / sum_weights.real();
        for (unsigned int k = 1; k < spectrum.eigenvalues.size(); ++k)
          if (std::abs(weights[k]) > 1e-6 * std::abs(sum_weights))
            {
              a.slowest_time = 1. / spectrum.eigenvalues[k].real();
              break;
            }
        if (parameters.horizon > 0.)
          {
            std::complex<double> at_horizon = 0.;
            for (unsigned int k = 1; k < spectrum.eigenvalues.size(); ++k)
              at_horizon +=
                  weights[k] * std::exp(-spectrum.eigenvalues[k] * parameters.horizon);
            a.rho_at_horizon       = at_horizon.real() / sum_weights.real();
            a.mixes_within_horizon = std::abs(a.rho_at_horizon) < parameters.threshold;
          }
        result.push_back(a);
      }
    return result;
  }

#define FP_INSTANTIATE(dim)                                                              \
  template Distance distance_to_stationarity<dim>(                                       \
      const Discretization<dim> &, const LA::MPI::Vector &, const LA::MPI::Vector &);    \
  template double                       linear_moment<dim>(const Discretization<dim> &,  \
                                     const std::vector<double> &,  \
                                     const LA::MPI::Vector &);     \
  template std::vector<Autocorrelation> autocorrelations<dim>(                           \
      const Discretization<dim> &, const Spectrum &, const MixingParameters &);
  FP_FOR_EACH_DIM(FP_INSTANTIATE)
#undef FP_INSTANTIATE
} // namespace FokkerPlanck

#include <deal.II/numerics/data_out.h>

#include <fokker_planck/base/input_error.h>
#include <fokker_planck/solvers/stationary_solver.h>
#include <fokker_planck/spectral/relaxation.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <iomanip>

namespace FokkerPlanck
{
  using namespace dealii;

  void
  RelaxationParameters::declare_parameters(ParameterHandler &prm)
  {
    spectrum.declare_parameters(prm);
    transitions.declare_parameters(prm);
    mixing.declare_parameters(prm);
  }

  void
  RelaxationParameters::parse_parameters(ParameterHandler &prm)
  {
    transitions.parse_parameters(prm);
    mixing.parse_parameters(prm);
  }

  void
  RelaxationParameters::check(const unsigned int dim,
                              const bool         stationary,
                              const bool         conserving) const
  {
    transitions.check(dim);
    mixing.check(dim);
    if (mixing.distance)
      require(!stationary && conserving,
              "Mixing/Distance to stationarity",
              "needs 'Problem = transient' and reflecting or periodic "
              "boundaries only (with an absorbing boundary there is no pi)");
    if (!mixing.observables.empty())
      {
        require((spectrum.compute && spectrum.left_eigenvectors) ||
                    (mixing.distance && !stationary),
                "Mixing/Observables",
                "autocorrelation times come from the spectral decomposition: "
                "set 'Spectrum/Compute = true' and 'Spectrum/Left eigenvectors = true'; "
                "or, in a transient run, from the relaxation of the mean: set "
                "'Mixing/Distance to stationarity = true'");
        require(conserving,
                "Mixing/Observables",
                "need reflecting or periodic boundaries only (a stationary process)");
      }
  }

  namespace
  {
    /** 1/x, or NaN (JSON null) for x = 0. */
    double
    inverse(const double x)
    {
      return x != 0. ? 1. / x : std::numeric_limits<double>::quiet_NaN();
    }
  } // namespace

  template <int dim>
  RelaxationAnalysis<dim>::RelaxationAnalysis(const RelaxationParameters   &parameters,
                                              const LinearSolverParameters &linear_solver,
                                              const Discretization<dim> &discretization,
                                              const bool                 transient)
      : parameters(parameters)
      , linear_solver(linear_solver)
      , discretization(discretization)
      , transient(transient)
  {
  }

  template <int dim>
  void
  RelaxationAnalysis<dim>::run(std::ostream *log)
  {
    const auto &sp = parameters.spectrum;
    if (sp.compute)
      {
        spectrum = compute_spectrum(discretization, sp);
        if (sp.left_eigenvectors)
          correlations = autocorrelations(discretization, *spectrum, parameters.mixing);
        if (log)
          log_spectrum(*log);
      }

    if (parameters.transitions.compute)
      {
        LA::MPI::Vector stationary;
        const bool      weighted = discretization.conserves_mass();
        if (weighted)
          {
            if (spectrum && spectrum->conserving)
              stationary = spectrum->right_real[0];
            else
              solve_stationary(discretization, linear_solver, stationary);
          }
        transitions = compute_transitions(
            discretization, parameters.transitions, sp, weighted ? &stationary : nullptr);
        if (log)
          log_transitions(*log);
      }

    if (transient && parameters.mixing.distance)
      {
        solve_stationary(discretization, linear_solver, pi);
        monitor = std::make_unique<MixingMonitor>(
            parameters.mixing.epsilon,
            spectrum ? spectrum->gap() : std::numeric_limits<double>::quiet_NaN());
        for (const auto &c : parameters.mixing.observables)
          {
            ObservableRelaxation relaxation;
            relaxation.direction       = c;
            relaxation.stationary_mean = linear_moment(discretization, c, pi);
            observable_relaxation.push_back(relaxation);
          }
      }
  }

  template <int dim>
  void
  RelaxationAnalysis<dim>::log_spectrum(std::ostream &log) const
  {
    log << "  spectrum:    ";
    for (const auto &lambda : spectrum->eigenvalues)
      log << std::setprecision(6) << lambda.real()
          << (lambda.imag() != 0. ? (lambda.imag() > 0 ? "+" : "-") +
                                        std::to_string(std::abs(lambda.imag())) + "i"
                                  : std::string())
          << " ";
    log << "\n               spectral gap = " << spectrum->gap()
        << ", relaxation time = " << inverse(spectrum->gap()) << "\n";
    for (const auto &a : correlations)
      {
        log << "  observable   c = " << nlohmann::json(a.direction).dump()
            << ": integrated autocorrelation time " << a.integrated_time
            << ", captured variance " << a.captured_variance / a.variance;
        if (parameters.mixing.horizon > 0.)
          log << ", rho(horizon) = " << a.rho_at_horizon
              << (a.mixes_within_horizon ? " (mixes)" : " (does not mix)");
        log << "\n";
      }
  }

  template <int dim>
  void
  RelaxationAnalysis<dim>::log_transitions(std::ostream &log) const
  {
    const auto &t = *transitions;
    log << std::setprecision(6)
        << "  transitions: mean first-passage time A -> B = " << t.mfpt_from_a
        << (t.pi_weighted ? " (pi-weighted over A)" : " (mean over A)")
        << ", committor mean = " << t.committor_mean << "\n";
    if (t.has_quasi_stationary)
      log << "               escape rate with B absorbing = " << t.escape_rate
          << " (1/rate = " << inverse(t.escape_rate)
          << "), gap to the next mode = " << t.escape_gap << "\n";
  }

  template <int dim>
  void
  RelaxationAnalysis<dim>::observe(const Snapshot &snapshot)
  {
    if (!monitor)
      return;
    const LA::MPI::Vector &p = *snapshot.density;
    last_time                = snapshot.time;
    last_distance            = distance_to_stationarity(discretization, p, pi);
    monitor->add(snapshot.time, last_distance);
    observable_means.clear();
    for (auto &o : observable_relaxation)
      {
        observable_means.push_back(linear_moment(discretization, o.direction, p));
        o.add(snapshot.time, observable_means.back(), parameters.mixing.threshold);
      }
  }

  template <int dim>
  void
  RelaxationAnalysis<dim>::add_statistics(StatisticsTable &statistics) const
  {
    if (transient)
      {
        if (!monitor)
          return;
        statistics.add("l1_distance", last_distance.l1);
        statistics.add("kl_divergence", last_distance.kl);
        statistics.add("kl_decay_rate", monitor->kl_rate());
        if (spectrum)
          {
            statistics.add("predicted_kl_rate", monitor->predicted_kl_rate());
            statistics.add("l1_spectral_bound", monitor->l1_bound(last_time));
          }
        for (unsigned int k = 0; k < observable_relaxation.size(); ++k)
          {
            statistics.add("observable_" + std::to_string(k) + "_mean",
                           observable_means[k]);
            statistics.add("observable_" + std::to_string(k) + "_relative",
                           observable_relaxation[k].relative);
          }
        return;
      }
    if (spectrum)
      {
        for (unsigned int k = 0; k < spectrum->eigenvalues.size(); ++k)
          {
            statistics.add("eigenvalue_" + std::to_string(k) + "_re",
                           spectrum->eigenvalues[k].real());
            statistics.add("eigenvalue_" + std::to_string(k) + "_im",
                           spectrum->eigenvalues[k].imag());
          }
        statistics.add("spectral_gap", spectrum->gap());
      }
    if (transitions)
      {
        statistics.add("mfpt_from_a", transitions->mfpt_from_a);
        statistics.add("committor_mean", transitions->committor_mean);
        if (transitions->has_quasi_stationary)
          statistics.add("escape_rate", transitions->escape_rate);
      }
  }

  template <int dim>
  void
  RelaxationAnalysis<dim>::add_fields(DataOut<dim, dim> &data_out) const
  {
    kept.clear();
    const auto add = [&](const LA::MPI::Vector &v, const std::string &name) {
      auto ghosted = std::make_unique<LA::MPI::Vector>();
      discretization.initialize_ghosted_vector(*ghosted);
      *ghosted = v;
      data_out.add_data_vector(discretization.get_dof_handler(), *ghosted, name);
      kept.push_back(std::move(ghosted));
    };
    if (spectrum)
      {
        const unsigned int n = std::min<unsigned int>(parameters.spectrum.n_written,
                                                      spectrum->eigenvalues.size());
        for (unsigned int k = 0; k < n; ++k)
          {
            const bool        complex = spectrum->eigenvalues[k].imag() != 0.;
            const std::string index   = std::to_string(k);
            add(spectrum->right_real[k],
                "eigenfunction_" + index + (complex ? "_re" : ""));
            if (complex)
              add(spectrum->right_imag[k], "eigenfunction_" + index + "_im");
            if (!spectrum->left_real.empty())
              {
                add(spectrum->left_real[k],
                    "backward_eigenfunction_" + index + (complex ? "_re" : ""));
                if (complex)
                  add(spectrum->left_imag[k], "backward_eigenfunction_" + index + "_im");
              }
          }
      }
    if (transitions)
      {
        add(transitions->mean_first_passage_time, "mean_first_passage_time");
        add(transitions->committor, "committor");
        if (transitions->has_quasi_stationary)
          add(transitions->quasi_stationary, "quasi_stationary_distribution");
      }
  }

  template <int dim>
  void
  RelaxationAnalysis<dim>::add_summary(nlohmann::json &summary) const
  {
    if (spectrum)
      {
        nlohmann::json values, times;
        for (const auto &lambda : spectrum->eigenvalues)
          {
            values.push_back({lambda.real(), lambda.imag()});
            times.push_back(std::abs(lambda.real()) <
                                    1e-10 * std::abs(spectrum->eigenvalues.back())
                                ? std::numeric_limits<double>::quiet_NaN()
                                : inverse(lambda.real()));
          }
        summary["spectrum"] = {{"eigenvalues", values},
                               {"relaxation_times", times},
                               {"residuals", spectrum->errors},
                               {"spectral_gap", spectrum->gap()},
                               {"relaxation_time", inverse(spectrum->gap())},
                               {"conserving", spectrum->conserving},
                               {"krylov_schur_restarts", spectrum->iterations},
                               {"seconds", spectrum->seconds}};
        if (!spectrum->conserving)
          summary["spectrum"]["escape_rate"] = spectrum->principal();
      }
    for (const auto &a : correlations)
      summary["mixing"]["observables"].push_back(
          {{"direction", a.direction},
           {"variance", a.variance},
           {"captured_variance", a.captured_variance},
           {"integrated_autocorrelation_time", a.integrated_time},
           {"slowest_relaxation_time", a.slowest_time},
           {"autocorrelation_at_horizon", a.rho_at_horizon},
           {"mixes_within_horizon", a.mixes_within_horizon}});
    if (!correlations.empty())
      summary["mixing"]["training_horizon"] = parameters.mixing.horizon;
    if (transitions)
      {
        const auto &t          = *transitions;
        summary["transitions"] = {{"mfpt_from_a", t.mfpt_from_a},
                                  {"mfpt_max", t.mfpt_max},
                                  {"committor_mean", t.committor_mean},
                                  {"pi_weighted", t.pi_weighted},
                                  {"n_dofs_a", t.n_dofs_a},
                                  {"n_dofs_b", t.n_dofs_b}};
        if (t.has_quasi_stationary)
          {
            summary["transitions"]["escape_rate"]          = t.escape_rate;
            summary["transitions"]["mean_exit_time"]       = inverse(t.escape_rate);
            summary["transitions"]["quasi_stationary_gap"] = t.escape_gap;
            summary["transitions"]["mfpt_from_quasi_stationary"] =
                t.mfpt_from_quasi_stationary;
          }
      }
    if (!monitor)
      return;
    auto &mixing                  = summary["mixing"];
    mixing["epsilon"]             = parameters.mixing.epsilon;
    mixing["mixing_time"]         = monitor->mixing_time();
    mixing["final_l1_distance"]   = last_distance.l1;
    mixing["final_kl_divergence"] = last_distance.kl;
    mixing["final_kl_decay_rate"] = monitor->kl_rate();
    if (spectrum)
      mixing["predicted_kl_rate"] = monitor->predicted_kl_rate();
    for (const auto &o : observable_relaxation)
      mixing["transient_observables"].push_back(
          {{"direction", o.direction},
           {"stationary_mean", o.stationary_mean},
           {"initial_offset", o.initial_offset},
           {"final_relative_offset", o.relative},
           {"relaxation_time", o.relaxation_time},
           {"threshold", parameters.mixing.threshold},
           {"mixes_within_horizon",
            parameters.mixing.horizon > 0. &&
                o.relaxation_time <= parameters.mixing.horizon}});
  }

  template class RelaxationAnalysis<1>;
  template class RelaxationAnalysis<2>;
  template class RelaxationAnalysis<3>;
} // namespace FokkerPlanck

#include <deal.II/numerics/data_out.h>

#include <fokker_planck/base/input_error.h>
#include <fokker_planck/solvers/stationary_solver.h>
#include <fokker_planck/spectral/relaxation.h>

#include <cmath>
#include <iomanip>

namespace FokkerPlanck
{
  using namespace dealii;

  void
  RelaxationParameters::declare_parameters(ParameterHandler &prm)
  {
    SpectrumParameters::declare_parameters(prm);
    TransitionParameters::declare_parameters(prm);
    MixingParameters::declare_parameters(prm);
  }

  void
  RelaxationParameters::parse_parameters(ParameterHandler &prm)
  {
    spectrum.parse_parameters(prm);
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
  RelaxationAnalysis<dim>::run(nlohmann::json &summary, ConditionalOStream &log)
  {
    const auto &sp = parameters.spectrum;
    if (sp.compute)
      {
        spectrum = compute_spectrum(discretization, sp);
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
        log << "  spectrum:    ";
        for (const auto &lambda : spectrum->eigenvalues)
          log << std::setprecision(6) << lambda.real()
              << (lambda.imag() != 0. ? (lambda.imag() > 0 ? "+" : "-") +
                                            std::to_string(std::abs(lambda.imag())) + "i"
                                      : std::string())
              << " ";
        log << "\n               spectral gap = " << spectrum->gap()
            << ", relaxation time = " << inverse(spectrum->gap()) << "\n";

        const auto correlations =
            sp.left_eigenvectors
                ? autocorrelations(discretization, *spectrum, parameters.mixing)
                : std::vector<Autocorrelation>();
        for (const auto &a : correlations)
          {
            summary["mixing"]["observables"].push_back(
                {{"direction", a.direction},
                 {"variance", a.variance},
                 {"captured_variance", a.captured_variance},
                 {"integrated_autocorrelation_time", a.integrated_time},
                 {"slowest_relaxation_time", a.slowest_time},
                 {"autocorrelation_at_horizon", a.rho_at_horizon},
                 {"mixes_within_horizon", a.mixes_within_horizon}});
            log << "  observable   c = " << nlohmann::json(a.direction).dump()
                << ": integrated autocorrelation time " << a.integrated_time
                << ", captured variance " << a.captured_variance / a.variance;
            if (parameters.mixing.horizon > 0.)
              log << ", rho(horizon) = " << a.rho_at_horizon
                  << (a.mixes_within_horizon ? " (mixes)" : " (does not mix)");
            log << "\n";
          }
        if (!correlations.empty())
          summary["mixing"]["training_horizon"] = parameters.mixing.horizon;
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
        const auto &t          = *transitions;
        summary["transitions"] = {{"mfpt_from_a", t.mfpt_from_a},
                                  {"mfpt_max", t.mfpt_max},
                                  {"committor_mean", t.committor_mean},
                                  {"pi_weighted", t.pi_weighted},
                                  {"n_dofs_a", t.n_dofs_a},
                                  {"n_dofs_b", t.n_dofs_b}};
        log << std::setprecision(6)
            << "  transitions: mean first-passage time A -> B = " << t.mfpt_from_a
            << (t.pi_weighted ? " (pi-weighted over A)" : " (mean over A)")
            << ", committor mean = " << t.committor_mean << "\n";
        if (t.has_quasi_stationary)
          {
            summary["transitions"]["escape_rate"]          = t.escape_rate;
            summary["transitions"]["mean_exit_time"]       = inverse(t.escape_rate);
            summary["transitions"]["quasi_stationary_gap"] = t.escape_gap;
            summary["transitions"]["mfpt_from_quasi_stationary"] =
                t.mfpt_from_quasi_stationary;
            log << "               escape rate with B absorbing = " << t.escape_rate
                << " (1/rate = " << inverse(t.escape_rate)
                << "), gap to the next mode = " << t.escape_gap << "\n";
          }
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
  RelaxationAnalysis<dim>::add_statistics(StatisticsTable &statistics) const
  {
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
  typename OutputWriter<dim>::ExtraFields
  RelaxationAnalysis<dim>::fields() const
  {
    if (!spectrum && !transitions)
      return {};
    return [this](DataOut<dim, dim> &data_out) {
      // Ghosted copies live in the DataOut's closure until write() returns:
      // they are kept in a shared list owned by the callback's data.
      auto       keep = std::make_shared<std::vector<std::unique_ptr<LA::MPI::Vector>>>();
      const auto add  = [&](const LA::MPI::Vector &v, const std::string &name) {
        auto ghosted = std::make_unique<LA::MPI::Vector>();
        discretization.initialize_ghosted_vector(*ghosted);
        *ghosted = v;
        data_out.add_data_vector(discretization.get_dof_handler(), *ghosted, name);
        keep->push_back(std::move(ghosted));
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
                    add(spectrum->left_imag[k],
                        "backward_eigenfunction_" + index + "_im");
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
      kept = keep;
    };
  }

  template <int dim>
  void
  RelaxationAnalysis<dim>::add_distance(StatisticsTable       &statistics,
                                        const double           time,
                                        const LA::MPI::Vector &p)
  {
    if (!monitor)
      return;
    last_distance = distance_to_stationarity(discretization, p, pi);
    monitor->add(time, last_distance);
    statistics.add("l1_distance", last_distance.l1);
    statistics.add("kl_divergence", last_distance.kl);
    statistics.add("kl_decay_rate", monitor->kl_rate());
    if (spectrum)
      {
        statistics.add("predicted_kl_rate", monitor->predicted_kl_rate());
        statistics.add("l1_spectral_bound", monitor->l1_bound(time));
      }
    for (unsigned int k = 0; k < observable_relaxation.size(); ++k)
      {
        auto        &o    = observable_relaxation[k];
        const double mean = linear_moment(discretization, o.direction, p);
        o.add(time, mean, parameters.mixing.threshold);
        statistics.add("observable_" + std::to_string(k) + "_mean", mean);
        statistics.add("observable_" + std::to_string(k) + "_relative", o.relative);
      }
  }

  template <int dim>
  void
  RelaxationAnalysis<dim>::finish(nlohmann::json &summary) const
  {
    if (!monitor)
      return;
    summary["mixing"]["epsilon"]             = parameters.mixing.epsilon;
    summary["mixing"]["mixing_time"]         = monitor->mixing_time();
    summary["mixing"]["final_l1_distance"]   = last_distance.l1;
    summary["mixing"]["final_kl_divergence"] = last_distance.kl;
    summary["mixing"]["final_kl_decay_rate"] = monitor->kl_rate();
    if (spectrum)
      summary["mixing"]["predicted_kl_rate"] = monitor->predicted_kl_rate();
    for (const auto &o : observable_relaxation)
      summary["mixing"]["transient_observables"].push_back(
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

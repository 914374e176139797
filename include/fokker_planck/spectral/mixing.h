/**
 * @file
 * How fast, and along which directions, a process mixes:
 * - the distance of a transient density p(t) to π, in L1 and as the
 *   relative entropy KL(p‖π) = ∫ p log(p/π), and the mixing time
 *   t_mix(ε) = first t with ‖p(t) − π‖₁ < ε;
 * - autocorrelation times of linear observables f(x) = c·x in the
 *   stationary process, from the spectral decomposition with left and
 *   right eigenvectors, compared with a training-length time horizon.
 */
#pragma once

#include <deal.II/base/parameter_handler.h>

#include <fokker_planck/base/linear_algebra.h>
#include <fokker_planck/discretization/discretization.h>
#include <fokker_planck/spectral/spectrum.h>

#include <limits>
#include <vector>

namespace FokkerPlanck
{
  /** Entries of subsection "Mixing". */
  struct MixingParameters
  {
    /** L1 and KL distance to π in the statistics of transient runs. */
    bool distance = false;
    /** ε of t_mix(ε). */
    double epsilon = 0.01;
    /** Directions c of the observables f = c·x (each dim numbers). */
    std::vector<std::vector<double>> observables;
    /** Time horizon of training (units of t); 0 = none. */
    double horizon = 0.;
    /** An observable mixes within the horizon if |ρ(horizon)| < this. */
    double threshold = 0.05;

    /** Declare the entries; one-to-one entries are bound to the members. */
    void
    declare_parameters(dealii::ParameterHandler &prm);

    /** After the file is parsed: the entries that are not bound one to one. */
    void
    parse_parameters(dealii::ParameterHandler &prm);

    void
    check(unsigned int dim) const;
  };

  /** L1 distance and relative entropy of a density to π. */
  struct Distance
  {
    double l1 = 0.;
    /** KL(p‖π); p ≤ 0 contributes 0, π is floored at 1e-300. */
    double kl = 0.;
    /** χ²(p‖π) = ∫ (p − π)²/π. */
    double chi2 = 0.;
  };

  /** Distance of @p p to @p pi by quadrature on the mesh. */
  template <int dim>
  Distance
  distance_to_stationarity(const Discretization<dim> &discretization,
                           const LA::MPI::Vector     &p,
                           const LA::MPI::Vector     &pi);

  /**
   * Follows the distance to π along a transient run: the columns of one
   * statistics row and the mixing time.
   */
  class MixingMonitor
  {
  public:
    /**
     * @p gap: the spectral gap Re λ₁, or NaN if no spectrum was computed.
     */
    MixingMonitor(double epsilon, double gap);

    /** Record the distance at time @p t. */
    void
    add(double t, const Distance &distance);

    /** −d log KL/dt between the last two records (NaN at the first). */
    double
    kl_rate() const;

    /**
     * √χ²(p₀‖π) e^{−gap t}: the bound on ‖p(t) − π‖₁ that the gap gives
     * for a reversible process (NaN without a spectrum).
     */
    double
    l1_bound(double t) const;

    /** 2·gap, the asymptotic decay rate of KL. */
    double
    predicted_kl_rate() const
    {
      return 2. * gap;
    }

    /** First recorded t with L1 < ε, or NaN if never. */
    double
    mixing_time() const
    {
      return t_mix;
    }

  private:
    const double epsilon, gap;
    double       chi2_initial = std::numeric_limits<double>::quiet_NaN();
    double       t_mix        = std::numeric_limits<double>::quiet_NaN();
    double       last_t = 0., last_kl = 0., previous_t = 0., previous_kl = 0.;
    unsigned int n = 0;
  };

  /**
   * Relaxation of the mean of one observable f = c·x in a transient run
   * started from a narrow density (a point mass): the relative offset
   * ρ(t) = (E_p(t) f − E_π f)/(E_p(0) f − E_π f), and the first time
   * |ρ| < threshold. For a point mass at x₀, E_p(t) f is the conditional
   * mean E[f(X_t) | X₀ = x₀].
   */
  struct ObservableRelaxation
  {
    std::vector<double> direction;
    double              stationary_mean = 0.;
    double              initial_offset  = std::numeric_limits<double>::quiet_NaN();
    double              relative        = std::numeric_limits<double>::quiet_NaN();
    /** First recorded t with |ρ| < threshold; NaN if never. */
    double relaxation_time = std::numeric_limits<double>::quiet_NaN();

    /** Record E_p(t) f = @p mean at time @p t. */
    void
    add(double t, double mean, double threshold);
  };

  /** ∫ (c·x) p_h dx exactly, from the first-moment vectors. */
  template <int dim>
  double
  linear_moment(const Discretization<dim> &discretization,
                const std::vector<double> &direction,
                const LA::MPI::Vector     &p);

  /** The stationary autocorrelation of one observable f = c·x. */
  struct Autocorrelation
  {
    std::vector<double> direction;
    /** Var_π f. */
    double variance = 0.;
    /** Σ_k Re c_k over the computed modes: the captured part of Var f. */
    double captured_variance = 0.;
    /** ∫₀^∞ ρ(t) dt, ρ = C(t)/C(0). */
    double integrated_time = 0.;
    /** 1/Re λ of the slowest mode with weight above 1e-6 of C(0). */
    double slowest_time = 0.;
    /** ρ at the training horizon (NaN without one). */
    double rho_at_horizon       = std::numeric_limits<double>::quiet_NaN();
    bool   mixes_within_horizon = false;
  };

  /**
   * Autocorrelation C(t) = Σ_{k≥1} c_k e^{−λ_k t} of f = c·x in the
   * stationary process, with c_k = (∫ f v_k)(∫ w_k f π) from the right and
   * left eigenvectors (w_kᵀMv_k = 1), π = v₀. Needs a conserving spectrum
   * with left eigenvectors.
   */
  template <int dim>
  std::vector<Autocorrelation>
  autocorrelations(const Discretization<dim> &discretization,
                   const Spectrum            &spectrum,
                   const MixingParameters    &parameters);
} // namespace FokkerPlanck

// Transitions in a 1D double well U = (x² − 1)² against closed forms:
// the mean first-passage time (a double integral), the committor (a ratio
// of integrals), both with state-dependent noise; the escape rate with an
// absorbing target against Kramers' rate as T decreases.

#include <gtest/gtest.h>

#include <fokker_planck/spectral/transitions.h>

#include "test_case.h"

#include <algorithm>

using namespace dealii;
using namespace FokkerPlanck;
using namespace FokkerPlanck::Testing;

namespace
{
  const double left = -2., right = 2.;

  std::string
  double_well(const double       T,
              const std::string &diffusion,
              const unsigned int refinements,
              const double       lower = left,
              const double       upper = right)
  {
    return "set dim = 1\n"
           "subsection Geometry\n  set Lower corner = " +
           std::to_string(lower) + "\n  set Upper corner = " + std::to_string(upper) +
           "\n  set Subdivisions = 8\n  set Global refinements = " +
           std::to_string(refinements) +
           "\nend\n"
           "subsection Model\n  set Name = parsed\n  set Temperature = " +
           std::to_string(T) +
           "\n  subsection Parsed\n    set Drift = -4*x*(x^2-1)\n    set Diffusion = " +
           diffusion +
           "\n    set Loss = (x^2-1)^2\n  end\nend\n"
           "subsection Discretization\n  set Degree = 2\nend\n"
           "subsection Transitions\n  set Compute = true\n  set Region A = x <= -1\n"
           "  set Region B box = 1, 2\nend\n";
  }

  /**
   * Closed forms in 1D with reflecting ends l, r: π ∝ e^Φ, Φ' = a/(TD),
   * a = u − T D'. τ(x) = ∫_x^b e^{−Φ(y)}/(T D(y)) ∫_l^y e^{Φ} dz dy for
   * x < b; q(x) = ∫_α^x e^{−Φ}/D / ∫_α^β e^{−Φ}/D on [α, β] = [−1, 1].
   * Tabulated by the trapezoidal rule on a fine grid and interpolated.
   */
  struct ClosedForms
  {
    ClosedForms(const double                         T,
                const std::function<double(double)> &D,
                const std::function<double(double)> &dD)
    {
      const unsigned int n = 400000;
      h                    = (right - left) / n;
      std::vector<double> phi(n + 1, 0.), inner(n + 1, 0.), g(n + 1), w(n + 1);
      const auto          a_over = [&](double x) {
        return (-4. * x * (x * x - 1.) - T * dD(x)) / (T * D(x));
      };
      for (unsigned int i = 1; i <= n; ++i)
        phi[i] =
            phi[i - 1] + 0.5 * h * (a_over(left + (i - 1) * h) + a_over(left + i * h));
      const double shift = *std::max_element(phi.begin(), phi.end());
      for (auto &p : phi)
        p -= shift;
      for (unsigned int i = 1; i <= n; ++i)
        inner[i] = inner[i - 1] + 0.5 * h * (std::exp(phi[i - 1]) + std::exp(phi[i]));
      for (unsigned int i = 0; i <= n; ++i)
        {
          const double x = left + i * h;
          g[i]           = std::exp(-phi[i]) * inner[i] / (T * D(x));
          w[i]           = std::exp(-phi[i]) / D(x);
        }
      G.assign(n + 1, 0.);
      W.assign(n + 1, 0.);
      for (unsigned int i = 1; i <= n; ++i)
        {
          G[i] = G[i - 1] + 0.5 * h * (g[i - 1] + g[i]);
          W[i] = W[i - 1] + 0.5 * h * (w[i - 1] + w[i]);
        }
    }

    double
    table(const std::vector<double> &f, const double x) const
    {
      const double       s = std::clamp((x - left) / h, 0., G.size() - 1.001);
      const unsigned int i = s;
      return f[i] + (s - i) * (f[i + 1] - f[i]);
    }

    double
    mfpt(const double x) const
    {
      return x >= 1. ? 0. : table(G, 1.) - table(G, x);
    }

    double
    committor(const double x) const
    {
      if (x <= -1.)
        return 0.;
      if (x >= 1.)
        return 1.;
      return (table(W, x) - table(W, -1.)) / (table(W, 1.) - table(W, -1.));
    }

    double              h;
    std::vector<double> G, W;
  };

  double
  relative_l2(const TestCase<1>                   &test,
              const LA::MPI::Vector               &v,
              const std::function<double(double)> &exact)
  {
    const double error = test.l2_error(v, [&](const Point<1> &x) { return exact(x[0]); });
    const double norm =
        std::sqrt(test.integrate(v, [&](const Point<1> &x, double, const auto &) {
          return exact(x[0]) * exact(x[0]);
        }));
    return error / norm;
  }
} // namespace

// τ and q with D = 1 + x²/4 (Itô), T = 0.25: Q2 converges at order 3.
TEST(Transitions, MeanFirstPassageTimeAndCommittorDoubleWell)
{
  const double      T = 0.25;
  const ClosedForms exact(
      T, [](double x) { return 1. + 0.25 * x * x; }, [](double x) { return 0.5 * x; });
  std::vector<double> tau_errors, q_errors;
  for (const unsigned int r : {3U, 4U, 5U})
    {
      TestCase<1>     test(double_well(T, "1 + 0.25*x^2", r));
      LA::MPI::Vector pi;
      test.solve_stationary(pi);
      auto spectrum      = test.parameters.relaxation.spectrum;
      spectrum.tolerance = 1e-13;
      const auto result  = compute_transitions(
          *test.discretization, test.parameters.relaxation.transitions, spectrum, &pi);
      tau_errors.push_back(relative_l2(
          test, result.mean_first_passage_time, [&](double x) { return exact.mfpt(x); }));
      q_errors.push_back(relative_l2(
          test, result.committor, [&](double x) { return exact.committor(x); }));
      root_log() << "  h = " << 4. / (8 << r) << ": MFPT relative L2 error "
                 << tau_errors.back() << ", committor " << q_errors.back()
                 << "; tau(-1) = " << exact.mfpt(-1.) << ", escape rate "
                 << result.escape_rate
                 << ", int tau nu = " << result.mfpt_from_quasi_stationary << "\n";
      // Starting from the quasi-stationary distribution the exit time is
      // exponential with rate λ₀: ∫τν = 1/λ₀, discretely too.
      EXPECT_NEAR(result.mfpt_from_quasi_stationary * result.escape_rate, 1., 1e-8);
    }
  EXPECT_LT(tau_errors.back(), 1e-6);
  EXPECT_LT(q_errors.back(), 1e-6);
  EXPECT_GT(observed_order(tau_errors[1], tau_errors[2]), 2.7);
  EXPECT_GT(observed_order(q_errors[1], q_errors[2]), 2.7);
}

// Escape rate from the left well to B = [1, 2] against Kramers:
// k = sqrt(U''(−1) |U''(0)|)/(2π) e^{−ΔU/T} = sqrt(32)/(2π) e^{−1/T}.
TEST(Transitions, EscapeRateApproachesKramers)
{
  std::vector<double> deviations;
  for (const double T : {0.2, 0.1, 0.05})
    {
      TestCase<1> test(double_well(T, "1", 6));
      auto        spectrum = test.parameters.relaxation.spectrum;
      spectrum.shift       = -1e-3;
      const auto   result  = compute_transitions(*test.discretization,
                                              test.parameters.relaxation.transitions,
                                              spectrum,
                                              nullptr);
      const double kramers = std::sqrt(32.) / (2. * M_PI) * std::exp(-1. / T);
      deviations.push_back(std::abs(result.escape_rate / kramers - 1.));
      root_log() << "  T = " << T << ": escape rate " << result.escape_rate
                 << ", Kramers " << kramers << ", ratio " << result.escape_rate / kramers
                 << "\n";
    }
  EXPECT_LT(deviations[1], deviations[0]);
  EXPECT_LT(deviations[2], deviations[1]);
  EXPECT_LT(deviations[2], 0.05);
}

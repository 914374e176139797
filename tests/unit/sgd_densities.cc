// Finite-element densities of the SGD models against closed forms:
// - 1D linear regression with D = C: π ∝ (2h e² + σ²)^(−(1 + B/(2ηh))),
//   including the exponent of the power-law tail;
// - Langevin twins: π = exp(−L/T)/Z (D = I) and exp(−L/(cT))/Z
//   (trace-matched constant c);
// - one deep-linear mode: the closed-form zero-flux density of its 1D
//   Fokker–Planck equation, and its Gaussian limit near s as T → 0;
// - scalar two-layer network: E[w₁² − w₂²] contracts under SGD noise and is
//   conserved under the Langevin twin (transient runs).

#include <gtest/gtest.h>

#include "test_case.h"

#include <iomanip>

using namespace dealii;
using namespace FokkerPlanck;
using namespace FokkerPlanck::Testing;

namespace
{
  /** Parameter text of an SGD model case in 1D or 2D. */
  std::string
  sgd_case(const unsigned int dim,
           const std::string &box,
           const std::string &model,
           const std::string &subsection,
           const double       eta,
           const unsigned int batch,
           const unsigned int degree = 2)
  {
    return "set dim = " + std::to_string(dim) + "\n" + "subsection Geometry\n" + box +
           "end\n"
           "subsection Model\n  set Name = " +
           model + "\n  set Temperature source = sgd\n  set Learning rate = " +
           std::to_string(eta) + "\n  set Batch size = " + std::to_string(batch) + "\n" +
           subsection +
           "end\nsubsection Discretization\n  set Degree = " + std::to_string(degree) +
           "\nend\n";
  }

  /** ∫_Ω |π_h − f| with f normalised on Ω by the same quadrature. */
  template <int dim>
  double
  l1_distance(const TestCase<dim>                             &test,
              const LA::MPI::Vector                           &pi,
              const std::function<double(const Point<dim> &)> &unnormalised)
  {
    const double Z = test.integrate(
        pi, [&](const auto &x, double, const auto &) { return unnormalised(x); }, 4);
    return test.integrate(
        pi,
        [&](const auto &x, const double v, const auto &) {
          return std::abs(v - unnormalised(x) / Z);
        },
        4);
  }
} // namespace

TEST(SgdDensities, LinearRegressionPowerLawTail1d)
{
  for (const auto &[h, sigma2, eta, B] :
       std::vector<std::tuple<double, double, double, unsigned int>>{
           {1., 1., 0.1, 1}, {2., 0.5, 0.1, 1}, {0.5, 1., 0.4, 2}})
    {
      TestCase<1> test(
          sgd_case(1,
                   "  set Lower corner = -6\n  set Upper corner = 6\n"
                   "  set Subdivisions = 12\n  set Global refinements = 7\n",
                   "linear-regression",
                   "  subsection Linear regression\n    set Input covariance = " +
                       std::to_string(h) +
                       "\n    set Teacher = 0.5\n"
                       "    set Label noise variance = " +
                       std::to_string(sigma2) + "\n  end\n",
                   eta,
                   B));
      LA::MPI::Vector pi;
      test.solve_stationary(pi);
      const double n = 1. + B / (2. * eta * h); // the exponent
      const auto   q = [&](const Point<1> &x) {
        const double e = x[0] - 0.5;
        return 2. * h * e * e + sigma2;
      };
      const double l1 =
          l1_distance<1>(test, pi, [&](const Point<1> &x) { return std::pow(q(x), -n); });
      // Tail exponent: d log π/d log q = −n pointwise; averaged over the
      // tail e ∈ [e₁, e₂] where π has fallen to 1e-3 ... 1e-6 of its
      // maximum (further out, round-off of the linear solve, ~1e-14 of the
      // maximum, dominates the logarithmic derivative).
      const auto e_at = [&](const double ratio) {
        return std::sqrt(sigma2 * (std::pow(ratio, -1. / n) - 1.) / (2. * h));
      };
      const double e1 = e_at(1e-3), e2 = e_at(1e-6);
      const double slope =
          test.integrate(pi,
                         [&](const Point<1> &x, const double v, const Tensor<1, 1> &g) {
                           const double e = x[0] - 0.5;
                           return (e >= e1 && e <= e2) ? g[0] / v * q(x) / (4. * h * e)
                                                       : 0.;
                         }) /
          (e2 - e1);
      root_log() << "linear regression 1D (h, sigma^2, eta, B) = (" << h << ", " << sigma2
                 << ", " << eta << ", " << B << "): ||pi_h - pi||_1 = " << l1
                 << ", tail exponent on e in [" << e1 << ", " << e2 << "]: " << slope
                 << " (exact " << -n << ")\n";
      EXPECT_LT(l1, 1e-5);
      EXPECT_NEAR(slope, -n, 2e-3 * n);
    }
}

TEST(SgdDensities, LangevinTwinIsBoltzmann)
{
  // Two-layer scalar network on [-2, 2]²: u = −∇L, D = I: π = exp(−L/T)/Z;
  // the trace-matched twin D = cI, c = a σ² |v|: π = exp(−L/(cT))/Z.
  const double a = 1.5, v = 0.8, sigma2 = 0.5, eta = 0.1;
  const double T = eta / 2.;
  for (const std::string noise : {"langevin", "langevin-trace-matched"})
    {
      TestCase<2> test(
          sgd_case(2,
                   "  set Lower corner = -2, -2\n  set Upper corner = 2, 2\n"
                   "  set Subdivisions = 4, 4\n  set Global refinements = 5\n",
                   "two-layer-scalar",
                   "  subsection Two-layer scalar\n    set Input variance = 1.5\n"
                   "    set Target = 0.8\n    set Label noise variance = 0.5\n"
                   "    set Noise = " +
                       noise + "\n  end\n",
                   eta,
                   1));
      LA::MPI::Vector pi;
      test.solve_stationary(pi);
      const double c  = noise == "langevin" ? 1. : a * sigma2 * v;
      const double l1 = l1_distance<2>(test, pi, [&](const Point<2> &x) {
        const double r = x[0] * x[1] - v;
        return std::exp(-(0.5 * a * r * r) / (c * T));
      });
      root_log() << "two-layer scalar, noise " << noise
                 << ": ||pi_h - Boltzmann||_1 = " << l1 << "\n";
      EXPECT_LT(l1, 1e-3);
    }
}

namespace
{
  /** Per-mode drift and D of the deep linear network, written out here. */
  struct Mode
  {
    double L, s, sigma2, T;

    double
    g(const double u) const
    {
      return 2. * (u - s) * (u - s) + sigma2;
    }
    double
    D(const double u) const
    {
      return L * L * std::pow(u, 4. - 4. / L) * g(u);
    }
    double
    drift(const double u) const
    {
      return -L * std::pow(u, 2. - 2. / L) * (u - s) +
             T * L * (L - 1.) * std::pow(u, 3. - 4. / L) * g(u);
    }
  };

  /**
   * Zero-flux density of one mode on [lo, hi] (u > 0): π ∝ exp(∫ u/(T D))/D,
   * the integral by composite Simpson from lo.
   */
  std::function<double(const Point<1> &)>
  zero_flux_density(const Mode &m, const double lo)
  {
    return [m, lo](const Point<1> &x) {
      const unsigned int n        = 2000;
      const double       h        = (x[0] - lo) / n;
      double             integral = 0.;
      for (unsigned int k = 0; k <= n; ++k)
        {
          const double u = lo + k * h;
          const double w = (k == 0 || k == n) ? 1. : (k % 2 ? 4. : 2.);
          integral += w * m.drift(u) / (m.T * m.D(u));
        }
      return std::exp(integral * h / 3.) / m.D(x[0]);
    };
  }
} // namespace

TEST(SgdDensities, DeepLinearModeZeroFluxAndGaussianLimit)
{
  // One mode, depth 2, s = 1, σ² = 0.5 on [0.3, 2]: the finite-element π
  // against the closed form; then, as T → 0, π approaches the Gaussian
  // N(s, T L s^{2−2/L} σ²), i.e. Boltzmann in ½(u − s)².
  std::vector<double> gaussian_distance;
  for (const double eta : {0.04, 0.01, 0.0025})
    {
      const Mode      m{2., 1., 0.5, eta / 2.};
      TestCase<1>     test(sgd_case(1,
                                "  set Lower corner = 0.3\n  set Upper corner = 2\n"
                                    "  set Subdivisions = 17\n  set Global refinements = 6\n",
                                "deep-linear",
                                "  subsection Deep linear\n    set Depth = 2\n"
                                    "    set Singular values = 1\n"
                                    "    set Label noise variance = 0.5\n  end\n",
                                eta,
                                1));
      LA::MPI::Vector pi;
      test.solve_stationary(pi);
      const double closed = l1_distance<1>(test, pi, zero_flux_density(m, 0.3));
      const double var    = m.T * m.L * std::pow(m.s, 2. - 2. / m.L) * m.sigma2;
      gaussian_distance.push_back(l1_distance<1>(test, pi, [&](const Point<1> &x) {
        return std::exp(-(x[0] - m.s) * (x[0] - m.s) / (2. * var));
      }));
      root_log() << "deep linear mode, T = " << m.T
                 << ": ||pi_h - zero-flux||_1 = " << closed << ", ||pi_h - N(s, " << var
                 << ")||_1 = " << gaussian_distance.back() << "\n";
      EXPECT_LT(closed, 1e-5);
    }
  // The Gaussian limit: the distance falls like sqrt(T) (factor 2 per step).
  EXPECT_GT(gaussian_distance[0] / gaussian_distance[1], 1.7);
  EXPECT_GT(gaussian_distance[1] / gaussian_distance[2], 1.7);
  EXPECT_LT(gaussian_distance[2], 0.06);
}

TEST(SgdDensities, TwoLayerLawOfBalance)
{
  // From N((1.6, 0.625), 0.01 I) on the valley w₁w₂ = 1: under Itô SGD
  // noise dE[Δ]/dt = −2T E[g Δ], Δ = w₁² − w₂², g = 2a²r² + aσ² ≥ aσ², so
  // E[Δ] contracts at least like exp(−2Taσ² t); under the Langevin twin
  // D = I it is conserved (the drift conserves Δ and the noise is
  // isotropic).
  const double Delta0 = 1.6 * 1.6 - 0.625 * 0.625 + 0.01 - 0.01;
  const double T = 0.1, t_end = 4.;
  for (const std::string noise : {"sgd", "langevin"})
    {
      TestCase<2> test(
          sgd_case(2,
                   "  set Lower corner = -3.5, -3.5\n  set Upper corner = 3.5, 3.5\n"
                   "  set Subdivisions = 7, 7\n  set Global refinements = 3\n",
                   "two-layer-scalar",
                   "  subsection Two-layer scalar\n    set Label noise variance = 1\n"
                   "    set Noise = " +
                       noise +
                       "\n    set Isotropic floor = 0.01\n"
                       "  end\nend\nsubsection Time stepping\n  set End time = 4\n"
                       "  set Time step = 0.05\n  set Scheme = crank-nicolson\n"
                       "  subsection Initial condition\n    set Mean = 1.6, 0.625\n"
                       "    set Covariance = 0.01, 0, 0, 0.01\n  end\n",
                   2 * T,
                   1));
      LA::MPI::Vector p;
      test.initial_density(p);
      const auto balance = [&](const LA::MPI::Vector &density) {
        return test.integrate(density,
                              [](const Point<2> &x, const double v, const auto &) {
                                return (x[0] * x[0] - x[1] * x[1]) * v;
                              });
      };
      const double initial = balance(p);
      EXPECT_NEAR(initial, Delta0, 2e-3);
      TransientSolver<2> solver(*test.discretization,
                                test.parameters.time_stepping,
                                test.parameters.linear_solver);
      solver.run(p, [](const StepInfo &, const LA::MPI::Vector &) {});
      const double ratio = balance(p) / initial;
      root_log() << "two-layer scalar, noise " << noise
                 << ": E[w1^2 - w2^2](t=4)/E[..](0) = " << ratio
                 << " (bound for sgd: exp(-2 T a sigma^2 t) = "
                 << std::exp(-2. * T * t_end) << ")\n";
      if (noise == "sgd")
        EXPECT_LT(ratio, std::exp(-2. * T * t_end) + 0.02);
      else
        EXPECT_NEAR(ratio, 1., 0.03);
    }
}

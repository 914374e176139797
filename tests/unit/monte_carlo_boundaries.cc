// Monte Carlo boundary treatment against exact densities:
// - reflecting wall with strong drift into it (1D linear potential, exact
//   exponential density): conormal reflection matches the exact and the
//   finite-element cell probabilities next to the wall, naive clipping does
//   not (it is run here to show that the test can fail);
// - non-diagonal D on a box: the conormal mirror keeps the exact uniform
//   y-marginal of a zero-current case, the plain normal mirror does not;
// - absorbing ends with the Brownian-bridge correction: survival of free
//   diffusion on [0, 1] from x0 = 1/2 against the exact eigen-series.

#include <gtest/gtest.h>

#include "monte_carlo_case.h"

#include <iomanip>

using namespace dealii;
using namespace FokkerPlanck;
using namespace FokkerPlanck::Testing;

namespace
{
  // u = −g on [0, 1], D = 1, T = 0.2: π(x) = a e^{−a x} / (1 − e^{−a}), a = g/T = 5.
  const double a = 5.;

  std::string
  wall_case(const std::string &reflection)
  {
    return "set dim = 1\n"
           "subsection Geometry\n  set Lower corner = 0\n  set Upper corner = 1\n"
           "  set Subdivisions = 4\n  set Global refinements = 3\nend\n"
           "subsection Model\n  set Name = parsed\n  set Temperature = 0.2\n"
           "  subsection Parsed\n    set Drift = -1\n    set Diffusion = 1\n  end\nend\n"
           "subsection Discretization\n  set Degree = 2\nend\n" +
           monte_carlo_section("  set Number of trajectories = 1000\n"
                               "  set Number of batches = 20\n"
                               "  set Time step = 0.0005\n"
                               "  set Burn-in time = 1.5\n"
                               "  set Sampling time = 1.5\n"
                               "  set Sampling interval = 10\n"
                               "  set Reflection = " +
                               reflection + "\n");
  }

  double
  exact_cell_probability(const double x0, const double x1)
  {
    return (std::exp(-a * x0) - std::exp(-a * x1)) / (1. - std::exp(-a));
  }

  /** Largest |f_c − P_c| / SE_c over the first @p n cells next to the wall. */
  double
  worst_wall_deviation(const std::string &reflection, const unsigned int n)
  {
    MonteCarloCase<1> c(wall_case(reflection));
    const auto        comparison_stage = c.compare_stationary();
    const auto       &comparison       = *comparison_stage;
    const auto       &o                = comparison.last_observation();
    const auto       &fe               = comparison.last_reference();
    const double      h                = 1. / 32;
    double            worst            = 0.;
    for (unsigned int k = 0; k < n; ++k)
      {
        const auto   f     = cell_fraction(o, k);
        const double exact = exact_cell_probability(k * h, (k + 1) * h);
        root_log() << std::setprecision(5) << "  " << reflection << " cell " << k
                   << ": MC " << f.value << " +- " << f.error << ", FE "
                   << fe.probabilities[k] << ", exact " << exact << "\n";
        EXPECT_NEAR(fe.probabilities[k], exact, 1e-4 * exact);
        worst = std::max(worst, std::abs(f.value - exact) / f.error);
      }
    return worst;
  }
} // namespace

TEST(MonteCarloBoundaries, ConormalReflectionMatchesExactDensityAtTheWall)
{
  EXPECT_LE(worst_wall_deviation("conormal", 4), z99);
}

TEST(MonteCarloBoundaries, NaiveClippingFailsAtTheWall)
{
  EXPECT_GT(worst_wall_deviation("clip", 4), 3. * z99);
}

namespace
{
  // D = [[1, 0.6], [0.6, 1]], u = −D ∇L with L = x/T·T... i.e. u = −D (1, 0):
  // J = u π − T D ∇π = 0 for π ∝ e^{−x/T}, uniform in y.
  double
  y_mean_deviation(const std::string &reflection)
  {
    MonteCarloCase<2> c(
        "set dim = 2\n"
        "subsection Geometry\n  set Lower corner = 0, 0\n  set Upper corner = 1, 1\n"
        "  set Subdivisions = 2, 2\n  set Global refinements = 2\nend\n"
        "subsection Model\n  set Name = parsed\n  set Temperature = 0.25\n"
        "  subsection Parsed\n    set Drift = -1; -0.6\n    set Diffusion = 1; 0.6; 0.6; "
        "1\n"
        "  end\nend\n" +
        monte_carlo_section("  set Number of trajectories = 600\n"
                            "  set Number of batches = 20\n"
                            "  set Time step = 0.001\n"
                            "  set Burn-in time = 1.5\n"
                            "  set Sampling time = 1.5\n"
                            "  set Sampling interval = 10\n"
                            "  set Reflection = " +
                            reflection + "\n"));
    const auto o    = c.ensemble()->run_stationary();
    const auto mean = o.mean(1);
    root_log() << "  " << reflection << " mirror: mean y = " << mean.value << " +- "
               << mean.error << " (exact 0.5), mean x = " << o.mean(0).value << " (exact "
               << 0.25 - std::exp(-4.) / (1. - std::exp(-4.)) << ")\n";
    return std::abs(mean.value - 0.5) / mean.error;
  }
} // namespace

TEST(MonteCarloBoundaries, ConormalMirrorForNonDiagonalDiffusion)
{
  EXPECT_LE(y_mean_deviation("conormal"), z99);
  EXPECT_GT(y_mean_deviation("normal"), 3. * z99);
}

TEST(MonteCarloBoundaries, AbsorbingSurvivalMatchesEigenSeries)
{
  for (const double dt : {0.001, 0.01})
    {
      MonteCarloCase<1> c(
          "set dim = 1\nset Problem = transient\n"
          "subsection Geometry\n  set Lower corner = 0\n  set Upper corner = 1\n"
          "  set Subdivisions = 4\n  set Global refinements = 2\nend\n"
          "subsection Boundary conditions\n  set Default type = absorbing\nend\n"
          "subsection Model\n  set Name = parsed\n  set Temperature = 0.5\n"
          "  subsection Parsed\n    set Drift = 0\n    set Diffusion = 1\n  end\nend\n"
          "subsection Time stepping\n  set End time = 0.3\n"
          "  subsection Initial condition\n    set Mean = 0.5\n    set Covariance = "
          "0.01\n"
          "  end\nend\n" +
          monte_carlo_section("  set Number of trajectories = 20000\n"
                              "  set Time step = " +
                              std::to_string(dt) +
                              "\n"
                              "  set Initial point = 0.5\n"));
      auto ensemble = c.ensemble();
      for (const double t : {0.05, 0.1, 0.2, 0.3})
        {
          const auto o        = ensemble->observe(t);
          const auto L        = o.layout;
          const auto survival = o.estimate(
              [L](const double *s) { return 1. - s[L.absorbed] / s[L.started]; });
          double exact = 0.;
          for (int n = 1; n < 200; n += 2)
            exact += 4. / (n * M_PI) * std::sin(n * M_PI / 2.) *
                     std::exp(-n * n * M_PI * M_PI * 0.5 * t);
          root_log() << std::setprecision(5) << "  dt " << dt << ", t " << t
                     << ": survival " << survival.value << " +- " << survival.error
                     << ", exact " << exact << "\n";
          EXPECT_LE(std::abs(survival.value - exact), z99 * survival.error);
        }
    }
}

// The transient comparison as the program runs it: the FE transient solve of
// the absorbing interval, with MonteCarloComparison::compare at every output
// step. The MC survival matches the FE mass (exact e^{−Tπ²t}) within 99%, and
// the survivors' histogram is inside its TV band.
TEST(MonteCarloBoundaries, TransientComparisonAtEveryOutputTime)
{
  MonteCarloCase<1> c(
      "set dim = 1\nset Problem = transient\n"
      "subsection Geometry\n  set Lower corner = 0\n  set Upper corner = 1\n"
      "  set Subdivisions = 4\n  set Global refinements = 3\nend\n"
      "subsection Boundary conditions\n  set Default type = absorbing\nend\n"
      "subsection Model\n  set Name = parsed\n  set Temperature = 0.5\n"
      "  subsection Parsed\n    set Drift = 0\n    set Diffusion = 1\n  end\nend\n"
      "subsection Discretization\n  set Degree = 2\nend\n"
      "subsection Time stepping\n  set Scheme = crank-nicolson\n"
      "  set End time = 0.3\n  set Time step = 0.005\n"
      "  subsection Initial condition\n    set Type = expression\n"
      "    set Expression = pi/2*sin(pi*x)\n    set Normalize = false\n"
      "  end\nend\n" +
      monte_carlo_section("  set Number of trajectories = 10000\n"
                          "  set Time step = 0.001\n"));
  LA::MPI::Vector p;
  c.initial_density(p);
  const auto         comparison_stage = c.comparison();
  auto              &comparison       = *comparison_stage;
  TransientSolver<1> solver(
      *c.discretization, c.parameters.time_stepping, c.parameters.linear_solver);
  unsigned int n_compared = 0;
  solver.run(p, [&](const StepInfo &info, const LA::MPI::Vector &density) {
    if (info.step % 20 != 0)
      return;
    comparison.compare(info.time, density);
    const auto &row = comparison.results()["comparisons"].back();
    root_log() << std::setprecision(4) << "  t " << info.time << ": survival "
               << row["mc_survival"].get<double>() << " +- "
               << row["mc_survival_error"].get<double>() << ", FE "
               << row["fe_survival"].get<double>() << ", exact "
               << std::exp(-0.5 * M_PI * M_PI * info.time) << "; TV "
               << row["total_variation"].get<double>() << " (band "
               << row["tv_band_99"].get<double>() << "), KS p "
               << row["ks_p"].get<double>() << "\n";
    EXPECT_NEAR(
        row["fe_survival"].get<double>(), std::exp(-0.5 * M_PI * M_PI * info.time), 1e-4);
    if (info.time > 0.) // at t = 0 the MC survival is exactly 1 (no error bar)
      {
        EXPECT_TRUE(row["within_99"]["survival"].get<bool>());
      }
    EXPECT_TRUE(row["tv_inside_band"].get<bool>());
    EXPECT_GT(row["ks_p"].get<double>(), 0.01);
    ++n_compared;
  });
  EXPECT_EQ(n_compared, 4U);
}

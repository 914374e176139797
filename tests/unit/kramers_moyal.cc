// Kramers–Moyal estimates from trajectories (sampling/kramers_moyal.h,
// doc/estimation.md) against the coefficients that generated them:
// - the OU case of DESIGN.md §3.1 simulated by the Monte Carlo stepper, 10⁶
//   pairs at Δt = 0.01: at the well-sampled vertices of the case's mesh the
//   estimated drift −Hx and noise rate 2T D agree with the truth within
//   their standard errors at the rate the errors claim (the fraction within
//   1.96 standard errors in the binomial 99% band of 0.95, none beyond 4.5).
//   Recorded at every Euler–Maruyama step the increments are unbiased; the
//   same process stepped at 0.001 and recorded every 10th step is the
//   continuous-time OU process sampled at 0.01, whose noise rate is biased
//   by −(Δt/2)(HΣ + ΣHᵀ) unless the first-order correction is made;
// - a 1D state-dependent D(x) = 1 + x²/2 (u = −x, T = 0.5) is recovered
//   with its shape, within 3 standard errors plus the kernel's smoothing
//   bias h² D''/10;
// - bad trajectory files get one message naming the problem.

#include <fokker_planck/base/input_error.h>
#include <fokker_planck/model/ornstein_uhlenbeck.h>
#include <fokker_planck/sampling/kramers_moyal.h>

#include <gtest/gtest.h>

#include "monte_carlo_case.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>

using namespace dealii;
using namespace FokkerPlanck;
using namespace FokkerPlanck::Testing;

namespace
{
  /** The vertices of the case's (box) mesh. */
  template <int dim>
  std::vector<Point<dim>>
  vertices(const TestCase<dim> &c)
  {
    std::vector<Point<dim>> result;
    for (const auto &v : c.triangulation->get_vertices())
      result.push_back(v);
    return result;
  }

  /** Files of this rank (the tests run on 1 and 2 ranks). */
  std::string
  rank_suffix()
  {
    return std::to_string(Utilities::MPI::this_mpi_process(MPI_COMM_WORLD));
  }

  const std::string monte_carlo = "subsection Monte Carlo\n  set Time step = 0.01\nend\n";

  /** Fraction of the standardised errors within 1.96, and the largest one. */
  struct Coverage
  {
    unsigned int n = 0, within = 0;
    double       largest = 0.;

    void
    add(const double estimate, const double truth, const double error)
    {
      const double z = std::abs(estimate - truth) / error;
      ++n;
      within += z <= 1.959964;
      largest = std::max(largest, z);
    }

    double
    rate() const
    {
      return static_cast<double>(within) / n;
    }
  };
} // namespace

TEST(KramersMoyal, OrnsteinUhlenbeckDriftAndNoiseWithinTheirErrors)
{
  const std::string text = design_ornstein_uhlenbeck_2d(1, 3);
  const TestCase<2> c(text + monte_carlo);
  const TestCase<2> fine(text + "subsection Monte Carlo\n  set Time step = 0.001\nend\n");
  const auto       &ou = dynamic_cast<const OrnsteinUhlenbeckModel<2> &>(*c.model);
  const Tensor<2, 2>          H      = ou.drift_matrix();
  const SymmetricTensor<2, 2> noise  = 2. * 0.7 * ou.diffusion(Point<2>());
  const auto                  points = vertices(c);

  // 'auto': a linear drift and a constant noise have no curvature, so the
  // rule gives one robust spread, about the stationary standard deviation.
  {
    const auto trajectories = simulate_trajectories(c, 20, 10000, 500);
    const auto h            = Sampling::auto_bandwidth(trajectories);
    for (unsigned int i = 0; i < 2; ++i)
      EXPECT_NEAR(
          h[i], std::sqrt(design_sigma()[i][i]), 0.05 * std::sqrt(design_sigma()[i][i]));
  }

  // (every recorded step, correction, expected to be unbiased)
  for (const auto &[every, correct] : {std::pair{1u, false}, {10u, true}, {10u, false}})
    {
      const auto trajectories = every == 1
                                    ? simulate_trajectories(c, 100, 10000, 500)
                                    : simulate_trajectories(fine, 100, 99991, 5000, 10);
      ASSERT_EQ(trajectories.n_pairs(), 100u * 9999u);
      // Kernels narrower than half the vertex spacing 0.375: the
      // estimates at different vertices use different pairs.
      Sampling::KramersMoyalSettings<2> settings;
      settings.bandwidth         = Tensor<1, 2>({0.17, 0.1});
      settings.correct_time_step = correct;
      const auto estimate =
          Sampling::estimate_kramers_moyal(trajectories, points, settings);
      Coverage drift, diffusion;
      double   bias         = 0.;
      unsigned well_sampled = 0;
      for (std::size_t q = 0; q < points.size(); ++q)
        {
          if (!estimate.resolved[q] || estimate.effective_samples[q] < 500.)
            continue;
          ++well_sampled;
          const Tensor<1, 2> b = -(H * points[q]);
          for (unsigned int i = 0; i < 2; ++i)
            drift.add(estimate.drift[q][i], b[i], estimate.drift_error[q][i]);
          for (unsigned int i = 0; i < 2; ++i)
            for (unsigned int j = i; j < 2; ++j)
              {
                diffusion.add(
                    estimate.noise[q][i][j], noise[i][j], estimate.noise_error[q][i][j]);
                bias += (estimate.noise[q][i][j] - noise[i][j]) /
                        estimate.noise_error[q][i][j];
              }
        }
      bias /= diffusion.n;
      root_log() << std::setprecision(4) << "  recorded every " << every
                 << " steps, correction " << correct << ": " << well_sampled
                 << " well-sampled vertices (h = " << estimate.bandwidth
                 << "); within 1.96 SE: drift " << drift.rate() << " (largest "
                 << drift.largest << "), noise " << diffusion.rate() << " (largest "
                 << diffusion.largest << "); mean standardised noise error " << bias
                 << "\n";
      ASSERT_GE(well_sampled, 50u);
      if (every == 1 || correct)
        {
          EXPECT_NEAR(drift.rate(), 0.95, 2.5758 * std::sqrt(0.95 * 0.05 / drift.n));
          EXPECT_NEAR(
              diffusion.rate(), 0.95, 2.5758 * std::sqrt(0.95 * 0.05 / diffusion.n));
          EXPECT_LT(drift.largest, 4.5);
          EXPECT_LT(diffusion.largest, 4.5);
          // The vertices are independent; the three entries at one vertex
          // are not.
          EXPECT_LT(std::abs(bias), 3. / std::sqrt(well_sampled));
        }
      else
        // Uncorrected, 2T D is too small by (Δt/2)(HΣ + ΣHᵀ), about 1.5%
        // of it: the mean standardised error, whose own standard error is
        // at most 1/sqrt(vertices), is far below zero.
        EXPECT_LT(bias, -4. / std::sqrt(well_sampled));
    }
}

TEST(KramersMoyal, StateDependentDiffusionHasItsShape)
{
  const TestCase<1> c(
      "set dim = 1\n"
      "subsection Geometry\n  set Lower corner = -4\n  set Upper corner = 4\n"
      "  set Subdivisions = 16\n  set Global refinements = 0\nend\n"
      "subsection Model\n  set Name = parsed\n  set Temperature = 0.5\n"
      "  subsection Parsed\n    set Drift = -x\n"
      "    set Diffusion = 1 + x^2/2\n  end\nend\n" +
      monte_carlo);
  const auto trajectories = simulate_trajectories(c, 50, 20000, 500);
  const auto points       = vertices(c);
  const auto estimate     = Sampling::estimate_kramers_moyal(
      trajectories, points, Sampling::KramersMoyalSettings<1>());
  // 'auto' sees the curvature of D and narrows the kernel well below the
  // spread of the samples (about 0.9).
  const double h = estimate.bandwidth[0];
  root_log() << "  auto bandwidth " << h << "\n";
  EXPECT_LT(h, 0.3);
  EXPECT_GT(h, 0.05);
  unsigned int checked = 0;
  for (std::size_t q = 0; q < points.size(); ++q)
    {
      if (!estimate.resolved[q] || estimate.effective_samples[q] < 1000.)
        continue;
      ++checked;
      const double x     = points[q][0];
      const double D     = estimate.noise[q][0][0] / (2. * 0.5);
      const double error = estimate.noise_error[q][0][0] / (2. * 0.5);
      root_log() << std::setprecision(4) << "  x = " << x << ": D = " << D << " +- "
                 << error << " (exact " << 1. + 0.5 * x * x
                 << "), u = " << estimate.drift[q][0] << " +- "
                 << estimate.drift_error[q][0] << "\n";
      // Local-linear smoothing bias h² D''/2 · (∫u²K = 1/5) with D'' = 1.
      EXPECT_NEAR(D, 1. + 0.5 * x * x, 3. * error + 0.1 * h * h);
      EXPECT_NEAR(estimate.drift[q][0], -x, 3. * estimate.drift_error[q][0]);
    }
  EXPECT_GE(checked, 7u);
}

TEST(KramersMoyal, BadTrajectoryFilesGetClearMessages)
{
  const auto message = [](const std::string &text) {
    const std::string file = "kramers_moyal_bad_" + rank_suffix() + ".csv";
    std::ofstream(file) << text;
    try
      {
        Sampling::Trajectories<2>::read(file, "Estimation/Trajectory file");
      }
    catch (const InputError &e)
      {
        std::filesystem::remove(file);
        return std::string(e.what());
      }
    std::filesystem::remove(file);
    return std::string("no error");
  };
  EXPECT_NE(message("run,t,x\n0,0,1\n0,1,2\n").find("1 coordinate column(s)"),
            std::string::npos);
  EXPECT_NE(message("t,x,y\n0,1,2\n").find("no column 'run'"), std::string::npos);
  EXPECT_NE(message("run,t,x,y\n0,0,1,2\n0,0.1,1,2\n0,0.1,1,3\n")
                .find("line 4: t = 0.100000 does not increase within run 0"),
            std::string::npos);
  EXPECT_NE(message("run,t,x,y\n0,0,1,2\n").find("no run with two consecutive samples"),
            std::string::npos);
  EXPECT_NE(message("run,t,x,y\n0,0,1,2\n0,1,abc,2\n").find("'abc' is not a number"),
            std::string::npos);
  EXPECT_NE(message("run,t,x,y\n0,0,1,2\n0,1,nan,2\n").find("values must be finite"),
            std::string::npos);
  EXPECT_THROW(Sampling::Trajectories<2>::read("kramers_moyal_missing.csv", "E"),
               InputError);
}

TEST(KramersMoyal, TrajectoryFilesRoundTrip)
{
  // Two runs whose rows are interleaved in the file, with a comment line.
  const std::string file = "kramers_moyal_round_trip_" + rank_suffix() + ".csv";
  std::ofstream(file) << "# recorded\nrun,t,w1,w2\n3,0,1,2\n5,0,0,0\n3,0.5,1.5,2.5\n"
                         "5,0.25,-1,1\n3,1,2,3\n";
  const auto read = Sampling::Trajectories<2>::read(file, "E");
  ASSERT_EQ(read.n_runs(), 2u);
  EXPECT_EQ(read.runs[0], 3);
  EXPECT_EQ(read.n_pairs(), 3u);
  EXPECT_EQ(read.names[1], "w2");
  EXPECT_DOUBLE_EQ(read.points[2][1], 3.);
  EXPECT_DOUBLE_EQ(read.time[4], 0.25);
  read.write_csv(file);
  const auto again = Sampling::Trajectories<2>::read(file, "E");
  EXPECT_EQ(again.points, read.points);
  EXPECT_EQ(again.time, read.time);
  std::filesystem::remove(file);
}

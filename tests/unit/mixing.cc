// Distance to stationarity in a transient Ornstein–Uhlenbeck run:
// KL(p(t)‖π) decreases monotonically and decays at the late-time rate
// 2·gap, with the gap λ₁ = μ₁ (smallest eigenvalue of H) from the spectrum.

#include <gtest/gtest.h>

#include <fokker_planck/spectral/mixing.h>
#include <fokker_planck/spectral/spectrum.h>

#include "test_case.h"

using namespace dealii;
using namespace FokkerPlanck;
using namespace FokkerPlanck::Testing;

TEST(Mixing, KullbackLeiblerDecaysAtTwiceTheGap)
{
  // H = [[1, 0.5], [0, 3]] (non-normal, μ = 1, 3): the next eigenvalue
  // after λ₁ = 1 is 2, so the late-time rate is clean.
  const std::string text = ornstein_uhlenbeck_2d("1, 0.5, 0, 3", "1, 0, 0, 1", 2, 3) +
                           "set Problem = transient\n"
                           "subsection Time stepping\n  set Scheme = bdf2\n"
                           "  set Time step = 0.02\n  set End time = 6\n"
                           "  subsection Initial condition\n    set Mean = 1.5, -1\n"
                           "    set Covariance = 0.1, 0, 0, 0.1\n  end\nend\n";
  TestCase<2>     test(text);
  LA::MPI::Vector pi, p;
  test.solve_stationary(pi);
  SpectrumParameters parameters;
  parameters.n_eigenvalues = 3;
  parameters.shift         = -0.1;
  parameters.left_eigenvectors = false;
  const double gap = compute_spectrum(*test.discretization, parameters).gap();
  EXPECT_NEAR(gap, 1., 1e-6);

  test.initial_density(p);
  MixingMonitor       monitor(0.01, gap);
  std::vector<double> times, kl;
  TransientSolver<2>  solver(*test.discretization,
                            test.parameters.time_stepping,
                            test.parameters.linear_solver);
  solver.run(p, [&](const StepInfo &info, const LA::MPI::Vector &density) {
    const Distance d = distance_to_stationarity(*test.discretization, density, pi);
    monitor.add(info.time, d);
    times.push_back(info.time);
    kl.push_back(d.kl);
  });

  unsigned int increases = 0;
  for (unsigned int n = 1; n < kl.size(); ++n)
    increases += kl[n] >= kl[n - 1] ? 1 : 0;
  EXPECT_EQ(increases, 0U);
  EXPECT_GT(kl.front(), 1.);

  // Least-squares slope of log KL on t ∈ [4, 6].
  double st = 0., sl = 0., stt = 0., stl = 0., n = 0.;
  for (unsigned int i = 0; i < kl.size(); ++i)
    if (times[i] >= 4.)
      {
        const double l = std::log(kl[i]);
        st += times[i];
        sl += l;
        stt += times[i] * times[i];
        stl += times[i] * l;
        n += 1.;
      }
  const double rate = -(n * stl - st * sl) / (n * stt - st * st);
  root_log() << "  KL(0) = " << kl.front() << ", KL(6) = " << kl.back() << ", late rate " << rate
             << ", 2 gap = " << 2. * gap << ", last-step rate " << monitor.kl_rate()
             << ", t_mix(0.01) = " << monitor.mixing_time() << "\n";
  EXPECT_NEAR(rate, 2. * gap, 0.05 * 2. * gap);
  EXPECT_NEAR(monitor.kl_rate(), 2. * gap, 0.05 * 2. * gap);
  EXPECT_GT(monitor.mixing_time(), 0.);
  EXPECT_LT(monitor.mixing_time(), 6.);
}

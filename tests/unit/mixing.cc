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
  parameters.n_eigenvalues     = 3;
  parameters.shift             = -0.1;
  parameters.left_eigenvectors = false;
  const double gap             = compute_spectrum(*test.discretization, parameters).gap();
  EXPECT_NEAR(gap, 1., 1e-6);

  test.initial_density(p);
  MixingMonitor monitor(0.01, gap);
  // Means of x and y from the narrow initial Gaussian at m₀ = (1.5, −1):
  // m(t) = e^{−Ht} m₀ = (1.75 e^{−t} − 0.25 e^{−3t}, −e^{−3t}).
  std::vector<ObservableRelaxation> observables(2);
  observables[0].direction = {1., 0.};
  observables[1].direction = {0., 1.};
  for (auto &o : observables)
    o.stationary_mean = linear_moment(*test.discretization, o.direction, pi);
  const auto exact_mean = [](const unsigned int k, const double t) {
    return k == 0 ? 1.75 * std::exp(-t) - 0.25 * std::exp(-3. * t) : -std::exp(-3. * t);
  };
  double              mean_error = 0.;
  std::vector<double> times, kl;
  test.run_transient(p, [&](const StepInfo &info, const LA::MPI::Vector &density) {
    const Distance d = distance_to_stationarity(*test.discretization, density, pi);
    monitor.add(info.time, d);
    for (unsigned int k = 0; k < 2; ++k)
      {
        const double mean =
            linear_moment(*test.discretization, observables[k].direction, density);
        observables[k].add(info.time, mean, 0.05);
        mean_error = std::max(mean_error, std::abs(mean - exact_mean(k, info.time)));
      }
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
  root_log() << "  KL(0) = " << kl.front() << ", KL(6) = " << kl.back() << ", late rate "
             << rate << ", 2 gap = " << 2. * gap << ", last-step rate "
             << monitor.kl_rate() << ", t_mix(0.01) = " << monitor.mixing_time() << "\n";
  EXPECT_NEAR(rate, 2. * gap, 0.05 * 2. * gap);
  EXPECT_NEAR(monitor.kl_rate(), 2. * gap, 0.05 * 2. * gap);
  // The discrete means follow e^{−Ht}m₀; the relaxation times (first step
  // with |relative offset| < 0.05) bracket the exact crossings
  // 1.75e^{−t} − 0.25e^{−3t} = 0.075 and e^{−3t} = 0.05 within one step.
  root_log() << "  max error of the means " << mean_error << ", relaxation times "
             << observables[0].relaxation_time << ", " << observables[1].relaxation_time
             << "\n";
  // (The error, 2e-3 of |m₀| = 1.8, is BDF2's implicit-Euler first step on
  // the fast mode μ = 3 with Δt = 0.02: (3Δt)²/2 = 1.8e-3.)
  EXPECT_LT(mean_error, 3e-3);
  const double t_y = std::log(20.) / 3.;
  double       lo = 0., hi = 10.;
  for (unsigned int i = 0; i < 100; ++i)
    (exact_mean(0, 0.5 * (lo + hi)) > 0.075 ? lo : hi) = 0.5 * (lo + hi);
  EXPECT_GE(observables[0].relaxation_time, lo - 1e-9);
  EXPECT_LT(observables[0].relaxation_time, lo + 0.02 + 1e-9);
  EXPECT_GE(observables[1].relaxation_time, t_y - 1e-9);
  EXPECT_LT(observables[1].relaxation_time, t_y + 0.02 + 1e-9);
  EXPECT_GT(monitor.mixing_time(), 0.);
  EXPECT_LT(monitor.mixing_time(), 6.);
}

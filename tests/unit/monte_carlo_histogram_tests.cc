// The goodness-of-fit statistics of the Monte Carlo report against known
// values: Kolmogorov's Q at its 5% point, the χ² p-value at the 5% point of
// χ²₁₀, and a histogram drawn from P itself (inside the TV band, p-values
// not small) against one drawn from a shifted P (far outside).

#include <gtest/gtest.h>

#include <fokker_planck/sampling/histogram_tests.h>

#include <cmath>
#include <random>
#include <vector>

using namespace FokkerPlanck::Sampling;

namespace
{
  /** Discretised N(mu, 1) on 60 cells of [−6, 6]. */
  std::vector<double>
  gaussian_cells(const double mu)
  {
    std::vector<double> P(60);
    for (unsigned int c = 0; c < P.size(); ++c)
      {
        const double a = -6. + 0.2 * c, b = a + 0.2;
        P[c] = 0.5 *
               (std::erf((b - mu) / std::sqrt(2.)) - std::erf((a - mu) / std::sqrt(2.)));
      }
    return P;
  }

  std::vector<double>
  sample(const std::vector<double> &P, const unsigned int n, const unsigned int seed)
  {
    std::mt19937_64                 generator(seed);
    std::discrete_distribution<int> cell(P.begin(), P.end());
    std::vector<double>             counts(P.size(), 0.);
    for (unsigned int i = 0; i < n; ++i)
      counts[cell(generator)] += 1.;
    return counts;
  }
} // namespace

TEST(MonteCarloHistogramTests, KnownCriticalValues)
{
  EXPECT_NEAR(kolmogorov_q(1.3581), 0.05, 2e-4);
  EXPECT_NEAR(kolmogorov_q(1.6276), 0.01, 1e-4);
  // 11 cells with P_c = 1/11 and n = 1100: E_c = 100; O_c = 100 ± d on ten
  // of them with 10 d² / 100 = 18.307, the 5% point of χ²₁₀.
  std::vector<double> P(11, 1. / 11), counts(11, 100.);
  const double        d = std::sqrt(18.307 * 100. / 10.);
  for (unsigned int c = 0; c < 10; c += 2)
    counts[c] += d, counts[c + 1] -= d;
  const auto result = compare_histogram(P, counts, 1., 50, false);
  EXPECT_NEAR(result.chi_square, 18.307, 1e-9);
  EXPECT_EQ(result.chi_square_dof, 10U);
  EXPECT_NEAR(result.chi_square_p, 0.05, 1e-4);
}

TEST(MonteCarloHistogramTests, SameAndShiftedDistribution)
{
  const auto P    = gaussian_cells(0.);
  const auto same = compare_histogram(P, sample(P, 20000, 7), 1., 400, true);
  EXPECT_LE(same.total_variation, same.band_99);
  EXPECT_GT(same.chi_square_p, 0.01);
  EXPECT_GT(same.ks_p, 0.01);
  // The band is about sqrt(cells / n): the mean TV of multinomial draws.
  EXPECT_NEAR(same.band_mean, same.total_variation, 0.5 * same.band_mean);

  const auto shifted =
      compare_histogram(P, sample(gaussian_cells(0.1), 20000, 7), 1., 400, true);
  EXPECT_GT(shifted.total_variation, shifted.band_99);
  EXPECT_LT(shifted.chi_square_p, 1e-6);
  EXPECT_LT(shifted.ks_p, 1e-6);

  // Correlated samples: the dispersion φ reduces the effective sample size,
  // which widens the band by about sqrt(φ).
  const auto dispersed = compare_histogram(P, sample(P, 20000, 7), 4., 400, true);
  EXPECT_NEAR(dispersed.band_mean, 2. * same.band_mean, 0.2 * same.band_mean);
}

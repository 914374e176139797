// Hill's tail index (sampling/tail_index.h) against samples of known index:
// - exact Pareto samples, where Hill's estimate is the maximum-likelihood
//   estimate given x_(k) and α̂/sqrt(k) its standard error: over 400
//   independent sets the error bars cover the truth at their nominal rate
//   (within the binomial 99% band of that rate);
// - symmetric α-stable samples (the Chambers–Mallows–Stuck draws of the
//   Monte Carlo) with the default k = ceil(sqrt(n)): α̂ within 3 standard
//   errors of α for α = 0.8, 1, 1.5 and 1.8 (doc/heavy_tails.md);
// - the block estimator of the stability index (Mohammadi et al.): over 20
//   independent sets of 10⁵ stable draws its mean is within 3 standard
//   errors of α = 1, 1.5, 1.8, and Gaussian draws give 2;
// - the coordinate-wise estimate is unchanged by a shift of the samples
//   (it is taken about the median) and the norm of 2D samples of
//   independent axis-wise stable coordinates has the same index.

#include <gtest/gtest.h>

#include <fokker_planck/sampling/random_stream.h>
#include <fokker_planck/sampling/tail_index.h>

#include <cmath>
#include <iostream>
#include <vector>

using namespace FokkerPlanck::Sampling;

namespace
{
  /** @p n symmetric α-stable numbers from trajectory stream @p seed. */
  std::vector<double>
  stable_samples(const double alpha, const std::size_t n, const std::uint32_t seed)
  {
    const RandomStream  rng(seed, 7);
    std::vector<double> x(n);
    for (std::size_t s = 0; s < n; ++s)
      {
        const auto w = rng.words(s, Purpose::stable_noise);
        x[s]         = RandomStream::symmetric_stable(alpha, w[0], w[1]);
      }
    return x;
  }

  std::vector<double>
  magnitudes(std::vector<double> x)
  {
    for (double &v : x)
      v = std::abs(v);
    return x;
  }
} // namespace

TEST(TailIndex, ParetoErrorBarsCoverAtTheirNominalRate)
{
  // P(X > x) = x^(−α) for x ≥ 1; k = 200 of n = 2000.
  const double       alpha = 1.3, z = 1.959964;
  const unsigned int sets    = 400;
  unsigned int       covered = 0;
  for (unsigned int r = 0; r < sets; ++r)
    {
      const RandomStream  rng(11, r);
      std::vector<double> x(2000);
      for (std::size_t s = 0; s < x.size(); ++s)
        x[s] = std::pow(RandomStream::uniform(rng.words(s, Purpose::stable_noise)[0]),
                        -1. / alpha);
      const Estimate e = hill_tail_index(x, 200);
      covered += std::abs(e.value - alpha) <= z * e.error;
    }
  const double rate = static_cast<double>(covered) / sets;
  const double band = 2.5758 * std::sqrt(0.95 * 0.05 / sets);
  std::cout << "  Pareto: 95% error bars cover in " << rate << " of " << sets
            << " sets\n";
  EXPECT_NEAR(rate, 0.95, band);
}

TEST(TailIndex, StableSamplesGiveTheirIndex)
{
  for (const double alpha : {0.8, 1., 1.5, 1.8})
    {
      const Estimate e = hill_tail_index(magnitudes(stable_samples(alpha, 100000, 3)));
      std::cout << "  alpha = " << alpha << ": Hill " << e.value << " +- " << e.error
                << " (k = " << hill_order(100000) << ")\n";
      EXPECT_NEAR(e.value, alpha, 3. * e.error);
      EXPECT_NEAR(e.error, alpha / std::sqrt(317.), 0.2 * alpha / std::sqrt(317.));
    }
}

TEST(TailIndex, CoordinatesAboutTheMedianAndTheNorm)
{
  const double alpha = 1.2;
  const auto   a = stable_samples(alpha, 50000, 5), b = stable_samples(alpha, 50000, 6);
  std::vector<double> points;
  for (std::size_t p = 0; p < a.size(); ++p)
    {
      points.push_back(a[p] + 40.);
      points.push_back(b[p] - 3.);
    }
  const auto indices = coordinate_tail_indices(points, 2);
  ASSERT_EQ(indices.size(), 3u);
  // The median shift is removed up to its sampling error (about 0.01),
  // far below the tail threshold: the same estimate as unshifted.
  EXPECT_NEAR(indices[0].value, hill_tail_index(magnitudes(a)).value, 0.01);
  EXPECT_NEAR(indices[1].value, hill_tail_index(magnitudes(b)).value, 0.01);
  for (const auto &e : indices)
    EXPECT_NEAR(e.value, alpha, 3. * e.error);
}

TEST(TailIndex, TooFewSamplesGiveNaN)
{
  EXPECT_TRUE(std::isnan(hill_tail_index({1., 2.}, 2).value));
  EXPECT_TRUE(std::isnan(hill_tail_index({0., 0., 0., 0.}).value));
}

TEST(TailIndex, BlockEstimatorGivesTheStabilityIndex)
{
  for (const double alpha : {1., 1.5, 1.8, 2.})
    {
      std::vector<double> estimates;
      for (std::uint32_t set = 0; set < 20; ++set)
        estimates.push_back(
            block_stability_index(stable_samples(alpha, 100000, 100 + set)));
      const Estimate e = mean_and_error(estimates);
      std::cout << "  block estimator, alpha = " << alpha << ": " << e.value << " +- "
                << e.error << " (20 sets of 1e5)\n";
      EXPECT_NEAR(e.value, alpha, 3. * e.error + 1e-3);
      EXPECT_LT(e.error, 0.05);
    }
  EXPECT_TRUE(std::isnan(block_stability_index({1., 2., 3.})));
}

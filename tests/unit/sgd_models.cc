// The SGD models against their definitions: drift = −∇L (−P∇L for the deep
// linear network) by finite differences of the loss, and D = C against the
// sample covariance of per-sample gradients of the network's loss,
// generated here independently of the model code (Random123 normals,
// ≥ 1e5 samples, entrywise within 4.5 standard errors). For the deep linear
// network also the Itô drift of u = w^L, from the sampled per-layer
// gradient covariance and the Hessian of the product of the layers.

#include <gtest/gtest.h>

#include <fokker_planck/model/deep_linear.h>
#include <fokker_planck/model/linear_regression.h>
#include <fokker_planck/model/two_layer_scalar.h>
#include <fokker_planck/sampling/random_stream.h>

#include "test_case.h"

#include <functional>

using namespace dealii;
using namespace FokkerPlanck;
using namespace FokkerPlanck::Testing;

namespace
{
  constexpr unsigned int n_samples = 200000;

  SgdNoiseParameters
  sgd_noise()
  {
    return SgdNoiseParameters();
  }

  /** −∇L by fourth-order central differences. */
  template <int dim>
  Tensor<1, dim>
  minus_loss_gradient(const Model<dim> &model, const Point<dim> &x)
  {
    const double   h = 1e-4;
    Tensor<1, dim> g;
    for (unsigned int d = 0; d < dim; ++d)
      {
        Tensor<1, dim> e;
        e[d] = h;
        g[d] = -(8. * (model.loss(x + e) - model.loss(x - e)) -
                 (model.loss(x + 2. * e) - model.loss(x - 2. * e))) /
               (12. * h);
      }
    return g;
  }

  /**
   * Sample covariance of per-sample gradients g(random) and its entrywise
   * standard error; expects |C_ij − Ĉ_ij| ≤ 4.5 SE_ij + 1e-12.
   */
  template <int dim>
  void
  expect_sample_covariance(
      const SymmetricTensor<2, dim>                                 &C,
      const std::function<Tensor<1, dim>(Sampling::NormalStream &)> &gradient,
      const std::string                                             &what)
  {
    Sampling::NormalStream      random(2024, 7, 0);
    std::vector<Tensor<1, dim>> g(n_samples);
    Tensor<1, dim>              mean;
    for (auto &v : g)
      {
        v = gradient(random);
        mean += v / double(n_samples);
      }
    for (unsigned int i = 0; i < dim; ++i)
      for (unsigned int j = i; j < dim; ++j)
        {
          double s = 0., s2 = 0.;
          for (const auto &v : g)
            {
              const double p = (v[i] - mean[i]) * (v[j] - mean[j]);
              s += p;
              s2 += p * p;
            }
          const double estimate = s / (n_samples - 1.);
          const double se =
              std::sqrt((s2 / n_samples - std::pow(s / n_samples, 2)) / n_samples);
          EXPECT_NEAR(C[i][j], estimate, 4.5 * se + 1e-12)
              << what << ": C_" << i << j << " = " << C[i][j] << ", sample " << estimate
              << " +- " << se;
        }
  }
} // namespace

TEST(SgdModels, LinearRegressionDriftAndCovariance3d)
{
  LinearRegressionParameters<3> p;
  p.H                    = SymmetricTensor<2, 3>({2., 1., 0.5, 0.3, 0.1, -0.2});
  p.teacher              = Point<3>(0.5, -1., 0.25);
  p.label_noise_variance = 0.4;
  const LinearRegressionModel<3> model(p, sgd_noise());
  // x = R z with R Rᵀ = H (Cholesky, written out here).
  Tensor<2, 3> R;
  R[0][0] = std::sqrt(2.);
  R[1][0] = 0.3 / R[0][0];
  R[1][1] = std::sqrt(1. - R[1][0] * R[1][0]);
  R[2][0] = 0.1 / R[0][0];
  R[2][1] = (-0.2 - R[2][0] * R[1][0]) / R[1][1];
  R[2][2] = std::sqrt(0.5 - R[2][0] * R[2][0] - R[2][1] * R[2][1]);
  for (const Point<3> w : {Point<3>(1., 0.5, -0.5), Point<3>(-0.7, 0.2, 1.3)})
    {
      const auto u = model.drift(w), g = minus_loss_gradient(model, w);
      for (unsigned int d = 0; d < 3; ++d)
        EXPECT_NEAR(u[d], g[d], 1e-8);
      expect_sample_covariance<3>(
          model.gradient_covariance(w),
          [&](Sampling::NormalStream &random) {
            Tensor<1, 3> z;
            for (unsigned int d = 0; d < 3; ++d)
              z[d] = random.normal();
            const Tensor<1, 3> x = R * z;
            const double       y =
                p.teacher * x + std::sqrt(p.label_noise_variance) * random.normal();
            return Tensor<1, 3>((w * x - y) * x);
          },
          "linear regression");
    }
}

TEST(SgdModels, LinearRegressionDrift1d2d)
{
  LinearRegressionParameters<1> p1;
  p1.H[0][0] = 1.7;
  p1.teacher = Point<1>(0.3);
  const LinearRegressionModel<1> m1(p1, sgd_noise());
  EXPECT_NEAR(
      m1.drift(Point<1>(1.1))[0], minus_loss_gradient(m1, Point<1>(1.1))[0], 1e-8);
  // 1D: C = h(2h e² + σ²).
  EXPECT_NEAR(
      m1.gradient_covariance(Point<1>(1.1))[0][0], 1.7 * (2. * 1.7 * 0.64 + 0.), 1e-12);
  LinearRegressionParameters<2> p2;
  p2.H                    = SymmetricTensor<2, 2>({1., 3., 0.5});
  p2.teacher              = Point<2>(1., 2.);
  p2.label_noise_variance = 1.;
  const LinearRegressionModel<2> m2(p2, sgd_noise());
  const Point<2>                 w(-0.4, 0.9);
  const auto                     u = m2.drift(w), g = minus_loss_gradient(m2, w);
  EXPECT_NEAR(u[0], g[0], 1e-8);
  EXPECT_NEAR(u[1], g[1], 1e-8);
}

TEST(SgdModels, TwoLayerScalarDriftAndCovariance)
{
  TwoLayerScalarParameters p;
  p.input_variance       = 1.5;
  p.target               = 0.8;
  p.label_noise_variance = 0.3;
  SgdNoiseParameters noise;
  noise.floor = 1e-3;
  const TwoLayerScalarModel<2> model(p, noise);
  for (const Point<2> w : {Point<2>(1.2, 0.3), Point<2>(-0.5, 0.9)})
    {
      const auto u = model.drift(w), g = minus_loss_gradient(model, w);
      EXPECT_NEAR(u[0], g[0], 1e-8);
      EXPECT_NEAR(u[1], g[1], 1e-8);
      // D = C + δI.
      EXPECT_NEAR(model.diffusion(w)[0][1], model.gradient_covariance(w)[0][1], 1e-15);
      EXPECT_NEAR(
          model.diffusion(w)[0][0], model.gradient_covariance(w)[0][0] + 1e-3, 1e-15);
      expect_sample_covariance<2>(
          model.gradient_covariance(w),
          [&](Sampling::NormalStream &random) {
            const double x = std::sqrt(p.input_variance) * random.normal();
            const double y =
                p.target * x + std::sqrt(p.label_noise_variance) * random.normal();
            const double r = w[1] * w[0] * x - y;
            return Tensor<1, 2>({r * w[1] * x, r * w[0] * x});
          },
          "two-layer scalar");
    }
}

namespace
{
  /** ∏_l w_l. */
  double
  product(const std::vector<double> &w)
  {
    double u = 1.;
    for (const double v : w)
      u *= v;
    return u;
  }

  /**
   * One mode of depth L at the balanced point w_l = u^{1/L}: per-sample
   * per-layer gradients g_l = ∂/∂w_l ½(y − ∏w x)², x, ε ~ N(0, 1),
   * y = s x + σε.
   */
  std::vector<double>
  layer_gradients(const std::vector<double> &w,
                  const double               s,
                  const double               sigma,
                  Sampling::NormalStream    &random)
  {
    const double        x = random.normal();
    const double        y = s * x + sigma * random.normal();
    const double        u = product(w);
    std::vector<double> g(w.size());
    for (unsigned int l = 0; l < w.size(); ++l)
      g[l] = (u * x - y) * x * u / w[l];
    return g;
  }
} // namespace

TEST(SgdModels, DeepLinearPerModeReduction)
{
  // Two modes, depth 3: D_αα from the chain rule δu_α = Σ_l ∂u/∂w_l g_l of
  // sampled per-layer gradients, the drift as −P∇L plus the Itô term
  // T Σ_lm ∂²u/∂w_l∂w_m Cov(g_l, g_m) with the sampled covariance.
  DeepLinearParameters p;
  p.depth                = 3;
  p.singular_values      = {2., 0.7};
  p.label_noise_variance = 0.25;
  DeepLinearModel<2> model(p, sgd_noise());
  const double       T = 0.05;
  model.set_common(T, NoiseInterpretation::ito, 1.);
  const unsigned int L = p.depth;
  const Point<2>     u(0.9, 0.2);
  const auto         C = model.gradient_covariance(u);
  EXPECT_EQ(C[0][1], 0.);

  // Gradient flow: −P(u)∇L with P = L u^{2−2/L}.
  const auto gf = model.gradient_flow_drift(u), g = minus_loss_gradient(model, u);
  for (unsigned int a = 0; a < 2; ++a)
    EXPECT_NEAR(gf[a], L * std::pow(u[a], 2. - 2. / L) * g[a], 1e-8);

  for (unsigned int a = 0; a < 2; ++a)
    {
      const std::vector<double> w(L, std::cbrt(u[a]));
      const double s = p.singular_values[a], sigma = std::sqrt(p.label_noise_variance);
      // Chain rule: ∂u/∂w_l = u/w_l.
      SymmetricTensor<2, 1> Ca;
      Ca[0][0] = C[a][a];
      expect_sample_covariance<1>(
          Ca,
          [&](Sampling::NormalStream &random) {
            const auto gl = layer_gradients(w, s, sigma, random);
            double     du = 0.;
            for (unsigned int l = 0; l < L; ++l)
              du += u[a] / w[l] * gl[l];
            return Tensor<1, 1>({du});
          },
          "deep linear, mode " + std::to_string(a));

      // Itô drift from sampled per-layer moments.
      Sampling::NormalStream           random(99, a, 0);
      std::vector<double>              mean(L, 0.);
      std::vector<std::vector<double>> second(L, std::vector<double>(L, 0.));
      for (unsigned int k = 0; k < n_samples; ++k)
        {
          const auto gl = layer_gradients(w, s, sigma, random);
          for (unsigned int l = 0; l < L; ++l)
            {
              mean[l] += gl[l] / n_samples;
              for (unsigned int m = 0; m < L; ++m)
                second[l][m] += gl[l] * gl[m] / n_samples;
            }
        }
      double drift = 0., ito = 0.;
      for (unsigned int l = 0; l < L; ++l)
        {
          drift -= u[a] / w[l] * mean[l];
          for (unsigned int m = 0; m < L; ++m)
            if (m != l) // ∂²u/∂w_l∂w_m = u/(w_l w_m) for l ≠ m, 0 for l = m.
              ito += T * u[a] / (w[l] * w[m]) * (second[l][m] - mean[l] * mean[m]);
        }
      // The gradient-flow part is exact in expectation; the Itô part has
      // the sampling error of a variance (relative 2.3% at 4.5 SE here).
      const double exact_ito = model.drift(u)[a] - gf[a];
      root_log() << "deep linear mode " << a << ": Ito drift sampled " << ito
                 << ", model " << exact_ito << "; gradient-flow part sampled " << drift
                 << ", model " << gf[a] << "\n";
      EXPECT_NEAR(ito, exact_ito, 0.03 * std::abs(exact_ito));
      EXPECT_NEAR(
          drift, gf[a], 0.02 * std::abs(gf[a]) + 4.5 * std::sqrt(C[a][a] / n_samples));
    }
}

TEST(SgdModels, LangevinTwins)
{
  TwoLayerScalarParameters p;
  p.label_noise_variance = 0.5;
  p.target               = 2.;
  SgdNoiseParameters noise;
  noise.noise = NoiseModel::langevin;
  const TwoLayerScalarModel<2> langevin(p, noise);
  const Point<2>               w(0.3, -1.2);
  EXPECT_EQ(langevin.diffusion(w), unit_symmetric_tensor<2>());
  noise.noise = NoiseModel::langevin_trace_matched;
  const TwoLayerScalarModel<2> matched(p, noise);
  // tr C/2 at the balanced minimum (√2, √2): a σ² |w|² / 2 = 0.5 · 4 / 2.
  EXPECT_NEAR(matched.diffusion(w)[0][0], 1., 1e-12);
  EXPECT_EQ(matched.diffusion(w)[0][1], 0.);
  noise.noise = NoiseModel::langevin_trace_matched_pointwise;
  noise.floor = 0.1;
  const TwoLayerScalarModel<2> pointwise(p, noise);
  EXPECT_NEAR(pointwise.diffusion(w)[1][1],
              trace(matched.gradient_covariance(w)) / 2. + 0.1,
              1e-12);
  // The drift is the same for every twin.
  EXPECT_EQ(langevin.drift(w), pointwise.drift(w));
}

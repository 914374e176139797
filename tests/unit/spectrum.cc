// The spectrum of the Fokker–Planck generator against the Ornstein–Uhlenbeck
// truth: for u = −Hx the eigenvalues are n₁μ₁ + n₂μ₂ (n_i ≥ 0, μ_i the
// eigenvalues of H), whatever D and T, also for non-normal H.

#include <gtest/gtest.h>

#include <deal.II/dofs/dof_tools.h>

#include <fokker_planck/spectral/mixing.h>
#include <fokker_planck/spectral/spectrum.h>

#include "test_case.h"

#include <algorithm>

using namespace dealii;
using namespace FokkerPlanck;
using namespace FokkerPlanck::Testing;

namespace
{
  /** The OU case of DESIGN.md §3.1 with H and D replaced. */
  const auto &ou_case = ornstein_uhlenbeck_2d;

  /** The smallest n sums n₁μ₁ + n₂μ₂, sorted. */
  std::vector<double>
  ou_eigenvalues(const double mu1, const double mu2, const unsigned int n)
  {
    std::vector<double> all;
    for (unsigned int i = 0; i < 10; ++i)
      for (unsigned int j = 0; j < 10; ++j)
        all.push_back(i * mu1 + j * mu2);
    std::sort(all.begin(), all.end());
    all.resize(n);
    return all;
  }

  /** max_k |λ_k − exact_k| / max(exact_k, 1) over the first 6 (real parts). */
  double
  spectrum_error(const std::string         &text,
                 const std::vector<double> &exact,
                 Spectrum                  *out = nullptr)
  {
    TestCase<2>        test(text);
    SpectrumParameters parameters;
    parameters.n_eigenvalues = exact.size();
    parameters.shift         = -0.1;
    parameters.tolerance     = 1e-12;
    const Spectrum spectrum  = compute_spectrum(*test.discretization, parameters);
    double         error     = 0.;
    for (unsigned int k = 0; k < exact.size(); ++k)
      {
        error = std::max(
            error, std::abs(spectrum.eigenvalues[k] - exact[k]) / std::max(exact[k], 1.));
        root_log() << "    lambda_" << k << " = " << spectrum.eigenvalues[k] << "  exact "
                   << exact[k] << "\n";
      }
    if (out != nullptr)
      *out = spectrum;
    return error;
  }
} // namespace

// H = [[1, 0.8], [−0.3, 2]] is non-normal with μ = 1.4, 1.6; D anisotropic.
// The error of the first six decreases under refinement with Q1 and Q2 and
// is below 1e-6 on the fine meshes.
TEST(Spectrum, OrnsteinUhlenbeckNonNormalConverges)
{
  const auto exact = ou_eigenvalues(1.4, 1.6, 6);
  for (const unsigned int degree : {1U, 2U})
    {
      std::vector<double> errors;
      for (const unsigned int r :
           {degree == 1 ? 2U : 1U, degree == 1 ? 3U : 2U, degree == 1 ? 4U : 3U})
        {
          errors.push_back(spectrum_error(
              ou_case("1, 0.8, -0.3, 2", "1, 0.3, 0.3, 0.5", degree, r), exact));
          root_log() << "  Q" << degree << ", h = " << 3. / (1 << r)
                     << ": max relative error " << errors.back() << "\n";
        }
      EXPECT_LT(errors[1], errors[0] / 4.);
      EXPECT_LT(errors[2], errors[1] / 4.);
      EXPECT_LT(errors[2], 1e-6);
    }
}

// The eigenvalues depend on H only: D = I and a strongly anisotropic D give
// the same numbers.
TEST(Spectrum, AnisotropicDiffusionLeavesEigenvaluesUnchanged)
{
  const auto exact = ou_eigenvalues(1.4, 1.6, 6);
  Spectrum   isotropic, anisotropic;
  EXPECT_LT(
      spectrum_error(ou_case("1, 0.8, -0.3, 2", "1, 0, 0, 1", 2, 3), exact, &isotropic),
      1e-6);
  EXPECT_LT(spectrum_error(ou_case("1, 0.8, -0.3, 2", "1, 0.45, 0.45, 0.25", 2, 3),
                           exact,
                           &anisotropic),
            1e-6);
  for (unsigned int k = 0; k < 6; ++k)
    EXPECT_NEAR(isotropic.eigenvalues[k].real(),
                anisotropic.eigenvalues[k].real(),
                2e-6 * std::max(1., exact[k]));
}

// H = [[1, 1], [−1, 1]] has μ = 1 ± i: the generator has complex pairs
// n₁μ + n₂μ̄ = 0; 1 ± i; 2 ± 2i, 2; ... (rotation from the current).
TEST(Spectrum, ComplexPairs)
{
  TestCase<2>        test(ou_case("1, 1, -1, 1", "1, 0, 0, 1", 2, 3));
  SpectrumParameters parameters;
  parameters.n_eigenvalues = 6;
  parameters.shift         = -0.1;
  const Spectrum spectrum  = compute_spectrum(*test.discretization, parameters);
  const std::vector<std::complex<double>> exact = {
      {0, 0}, {1, 1}, {1, -1}, {2, 2}, {2, 0}, {2, -2}};
  ASSERT_EQ(spectrum.eigenvalues.size(), 6U);
  // Equal real parts (2 ± 2i and 2) may come in any order: match each
  // exact value with the nearest computed one.
  for (unsigned int k = 0; k < 6; ++k)
    {
      double nearest = std::numeric_limits<double>::max();
      for (const auto &lambda : spectrum.eigenvalues)
        nearest = std::min(nearest, std::abs(lambda - exact[k]));
      root_log() << "    lambda_" << k << " = " << spectrum.eigenvalues[k] << "  exact "
                 << exact[k] << "\n";
      EXPECT_LT(nearest, 1e-6);
    }
  // The pair's eigenvectors are complex conjugates.
  EXPECT_GT(spectrum.right_imag[1].l2_norm(), 0.1 * spectrum.right_real[1].l2_norm());
  LA::MPI::Vector sum(spectrum.right_imag[1]);
  sum += spectrum.right_imag[2];
  EXPECT_LT(sum.l2_norm(), 1e-8 * spectrum.right_imag[1].l2_norm());
}

// Left eigenvectors: w₀ = 1 (the backward operator annihilates constants),
// w₁ is linear, w₁ = ℓ·x with Hᵀℓ = μ₁ℓ, and wᵀMv = δ. The integrated
// autocorrelation time of f = c·x is cᵀH⁻¹Σc / cᵀΣc.
TEST(Spectrum, LeftEigenvectorsAndAutocorrelationTimes)
{
  TestCase<2>        test(design_ornstein_uhlenbeck_2d(2, 3));
  SpectrumParameters parameters;
  parameters.n_eigenvalues = 6;
  parameters.shift         = -0.1;
  const Spectrum spectrum  = compute_spectrum(*test.discretization, parameters);
  const auto    &pi        = spectrum.right_real[0];
  EXPECT_NEAR(test.discretization->mass(pi), 1., 1e-12);

  // w₀ = 1 at every node.
  LA::MPI::Vector ones(spectrum.left_real[0]);
  ones = 1.;
  ones -= spectrum.left_real[0];
  EXPECT_LT(ones.linfty_norm(), 1e-8);

  // w₁ against ℓ·x: Hᵀ = [[1, −0.3], [0.8, 2]], μ₁ = 1.4: ℓ ∝ (1, −4/3).
  const Tensor<1, 2> ell({1., -4. / 3.});
  const auto         linear = [&](const Point<2> &x) { return ell * x; };
  const double pw = test.integrate(pi, [&](const Point<2> &x, double p, const auto &) {
    return linear(x) * linear(x) * p;
  });
  // scale = ∫ w₁ ℓ·x π / ∫ (ℓ·x)² π (least squares in L2(π)).
  LA::MPI::Vector w1(spectrum.left_real[1]);
  double          projection = 0.;
  {
    LA::MPI::Vector product(pi);
    for (const auto i : product.locally_owned_elements())
      product(i) = pi(i) * w1(i);
    product.compress(VectorOperation::insert);
    // ∫ w₁ π ℓ·x ≈ Σ_k ℓ_k ∫ x_k (w₁π)_h
    for (unsigned int k = 0; k < 2; ++k)
      projection += ell[k] * (test.discretization->get_first_moment_vector(k) * product);
  }
  const double scale = projection / pw;
  // Nodal comparison inside the bulk of π (|x| < 2): w₁ = scale ℓ·x.
  {
    std::map<types::global_dof_index, Point<2>> points;
    DoFTools::map_dofs_to_support_points(test.discretization->get_mapping(),
                                         test.discretization->get_dof_handler(),
                                         points);
    double worst = 0., size = 0.;
    for (const auto &[i, x] : points)
      if (test.discretization->locally_owned_dofs().is_element(i) && x.norm() < 2.)
        {
          worst = std::max(worst, std::abs(w1(i) - scale * linear(x)));
          size  = std::max(size, std::abs(scale * linear(x)));
        }
    worst = Utilities::MPI::max(worst, MPI_COMM_WORLD);
    size  = Utilities::MPI::max(size, MPI_COMM_WORLD);
    root_log() << "  w1 - linear: max deviation " << worst << " of " << size << "\n";
    EXPECT_LT(worst, 1e-4 * size);
  }

  // Biorthogonality wⱼᵀ M v_k = δ_jk.
  for (unsigned int j = 0; j < 6; ++j)
    for (unsigned int k = 0; k < 6; ++k)
      {
        LA::MPI::Vector Mv(pi);
        test.discretization->get_mass_matrix().vmult(Mv, spectrum.right_real[k]);
        EXPECT_NEAR(spectrum.left_real[j] * Mv, j == k ? 1. : 0., 1e-8) << j << " " << k;
      }

  // Autocorrelation times against cᵀH⁻¹Σc / cᵀΣc.
  const Tensor<2, 2> H({{1., 0.8}, {-0.3, 2.}});
  const Tensor<2, 2> sigma(
      {{0.583333333333, 0.145833333333}, {0.145833333333, 0.196875}});
  MixingParameters mixing;
  mixing.observables = {{1., 0.}, {0., 1.}, {1., -1.}};
  mixing.horizon     = 2.;
  const auto result  = autocorrelations(*test.discretization, spectrum, mixing);
  for (unsigned int i = 0; i < 3; ++i)
    {
      const Tensor<1, 2> c({mixing.observables[i][0], mixing.observables[i][1]});
      const double       exact_tau = c * (invert(H) * sigma * c) / (c * (sigma * c));
      const Tensor<2, 2> propagator_at_horizon = [&]() {
        // e^{−2H} by its eigen-decomposition μ = 1.4, 1.6: e^{−tH} =
        // (e^{−1.4t}(1.6 I − H) − e^{−1.6t}(1.4 I − H)) / 0.2.
        const Tensor<2, 2> I = unit_symmetric_tensor<2>();
        return (std::exp(-2.8) * (1.6 * I - H) - std::exp(-3.2) * (1.4 * I - H)) / 0.2;
      }();
      const double exact_rho =
          c * (propagator_at_horizon * sigma * c) / (c * (sigma * c));
      root_log() << "  c = (" << c << "): tau " << result[i].integrated_time << " exact "
                 << exact_tau << ", rho(2) " << result[i].rho_at_horizon << " exact "
                 << exact_rho << ", captured variance "
                 << result[i].captured_variance / result[i].variance << "\n";
      EXPECT_NEAR(result[i].integrated_time, exact_tau, 1e-5 * exact_tau);
      EXPECT_NEAR(result[i].rho_at_horizon, exact_rho, 1e-5);
      EXPECT_NEAR(
          result[i].captured_variance, result[i].variance, 1e-5 * result[i].variance);
      EXPECT_NEAR(result[i].variance, c * (sigma * c), 1e-5);
    }
}

namespace
{
  /** Drift c, D = 1, T on [0, 1] with the given boundary block, Q2. */
  std::string
  interval_case(const std::string &boundaries, const double T, const double c)
  {
    return "set dim = 1\n"
           "subsection Geometry\n  set Lower corner = 0\n  set Upper corner = 1\n"
           "  set Subdivisions = 8\n  set Global refinements = 4\nend\n"
           "subsection Boundary conditions\n" +
           boundaries +
           "end\n"
           "subsection Model\n  set Name = parsed\n  set Temperature = " +
           std::to_string(T) +
           "\n  subsection Parsed\n    set Drift = " + std::to_string(c) +
           "\n    set Diffusion = 1\n  end\nend\n"
           "subsection Discretization\n  set Degree = 2\nend\n";
  }
} // namespace

// Absorbing ends (constraints p = 0): free diffusion has λ_k = T k²π²; the
// first mode is the quasi-stationary distribution (π/2) sin(πx), ∫ = 1.
TEST(Spectrum, AbsorbingBoundariesGiveTheEscapeRate)
{
  const double T = 0.5;
  // (A stationary problem with absorbing ends is rejected; the spectrum
  // belongs to the transient one.)
  TestCase<1> test(
      interval_case("  set Default type = absorbing\n", T, 0.) +
      "set Problem = transient\nsubsection Time stepping\n"
      "  subsection Initial condition\n    set Mean = 0.5\n    set Covariance = 0.01\n"
      "  end\nend\n");
  SpectrumParameters parameters;
  parameters.n_eigenvalues = 4;
  const Spectrum spectrum  = compute_spectrum(*test.discretization, parameters);
  EXPECT_FALSE(spectrum.conserving);
  for (unsigned int k = 0; k < 4; ++k)
    {
      const double exact = T * (k + 1) * (k + 1) * M_PI * M_PI;
      root_log() << "    lambda_" << k << " = " << spectrum.eigenvalues[k] << "  exact "
                 << exact << "\n";
      EXPECT_NEAR(spectrum.eigenvalues[k].real(), exact, 1e-6 * exact);
      EXPECT_EQ(spectrum.eigenvalues[k].imag(), 0.);
    }
  EXPECT_NEAR(spectrum.principal(), T * M_PI * M_PI, 1e-8);
  EXPECT_NEAR(spectrum.gap(), 3. * T * M_PI * M_PI, 1e-7 * 15.);
  EXPECT_NEAR(test.discretization->mass(spectrum.right_real[0]), 1., 1e-12);
  EXPECT_LT(
      test.l2_error(spectrum.right_real[0],
                    [](const Point<1> &x) { return M_PI / 2. * std::sin(M_PI * x[0]); }),
      1e-6);
}

// Periodic constraints with a constant drift c: the modes e^{2πikx} give
// complex pairs λ = T(2πk)² ± 2πick (a current around the circle).
TEST(Spectrum, PeriodicDriftGivesComplexPairs)
{
  const double T = 0.1, c = 1.;
  TestCase<1>  test(interval_case("  set Types = 0: periodic, 1: periodic\n", T, c));
  SpectrumParameters parameters;
  parameters.n_eigenvalues = 5;
  const Spectrum spectrum  = compute_spectrum(*test.discretization, parameters);
  EXPECT_TRUE(spectrum.conserving);
  ASSERT_GE(spectrum.eigenvalues.size(), 5U);
  const std::vector<std::complex<double>> exact = {
      {0., 0.},
      {T * 4. * M_PI * M_PI, 2. * M_PI * c},
      {T * 4. * M_PI * M_PI, -2. * M_PI * c},
      {T * 16. * M_PI * M_PI, 4. * M_PI * c},
      {T * 16. * M_PI * M_PI, -4. * M_PI * c}};
  for (unsigned int k = 0; k < 5; ++k)
    {
      root_log() << "    lambda_" << k << " = " << spectrum.eigenvalues[k] << "  exact "
                 << exact[k] << "\n";
      EXPECT_LT(std::abs(spectrum.eigenvalues[k] - exact[k]),
                1e-6 * std::max(1., std::abs(exact[k])));
    }
  // π is uniform.
  EXPECT_LT(test.l2_error(spectrum.right_real[0], [](const Point<1> &) { return 1.; }),
            1e-10);
}

// Hanging nodes: refine the left half once more; the eigenvalues of the OU
// generator are unchanged and no spurious ones appear.
TEST(Spectrum, HangingNodes)
{
  TestCase<2> test(design_ornstein_uhlenbeck_2d(2, 3));
  for (const auto &cell : test.triangulation->active_cell_iterators())
    if (cell->is_locally_owned() && cell->center()[0] < 0.)
      cell->set_refine_flag();
  test.triangulation->execute_coarsening_and_refinement();
  test.problem->refresh();
  ASSERT_GT(test.discretization->get_constraints().n_constraints(), 0U);

  SpectrumParameters parameters;
  parameters.n_eigenvalues     = 6;
  parameters.shift             = -0.1;
  parameters.left_eigenvectors = false;
  const Spectrum spectrum      = compute_spectrum(*test.discretization, parameters);
  const auto     exact         = ou_eigenvalues(1.4, 1.6, 6);
  for (unsigned int k = 0; k < 6; ++k)
    EXPECT_NEAR(spectrum.eigenvalues[k].real(), exact[k], 1e-6 * std::max(1., exact[k]));
  EXPECT_NEAR(test.discretization->mass(spectrum.right_real[0]), 1., 1e-12);
  // π from the spectrum equals the bordered stationary solve.
  LA::MPI::Vector pi;
  test.solve_stationary(pi);
  LA::MPI::Vector difference(pi);
  difference -= spectrum.right_real[0];
  EXPECT_LT(difference.linfty_norm(), 1e-8 * pi.linfty_norm());
}

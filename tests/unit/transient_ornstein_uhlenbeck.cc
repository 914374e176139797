// Transient anisotropic Ornstein–Uhlenbeck process (DESIGN.md §3.1) from a
// Gaussian N(m₀, Σ₀): mean and covariance against the exact moment ODEs
// m' = −Hm, Σ' = −HΣ − ΣHᵀ + 2TD (integrated here with RK4), exact mass
// conservation, the temporal orders of the three schemes, and adaptive
// stepping.

#include <deal.II/base/symmetric_tensor.h>

#include <gtest/gtest.h>

#include "test_case.h"

#include <iomanip>
#include <iostream>

using namespace dealii;
using namespace FokkerPlanck;
using namespace FokkerPlanck::Testing;

namespace
{
  // H = [[1, 0.8], [-0.3, 2]], D = [[1, 0.3], [0.3, 0.5]], T = 0.7.
  const Tensor<2, 2> H({{1., 0.8}, {-0.3, 2.}});
  const Tensor<2, 2> D({{1., 0.3}, {0.3, 0.5}});
  const double       T = 0.7;
  // Initial N(m₀, Σ₀).
  const Tensor<1, 2> m0({1., -0.5});
  const double       s0       = 0.2;
  const double       end_time = 1.;

  /** m(t), Σ(t) of the exact OU moments, by RK4 with 10⁴ steps. */
  std::pair<Tensor<1, 2>, Tensor<2, 2>>
  exact_moments(const double t)
  {
    Tensor<1, 2> m = m0;
    Tensor<2, 2> S({{s0, 0.}, {0., s0}});
    advance_ou_moments(H, D, T, t, 10000, m, S);
    return {m, S};
  }

  std::string
  case_text(const unsigned int refinements)
  {
    return design_ornstein_uhlenbeck_2d(2, refinements) +
           "set Problem = transient\n"
           "subsection Time stepping\n  set End time = 1\n"
           "  subsection Initial condition\n    set Type = gaussian\n"
           "    set Mean = 1, -0.5\n    set Covariance = 0.2, 0, 0, 0.2\n"
           "  end\nend\n";
  }

  /**
   * One mesh for all tests of this file, assembled once and released by a
   * gtest environment, i.e. before MPI is finalised.
   */
  std::unique_ptr<TestCase<2>> the_case;

  TestCase<2> &
  shared_case()
  {
    if (!the_case)
      the_case = std::make_unique<TestCase<2>>(case_text(3));
    return *the_case;
  }

  struct ReleaseCase : public ::testing::Environment
  {
    void
    TearDown() override
    {
      the_case.reset();
    }
  };
  [[maybe_unused]] const auto *const release_case =
      ::testing::AddGlobalTestEnvironment(new ReleaseCase);

  struct Result
  {
    Tensor<1, 2>          mean;
    SymmetricTensor<2, 2> covariance;
    double                max_mass_error = 0.;
    unsigned int          steps          = 0;
    unsigned int          rejected       = 0;
    double                final_time     = 0.;
    /** |m_h − m| + ‖Σ_h − Σ‖_F at the end time. */
    double error = 0.;
  };

  Result
  run(const TimeSteppingParameters::Scheme scheme,
      const double                         dt,
      const bool                           adaptive  = false,
      const double                         tolerance = 1e-4)
  {
    TestCase<2>           &test       = shared_case();
    TimeSteppingParameters parameters = test.parameters.time_stepping;
    parameters.scheme                 = scheme;
    parameters.time_step              = dt;
    parameters.adaptive               = adaptive;
    parameters.tolerance              = tolerance;
    parameters.maximum_time_step      = 0.5;

    LA::MPI::Vector p;
    test.initial_density(p);
    const double initial_mass = test.discretization->mass(p);
    EXPECT_NEAR(initial_mass, 1., 1e-13);

    Result result;
    test.run_transient(
        parameters, p, [&](const StepInfo &info, const LA::MPI::Vector &density) {
          result.max_mass_error =
              std::max(result.max_mass_error,
                       std::abs(test.discretization->mass(density) - initial_mass));
          result.steps = info.step;
          result.rejected += info.rejected;
          result.final_time = info.time;
        });
    test.discretization->moments(p, result.mean, result.covariance);
    const auto [m, S] = exact_moments(end_time);
    double cov_error  = 0.;
    for (unsigned int i = 0; i < 2; ++i)
      for (unsigned int j = 0; j < 2; ++j)
        cov_error += std::pow(result.covariance[i][j] - S[i][j], 2);
    result.error = (result.mean - m).norm() + std::sqrt(cov_error);
    return result;
  }

  const char *
  name(const TimeSteppingParameters::Scheme scheme)
  {
    using S = TimeSteppingParameters::Scheme;
    return scheme == S::implicit_euler   ? "implicit Euler"
           : scheme == S::crank_nicolson ? "Crank-Nicolson"
                                         : "BDF2";
  }
} // namespace

TEST(TransientOrnsteinUhlenbeck, ExactMomentsAreConsistent)
{
  // The RK4 moments against the closed form m(t) = e^{−Ht} m₀ (H has the
  // real eigenvalues 1.4 and 1.6, so e^{−Ht} = Σ_k e^{−λ_k t} P_k with the
  // spectral projectors P_k = (H − λ_j I)/(λ_k − λ_j)), and Σ(t) → Σ_∞.
  const double       l1 = 1.4, l2 = 1.6;
  const Tensor<2, 2> I  = unit_symmetric_tensor<2>();
  const Tensor<2, 2> P1 = (H - l2 * I) / (l1 - l2), P2 = (H - l1 * I) / (l2 - l1);
  const Tensor<1, 2> m =
      (std::exp(-l1 * end_time) * P1 + std::exp(-l2 * end_time) * P2) * m0;
  const auto [m_rk4, S_rk4] = exact_moments(end_time);
  EXPECT_LT((m - m_rk4).norm(), 1e-13);
  const auto [m_inf, S_inf] = exact_moments(40.);
  EXPECT_NEAR(S_inf[0][0], 0.583333, 1e-6);
  EXPECT_NEAR(S_inf[0][1], 0.145833, 1e-6);
  EXPECT_NEAR(S_inf[1][1], 0.196875, 1e-6);
  EXPECT_LT(m_inf.norm(), 1e-20);
}

TEST(TransientOrnsteinUhlenbeck, MomentsAndMassAtEndTime)
{
  // Q2 with h = 0.375 against Σ₀ = 0.2 I: the spatial error of the moments
  // is below 1e-7 (on the next finer mesh the error changes by 1e-11), so
  // what remains is the O(Δt²) error of Crank–Nicolson, about 1.6e-5.
  const auto r      = run(TimeSteppingParameters::Scheme::crank_nicolson, 0.01);
  const auto [m, S] = exact_moments(end_time);
  root_log() << std::setprecision(10) << "  exact m(1) = " << m << ", Sigma(1) = " << S
             << "\n  FE    m(1) = " << r.mean << ", Sigma(1) = " << r.covariance
             << "\n  error = " << r.error << ", max |mass - 1| = " << r.max_mass_error
             << "\n";
  EXPECT_NEAR(r.final_time, end_time, 1e-12);
  EXPECT_EQ(r.steps, 100U);
  for (unsigned int i = 0; i < 2; ++i)
    {
      EXPECT_NEAR(r.mean[i], m[i], 5e-5);
      for (unsigned int j = 0; j < 2; ++j)
        EXPECT_NEAR(r.covariance[i][j], S[i][j], 5e-5);
    }
  EXPECT_LT(r.max_mass_error, 1e-10);
}

class TemporalOrder : public ::testing::TestWithParam<TimeSteppingParameters::Scheme>
{
};

TEST_P(TemporalOrder, ObservedOrder)
{
  const auto   scheme = GetParam();
  const double expected =
      scheme == TimeSteppingParameters::Scheme::implicit_euler ? 1. : 2.;
  std::vector<double> errors;
  root_log() << "  " << name(scheme) << ":";
  for (const double dt : {0.1, 0.05, 0.025})
    {
      const auto r = run(scheme, dt);
      EXPECT_LT(r.max_mass_error, 1e-10) << "dt = " << dt;
      EXPECT_NEAR(r.final_time, end_time, 1e-12);
      errors.push_back(r.error);
      root_log() << " dt = " << dt << ": error " << r.error;
    }
  root_log() << "\n    orders:";
  for (unsigned int i = 1; i < errors.size(); ++i)
    {
      const double order = observed_order(errors[i - 1], errors[i]);
      root_log() << " " << order;
      EXPECT_NEAR(order, expected, 0.15) << name(scheme) << ", step " << i;
    }
  root_log() << "\n";
}

INSTANTIATE_TEST_SUITE_P(Schemes,
                         TemporalOrder,
                         ::testing::Values(TimeSteppingParameters::Scheme::implicit_euler,
                                           TimeSteppingParameters::Scheme::crank_nicolson,
                                           TimeSteppingParameters::Scheme::bdf2));

TEST(TransientOrnsteinUhlenbeck, AdaptiveStepping)
{
  // Step doubling keeps the local l¹ error per step below the tolerance, so
  // the global error is a modest multiple of it (it accumulates over the
  // steps), and it must follow the tolerance down.
  std::vector<Result> results;
  for (const double tolerance : {1e-3, 2e-4})
    {
      const auto r =
          run(TimeSteppingParameters::Scheme::crank_nicolson, 0.1, true, tolerance);
      root_log() << "  adaptive Crank-Nicolson, tolerance " << tolerance << ": "
                 << r.steps << " steps (" << r.rejected << " rejected), error " << r.error
                 << ", max |mass - 1| = " << r.max_mass_error << "\n";
      EXPECT_NEAR(r.final_time, end_time, 1e-12);
      EXPECT_LT(r.max_mass_error, 1e-10);
      EXPECT_LT(r.error, 5. * tolerance);
      EXPECT_GE(r.steps, 3U);
      EXPECT_LE(r.steps, 500U);
      results.push_back(r);
    }
  EXPECT_LT(results[1].error, results[0].error);
  EXPECT_GT(results[1].steps, results[0].steps);
}

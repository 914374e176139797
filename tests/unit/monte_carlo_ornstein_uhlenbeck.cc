// Monte Carlo of the anisotropic Ornstein–Uhlenbeck process of DESIGN.md §3.1
// against the finite-element solution and the exact values: histogram total
// variation inside its multinomial sampling band, Ȧ₁₂ = Q₁₂ = 0.0933333 in
// the 99% interval, e_p within 5% of 0.130081, covariance = Σ; Student-t
// noise of the same covariance is detected as different; results are
// bitwise the same for 1, 2 ranks and 1, 3 threads (stored checksum). The
// stationary checks are repeated for a 3D process.

#include <fokker_planck/model/ornstein_uhlenbeck.h>

#include <gtest/gtest.h>

#include "monte_carlo_case.h"

#include <cstring>
#include <iomanip>

using namespace dealii;
using namespace FokkerPlanck;
using namespace FokkerPlanck::Testing;

namespace
{
  const double Sigma[2][2] = {{0.583333333333, 0.145833333333},
                              {0.145833333333, 0.196875}};
  const double Q12         = 0.0933333333333;
  const double e_p         = 0.130081300813;

  std::string
  ou_case(const std::string &monte_carlo_entries)
  {
    return design_ornstein_uhlenbeck_2d(2, 3) + monte_carlo_section(monte_carlo_entries);
  }

  // Euler–Maruyama with Δt = 0.0025: the O(Δt) biases of Σ, Ȧ and e_p are
  // about 0.2% (measured: +0.4% at Δt = 0.005), below the standard errors.
  const std::string stationary_run = "  set Number of trajectories = 4000\n"
                                     "  set Time step = 0.0025\n"
                                     "  set Burn-in time = 3\n"
                                     "  set Sampling time = 6\n"
                                     "  set Sampling interval = 20\n";
} // namespace

TEST(MonteCarloOrnsteinUhlenbeck, AgreesWithFiniteElementsAndExactValues)
{
  MonteCarloCase<2> c(ou_case(stationary_run));
  const auto        comparison_stage = c.compare_stationary();
  const auto       &comparison       = *comparison_stage;
  const auto       &h                = comparison.last_histogram();
  const auto       &o                = comparison.last_observation();

  const auto area = o.controlled(1);
  const auto ep   = o.controlled(0);
  root_log() << std::setprecision(6) << "  samples " << h.n_samples << ", effective "
             << h.n_effective << ", TV " << h.total_variation << " (band mean "
             << h.band_mean << ", 99% " << h.band_99 << "), chi2 p " << h.chi_square_p
             << "\n  area rate " << area.value << " +- " << area.error << " (exact "
             << Q12 << ", plain estimator " << o.plain(1).value << " +- "
             << o.plain(1).error << ")\n  e_p " << ep.value << " +- " << ep.error
             << " (exact " << e_p << ", plain " << o.plain(0).value << " +- "
             << o.plain(0).error << ")\n";

  EXPECT_LE(h.total_variation, h.band_99);
  EXPECT_GT(h.chi_square_p, 0.01);
  EXPECT_LE(std::abs(area.value - Q12), z99 * area.error);
  EXPECT_LE(std::abs(ep.value - e_p), 0.05 * e_p);
  EXPECT_LE(std::abs(ep.value - e_p), z99 * ep.error + 0.01 * e_p);
  for (unsigned int i = 0; i < 2; ++i)
    {
      EXPECT_LE(std::abs(o.mean(i).value), z99 * o.mean(i).error);
      for (unsigned int j = i; j < 2; ++j)
        {
          const auto cov = o.covariance(i, j);
          root_log() << "  cov_" << i << j << " " << cov.value << " +- " << cov.error
                     << " (exact " << Sigma[i][j] << ")\n";
          EXPECT_LE(std::abs(cov.value - Sigma[i][j]), z99 * cov.error);
        }
    }

  // The current from time-symmetric increments: its circulation
  // Σ_c (x J_y − y J_x)|c| (= 2Ȧ₁₂ exactly) against the FE current's. A
  // single sample of (X_k+1 − X_k−1)/2Δt has standard deviation
  // sqrt(T D/Δt) ≈ 17 here, so the circulation of ~5·10⁵ correlated
  // samples is known to about 10%; cell by cell the estimate is noisy.
  const auto                &fe = comparison.last_reference();
  const Sampling::BoxGrid<2> grid(c.parameters.geometry);
  double                     mc_circulation = 0., fe_circulation = 0.;
  for (unsigned int k = 0; k < grid.size(); ++k)
    {
      const auto x = grid.center(k);
      mc_circulation +=
          (x[0] * o.current[k][1] - x[1] * o.current[k][0]) * grid.cell_volume();
      fe_circulation +=
          (x[0] * fe.currents[k][1] - x[1] * fe.currents[k][0]) * grid.cell_volume();
    }
  root_log() << "  circulation of the current: MC " << mc_circulation << ", FE "
             << fe_circulation << ", exact 2 Q12 = " << 2 * Q12 << "\n";
  EXPECT_NEAR(fe_circulation, 2 * Q12, 0.01 * Q12);
  EXPECT_NEAR(mc_circulation, fe_circulation, 0.25 * fe_circulation);
}

// The same checks in 3D (the 3D case of parameter_files/, Q2 on 16³ cells):
// histogram against the finite-element density inside its sampling band;
// mean, covariance, the three area rates and e_p against their exact values
// Σ from HΣ + ΣHᵀ = 2TD, Ȧ_ij = ½((HΣ)_ij − (HΣ)_ji) and
// e_p = tr(Bᵀ(TD)⁻¹BΣ) with B = −H + TDΣ⁻¹ (the velocity J/π = Bx).
TEST(MonteCarloOrnsteinUhlenbeck, ThreeDimensionsAgreesWithFiniteElementsAndExactValues)
{
  constexpr int       dim = 3;
  MonteCarloCase<dim> c(
      "set dim = 3\n"
      "subsection Geometry\n"
      "  set Lower corner = -4, -4, -4\n  set Upper corner = 4, 4, 4\n"
      "  set Subdivisions = 2, 2, 2\n  set Global refinements = 3\nend\n"
      "subsection Model\n  set Name = ornstein-uhlenbeck\n"
      "  set Temperature = 0.5\n"
      "  subsection Ornstein-Uhlenbeck\n"
      "    set H = 1, 0.5, 0, -0.5, 1.5, 0.2, 0, -0.2, 2\n"
      "    set D = 1, 0.2, 0, 0.2, 0.8, 0.1, 0, 0.1, 0.6\n"
      "  end\nend\n"
      "subsection Discretization\n  set Degree = 2\nend\n"
      "subsection Linear solver\n  set Type = direct\nend\n" +
      monte_carlo_section(stationary_run));
  // The exact values from the model the case built.
  const auto *ou = dynamic_cast<const OrnsteinUhlenbeckModel<dim> *>(c.model);
  ASSERT_NE(ou, nullptr);
  const double         T = ou->temperature();
  const Tensor<2, dim> H = ou->drift_matrix();
  const Tensor<2, dim> D(ou->diffusion(Point<dim>()));
  // Σ(t) from Σ(0) = 0 to t = 40: the slowest mode decays like e^{−2t}.
  Tensor<1, dim> mean;
  Tensor<2, dim> Sigma;
  advance_ou_moments<dim>(H, D, T, 40., 8000, mean, Sigma);
  const Tensor<2, dim> lyapunov = H * Sigma + Sigma * transpose(H) - 2. * T * D;
  ASSERT_LT(lyapunov.norm(), 1e-10);
  const Tensor<2, dim> HS        = H * Sigma;
  const Tensor<2, dim> B         = -H + T * D * invert(Sigma);
  const double         e_p_exact = trace(transpose(B) * invert(T * D) * B * Sigma);

  const auto  comparison_stage = c.compare_stationary();
  const auto &comparison       = *comparison_stage;
  const auto &histogram        = comparison.last_histogram();
  const auto &o                = comparison.last_observation();
  root_log() << std::setprecision(6) << "  3D: samples " << histogram.n_samples
             << ", effective " << histogram.n_effective << ", TV "
             << histogram.total_variation << " (99% band " << histogram.band_99
             << "), chi2 p " << histogram.chi_square_p << "\n";
  EXPECT_LE(histogram.total_variation, histogram.band_99);
  EXPECT_GT(histogram.chi_square_p, 0.01);

  for (unsigned int i = 0; i < dim; ++i)
    {
      EXPECT_LE(std::abs(o.mean(i).value), z99 * o.mean(i).error);
      for (unsigned int j = i; j < dim; ++j)
        {
          const auto cov = o.covariance(i, j);
          root_log() << "  cov_" << i << j << " " << cov.value << " +- " << cov.error
                     << " (exact " << Sigma[i][j] << ")\n";
          EXPECT_LE(std::abs(cov.value - Sigma[i][j]), z99 * cov.error);
        }
    }
  // Area rates of the pairs (0, 1), (0, 2), (1, 2): targets 1, 2, 3.
  unsigned int target = 1;
  for (unsigned int i = 0; i < dim; ++i)
    for (unsigned int j = i + 1; j < dim; ++j, ++target)
      {
        const double exact = 0.5 * (HS[i][j] - HS[j][i]);
        const auto   area  = o.controlled(target);
        root_log() << "  area rate " << i << j << " " << area.value << " +- "
                   << area.error << " (exact " << exact << ")\n";
        // Plus 1% for the O(Δt) bias of Euler–Maruyama (measured: +0.6% on
        // e_p and on the largest area rate, 2.2 standard errors).
        EXPECT_LE(std::abs(area.value - exact),
                  z99 * area.error + 0.01 * std::abs(exact));
      }
  const auto ep = o.controlled(0);
  root_log() << "  e_p " << ep.value << " +- " << ep.error << " (exact " << e_p_exact
             << ")\n";
  EXPECT_LE(std::abs(ep.value - e_p_exact), 0.05 * e_p_exact);
  EXPECT_LE(std::abs(ep.value - e_p_exact), z99 * ep.error + 0.01 * e_p_exact);
}

// Heavy-tailed noise of the same covariance: the Fokker–Planck density is no
// longer the law, and the comparison sees it (the TV test can fail).
TEST(MonteCarloOrnsteinUhlenbeck, StudentTNoiseIsOutsideTheBand)
{
  MonteCarloCase<2> c(ou_case("  set Number of trajectories = 4000\n"
                              "  set Time step = 0.05\n"
                              "  set Burn-in time = 4\n"
                              "  set Sampling time = 10\n"
                              "  set Sampling interval = 4\n"
                              "  set Noise = student-t\n"
                              "  set Degrees of freedom = 2.5\n"));
  const auto        comparison_stage = c.compare_stationary();
  const auto       &comparison       = *comparison_stage;
  const auto       &h                = comparison.last_histogram();
  root_log() << "  Student-t (nu = 2.5): TV " << h.total_variation << ", 99% band "
             << h.band_99 << ", chi2 p " << h.chi_square_p << "\n";
  EXPECT_GT(h.total_variation, 2. * h.band_99);
  EXPECT_LT(h.chi_square_p, 1e-6);
}

// The same seed gives bitwise the same histogram, batch sums and current for
// any number of ranks (this test runs at 1 and 2 ranks against one stored
// checksum) and threads (1 and 3 here).
TEST(MonteCarloOrnsteinUhlenbeck, BitwiseReproducibleAcrossRanksAndThreads)
{
  const std::string run = "  set Number of trajectories = 600\n"
                          "  set Number of batches = 6\n"
                          "  set Time step = 0.01\n"
                          "  set Burn-in time = 0.5\n"
                          "  set Sampling time = 1\n"
                          "  set Sampling interval = 3\n"
                          "  set First-passage regions = corner: x - 1\n";
  std::uint64_t     sums[2];
  for (const unsigned int threads : {1U, 3U})
    {
      MonteCarloCase<2> c(
          ou_case(run + "  set Threads = " + std::to_string(threads) + "\n"));
      sums[threads == 1 ? 0 : 1] = checksum(c.ensemble()->run_stationary());
    }
  root_log() << "  checksum " << std::hex << sums[0] << std::dec << "\n";
  EXPECT_EQ(sums[0], sums[1]);
  EXPECT_EQ(sums[0], 0x20a702c484102fbfULL);
}

// A transient run: at every output time the Monte Carlo pair estimators
// (current, medium entropy production ∫ J·(T D)⁻¹ a, area rate about the
// mean) against the exact values of the Gaussian p(t) = N(m(t), Σ(t)):
//   Ȧ = ½ (HΣ − ΣHᵀ),  ∫ J dx = m' = −Hm,
//   ∫ J·(T D)⁻¹ a dx = mᵀHᵀ(T D)⁻¹Hm + tr(Hᵀ(T D)⁻¹HΣ) − tr H,
// and the finite-element values of the same quantities against them too.
TEST(MonteCarloOrnsteinUhlenbeck, TransientPairEstimatorsAtEachOutputTime)
{
  const unsigned int n_particles = 20000;
  const double       mc_dt       = 0.0025;
  MonteCarloCase<2>  c(
      design_ornstein_uhlenbeck_2d(2, 3) +
      "set Problem = transient\n"
       "subsection Time stepping\n  set End time = 1\n"
       "  set Time step = 0.005\n  set Scheme = crank-nicolson\n"
       "  subsection Initial condition\n    set Type = gaussian\n"
       "    set Mean = 1.5, -1\n    set Covariance = 0.2, 0, 0, 0.2\n"
       "  end\nend\n" +
      monte_carlo_section(
          "  set Number of trajectories = " + std::to_string(n_particles) +
          "\n  set Time step = " + std::to_string(mc_dt) + "\n"));
  const Tensor<2, 2> H({{1., 0.8}, {-0.3, 2.}}), D({{1., 0.3}, {0.3, 0.5}});
  const double       T                = 0.7;
  const auto         comparison_stage = c.comparison();
  auto              &comparison       = *comparison_stage;
  unsigned int       n_compared       = 0;

  const auto check = [&](const double time, const LA::MPI::Vector &p) {
    comparison.compare(time, p);
    ++n_compared;
    const auto  &o  = comparison.last_observation();
    const auto  &fe = comparison.last_reference();
    Tensor<1, 2> m({1.5, -1.});
    Tensor<2, 2> S({{0.2, 0.}, {0., 0.2}});
    advance_ou_moments(
        H, D, T, time, std::max(1U, static_cast<unsigned int>(4000 * time)), m, S);
    const double area = 0.5 * (H * S - S * transpose(H))[0][1];
    const auto   F    = transpose(H) * invert(T * D) * H;
    const double flow = m * (F * m) + trace(F * S) - trace(H);

    // The comparison's own row (the estimators of monte_carlo_comparison.cc).
    const auto &row   = comparison.results()["comparisons"].back();
    const auto  value = [&](const std::string &name) {
      return Sampling::Estimate{row["mc_" + name].get<double>(),
                                row["mc_" + name + "_error"].get<double>()};
    };
    const auto mc_flow = value("medium_entropy_production");
    const auto mc_area = value("area_rate_xy");
    root_log() << std::setprecision(5) << "  t = " << time << ": medium e_p MC "
               << mc_flow.value << " +- " << mc_flow.error << ", FE "
               << fe.entropy_production << ", exact " << flow << "; area rate MC "
               << mc_area.value << " +- " << mc_area.error << ", FE "
               << fe.area_rate[0][1] << ", exact " << area << "\n";
    // Finite elements (Q2, h = 0.375, Crank–Nicolson Δt = 0.005).
    EXPECT_NEAR(fe.entropy_production, flow, 0.01 * flow);
    EXPECT_NEAR(fe.area_rate[0][1], area, 0.01 * std::abs(area) + 1e-3);
    // Monte Carlo: 99% interval, plus 1% for the O(Δt) Euler–Maruyama bias.
    EXPECT_LE(std::abs(mc_flow.value - flow), z99 * mc_flow.error + 0.01 * flow);
    EXPECT_LE(std::abs(mc_area.value - area),
              z99 * mc_area.error + 0.01 * std::abs(area));

    // The current: none at t = 0 (no X_k−1); later its integral is m' = −Hm,
    // each particle contributing (X_k+1 − X_k−1)/2Δt with variance T D_ii/Δt.
    const Sampling::BoxGrid<2> grid(c.parameters.geometry);
    if (time == 0.)
      {
        EXPECT_TRUE(o.current.empty());
        return;
      }
    ASSERT_EQ(o.current.size(), grid.size());
    Tensor<1, 2> mc_drift, fe_drift;
    for (unsigned int k = 0; k < grid.size(); ++k)
      {
        mc_drift += o.current[k] * grid.cell_volume();
        fe_drift += fe.currents[k] * grid.cell_volume();
      }
    const Tensor<1, 2> exact_drift = -(H * m);
    for (unsigned int i = 0; i < 2; ++i)
      {
        const double error = std::sqrt(T * D[i][i] / (mc_dt * n_particles));
        root_log() << "    integral of J_" << i << ": MC " << mc_drift[i] << " +- "
                   << error << ", FE " << fe_drift[i] << ", exact " << exact_drift[i]
                   << "\n";
        EXPECT_NEAR(fe_drift[i], exact_drift[i], 0.01 * exact_drift.norm());
        EXPECT_NEAR(mc_drift[i], exact_drift[i], z99 * error + 0.01 * exact_drift.norm());
      }
  };

  LA::MPI::Vector p;
  c.initial_density(p);
  check(0., p);
  TransientSolver<2> solver(
      *c.discretization, c.parameters.time_stepping, c.parameters.linear_solver);
  solver.run(p, [&](const StepInfo &info, const LA::MPI::Vector &density) {
    if (info.step > 0 && info.step % 50 == 0) // t = 0.25, 0.5, 0.75, 1
      check(info.time, density);
  });
  EXPECT_EQ(n_compared, 5U);
}

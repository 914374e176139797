// Monte Carlo on a Gmsh mesh (doc/monte_carlo.md, Meshes): particles binned
// on the active cells of the unit disk (meshes/disk.msh, spherical boundary)
// and reflected at its boundary faces.
// - Radial loss L = 2r² with a rotational drift u = −∇L + c(−y, x), D = I,
//   T = 0.2 (parameter_files/disk_rotational.prm): the histogram against the
//   finite-element cell probabilities and against the exact exp(−L/T)/Z,
//   both by TV inside its sampling band; e_p and Ȧ against exact values.
// - Constant anisotropic D = [[1, 0.6], [0.6, 0.5]] with the drift −D∇L of
//   the radial L = −2r² (J ≡ 0, π ∝ exp(2r²/T), mass at the wall): the
//   conormal reflection matches the exact density next to the curved wall,
//   the normal mirror and clipping do not (run here to show that the check
//   can fail).
// - The same seed gives bitwise the same result on 1 and 2 ranks and with 1
//   and 2 threads.

#include <gtest/gtest.h>

#include <deal.II/fe/fe_dgq.h>
#include <deal.II/fe/fe_values.h>
#include <deal.II/fe/mapping_q1.h>

#include "monte_carlo_case.h"

#include <filesystem>
#include <functional>
#include <iomanip>

using namespace dealii;
using namespace FokkerPlanck;
using namespace FokkerPlanck::Testing;

namespace
{
  std::string
  disk_case(const std::string &model, const std::string &monte_carlo)
  {
    const std::string mesh = (std::filesystem::path(__FILE__).parent_path() / ".." /
                              ".." / "meshes" / "disk.msh")
                                 .lexically_normal()
                                 .string();
    return "set dim = 2\n"
           "subsection Geometry\n  set Mesh type = gmsh\n  set Mesh file = " +
           mesh +
           "\n  set Spherical boundary = true\n  set Sphere center = 0, 0\n"
           "  set Global refinements = 2\nend\n" +
           model + "subsection Discretization\n  set Degree = 2\nend\n" +
           monte_carlo_section(monte_carlo);
  }

  /**
   * Exact bin probabilities ∫_c ρ dx / ∫_Ω ρ dx over the bins (the mesh
   * cells with straight edges, i.e. the domain the particles move in).
   */
  std::vector<double>
  exact_probabilities(const Sampling::MeshCells<2>                  &bins,
                      const std::function<double(const Point<2> &)> &rho)
  {
    const MappingQ1<2> mapping;
    const FE_DGQ<2>    fe(0);
    const QGauss<2>    quadrature(6);
    FEValues<2>        values(
        mapping, fe, quadrature, update_quadrature_points | update_JxW_values);
    std::vector<double> P(bins.size(), 0.);
    double              total = 0.;
    for (const auto &cell : bins.triangulation().active_cell_iterators())
      {
        values.reinit(cell);
        for (unsigned int q = 0; q < quadrature.size(); ++q)
          P[cell->active_cell_index()] += rho(values.quadrature_point(q)) * values.JxW(q);
        total += P[cell->active_cell_index()];
      }
    for (double &p : P)
      p /= total;
    return P;
  }

  const Sampling::MeshCells<2> &
  mesh_bins(const MonteCarlo::Ensemble<2> &ensemble)
  {
    return dynamic_cast<const Sampling::MeshCells<2> &>(ensemble.grid());
  }
} // namespace

// L = 2r², u = −∇L + c(−y, x) = −Hx with H = [[4, c], [−c, 4]], c = 3, D = I,
// T = 0.2: π ∝ exp(−10 r²), J = c π (−y, x), e_p = (c²/T) E[r²] and
// Ȧ_xy = (c/2) E[r²] with E[r²] = 1/α − e^{−α}/(1 − e^{−α}), α = 10.
TEST(MonteCarloMesh, DiskRotationalMatchesFiniteElementsAndExactDensity)
{
  MonteCarloCase<2> c(
      disk_case("subsection Model\n  set Name = ornstein-uhlenbeck\n"
                "  set Temperature = 0.2\n"
                "  subsection Ornstein-Uhlenbeck\n    set H = 4, 3, -3, 4\n"
                "    set D = 1, 0, 0, 1\n  end\nend\n",
                "  set Number of trajectories = 2000\n"
                "  set Number of batches = 20\n"
                "  set Time step = 0.002\n"
                "  set Burn-in time = 1\n"
                "  set Sampling time = 4\n"
                "  set Sampling interval = 10\n"));
  const auto  comparison_stage = c.compare_stationary();
  const auto &comparison       = *comparison_stage;
  const auto &o                = comparison.last_observation();
  const auto &fe               = comparison.last_histogram();
  root_log() << std::setprecision(4) << "  disk, " << o.n_samples << " samples on "
             << o.counts.size() << " cells: TV(MC, FE) = " << fe.total_variation
             << " (99% band " << fe.band_99 << "), chi2 p = " << fe.chi_square_p << "\n";
  EXPECT_LE(fe.total_variation, fe.band_99);
  EXPECT_EQ(o.n_clamped, 0.);

  MonteCarlo::Ensemble<2> ensemble(c.parameters.monte_carlo,
                                   c.parameters.geometry,
                                   c.parameters.time_stepping,
                                   *c.model,
                                   true,
                                   MPI_COMM_WORLD);
  const auto exact = exact_probabilities(mesh_bins(ensemble), [](const Point<2> &x) {
    return std::exp(-10. * x.norm_square());
  });
  const auto h     = Sampling::compare_histogram(
      exact, o.counts, o.dispersion, c.parameters.monte_carlo.band_draws, false);
  root_log() << "  TV(MC, exact) = " << h.total_variation << " (99% band " << h.band_99
             << "), chi2 p = " << h.chi_square_p << "\n";
  EXPECT_LE(h.total_variation, h.band_99);

  const double alpha = 10., r2 = 1. / alpha - std::exp(-alpha) / (1. - std::exp(-alpha));
  const auto   ep = o.controlled(0), area = o.controlled(1);
  const auto  &reference = comparison.last_reference();
  root_log() << "  e_p = " << ep.value << " +- " << ep.error << " (FE "
             << reference.entropy_production << ", exact " << 9. / 0.2 * r2
             << "), area rate = " << area.value << " +- " << area.error << " (FE "
             << reference.area_rate[0][1] << ", exact " << 1.5 * r2 << ")\n";
  // Time-step bias O(Δt) of the pair estimators: 2% allowed besides the 99% interval.
  EXPECT_NEAR(ep.value, 9. / 0.2 * r2, z99 * ep.error + 0.02 * 9. / 0.2 * r2);
  EXPECT_NEAR(area.value, 1.5 * r2, z99 * area.error + 0.02 * 1.5 * r2);
}

namespace
{
  /**
   * D = [[1, 0.6], [0.6, 0.5]], u = −D∇L with L = −2r², T = 1/4: J ≡ 0 and
   * π ∝ exp(8 r²), which puts the mass in a layer of width ~1/16 at the wall
   * (u = −Hx with H = −4D, the built-in Ornstein–Uhlenbeck model). The
   * particles start from π itself (rejection sampling of the expression on
   * the mesh) and must stay distributed as π. (Started uniformly instead,
   * the drift 4Dx first herds them along the major axis of D, and that
   * angular imbalance relaxes along the wall on a time scale ~6.)
   * Returns the largest |f − P| / SE at t = 0 and t = 0.5 of the particle
   * fractions f against the exact P over 8 angular sectors of the ring
   * r > 0.9 and over the outermost layer of cells (centres at r > 0.97).
   */
  double
  worst_wall_deviation(const std::string &reflection)
  {
    MonteCarloCase<2> c("set Problem = transient\n"
                        "subsection Time stepping\n  set End time = 0.5\n"
                        "  subsection Initial condition\n    set Type = expression\n"
                        "    set Expression = exp(8*(x^2 + y^2))\n  end\nend\n" +
                        disk_case("subsection Model\n  set Name = ornstein-uhlenbeck\n"
                                  "  set Temperature = 0.25\n"
                                  "  subsection Ornstein-Uhlenbeck\n"
                                  "    set H = -4, -2.4, -2.4, -2\n"
                                  "    set D = 1, 0.6, 0.6, 0.5\n  end\nend\n",
                                  "  set Number of trajectories = 20000\n"
                                  "  set Number of batches = 20\n"
                                  "  set Time step = 0.0002\n"
                                  "  set Reflection = " +
                                      reflection + "\n"));
    const auto        ensemble = c.ensemble();
    const auto       &bins     = mesh_bins(*ensemble);
    const auto        exact    = exact_probabilities(
        bins, [](const Point<2> &x) { return std::exp(8. * x.norm_square()); });
    double worst = 0.;
    for (const double t : {0., 0.5})
      {
        const auto          o = ensemble->observe(t);
        std::vector<double> f(9, 0.), P(9, 0.);
        for (unsigned int k = 0; k < bins.size(); ++k)
          {
            const Point<2> x = bins.center(k);
            if (x.norm() > 0.9)
              {
                const double       angle = std::atan2(x[1], x[0]) + M_PI;
                const unsigned int sector =
                    std::min(7, static_cast<int>(angle / (M_PI / 4)));
                f[sector] += o.counts[k] / o.n_samples;
                P[sector] += exact[k];
              }
            if (x.norm() > 0.97)
              {
                f[8] += o.counts[k] / o.n_samples;
                P[8] += exact[k];
              }
          }
        root_log() << std::setprecision(4) << "  " << reflection << ", t = " << t
                   << ": sector f/P =";
        double worst_now = 0.;
        for (unsigned int s = 0; s < 9; ++s)
          {
            const double error = std::sqrt(P[s] * (1. - P[s]) / o.n_samples);
            worst_now          = std::max(worst_now, std::abs(f[s] - P[s]) / error);
            root_log() << (s == 8 ? "; outermost layer " : " ") << f[s] / P[s];
          }
        root_log() << " (P of the layer " << P[8] << "); worst |f - P|/SE = " << worst_now
                   << ", clamped " << o.n_clamped << "\n";
        EXPECT_EQ(o.n_clamped, 0.);
        worst = std::max(worst, worst_now);
      }
    return worst;
  }

  /** Two-sided 99% quantile for 18 comparisons at once (Bonferroni). */
  constexpr double z99_of_18 = 3.45;
} // namespace

TEST(MonteCarloMesh, ConormalReflectionMatchesExactDensityAtCurvedWall)
{
  EXPECT_LE(worst_wall_deviation("conormal"), z99_of_18);
}

TEST(MonteCarloMesh, NormalMirrorAndClippingFailAtCurvedWall)
{
  EXPECT_GT(worst_wall_deviation("normal"), 3. * z99_of_18);
  EXPECT_GT(worst_wall_deviation("clip"), 3. * z99_of_18);
}

// Absorbing circle (boundary faces of the disk mesh): free diffusion
// dX = sqrt(2T) dW from the centre, T = 1/2. The survival probability is
// S(t) = Σ_n 2 / (j_n J_1(j_n)) exp(−j_n² T t), j_n the zeros of J_0. With
// the Brownian-bridge test against the nearest absorbing face the Monte
// Carlo survival is within its 99% interval (plus 0.3% for the polygonal
// domain and the O(Δt) bias) at Δt = 10⁻³ and 10⁻².
TEST(MonteCarloMesh, AbsorbingCircleSurvivalMatchesBesselSeries)
{
  const double j[]  = {2.404825557695773,
                       5.520078110286311,
                       8.653727912911013,
                       11.791534439014281,
                       14.930917708487787};
  const double J1[] = {0.5191474972894669,
                       -0.3402648065732164,
                       0.2714522999383768,
                       -0.2324598231115815,
                       0.2065464331482834};
  for (const double dt : {0.001, 0.01})
    {
      MonteCarloCase<2> c(
          "set Problem = transient\n"
          "subsection Boundary conditions\n  set Default type = absorbing\nend\n"
          "subsection Time stepping\n  set End time = 0.4\nend\n" +
          disk_case("subsection Model\n  set Name = ornstein-uhlenbeck\n"
                    "  set Temperature = 0.5\n"
                    "  subsection Ornstein-Uhlenbeck\n    set H = 0, 0, 0, 0\n"
                    "    set D = 1, 0, 0, 1\n  end\nend\n",
                    "  set Number of trajectories = 20000\n"
                    "  set Time step = " +
                        std::to_string(dt) + "\n  set Initial point = 0, 0\n"));
      auto ensemble = c.ensemble();
      for (const double t : {0.1, 0.2, 0.4})
        {
          const auto o        = ensemble->observe(t);
          const auto L        = o.layout;
          const auto survival = o.estimate(
              [L](const double *s) { return 1. - s[L.absorbed] / s[L.started]; });
          double exact = 0.;
          for (unsigned int n = 0; n < 5; ++n)
            exact += 2. / (j[n] * J1[n]) * std::exp(-j[n] * j[n] * 0.5 * t);
          root_log() << std::setprecision(5) << "  dt = " << dt << ", t = " << t
                     << ": survival " << survival.value << " +- " << survival.error
                     << " (exact " << exact << ")\n";
          EXPECT_NEAR(survival.value, exact, z99 * survival.error + 0.003);
        }
    }
}

// Counts, batch sums and currents on the mesh are bitwise the same on all
// ranks together and on one rank alone (MPI_COMM_SELF), with 1 and 2
// threads, and equal to a stored checksum (so also between the 1- and
// 2-rank runs of this test).
TEST(MonteCarloMesh, BitwiseReproducibleAcrossRanksAndThreads)
{
  std::vector<std::uint64_t> sums;
  for (const MPI_Comm communicator : {MPI_COMM_WORLD, MPI_COMM_SELF})
    for (const unsigned int threads : {1U, 2U})
      {
        MonteCarloCase<2> c(
            disk_case("subsection Model\n  set Name = ornstein-uhlenbeck\n"
                      "  set Temperature = 0.25\n"
                      "  subsection Ornstein-Uhlenbeck\n    set H = -4, -2.4, -2.4, -2\n"
                      "    set D = 1, 0.6, 0.6, 0.5\n  end\nend\n",
                      "  set Number of trajectories = 300\n"
                      "  set Number of batches = 6\n"
                      "  set Time step = 0.002\n"
                      "  set Burn-in time = 0.2\n"
                      "  set Sampling time = 0.4\n"
                      "  set Sampling interval = 3\n"
                      "  set First-passage regions = corner: x + y - 1.2\n"
                      "  set Threads = " +
                          std::to_string(threads) + "\n"));
        MonteCarlo::Ensemble<2> ensemble(c.parameters.monte_carlo,
                                         c.parameters.geometry,
                                         c.parameters.time_stepping,
                                         *c.model,
                                         true,
                                         communicator);
        sums.push_back(checksum(ensemble.run_stationary()));
      }
  root_log() << "  checksum " << std::hex << sums[0] << std::dec << "\n";
  for (const auto s : sums)
    EXPECT_EQ(s, sums[0]);
  EXPECT_EQ(sums[0], 0x60532cb709f9aeaaULL);
}

// Boundaries other than the reflecting box: absorbing ends (the survival
// probability against the eigen-series), periodic ends with a tilted
// washboard potential (a constant non-zero current), and the curved
// boundary of the Gmsh disk mesh.

#include <gtest/gtest.h>

#include "test_case.h"

#include <filesystem>
#include <iomanip>
#include <iostream>

using namespace dealii;
using namespace FokkerPlanck;
using namespace FokkerPlanck::Testing;

// ---------------------------------------------------------------------------
// Absorbing boundaries: free diffusion ∂p/∂t = T p'' on [0, 1], p = 0 at
// both ends. With p₀ = Σ b_k sin(kπx), b_k = 2∫p₀ sin(kπx), the survival
// probability is S(t) = ∫p = Σ_k b_k (1 − (−1)^k)/(kπ) exp(−T k²π² t).
namespace
{
  const double T_free = 0.1;

  std::string
  free_diffusion_case(const std::string &scheme,
                      const double       dt,
                      const std::string &initial)
  {
    return "set dim = 1\nset Problem = transient\n"
           "subsection Geometry\n"
           "  set Lower corner = 0\n  set Upper corner = 1\n"
           "  set Subdivisions = 8\n  set Global refinements = 3\n"
           "end\n"
           "subsection Boundary conditions\n  set Default type = absorbing\nend\n"
           "subsection Model\n  set Name = parsed\n  set Temperature = 0.1\n"
           "  subsection Parsed\n    set Drift = 0\n    set Diffusion = 1\n  end\nend\n"
           "subsection Discretization\n  set Degree = 2\nend\n"
           "subsection Time stepping\n  set Scheme = " +
           scheme + "\n  set Time step = " + std::to_string(dt) +
           "\n  set End time = 2\n"
           "  subsection Initial condition\n" +
           initial + "  end\nend\n";
  }

  /** ∫p(t) at the times in @p times (which must be multiples of the step). */
  std::vector<double>
  survival(TestCase<1> &test, const std::vector<double> &times, double &initial_mass)
  {
    LA::MPI::Vector p;
    test.initial_density(p);
    initial_mass = test.discretization->mass(p);
    std::vector<double> result(times.size(), -1.);
    double              min_ratio = 0.;
    test.run_transient(p, [&](const StepInfo &info, const LA::MPI::Vector &density) {
      for (unsigned int i = 0; i < times.size(); ++i)
        if (std::abs(info.time - times[i]) < 1e-9)
          result[i] = test.discretization->mass(density);
      min_ratio = std::min(min_ratio, density.min() / density.max());
    });
    // BDF2/CN are not positivity preserving, but on these smooth data the
    // density stays non-negative up to tiny wiggles.
    EXPECT_GT(min_ratio, -1e-3);
    return result;
  }

  /** Σ_k b_k (1 − (−1)^k)/(kπ) exp(−T k²π² t), b_k by Simpson's rule. */
  double
  eigen_series(const std::function<double(double)> &p0, const double t)
  {
    const unsigned int n       = 20000;
    const double       h       = 1. / n;
    const auto         simpson = [&](const std::function<double(double)> &f) {
      double s = f(0.) + f(1.);
      for (unsigned int i = 1; i < n; ++i)
        s += (i % 2 ? 4. : 2.) * f(i * h);
      return s * h / 3.;
    };
    double total = 0.;
    for (unsigned int k = 1; k < 200; k += 2)
      {
        const double b =
            2. * simpson([&](double x) { return p0(x) * std::sin(k * M_PI * x); });
        total += b * 2. / (k * M_PI) * std::exp(-T_free * k * k * M_PI * M_PI * t);
      }
    return total;
  }
} // namespace

TEST(Boundaries, AbsorbingSurvivalOfTheFirstMode)
{
  // p₀ = (π/2) sin(πx) has mass 1 and is the first eigenmode: S(t) = exp(−Tπ²t).
  TestCase<1> test(
      free_diffusion_case("crank-nicolson",
                          0.01,
                          "    set Type = expression\n"
                          "    set Expression = pi/2*sin(pi*x)\n"
                          "    set Function constants = pi=3.141592653589793\n"
                          "    set Normalize = false\n"));
  const std::vector<double> times = {0.25, 0.5, 1., 2.};
  double                    initial_mass;
  const auto                s = survival(test, times, initial_mass);
  EXPECT_NEAR(initial_mass, 1., 1e-6);
  for (unsigned int i = 0; i < times.size(); ++i)
    {
      const double exact = std::exp(-T_free * M_PI * M_PI * times[i]);
      root_log() << "  sine: t = " << times[i] << ": S_h = " << s[i] << ", exact "
                 << exact << ", relative error " << s[i] / exact - 1. << "\n";
      EXPECT_NEAR(s[i] / exact, 1., 3e-5) << "t = " << times[i];
    }
}

TEST(Boundaries, AbsorbingSurvivalOfAGaussian)
{
  // p₀ = N(0.35, 0.05²) (normalised on [0, 1]); it starts 7σ from the
  // wall, so little probability is lost at first. BDF2 damps the stiff
  // modes of the narrow initial density; its error is temporal (Q2 with
  // h = 1/64 is spatially exact to ~1e-7 here) and halves twice with Δt.
  const std::vector<double> times = {0.05, 0.25, 0.5, 1., 2.};
  const auto                gauss = [](const double x) {
    return std::exp(-0.5 * std::pow((x - 0.35) / 0.05, 2)) /
           (0.05 * std::sqrt(2. * M_PI));
  };
  const double z = eigen_series(gauss, 0.);
  EXPECT_NEAR(z, 1., 1e-9); // the Gaussian has mass 1 on [0, 1] to 1e-11
  std::vector<double> exact;
  for (const double t : times)
    exact.push_back(eigen_series(gauss, t) / z);

  std::vector<std::vector<double>> errors;
  for (const double dt : {0.005, 0.0025})
    {
      TestCase<1> test(
          free_diffusion_case("bdf2",
                              dt,
                              "    set Type = gaussian\n"
                              "    set Mean = 0.35\n    set Covariance = 0.0025\n"
                              "    set Normalize = true\n"));
      double     initial_mass;
      const auto s = survival(test, times, initial_mass);
      EXPECT_NEAR(initial_mass, 1., 1e-14);
      errors.emplace_back();
      for (unsigned int i = 0; i < times.size(); ++i)
        {
          root_log() << "  Gaussian, dt = " << dt << ": t = " << times[i]
                     << ": S_h = " << s[i] << ", exact " << exact[i] << ", error "
                     << s[i] - exact[i] << "\n";
          EXPECT_NEAR(s[i], exact[i], 3e-4) << "t = " << times[i];
          errors.back().push_back(std::abs(s[i] - exact[i]));
        }
      // Little is lost at first, much at the end.
      EXPECT_GT(s[0], 0.99);
      EXPECT_LT(s[4], 0.2);
    }
  for (unsigned int i = 0; i < times.size(); ++i)
    {
      const double order = observed_order(errors[0][i], errors[1][i]);
      root_log() << "  temporal order at t = " << times[i] << ": " << order << "\n";
      EXPECT_NEAR(order, 2., 0.2) << "t = " << times[i];
    }
}

// ---------------------------------------------------------------------------
// Periodic boundaries: the tilted washboard u = −V'(x) + F = sin x + F,
// V = cos x, D = 1 on [0, 2π], periodic. With Φ = V − F x (u = −Φ'),
// J = u p − T p' = −T e^{−Φ/T} (e^{Φ/T} p)' is constant, and integrating over
// one period (p periodic, Φ(x + 2π) = Φ(x) − 2πF) gives
//   p(x) = J/(T (1 − e^{−2πF/T})) ∫_x^{x+2π} e^{(Φ(y) − Φ(x))/T} dy,
// so with q(x) = ∫_0^{2π} e^{(cos(x+s) − cos x − F s)/T} ds:
//   π = q / ∫q,   J = T (1 − e^{−2πF/T}) / ∫q.
namespace
{
  const double T_tilt = 0.5, F_tilt = 0.4;

  /** q(x) by 64-panel 4-point Gauss–Legendre quadrature in s. */
  double
  q_tilt(const double x)
  {
    static const double nodes[] = {
        -0.8611363115940526, -0.3399810435848563, 0.3399810435848563, 0.8611363115940526};
    static const double weights[] = {
        0.3478548451374538, 0.6521451548625461, 0.6521451548625461, 0.3478548451374538};
    const unsigned int panels = 64;
    const double       width  = 2. * M_PI / panels;
    double             total  = 0.;
    for (unsigned int k = 0; k < panels; ++k)
      for (unsigned int g = 0; g < 4; ++g)
        {
          const double s = (k + 0.5 + 0.5 * nodes[g]) * width;
          total += 0.5 * width * weights[g] *
                   std::exp((std::cos(x + s) - std::cos(x) - F_tilt * s) / T_tilt);
        }
    return total;
  }

  std::string
  tilted_case(const unsigned int refinements)
  {
    return "set dim = 1\n"
           "subsection Geometry\n"
           "  set Lower corner = 0\n  set Upper corner = 6.283185307179586\n"
           "  set Subdivisions = 8\n  set Global refinements = " +
           std::to_string(refinements) +
           "\nend\n"
           "subsection Boundary conditions\n  set Types = 0: periodic, 1: periodic\nend\n"
           "subsection Model\n  set Name = parsed\n  set Temperature = 0.5\n"
           "  subsection Parsed\n    set Drift = sin(x) + 0.4\n"
           "    set Diffusion = 1\n  end\nend\n"
           "subsection Discretization\n  set Degree = 2\nend\n";
  }
} // namespace

TEST(Boundaries, TiltedPeriodicPotential)
{
  std::vector<double> density_errors, current_errors;
  for (const unsigned int r : {1U, 2U, 3U})
    {
      TestCase<1>     test(tilted_case(r));
      LA::MPI::Vector pi;
      const auto      info = test.solve_stationary(pi);
      EXPECT_LT(info.relative_residual, 1e-9);
      EXPECT_NEAR(test.discretization->mass(pi), 1., 1e-12);
      const double Z = test.integrate(
          pi,
          [](const Point<1> &x, double, const Tensor<1, 1> &) { return q_tilt(x[0]); },
          4);
      const double J     = T_tilt * (1. - std::exp(-2. * M_PI * F_tilt / T_tilt)) / Z;
      const auto   exact = [&](const Point<1> &x) { return q_tilt(x[0]) / Z; };
      const double norm  = test.l2_norm(pi, exact);
      density_errors.push_back(test.l2_error(pi, exact) / norm);
      // J_h against the constant J, relative to ‖J‖ = J √(2π).
      current_errors.push_back(
          std::sqrt(
              test.integrate(pi,
                             [&](const Point<1> &x, double v, const Tensor<1, 1> &g) {
                               return std::pow(test.current(x, v, g)[0] - J, 2);
                             })) /
          (J * std::sqrt(2. * M_PI)));
      const double mean_current =
          test.integrate(pi,
                         [&](const Point<1> &x, double v, const Tensor<1, 1> &g) {
                           return test.current(x, v, g)[0];
                         }) /
          (2. * M_PI);
      root_log() << "  tilted periodic, " << (8 << r) << " cells: J = " << J
                 << ", mean J_h = " << mean_current << ", density error "
                 << density_errors.back() << ", current error " << current_errors.back()
                 << "\n";
      EXPECT_NEAR(mean_current / J, 1., 1e-3);
      // π is not the Boltzmann density of V: the tilt shifts it.
      EXPECT_GT(J, 0.01);
    }
  for (unsigned int i = 1; i < density_errors.size(); ++i)
    {
      root_log() << "    orders: density "
                 << observed_order(density_errors[i - 1], density_errors[i])
                 << ", current "
                 << observed_order(current_errors[i - 1], current_errors[i]) << "\n";
      EXPECT_GT(observed_order(density_errors[i - 1], density_errors[i]), 2.75);
      EXPECT_GT(observed_order(current_errors[i - 1], current_errors[i]), 1.8);
    }
  EXPECT_LT(density_errors.back(), 1e-4);
  EXPECT_LT(current_errors.back(), 1e-2);
}

// ---------------------------------------------------------------------------
// A curved boundary: the Gmsh unit disk with a spherical boundary, and
// isotropic OU (H = I, D = I) at T = 0.02, so π = N(0, T I) is below e^{−25}
// at r = 1 and the stationary covariance is T I.
TEST(Boundaries, DiskMeshWithSphericalBoundary)
{
  const std::string mesh = mesh_file("disk.msh");
  ASSERT_TRUE(std::filesystem::exists(mesh)) << mesh;
  const std::string text =
      "set dim = 2\n"
      "subsection Geometry\n  set Mesh type = gmsh\n"
      "  set Mesh file = " +
      mesh +
      "\n  set Spherical boundary = true\n  set Sphere center = 0, 0\n"
      "  set Global refinements = 2\nend\n"
      "subsection Model\n  set Name = ornstein-uhlenbeck\n"
      "  set Temperature = 0.02\n"
      "  subsection Ornstein-Uhlenbeck\n    set H = 1, 0, 0, 1\n"
      "    set D = 1, 0, 0, 1\n  end\nend\n"
      "subsection Discretization\n  set Degree = 2\nend\n";
  TestCase<2>     test(text);
  LA::MPI::Vector pi;
  const auto      info = test.solve_stationary(pi);
  EXPECT_LT(info.relative_residual, 1e-9);
  EXPECT_NEAR(test.discretization->mass(pi), 1., 1e-12);

  // The boundary follows the circle: the area is π, not that of the
  // inscribed polygon (relative deficit (2π/N)²/6 ≈ 1e-3 for N = 80 edges).
  const double area = test.integrate(
      pi, [](const Point<2> &, double, const Tensor<1, 2> &) { return 1.; });
  const auto [mean, covariance] = test.moments(pi);
  root_log() << "  disk: area " << std::setprecision(10) << area << " (pi = " << M_PI
             << "), mean " << mean << ", covariance " << covariance << "\n";
  EXPECT_NEAR(area / M_PI, 1., 1e-5);
  EXPECT_LT(mean.norm(), 1e-6);
  const double T = 0.02;
  EXPECT_NEAR(covariance[0][0] / T, 1., 1e-3);
  EXPECT_NEAR(covariance[1][1] / T, 1., 1e-3);
  EXPECT_NEAR(covariance[0][1] / T, 0., 1e-3);
}

// Cases off the main road: a 3D Ornstein–Uhlenbeck process, absorbing
// boundaries (survival probability against the eigen-series), positivity at
// a mesh Péclet number of about 100 with algebraic upwinding, a tilted
// periodic potential with a constant non-zero current, the Gmsh disk
// mesh with a spherical boundary, and an AMG whose ILU smoother breaks down.

#include <deal.II/base/symmetric_tensor.h>
#include <deal.II/lac/dynamic_sparsity_pattern.h>
#include <deal.II/lac/full_matrix.h>
#include <deal.II/lac/vector.h>

#include <gtest/gtest.h>

#include <fokker_planck/solvers/linear_solver.h>

#include "test_case.h"

#include <filesystem>
#include <iomanip>
#include <iostream>

using namespace dealii;
using namespace FokkerPlanck;
using namespace FokkerPlanck::Testing;

namespace
{
  std::ostream &
  log()
  {
    static std::ostringstream sink;
    return Utilities::MPI::this_mpi_process(MPI_COMM_WORLD) == 0 ? std::cout : sink;
  }
} // namespace

// ---------------------------------------------------------------------------
// (a) 3D anisotropic OU: u = −Hx with non-symmetric H, anisotropic D; the
// stationary covariance solves the Lyapunov equation HΣ + ΣHᵀ = 2TD.
namespace
{
  const Tensor<2, 3> H3({{1., 0.5, 0.}, {-0.4, 1.5, 0.3}, {0.2, 0., 2.}});
  const Tensor<2, 3> D3({{1., 0.2, 0.1}, {0.2, 0.6, 0.1}, {0.1, 0.1, 0.8}});
  const double       T3 = 0.3;

  /** Σ from the 6×6 linear system for its independent entries. */
  SymmetricTensor<2, 3>
  lyapunov_3d()
  {
    const auto lyapunov = [](const Tensor<2, 3> &S) {
      return H3 * S + S * transpose(H3);
    };
    const unsigned int n = SymmetricTensor<2, 3>::n_independent_components;
    FullMatrix<double> M(n, n);
    Vector<double>     rhs(n), s(n);
    for (unsigned int u = 0; u < n; ++u)
      {
        const auto   kl = SymmetricTensor<2, 3>::unrolled_to_component_indices(u);
        Tensor<2, 3> E;
        E[kl[0]][kl[1]]          = 1.;
        E[kl[1]][kl[0]]          = 1.;
        const Tensor<2, 3> image = lyapunov(E);
        for (unsigned int v = 0; v < n; ++v)
          {
            const auto ij = SymmetricTensor<2, 3>::unrolled_to_component_indices(v);
            M(v, u)       = image[ij[0]][ij[1]];
            rhs(v)        = 2. * T3 * D3[ij[0]][ij[1]];
          }
      }
    M.gauss_jordan();
    M.vmult(s, rhs);
    SymmetricTensor<2, 3> sigma;
    for (unsigned int u = 0; u < n; ++u)
      sigma[SymmetricTensor<2, 3>::unrolled_to_component_indices(u)] = s(u);
    return sigma;
  }

  std::string
  ou_3d_case(const unsigned int refinements)
  {
    return "set dim = 3\n"
           "subsection Geometry\n"
           "  set Lower corner = -3, -3, -3\n  set Upper corner = 3, 3, 3\n"
           "  set Subdivisions = 3, 3, 3\n"
           "  set Global refinements = " +
           std::to_string(refinements) +
           "\nend\n"
           "subsection Model\n  set Name = ornstein-uhlenbeck\n  set Temperature = 0.3\n"
           "  subsection Ornstein-Uhlenbeck\n"
           "    set H = 1, 0.5, 0, -0.4, 1.5, 0.3, 0.2, 0, 2\n"
           "    set D = 1, 0.2, 0.1, 0.2, 0.6, 0.1, 0.1, 0.1, 0.8\n  end\nend\n"
           "subsection Discretization\n  set Degree = 2\nend\n";
  }
} // namespace

TEST(SpecialCases, OrnsteinUhlenbeck3D)
{
  const SymmetricTensor<2, 3> sigma = lyapunov_3d();
  // The Lyapunov solution: residual zero, Σ positive definite (so H is
  // stable), and the box [-3, 3]^3 at least 5.4 standard deviations wide.
  const Tensor<2, 3> residual =
      H3 * Tensor<2, 3>(sigma) + Tensor<2, 3>(sigma) * transpose(H3) - 2. * T3 * D3;
  EXPECT_LT(residual.norm(), 1e-13);
  const auto lambda = eigenvalues(sigma);
  EXPECT_GT(lambda[2], 0.);
  EXPECT_LT(std::sqrt(lambda[0]), 3. / 5.4);

  std::vector<double> errors;
  for (const unsigned int r : {1U, 2U})
    {
      TestCase<3>     test(ou_3d_case(r));
      LA::MPI::Vector pi;
      const auto      info = test.solve_stationary(pi);
      EXPECT_LT(info.relative_residual, 1e-9);
      EXPECT_NEAR(test.discretization->mass(pi), 1., 1e-12);
      Tensor<1, 3>          mean;
      SymmetricTensor<2, 3> covariance;
      test.discretization->moments(pi, mean, covariance);
      errors.push_back((covariance - sigma).norm() / sigma.norm());
      log() << "  3D OU, h = " << 6. / (3 << r) << ": mean " << mean << ", covariance "
            << covariance << ", relative error " << errors.back() << "\n";
      EXPECT_LT(mean.norm(), 1e-2 * std::sqrt(lambda[0]));
    }
  log() << "  exact covariance " << sigma << "\n";
  EXPECT_LT(errors[0], 2e-2);
  EXPECT_LT(errors[1], 2e-3);
  EXPECT_LT(errors[1], errors[0] / 4.);
}

// ---------------------------------------------------------------------------
// (b) Absorbing boundaries: free diffusion ∂p/∂t = T p'' on [0, 1], p = 0 at
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
    TransientSolver<1>  solver(*test.discretization,
                              test.parameters.time_stepping,
                              test.parameters.linear_solver);
    solver.run(p, [&](const StepInfo &info, const LA::MPI::Vector &density) {
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

TEST(SpecialCases, AbsorbingSurvivalOfTheFirstMode)
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
      log() << "  sine: t = " << times[i] << ": S_h = " << s[i] << ", exact " << exact
            << ", relative error " << s[i] / exact - 1. << "\n";
      EXPECT_NEAR(s[i] / exact, 1., 3e-5) << "t = " << times[i];
    }
}

TEST(SpecialCases, AbsorbingSurvivalOfAGaussian)
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
          log() << "  Gaussian, dt = " << dt << ": t = " << times[i] << ": S_h = " << s[i]
                << ", exact " << exact[i] << ", error " << s[i] - exact[i] << "\n";
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
      log() << "  temporal order at t = " << times[i] << ": " << order << "\n";
      EXPECT_NEAR(order, 2., 0.2) << "t = " << times[i];
    }
}

// ---------------------------------------------------------------------------
// (c) Drift-dominated positivity: on [0, 1]², u = (−1 − (y − ½), −1 + (x − ½))
// pushes into the corner (0, 0) and rotates, D = I and T = 5e-4, so that with
// h = 1/32 the mesh Péclet number |a| h / (T λ_min(D)) is about 100.
namespace
{
  std::string
  corner_case(const bool upwind, const bool transient)
  {
    return std::string("set dim = 2\n") + (transient ? "set Problem = transient\n" : "") +
           "subsection Geometry\n"
           "  set Lower corner = 0, 0\n  set Upper corner = 1, 1\n"
           "  set Subdivisions = 1, 1\n  set Global refinements = 5\n"
           "end\n"
           "subsection Model\n  set Name = parsed\n  set Temperature = 5e-4\n"
           "  subsection Parsed\n    set Drift = -1 - (y - 0.5); -1 + (x - 0.5)\n"
           "    set Diffusion = 1\n  end\nend\n"
           "subsection Discretization\n  set Degree = 1\n  set Stabilization = " +
           (upwind ? "algebraic upwind" : "none") +
           "\nend\n"
           "subsection Time stepping\n  set Scheme = implicit euler\n"
           "  set Time step = 0.05\n  set End time = 1\n"
           "  subsection Initial condition\n    set Type = expression\n"
           "    set Expression = 1\n  end\nend\n";
  }

  /** Largest mesh Péclet number |a| h / (T λ_min(D)) at quadrature points. */
  double
  peclet(const TestCase<2> &test, const LA::MPI::Vector &any)
  {
    const double h     = 1. / 32.;
    double       local = 0.;
    test.integrate(any, [&](const Point<2> &x, double, const Tensor<1, 2> &) {
      const double lambda_min = eigenvalues(test.model->diffusion(x))[1];
      local                   = std::max(local,
                       test.model->fokker_planck_drift(x).norm() * h /
                           (test.model->temperature() * lambda_min));
      return 0.;
    });
    return Utilities::MPI::max(local, MPI_COMM_WORLD);
  }
} // namespace

TEST(SpecialCases, UpwindingKeepsTheStationaryDensityPositive)
{
  TestCase<2>     upwind(corner_case(true, false));
  LA::MPI::Vector pi;
  const auto      info = upwind.solve_stationary(pi);
  const double    pe   = peclet(upwind, pi);
  log() << "  corner: max mesh Peclet number " << pe << "\n"
        << "  upwind:   min pi = " << info.min_density
        << ", max pi = " << info.max_density << ", relative residual "
        << info.relative_residual << "\n";
  EXPECT_GT(pe, 80.);
  EXPECT_LT(pe, 200.);
  EXPECT_LT(info.relative_residual, 1e-9);
  EXPECT_NEAR(upwind.discretization->mass(pi), 1., 1e-12);
  EXPECT_GE(info.min_density, -1e-10 * info.max_density);
  // The density sits in the corner (0, 0) that the drift points into.
  Tensor<1, 2>          mean;
  SymmetricTensor<2, 2> covariance;
  upwind.discretization->moments(pi, mean, covariance);
  EXPECT_LT(mean.norm(), 0.1);

  // Plain Galerkin on the same mesh oscillates and goes clearly negative.
  TestCase<2>     galerkin(corner_case(false, false));
  LA::MPI::Vector pi_galerkin;
  const auto      info_galerkin = galerkin.solve_stationary(pi_galerkin);
  log() << "  Galerkin: min pi = " << info_galerkin.min_density
        << ", max pi = " << info_galerkin.max_density << "\n";
  EXPECT_LT(info_galerkin.min_density, -1e-3 * info_galerkin.max_density);
}

TEST(SpecialCases, UpwindedImplicitEulerStaysPositive)
{
  for (const bool upwind : {true, false})
    {
      TestCase<2>     test(corner_case(upwind, true));
      LA::MPI::Vector p;
      test.initial_density(p);
      double             min_ratio = 1., max_mass_error = 0.;
      unsigned int       steps = 0;
      TransientSolver<2> solver(*test.discretization,
                                test.parameters.time_stepping,
                                test.parameters.linear_solver);
      solver.run(p, [&](const StepInfo &info, const LA::MPI::Vector &density) {
        min_ratio = std::min(min_ratio, density.min() / density.max());
        max_mass_error =
            std::max(max_mass_error, std::abs(test.discretization->mass(density) - 1.));
        steps = info.step;
      });
      log() << "  implicit Euler, " << (upwind ? "upwind" : "Galerkin") << ": " << steps
            << " steps, min p / max p = " << min_ratio
            << ", max |mass - 1| = " << max_mass_error << "\n";
      EXPECT_EQ(steps, 20U);
      EXPECT_LT(max_mass_error, 1e-10);
      if (upwind)
        EXPECT_GE(min_ratio, -1e-10);
      else
        EXPECT_LT(min_ratio, -1e-3); // shows that the check above can fail
    }
}

// ---------------------------------------------------------------------------
// (d) Periodic boundary: the tilted washboard u = −V'(x) + F = sin x + F,
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

TEST(SpecialCases, TiltedPeriodicPotential)
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
      const double norm  = std::sqrt(
          test.integrate(pi, [&](const Point<1> &x, double, const Tensor<1, 1> &) {
            return std::pow(exact(x), 2);
          }));
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
      log() << "  tilted periodic, " << (8 << r) << " cells: J = " << J
            << ", mean J_h = " << mean_current << ", density error "
            << density_errors.back() << ", current error " << current_errors.back()
            << "\n";
      EXPECT_NEAR(mean_current / J, 1., 1e-3);
      // π is not the Boltzmann density of V: the tilt shifts it.
      EXPECT_GT(J, 0.01);
    }
  for (unsigned int i = 1; i < density_errors.size(); ++i)
    {
      log() << "    orders: density "
            << observed_order(density_errors[i - 1], density_errors[i]) << ", current "
            << observed_order(current_errors[i - 1], current_errors[i]) << "\n";
      EXPECT_GT(observed_order(density_errors[i - 1], density_errors[i]), 2.75);
      EXPECT_GT(observed_order(current_errors[i - 1], current_errors[i]), 1.8);
    }
  EXPECT_LT(density_errors.back(), 1e-4);
  EXPECT_LT(current_errors.back(), 1e-2);
}

// ---------------------------------------------------------------------------
// (e) The Gmsh unit disk with a spherical boundary: isotropic OU (H = I,
// D = I) at T = 0.02, so π = N(0, T I) is below e^{−25} at r = 1 and the
// stationary covariance is T I.
TEST(SpecialCases, DiskMeshWithSphericalBoundary)
{
  // This file is <repo>/tests/unit/special_cases.cc.
  const std::string mesh = (std::filesystem::path(__FILE__).parent_path() / ".." / ".." /
                            "meshes" / "disk.msh")
                               .lexically_normal()
                               .string();
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
  Tensor<1, 2>          mean;
  SymmetricTensor<2, 2> covariance;
  test.discretization->moments(pi, mean, covariance);
  log() << "  disk: area " << std::setprecision(10) << area << " (pi = " << M_PI
        << "), mean " << mean << ", covariance " << covariance << "\n";
  EXPECT_NEAR(area / M_PI, 1., 1e-5);
  EXPECT_LT(mean.norm(), 1e-6);
  const double T = 0.02;
  EXPECT_NEAR(covariance[0][0] / T, 1., 1e-3);
  EXPECT_NEAR(covariance[1][1] / T, 1., 1e-3);
  EXPECT_NEAR(covariance[0][1] / T, 0., 1e-3);
}

// ---------------------------------------------------------------------------
// (f) AMG with an ILU smoother that breaks down. A chain matrix (1D
// Laplacian stencil) whose first two rows are [1, −1] and [−1, 1, −1] has
// non-zero diagonal entries, but ILU(0) meets the pivot 1 − 1·1 = 0 in row
// 1, so the ILU-smoothed V-cycle returns NaN. LinearSolver must notice it at
// set-up and rebuild the hierarchy with symmetric Gauss–Seidel, whose
// V-cycle is finite; the unmodified chain keeps ILU.
#ifndef FP_USE_PETSC
namespace
{
  /** n × n chain, rows split over the ranks; @p breakdown sets rows 0 and 1 as above. */
  void
  chain_matrix(const unsigned int n, const bool breakdown, LA::MPI::SparseMatrix &A)
  {
    const unsigned int ranks = Utilities::MPI::n_mpi_processes(MPI_COMM_WORLD);
    const unsigned int rank  = Utilities::MPI::this_mpi_process(MPI_COMM_WORLD);
    IndexSet           owned(n);
    owned.add_range(rank * n / ranks, (rank + 1) * n / ranks);
    DynamicSparsityPattern pattern(n, n);
    for (const auto i : owned)
      for (unsigned int j = (i == 0 ? 0 : i - 1);
           j <= std::min<unsigned int>(n - 1, i + 1);
           ++j)
        pattern.add(i, j);
    A.reinit(owned, owned, pattern, MPI_COMM_WORLD);
    for (const auto i : owned)
      {
        A.set(i, i, (breakdown && i <= 1) ? 1. : 2.);
        if (i > 0)
          A.set(i, i - 1, -1.);
        if (i + 1 < n)
          A.set(i, i + 1, -1.);
      }
    A.compress(VectorOperation::insert);
  }

  /** ‖B·1‖ for the preconditioner B of @p solver on @p A. */
  double
  preconditioned_ones(const LinearSolver &solver, const LA::MPI::SparseMatrix &A)
  {
    LA::MPI::Vector ones(A.locally_owned_domain_indices(), MPI_COMM_WORLD), image(ones);
    ones = 1.;
    solver.vmult(image, ones);
    return image.l2_norm();
  }
} // namespace

TEST(SpecialCases, AMGReplacesAnILUSmootherThatBreaksDown)
{
  LinearSolverParameters parameters;
  parameters.type          = LinearSolverParameters::Type::amg;
  parameters.smoother_type = LinearSolverParameters::AMGSmoother::ilu;

  LA::MPI::SparseMatrix healthy, broken;
  chain_matrix(4000, false, healthy);
  chain_matrix(4000, true, broken);

  // Control: without the zero pivot ILU works and stays.
  {
    LinearSolver solver(parameters);
    solver.initialize(healthy);
    EXPECT_FALSE(solver.replaced_smoother());
    EXPECT_TRUE(std::isfinite(preconditioned_ones(solver, healthy)));
  }
  LinearSolver solver(parameters);
  solver.initialize(broken);
  EXPECT_TRUE(solver.replaced_smoother());
  const double norm = preconditioned_ones(solver, broken);
  log() << "  chain with an ILU(0) zero pivot: smoother replaced, |B 1| = " << norm
        << "\n";
  EXPECT_TRUE(std::isfinite(norm));
  EXPECT_GT(norm, 0.);
}
#endif

// Drift-dominated transport: algebraic upwinding keeps the stationary and
// the implicit-Euler densities non-negative at a mesh Péclet number of about
// 100, where plain Galerkin goes clearly negative.

#include <gtest/gtest.h>

#include "test_case.h"

#include <iostream>

using namespace dealii;
using namespace FokkerPlanck;
using namespace FokkerPlanck::Testing;

// The case: on [0, 1]², u = (−1 − (y − ½), −1 + (x − ½))
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

TEST(Stabilization, UpwindingKeepsTheStationaryDensityPositive)
{
  TestCase<2>     upwind(corner_case(true, false));
  LA::MPI::Vector pi;
  const auto      info = upwind.solve_stationary(pi);
  const double    pe   = peclet(upwind, pi);
  root_log() << "  corner: max mesh Peclet number " << pe << "\n"
             << "  upwind:   min pi = " << info.min_density
             << ", max pi = " << info.max_density << ", relative residual "
             << info.relative_residual << "\n";
  EXPECT_GT(pe, 80.);
  EXPECT_LT(pe, 200.);
  EXPECT_LT(info.relative_residual, 1e-9);
  EXPECT_NEAR(upwind.discretization->mass(pi), 1., 1e-12);
  EXPECT_GE(info.min_density, -1e-10 * info.max_density);
  // The density sits in the corner (0, 0) that the drift points into.
  EXPECT_LT(upwind.moments(pi).mean.norm(), 0.1);

  // Plain Galerkin on the same mesh oscillates and goes clearly negative.
  TestCase<2>     galerkin(corner_case(false, false));
  LA::MPI::Vector pi_galerkin;
  const auto      info_galerkin = galerkin.solve_stationary(pi_galerkin);
  root_log() << "  Galerkin: min pi = " << info_galerkin.min_density
             << ", max pi = " << info_galerkin.max_density << "\n";
  EXPECT_LT(info_galerkin.min_density, -1e-3 * info_galerkin.max_density);
}

TEST(Stabilization, UpwindedImplicitEulerStaysPositive)
{
  for (const bool upwind : {true, false})
    {
      TestCase<2>     test(corner_case(upwind, true));
      LA::MPI::Vector p;
      test.initial_density(p);
      double       min_ratio = 1., max_mass_error = 0.;
      unsigned int steps = 0;
      test.run_transient(p, [&](const StepInfo &info, const LA::MPI::Vector &density) {
        min_ratio = std::min(min_ratio, density.min() / density.max());
        max_mass_error =
            std::max(max_mass_error, std::abs(test.discretization->mass(density) - 1.));
        steps = info.step;
      });
      root_log() << "  implicit Euler, " << (upwind ? "upwind" : "Galerkin") << ": "
                 << steps << " steps, min p / max p = " << min_ratio
                 << ", max |mass - 1| = " << max_mass_error << "\n";
      EXPECT_EQ(steps, 20U);
      EXPECT_LT(max_mass_error, 1e-10);
      if (upwind)
        EXPECT_GE(min_ratio, -1e-10);
      else
        EXPECT_LT(min_ratio, -1e-3); // shows that the check above can fail
    }
}

// The analytic stationary cases 2–4 of DESIGN.md §3 with the 'parsed'
// model: a rotated (non-reversible) gradient flow, state-dependent
// anisotropic noise with the Itô correction (and the same case read in the
// Hänggi–Klimontovich interpretation), and a 1D case with state-dependent D.
// Each checks the density (and the current) against the closed form, with
// observed convergence orders.

#include <gtest/gtest.h>

#include "test_case.h"

#include <iomanip>
#include <iostream>

using namespace dealii;
using namespace FokkerPlanck;
using namespace FokkerPlanck::Testing;

namespace
{
  /** ∇L of the loss below. */
  Tensor<1, 2>
  loss_gradient(const Point<2> &p)
  {
    const double x = p[0], y = p[1];
    return Tensor<1, 2>({x * x * x + x / 2. + y / 4., y + x / 4.});
  }

  // A convex, non-quadratic loss on the box [-3, 3] x [-5, 5] at T = 0.4:
  // L/T >= 29 on the whole boundary, so exp(-L/T) is below 1e-12 of its
  // maximum there and the truncation of the domain is negligible.
  //   L = x^4/4 + x^2/4 + y^2/2 + x y/4,
  //   ∇L = (x^3 + x/2 + y/4, y + x/4),
  //   ∇²L = [[3x^2 + 1/2, 1/4], [1/4, 1]] (positive definite).
  const double temperature = 0.4;

  double
  loss(const Point<2> &p)
  {
    const double x = p[0], y = p[1];
    return x * x * x * x / 4. + x * x / 4. + y * y / 2. + x * y / 4.;
  }

  const std::string loss_text = "x^4/4 + x^2/4 + y^2/2 + x*y/4";
  const std::string loss_x    = "(x^3 + x/2 + y/4)";
  const std::string loss_y    = "(y + x/4)";
  const std::string box_header =
      "set dim = 2\n"
      "subsection Geometry\n"
      "  set Lower corner = -3, -5\n  set Upper corner = 3, 5\n"
      "  set Subdivisions = 3, 5\n";

  std::string
  case_2d(const std::string &model,
          const unsigned int degree,
          const unsigned int refinements,
          const std::string &interpretation = "ito")
  {
    return box_header + "  set Global refinements = " + std::to_string(refinements) +
           "\nend\n"
           "subsection Model\n  set Name = parsed\n  set Temperature = 0.4\n"
           "  set Noise interpretation = " +
           interpretation + "\n  subsection Parsed\n" + model +
           "    set Loss = " + loss_text +
           "\n  end\nend\n"
           "subsection Discretization\n  set Degree = " +
           std::to_string(degree) + "\nend\n";
  }

  /** Z = ∫_Ω exp(−L/T) by Gauss quadrature of high order on the mesh. */
  double
  partition_function(const TestCase<2> &test, const LA::MPI::Vector &any)
  {
    return test.integrate(
        any,
        [](const Point<2> &x, double, const Tensor<1, 2> &) {
          return std::exp(-loss(x) / temperature);
        },
        6);
  }

  /** π = exp(−L/T)/Z, with Z on the mesh of @p test. */
  std::function<double(const Point<2> &)>
  boltzmann_density(const TestCase<2> &test, const LA::MPI::Vector &any)
  {
    const double Z = partition_function(test, any);
    return [Z](const Point<2> &x) { return std::exp(-loss(x) / temperature) / Z; };
  }

  struct Errors
  {
    /** ‖π_h − π‖ / ‖π‖ in L2. */
    double density = 0.;
    /** ‖J_h − J‖ / ‖T D∇π‖ in L2 (a dimensionless current error). */
    double current = 0.;
  };

  void
  check_orders(const std::vector<Errors> &errors,
               const unsigned int         degree,
               const std::string         &what)
  {
    root_log() << "  " << what << ", Q" << degree << ":";
    for (const auto &e : errors)
      root_log() << " (" << e.density << ", " << e.current << ")";
    root_log() << "\n    orders:";
    for (unsigned int i = 1; i < errors.size(); ++i)
      {
        const double density_order =
            observed_order(errors[i - 1].density, errors[i].density);
        const double current_order =
            observed_order(errors[i - 1].current, errors[i].current);
        root_log() << " (" << density_order << ", " << current_order << ")";
        // The coarsest mesh may be pre-asymptotic; the finest pair of
        // meshes must show the expected orders k+1 (density) and k
        // (current, which contains ∇π_h).
        const bool   finest = i + 1 == errors.size();
        const double slack  = finest ? 0.25 : 0.5;
        EXPECT_GT(density_order, degree + 1. - slack) << what << ", step " << i;
        EXPECT_LT(density_order, degree + 1. + 0.5) << what << ", step " << i;
        EXPECT_GT(current_order, degree - slack) << what << ", step " << i;
      }
    root_log() << "\n";
  }
} // namespace

// §3.2: D = I, u = −∇L + c R∇L with R the rotation by 90°, R∇L = (−L_y, L_x).
// Then π = exp(−L/T)/Z exactly and J = c π R∇L, a non-zero current.
class RotatedGradientFlow : public ::testing::TestWithParam<unsigned int>
{
};

TEST_P(RotatedGradientFlow, DensityAndCurrentConverge)
{
  const unsigned int degree = GetParam();
  const double       c      = 1.;
  const std::string  model  = "    set Function constants = c=1\n"
                              "    set Drift = -" +
                            loss_x + " - c*" + loss_y + "; -" + loss_y + " + c*" +
                            loss_x + "\n";
  std::vector<Errors> errors;
  const unsigned int  first = 2;
  for (unsigned int r = first; r < first + 3; ++r)
    {
      TestCase<2>     test(case_2d(model, degree, r));
      LA::MPI::Vector pi;
      const auto      info = test.solve_stationary(pi);
      EXPECT_LT(info.relative_residual, 1e-9);
      EXPECT_NEAR(test.discretization->mass(pi), 1., 1e-12);

      const auto   exact = boltzmann_density(test, pi);
      const double norm  = test.l2_norm(pi, exact);
      // T D ∇π = −π ∇L for D = I: the scale of either part of J.
      const double flux_norm = test.field_l2_norm(
          pi, [&](const Point<2> &x) { return exact(x) * loss_gradient(x); });
      Errors e;
      e.density = test.l2_error(pi, exact) / norm;
      e.current =
          std::sqrt(test.integrate(
              pi,
              [&](const Point<2> &x, double p, const Tensor<1, 2> &g) {
                const Tensor<1, 2> gL = loss_gradient(x);
                const Tensor<1, 2> J  = c * exact(x) * Tensor<1, 2>({-gL[1], gL[0]});
                return (test.current(x, p, g) - J).norm_square();
              })) /
          flux_norm;
      errors.push_back(e);
    }
  check_orders(errors, degree, "rotated gradient flow");
  EXPECT_LT(errors.back().density, degree == 1 ? 5e-3 : 2e-4);
}

INSTANTIATE_TEST_SUITE_P(Degrees, RotatedGradientFlow, ::testing::Values(1U, 2U));

// §3.3: D(x) anisotropic and state dependent,
//   D = [[1 + sin(x)^2/2, 0.2], [0.2, 1 + 0.3 y^2/(1 + y^2)]],
//   ∇·D = (sin(2x)/2, 0.6 y/(1 + y^2)^2),
// Itô drift u = −D∇L + T∇·D, so that a = u − T∇·D = −D∇L: then
// π = exp(−L/T)/Z and J = 0. In the Hänggi–Klimontovich reading a = u, so
// u = −D∇L gives the same π.
namespace
{
  const std::string diffusion_text =
      "    set Diffusion = 1 + 0.5*sin(x)^2; 0.2; 0.2; 1 + 0.3*y^2/(1 + y^2)\n";

  SymmetricTensor<2, 2>
  diffusion(const Point<2> &p)
  {
    SymmetricTensor<2, 2> D;
    D[0][0] = 1. + 0.5 * std::pow(std::sin(p[0]), 2);
    D[0][1] = 0.2;
    D[1][1] = 1. + 0.3 * p[1] * p[1] / (1. + p[1] * p[1]);
    return D;
  }

  std::string
  ito_model()
  {
    const std::string d11 = "(1 + 0.5*sin(x)^2)", d22 = "(1 + 0.3*y^2/(1 + y^2))";
    return diffusion_text + "    set Drift = -(" + d11 + "*" + loss_x + " + 0.2*" +
           loss_y + ") + T*0.5*sin(2*x); -(0.2*" + loss_x + " + " + d22 + "*" + loss_y +
           ") + T*0.6*y/(1 + y^2)^2\n";
  }

  std::string
  haenggi_klimontovich_model()
  {
    const std::string d11 = "(1 + 0.5*sin(x)^2)", d22 = "(1 + 0.3*y^2/(1 + y^2))";
    return diffusion_text + "    set Drift = -(" + d11 + "*" + loss_x + " + 0.2*" +
           loss_y + "); -(0.2*" + loss_x + " + " + d22 + "*" + loss_y + ")\n";
  }
} // namespace

class StateDependentNoise : public ::testing::TestWithParam<unsigned int>
{
};

TEST_P(StateDependentNoise, BoltzmannDensityAndZeroCurrent)
{
  const unsigned int  degree = GetParam();
  std::vector<Errors> errors, errors_hk;
  const unsigned int  first = 2;
  for (unsigned int r = first; r < first + 3; ++r)
    {
      TestCase<2> ito(case_2d(ito_model(), degree, r, "ito"));
      TestCase<2> hk(
          case_2d(haenggi_klimontovich_model(), degree, r, "haenggi-klimontovich"));
      LA::MPI::Vector pi, pi_hk;
      EXPECT_LT(ito.solve_stationary(pi).relative_residual, 1e-9);
      EXPECT_LT(hk.solve_stationary(pi_hk).relative_residual, 1e-9);

      // The two readings have the same Fokker–Planck drift a = −D∇L (up to
      // the finite-difference error of ∇·D), hence the same discrete π.
      LA::MPI::Vector difference(pi);
      difference -= pi_hk;
      EXPECT_LT(difference.linfty_norm(), 1e-8 * pi.linfty_norm()) << "refinements " << r;

      const auto   exact = boltzmann_density(ito, pi);
      const double norm  = ito.l2_norm(pi, exact);
      // ‖T D∇π‖ = ‖π D∇L‖: the size of each of the two cancelling parts of J.
      const double flux_norm = ito.field_l2_norm(pi, [&](const Point<2> &x) {
        return exact(x) * (diffusion(x) * loss_gradient(x));
      });
      for (auto *c : {&ito, &hk})
        {
          const LA::MPI::Vector &p = c == &ito ? pi : pi_hk;
          Errors                 e;
          e.density = c->l2_error(p, exact) / norm;
          e.current = std::sqrt(c->integrate(
                          p,
                          [&](const Point<2> &x, double v, const Tensor<1, 2> &g) {
                            return c->current(x, v, g).norm_square();
                          })) /
                      flux_norm;
          (c == &ito ? errors : errors_hk).push_back(e);
        }
    }
  check_orders(errors, degree, "state-dependent D, Ito");
  check_orders(errors_hk, degree, "state-dependent D, Haenggi-Klimontovich");
  EXPECT_LT(errors.back().density, degree == 1 ? 5e-3 : 2e-4);
  EXPECT_LT(errors.back().current, degree == 1 ? 0.1 : 5e-3);
}

INSTANTIATE_TEST_SUITE_P(Degrees, StateDependentNoise, ::testing::Values(1U, 2U));

// §3.4 in 1D, reflecting, with D(x) = 1 + x^2/2 and u = 1 − x at T = 0.5 on
// [-3, 3]. Zero flux J = u p − T (D p)' = 0 gives (D p)'/(D p) = u/(T D), so
//   π ∝ exp(∫ u/(T D) dx) / D = exp(∫ a/(T D) dx),   a = u − T D',
// here ∫ u/(T D) = 2√2 atan(x/√2) − 2 log(1 + x^2/2), i.e.
//   π ∝ exp(2√2 atan(x/√2)) (1 + x^2/2)^(−3).
// (DESIGN.md §3.4 writes exp(∫ a/(T D))/D, which divides by D once more;
// the test also checks that this form is NOT what the solver computes.)
namespace
{
  double
  unnormalized_1d(const double x)
  {
    return std::exp(2. * std::sqrt(2.) * std::atan(x / std::sqrt(2.))) *
           std::pow(1. + x * x / 2., -3.);
  }

  std::string
  case_1d(const unsigned int degree, const unsigned int refinements)
  {
    return "set dim = 1\n"
           "subsection Geometry\n"
           "  set Lower corner = -3\n  set Upper corner = 3\n"
           "  set Subdivisions = 6\n"
           "  set Global refinements = " +
           std::to_string(refinements) +
           "\nend\n"
           "subsection Model\n  set Name = parsed\n  set Temperature = 0.5\n"
           "  subsection Parsed\n    set Drift = 1 - x\n"
           "    set Diffusion = 1 + x^2/2\n  end\nend\n"
           "subsection Discretization\n  set Degree = " +
           std::to_string(degree) + "\nend\n";
  }
} // namespace

class OneDimensional : public ::testing::TestWithParam<unsigned int>
{
};

TEST_P(OneDimensional, ZeroFluxDensity)
{
  const unsigned int  degree = GetParam();
  std::vector<Errors> errors;
  double              design_formula_distance = 0.;
  for (unsigned int r = 2; r < 5; ++r)
    {
      TestCase<1>     test(case_1d(degree, r));
      LA::MPI::Vector pi;
      EXPECT_LT(test.solve_stationary(pi).relative_residual, 1e-9);
      const auto integral = [&](const std::function<double(const Point<1> &)> &f) {
        return test.integrate(
            pi, [&](const Point<1> &x, double, const Tensor<1, 1> &) { return f(x); }, 6);
      };
      const double Z = integral([](const Point<1> &x) { return unnormalized_1d(x[0]); });
      const auto   exact = [&](const Point<1> &x) { return unnormalized_1d(x[0]) / Z; };
      const double norm =
          std::sqrt(integral([&](const Point<1> &x) { return std::pow(exact(x), 2); }));
      // T D π' = (u − T D') π − J with J = 0: the scale of the current's parts.
      const double flux_norm = std::sqrt(integral([&](const Point<1> &x) {
        return std::pow((1. - x[0] - 0.5 * x[0]) * exact(x), 2);
      }));
      Errors       e;
      e.density = test.l2_error(pi, exact) / norm;
      e.current = std::sqrt(test.integrate(
                      pi,
                      [&](const Point<1> &x, double v, const Tensor<1, 1> &g) {
                        return test.current(x, v, g).norm_square();
                      })) /
                  flux_norm;
      errors.push_back(e);

      // DESIGN.md's form exp(∫a/(TD))/D = π/D, normalised.
      const auto design = [](const Point<1> &x) {
        return unnormalized_1d(x[0]) / (1. + x[0] * x[0] / 2.);
      };
      const double Z_design   = integral(design);
      design_formula_distance = test.l2_error(pi, [&](const Point<1> &x) {
        return design(x) / Z_design;
      }) / norm;
    }
  check_orders(errors, degree, "1D state-dependent D");
  root_log() << "    distance to DESIGN.md's exp(int a/(TD))/D: "
             << design_formula_distance << "\n";
  EXPECT_LT(errors.back().density, degree == 1 ? 1e-3 : 1e-5);
  EXPECT_GT(design_formula_distance, 0.1);
}

INSTANTIATE_TEST_SUITE_P(Degrees, OneDimensional, ::testing::Values(1U, 2U));

// The tabulated model (Model/Name = tabulated, DESIGN.md §8): u, D and L on a
// grid in an HDF5 file, interpolated multilinearly. Checked against the
// analytic cases of DESIGN.md §3.1 and §3.3 written to a file and read back,
// with the observed order of the interpolation, and against bad files.

#include <deal.II/base/mpi.h>

#include <fokker_planck/base/hdf5_arrays.h>
#include <fokker_planck/base/input_error.h>
#include <fokker_planck/model/tabulated.h>

#include <gtest/gtest.h>

#include "test_case.h"

#include <cmath>
#include <functional>

using namespace dealii;
using namespace FokkerPlanck;
using namespace FokkerPlanck::Testing;

namespace
{
  ::testing::AssertionResult
  contains(const std::string &text, const std::string &part)
  {
    if (text.find(part) != std::string::npos)
      return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure()
           << "'" << text << "' does not contain '" << part << "'";
  }

  /** A file name of this test and this number of ranks (ctest runs both at once). */
  std::string
  file_name(const std::string &what)
  {
    return "tabulated_" + what + "_np" +
           std::to_string(Utilities::MPI::n_mpi_processes(MPI_COMM_WORLD)) + ".h5";
  }

  /** Write @p data on rank 0; every rank returns once the file is there. */
  template <int dim>
  std::string
  write(const TabulatedData<dim> &data, const std::string &what)
  {
    const std::string name = file_name(what);
    if (Utilities::MPI::this_mpi_process(MPI_COMM_WORLD) == 0)
      data.write(name);
    MPI_Barrier(MPI_COMM_WORLD);
    return name;
  }

  /** u(x), D(x) and L(x) of a model in 2D, sampled on a grid. */
  struct Fields2d
  {
    std::function<Tensor<1, 2>(const Point<2> &)>          drift;
    std::function<SymmetricTensor<2, 2>(const Point<2> &)> diffusion;
    std::function<double(const Point<2> &)>                loss;
  };

  TabulatedData<2>
  sample(const Fields2d            &fields,
         const std::vector<double> &x,
         const std::vector<double> &y)
  {
    TabulatedData<2> data;
    data.coordinates = {{x, y}};
    for (const double xi : x)
      for (const double yj : y)
        {
          const Point<2> p(xi, yj);
          const auto     u = fields.drift(p);
          const auto     D = fields.diffusion(p);
          for (unsigned int i = 0; i < 2; ++i)
            {
              data.drift.push_back(u[i]);
              for (unsigned int j = 0; j < 2; ++j)
                data.diffusion.push_back(D[i][j]);
            }
          if (fields.loss)
            data.loss.push_back(fields.loss(p));
        }
    return data;
  }

  std::vector<double>
  uniform(const double a, const double b, const unsigned int n)
  {
    std::vector<double> x(n);
    for (unsigned int k = 0; k < n; ++k)
      x[k] = a + (b - a) * k / (n - 1.);
    return x;
  }

  /** Points clustered at 0: x_k = a sinh(1.5 s_k)/sinh(1.5), s_k uniform in [−1, 1]. */
  std::vector<double>
  stretched(const double a, const unsigned int n)
  {
    std::vector<double> x = uniform(-1., 1., n);
    for (double &s : x)
      s = a * std::sinh(1.5 * s) / std::sinh(1.5);
    return x;
  }

  std::string
  tabulated_section(const std::string &file, const std::string &noise = "sgd")
  {
    return "subsection Model\n  set Name = tabulated\n"
           "  subsection Tabulated\n    set File = " +
           file + "\n    set Noise = " + noise + "\n  end\nend\n";
  }

  // DESIGN.md §3.1: H = [[1, 0.8], [−0.3, 2]], D = [[1, 0.3], [0.3, 0.5]].
  const Tensor<2, 2>          ou_H({{1., 0.8}, {-0.3, 2.}});
  const SymmetricTensor<2, 2> ou_D({1., 0.5, 0.3});

  Fields2d
  ornstein_uhlenbeck()
  {
    return {[](const Point<2> &x) { return Tensor<1, 2>(-(ou_H * x)); },
            [](const Point<2> &) { return ou_D; },
            {}};
  }

  /** ‖a − b‖_∞ / ‖b‖_∞ of two densities on the same mesh. */
  double
  relative_difference(const LA::MPI::Vector &a, const LA::MPI::Vector &b)
  {
    LA::MPI::Vector difference(a);
    difference -= b;
    return difference.linfty_norm() / b.linfty_norm();
  }
} // namespace

// The OU case on a non-uniform grid: multilinear interpolation reproduces the
// affine drift and the constant D exactly, so the tabulated model gives the
// built-in model's discrete density to solver precision, and with it the
// analytic Gaussian N(0, Σ) at the finite-element order 2 (Q1).
TEST(TabulatedModel, OrnsteinUhlenbeckFromFileGivesTheAnalyticDensity)
{
  const std::string file =
      write(sample(ornstein_uhlenbeck(), stretched(6., 21), stretched(6., 17)),
            "ornstein_uhlenbeck");
  // Σ of DESIGN.md §3.1 (T = 0.7).
  const Tensor<2, 2> sigma(
      {{0.583333333333333, 0.145833333333333}, {0.145833333333333, 0.196875}});
  const Tensor<2, 2> precision = invert(sigma);
  const auto         exact     = [&](const Point<2> &x) {
    return std::exp(-0.5 * (x * (precision * x))) /
           (2. * M_PI * std::sqrt(determinant(sigma)));
  };
  std::vector<double> errors;
  for (unsigned int r = 2; r <= 4; ++r)
    {
      TestCase<2> built_in(design_ornstein_uhlenbeck_2d(1, r));
      TestCase<2> tabulated(design_ornstein_uhlenbeck_2d(1, r) + tabulated_section(file));
      LA::MPI::Vector pi, pi_built_in;
      EXPECT_LT(tabulated.solve_stationary(pi).relative_residual, 1e-9);
      built_in.solve_stationary(pi_built_in);
      EXPECT_LT(relative_difference(pi, pi_built_in), 1e-8) << "refinements " << r;
      errors.push_back(tabulated.l2_error(pi, exact));
    }
  root_log() << "  tabulated OU, Q1: L2 errors " << errors[0] << ", " << errors[1] << ", "
             << errors[2] << "; orders " << observed_order(errors[0], errors[1]) << ", "
             << observed_order(errors[1], errors[2]) << "\n";
  EXPECT_GT(observed_order(errors[1], errors[2]), 1.8);
  EXPECT_LT(observed_order(errors[1], errors[2]), 2.3);
}

// The Langevin twin of a tabulated model is the same drift with D = I: on the
// OU case it is the built-in OU model with D = I.
TEST(TabulatedModel, LangevinTwinIsTheBuiltInModelWithIdentityNoise)
{
  const std::string file = write(
      sample(ornstein_uhlenbeck(), uniform(-6., 6., 13), uniform(-6., 6., 13)), "twin");
  TestCase<2>     twin(design_ornstein_uhlenbeck_2d(1, 3) +
                   tabulated_section(file, "langevin"));
  TestCase<2>     built_in(ornstein_uhlenbeck_2d("1, 0.8, -0.3, 2", "1, 0, 0, 1", 1, 3));
  LA::MPI::Vector pi, pi_built_in;
  twin.solve_stationary(pi);
  built_in.solve_stationary(pi_built_in);
  EXPECT_LT(relative_difference(pi, pi_built_in), 1e-8);
  const Point<2> x(0.37, -1.2);
  EXPECT_NEAR((twin.model->diffusion(x) - unit_symmetric_tensor<2>()).norm(), 0., 1e-14);
  EXPECT_NEAR(twin.model->diffusion_divergence(x).norm(), 0., 1e-14);
}

// DESIGN.md §3.3 tabulated: D(x) anisotropic and state dependent, Itô drift
// u = −D∇L + T∇·D. The solver sees the interpolated u and D and the gradient
// of the interpolated D, so π → exp(−L/T)/Z and J → 0 as the grid is refined,
// at the observed order of the interpolation (2), on a finite-element mesh
// fine enough (Q2) that its own error is well below the grid's.
TEST(TabulatedModel, StateDependentNoiseConvergesAtTheOrderOfTheGrid)
{
  const double T        = 0.5;
  const auto   gradient = [](const Point<2> &p) {
    return Tensor<1, 2>({p[0] + p[1] / 4., p[1] + p[0] / 4.});
  };
  const auto loss = [](const Point<2> &p) {
    return 0.5 * (p[0] * p[0] + p[1] * p[1]) + p[0] * p[1] / 4.;
  };
  const auto diffusion = [](const Point<2> &p) {
    SymmetricTensor<2, 2> D;
    D[0][0] = 1. + 0.5 * std::pow(std::sin(p[0]), 2);
    D[0][1] = 0.1 * std::sin(p[0] + p[1]);
    D[1][1] = 1. + 0.3 * p[1] * p[1] / (1. + p[1] * p[1]);
    return D;
  };
  const auto divergence = [](const Point<2> &p) {
    const double c = 0.1 * std::cos(p[0] + p[1]);
    return Tensor<1, 2>(
        {0.5 * std::sin(2. * p[0]) + c, c + 0.6 * p[1] / std::pow(1. + p[1] * p[1], 2)});
  };
  const Fields2d      fields{[&](const Point<2> &p) {
                          return Tensor<1, 2>(-(diffusion(p) * gradient(p)) +
                                              T * divergence(p));
                        },
                        diffusion,
                        loss};
  const std::string   mesh = "set dim = 2\n"
                             "subsection Geometry\n"
                             "  set Lower corner = -3, -3\n  set Upper corner = 3, 3\n"
                             "  set Subdivisions = 6, 6\n  set Global refinements = 3\n"
                             "end\n"
                             "subsection Model\n  set Temperature = 0.5\nend\n"
                             "subsection Discretization\n  set Degree = 2\nend\n";
  std::vector<double> density_errors, current_errors;
  for (const unsigned int n : {13U, 25U, 49U})
    {
      const std::string file =
          write(sample(fields, uniform(-3., 3., n), uniform(-3., 3., n)),
                "state_dependent_" + std::to_string(n));
      TestCase<2>     test(mesh + tabulated_section(file));
      LA::MPI::Vector pi;
      EXPECT_LT(test.solve_stationary(pi).relative_residual, 1e-9);
      const double Z = test.integrate(
          pi,
          [&](const Point<2> &x, double, const Tensor<1, 2> &) {
            return std::exp(-loss(x) / T);
          },
          6);
      const auto   exact = [&](const Point<2> &x) { return std::exp(-loss(x) / T) / Z; };
      const double norm  = std::sqrt(
          test.integrate(pi, [&](const Point<2> &x, double, const Tensor<1, 2> &) {
            return std::pow(exact(x), 2);
          }));
      // ‖π D∇L‖: the size of each of the two parts of J that cancel.
      const double flux_norm = std::sqrt(
          test.integrate(pi, [&](const Point<2> &x, double, const Tensor<1, 2> &) {
            return (exact(x) * (diffusion(x) * gradient(x))).norm_square();
          }));
      density_errors.push_back(test.l2_error(pi, exact) / norm);
      current_errors.push_back(
          std::sqrt(
              test.integrate(pi,
                             [&](const Point<2> &x, double v, const Tensor<1, 2> &g) {
                               return test.current(x, v, g).norm_square();
                             })) /
          flux_norm);
    }
  root_log()
      << "  tabulated state-dependent D, grid h = 0.5, 0.25, 0.125: density errors";
  for (const double e : density_errors)
    root_log() << " " << e;
  root_log() << ", |J|/|pi D grad L|";
  for (const double e : current_errors)
    root_log() << " " << e;
  root_log() << "; density orders "
             << observed_order(density_errors[0], density_errors[1]) << ", "
             << observed_order(density_errors[1], density_errors[2]) << "\n";
  for (unsigned int i = 1; i < 3; ++i)
    {
      EXPECT_GT(observed_order(density_errors[i - 1], density_errors[i]), 1.7) << i;
      EXPECT_LT(observed_order(density_errors[i - 1], density_errors[i]), 2.5) << i;
      EXPECT_LT(current_errors[i], current_errors[i - 1]) << i;
    }
}

// Reading in 1D (component axes may be left out) and 3D: affine u and D are
// interpolated exactly, and ∇·D is the gradient of the interpolant.
TEST(TabulatedModel, AffineDataIsReproducedInOneAndThreeDimensions)
{
  TabulatedData<1> line;
  line.coordinates[0] = {-1., -0.2, 0.5, 2.};
  for (const double x : line.coordinates[0])
    {
      line.drift.push_back(1. - 2. * x);
      line.diffusion.push_back(1.5 + 0.25 * x);
    }
  const TabulatedModel<1> model_1d(TabulatedData<1>::read(write(line, "line"), "test"),
                                   SgdNoiseParameters());
  EXPECT_NEAR(model_1d.drift(Point<1>(0.3))[0], 0.4, 1e-14);
  EXPECT_NEAR(model_1d.diffusion(Point<1>(0.3))[0][0], 1.575, 1e-14);
  EXPECT_NEAR(model_1d.diffusion_divergence(Point<1>(0.3))[0], 0.25, 1e-13);
  EXPECT_FALSE(model_1d.has_loss());

  TabulatedData<3> box;
  box.coordinates[0] = {0., 1.};
  box.coordinates[1] = {0., 0.5, 1.};
  box.coordinates[2] = {-1., 1.};
  for (const double x : box.coordinates[0])
    for (const double y : box.coordinates[1])
      for (const double z : box.coordinates[2])
        {
          const double D[3][3] = {
              {2. + x, 0.1 * y, 0.}, {0.1 * y, 2. + z, 0.2 * y}, {0., 0.2 * y, 3.}};
          for (unsigned int i = 0; i < 3; ++i)
            {
              box.drift.push_back(i == 0 ? x : i == 1 ? y : -z);
              for (unsigned int j = 0; j < 3; ++j)
                box.diffusion.push_back(D[i][j]);
            }
          box.loss.push_back(x + 2. * y + 3. * z);
        }
  const TabulatedModel<3> model_3d(TabulatedData<3>::read(write(box, "box"), "test"),
                                   SgdNoiseParameters());
  const Point<3>          p(0.25, 0.6, 0.1);
  EXPECT_NEAR(model_3d.drift(p)[2], -0.1, 1e-14);
  EXPECT_NEAR(model_3d.diffusion(p)[1][2], 0.12, 1e-14);
  EXPECT_NEAR(model_3d.loss(p), 0.25 + 1.2 + 0.3, 1e-14);
  // (∇·D)_i = Σ_j ∂_j D_ij = (∂x(2 + x) + ∂y(0.1y), ∂z(0.2y), ∂y(0.2y))
  //         = (1.1, 0, 0.2).
  const Tensor<1, 3> divergence = model_3d.diffusion_divergence(p);
  EXPECT_NEAR(divergence[0], 1.1, 1e-13);
  EXPECT_NEAR(divergence[1], 0., 1e-13);
  EXPECT_NEAR(divergence[2], 0.2, 1e-13);
  // The reference point of the trace-matched twin is the minimum of L.
  EXPECT_NEAR((model_3d.reference_point() - Point<3>(0., 0., -1.)).norm(), 0., 1e-14);
}

namespace
{
  /** The message of the InputError that reading @p data (or @p file) gives. */
  std::string
  error_of(const std::string &file)
  {
    try
      {
        TabulatedParameters parameters;
        parameters.file = file;
        TabulatedModel<2> model(parameters, 1.);
      }
    catch (const InputError &e)
      {
        EXPECT_EQ(e.entry(), "Model/Tabulated/File");
        return e.what();
      }
    return "no error";
  }

  TabulatedData<2>
  small_grid()
  {
    return sample(ornstein_uhlenbeck(), uniform(-1., 1., 4), uniform(-1., 1., 3));
  }
} // namespace

// Every kind of bad file gets one message that names the file, the dataset
// and, where it applies, the grid point.
TEST(TabulatedModel, BadFilesGetClearMessages)
{
  EXPECT_TRUE(contains(error_of("no_such_file.h5"), "does not exist"));

  auto nan             = small_grid();
  nan.drift[2 * 5 + 1] = std::nan("");
  EXPECT_TRUE(contains(error_of(write(nan, "nan")),
                       "dataset 'drift' holds nan at grid point (1, 2)"));

  auto asymmetric = small_grid();
  asymmetric.diffusion[4 * 7 + 1] += 0.1;
  EXPECT_TRUE(contains(error_of(write(asymmetric, "asymmetric")),
                       "dataset 'diffusion' is not symmetric at grid point (2, 1)"));

  auto indefinite                 = small_grid();
  indefinite.diffusion[4 * 3 + 3] = -0.2;
  EXPECT_TRUE(contains(error_of(write(indefinite, "indefinite")),
                       "'diffusion' is not positive definite at grid point (1, 0)"));

  auto unordered = small_grid();
  std::swap(unordered.coordinates[1][0], unordered.coordinates[1][1]);
  EXPECT_TRUE(contains(error_of(write(unordered, "unordered")),
                       "dataset 'y': the coordinates must be finite and strictly"));

  // A drift with three components per point, and a file without diffusion.
  const std::string wrong_shape = file_name("wrong_shape"),
                    missing     = file_name("missing");
  if (Utilities::MPI::this_mpi_process(MPI_COMM_WORLD) == 0)
    {
      const auto data = small_grid();
      write_hdf5_arrays(wrong_shape,
                        {{"x", {{4}, data.coordinates[0]}},
                         {"y", {{3}, data.coordinates[1]}},
                         {"drift", {{4, 3, 3}, std::vector<double>(36, 0.)}},
                         {"diffusion", {{4, 3, 2, 2}, data.diffusion}}});
      write_hdf5_arrays(missing,
                        {{"x", {{4}, data.coordinates[0]}},
                         {"y", {{3}, data.coordinates[1]}},
                         {"drift", {{4, 3, 2}, data.drift}}});
    }
  MPI_Barrier(MPI_COMM_WORLD);
  EXPECT_TRUE(contains(error_of(wrong_shape),
                       "dataset 'drift' has shape (4, 3, 3), expected (4, 3, 2)"));
  EXPECT_TRUE(
      contains(error_of(missing), "dataset 'diffusion': there is no such dataset"));

  // A mesh that reaches outside the grid.
  const std::string file = write(small_grid(), "small");
  try
    {
      TestCase<2> test(design_ornstein_uhlenbeck_2d(1, 0) + tabulated_section(file));
      ADD_FAILURE() << "a mesh on [-6, 6]^2 was accepted on a grid over [-1, 1]^2";
    }
  catch (const InputError &e)
    {
      EXPECT_TRUE(contains(std::string(e.what()),
                           "the mesh reaches x in [-6, 6], but the grid of"));
    }
}

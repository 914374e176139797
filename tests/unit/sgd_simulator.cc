// The minibatch SGD simulator against exact results for the algorithm
// itself (not for the SDE):
// - 1D linear regression with Gaussian inputs: the stationary variance of
//   SGD is exactly E e² = ησ²/(2B − ηh(B + 2)) (doc/sgd_models.md), while
//   the SDE predicts ησ²/(2(B − ηh)); at η = 0.4 the two differ by far more
//   than the Monte Carlo error, at η = 0.05 both agree with SGD;
// - the cell histogram against counts of samples on a lattice;
// - deep linear network with full weight matrices, aligned initialisation
//   and small η: the median time at which each mode is learned matches the
//   gradient flow of the per-mode reduction.

#include <gtest/gtest.h>

#include <fokker_planck/app/sgd_run.h>
#include <fokker_planck/sampling/box_histogram.h>

#include "test_case.h"

#include <nlohmann/json.hpp>

using namespace dealii;
using namespace FokkerPlanck;
using namespace FokkerPlanck::Testing;

namespace
{
  /** Run --sgd on @p text into a folder that depends on the rank count. */
  nlohmann::json
  run(const std::string &text, const unsigned int dim, const std::string &name)
  {
    const std::string directory =
        "sgd_simulator_" + name + "_" +
        std::to_string(Utilities::MPI::n_mpi_processes(MPI_COMM_WORLD));
    const ParsedCase parsed(text + "subsection Output\n  set Directory = " + directory +
                            "\n  set Write fields = false\nend\n");
    const RunContext context{"test", nullptr, false};
    return dim == 1 ? run_sgd<1>(parsed.parameters, context)
                    : run_sgd<2>(parsed.parameters, context);
  }
} // namespace

TEST(SgdSimulator, LinearRegressionStationaryVarianceIsExact)
{
  const double h = 1., sigma2 = 1.;
  for (const double eta : {0.05, 0.4})
    {
      const unsigned int B = 1;
      const auto         summary =
          run("set dim = 1\nsubsection Geometry\n  set Lower corner = -6\n  set Upper "
              "corner = 6\n"
              "  set Subdivisions = 12\nend\n"
              "subsection Model\n  set Name = linear-regression\n"
              "  set Temperature source = sgd\n  set Learning rate = " +
                  std::to_string(eta) +
                  "\n  subsection Linear regression\n    set Teacher = 0.5\n  end\nend\n"
                  "subsection Time stepping\n  subsection Initial condition\n    set "
                  "Mean = 0.5\n"
                  "    set Covariance = 0\n  end\nend\n"
                  "subsection SGD simulation\n  set Number of runs = 2000\n  set End "
                  "time = 100\n"
                  "  set Averaging start time = 10\nend\n",
              1,
              "lr" + std::to_string(eta));
      const double var = summary["time_averaged"]["covariance"][0][0];
      const double se  = summary["time_averaged"]["covariance_standard_error"][0][0];
      const double sgd = eta * sigma2 / (2. * B - eta * h * (B + 2.));
      const double sde = eta * sigma2 / (2. * (B - eta * h));
      root_log() << "linear regression SGD, eta = " << eta << ": variance " << var
                 << " +- " << se << ", exact SGD " << sgd << ", SDE (Fokker-Planck) "
                 << sde << "\n";
      EXPECT_NEAR(var, sgd, 4.5 * se);
      if (eta > 0.1)
        EXPECT_GT(std::abs(var - sde), 10. * se);
      else
        EXPECT_NEAR(var, sde, 4.5 * se + 0.05 * sde);
    }
}

TEST(SgdSimulator, DeepLinearLearningTimesFollowGradientFlow)
{
  // Two modes s = (3, 1), depth 2, widths 2-3-2, u(0) = ε² = 0.01, small
  // η = 0.002 and a large batch: SGD ≈ gradient flow of the reduction
  // du/dt = −2u(u − s), whose solution is logistic: u reaches s/2 at
  // t = ln((s − u0)/u0)/(2s).
  const auto summary = run(
      "set dim = 2\nsubsection Geometry\n  set Lower corner = -1, -1\n"
      "  set Upper corner = 4, 2\n  set Subdivisions = 5, 3\nend\n"
      "subsection Model\n  set Name = deep-linear\n  set Temperature source = sgd\n"
      "  set Learning rate = 0.002\n  set Batch size = 32\n"
      "  subsection Deep linear\n    set Depth = 2\n    set Singular values = 3, 1\n"
      "    set Label noise variance = 0.1\n    set Widths = 2, 3, 2\n"
      "    set Initialisation = aligned\n    set Initialisation scale = 0.1\n  end\nend\n"
      "subsection SGD simulation\n  set Number of runs = 40\n  set End time = 4\n"
      "  set Number of outputs = 4\nend\n",
      2,
      "dln");
  for (unsigned int a = 0; a < 2; ++a)
    {
      const double s     = a == 0 ? 3. : 1.;
      const double u0    = 0.01;
      const double t_gf  = std::log((s - u0) / u0) / (2. * s);
      const double t_sgd = summary["modes"][a]["median_time_learned"];
      root_log() << "deep linear SGD, mode " << a << ": median time learned " << t_sgd
                 << ", gradient flow " << t_gf << "\n";
      EXPECT_NEAR(t_sgd, t_gf, 0.05 * t_gf);
      EXPECT_EQ(summary["modes"][a]["fraction_learned_at_end"], 1.);
    }
}

TEST(SgdSimulator, CellHistogramIsADensityOnTheMesh)
{
  // Samples on a regular lattice of a 2D box mesh (3×2 coarse cells, 2
  // refinements: 12×8 cells) plus some outside: every cell that holds k of
  // the N samples gets k/(N·|cell|), the field integrates to the fraction
  // inside, and the counts add up over the ranks.
  TestCase<2> test(
      "set dim = 2\nsubsection Geometry\n  set Lower corner = -1, 0\n"
      "  set Upper corner = 2, 1\n  set Subdivisions = 3, 2\n"
      "  set Global refinements = 2\nend\n"
      "subsection Model\n  subsection Parsed\n    set Loss = x^2 + y^2\n  end\nend\n");
  Sampling::BoxHistogram<2> histogram(test.parameters.geometry);
  const unsigned int        rank    = Utilities::MPI::this_mpi_process(MPI_COMM_WORLD);
  const unsigned int        n_ranks = Utilities::MPI::n_mpi_processes(MPI_COMM_WORLD);
  unsigned int              k       = 0;
  for (unsigned int i = 0; i < 24; ++i)
    for (unsigned int j = 0; j < 16; ++j, ++k)
      if (k % n_ranks == rank) // each rank adds its share
        histogram.add(Point<2>(-1. + (i + 0.5) / 8., (j + 0.5) / 16.));
  for (unsigned int m = 0; m < 6; ++m)
    if (m % n_ranks == rank)
      histogram.add(Point<2>(2.5, 0.5)); // outside
  histogram.sum(MPI_COMM_WORLD);
  const double N = 24 * 16 + 6;
  EXPECT_EQ(histogram.n_samples(), N);
  EXPECT_NEAR(histogram.outside_fraction(), 6. / N, 1e-15);
  const auto field    = histogram.density(*test.triangulation);
  double     integral = 0.;
  for (const auto &cell : test.triangulation->active_cell_iterators())
    if (cell->is_locally_owned())
      {
        // 2×2 lattice points per cell of size 0.25 × 0.125.
        EXPECT_NEAR(field[cell->active_cell_index()], 4. / (N * 0.03125), 1e-6);
        integral += field[cell->active_cell_index()] * cell->measure();
      }
  EXPECT_NEAR(Utilities::MPI::sum(integral, MPI_COMM_WORLD), 1. - 6. / N, 1e-6);
}

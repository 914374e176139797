// 'fokker-planck --estimate' end to end (app/estimate_run.h,
// doc/estimation.md): trajectories of the OU case of DESIGN.md §3.1 from the
// Monte Carlo stepper (100 runs × 10⁴ steps of Δt = 0.01, recorded at every
// step) are written as CSV, estimated on the vertices of the case's mesh,
// and the estimated model is solved:
// - the FE stationary density of the estimated model agrees with the
//   trajectories' own histogram (TV inside its 99% sampling band);
// - it is within ½ ∫|p_h − π| < 0.02 of the exact Gaussian density π
//   (measured 0.013), and its covariance within 0.015 of the exact one;
// - the same data in HDF5 give the same estimate;
// - bad entries get clear messages and leave no results behind;
// - the Monte Carlo records trajectories in order, with their sampling
//   times, and the estimate from them finds the drift.

#include <deal.II/base/quadrature_lib.h>
#include <deal.II/fe/fe_values.h>

#include <fokker_planck/app/estimate_run.h>
#include <fokker_planck/base/hdf5_arrays.h>
#include <fokker_planck/base/input_error.h>
#include <fokker_planck/sampling/kramers_moyal.h>

#include <gtest/gtest.h>

#include "monte_carlo_case.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>

using namespace dealii;
using namespace FokkerPlanck;
using namespace FokkerPlanck::Testing;

namespace
{
  /** A folder of this rank count (the tests run on 1 and 2 ranks). */
  std::string
  folder(const std::string &name)
  {
    return "estimate_run_" + name + "_" +
           std::to_string(Utilities::MPI::n_mpi_processes(MPI_COMM_WORLD));
  }

  /** The trajectories of the §3.1 case, written by rank 0 to @p file. */
  void
  write_trajectories(const std::string &file, const bool hdf5)
  {
    // The case (a collective mesh) on every rank, the simulation on rank 0.
    const TestCase<2> c(design_ornstein_uhlenbeck_2d(1, 0) +
                        "subsection Monte Carlo\n  set Time step = 0.01\nend\n");
    if (Utilities::MPI::this_mpi_process(MPI_COMM_WORLD) == 0)
      {
        const auto trajectories = simulate_trajectories(c, 100, 10000, 500);
        if (!hdf5)
          trajectories.write_csv(file);
        else
          {
            std::vector<Hdf5Array> columns(4);
            for (std::size_t r = 0; r < trajectories.n_runs(); ++r)
              for (std::size_t k = trajectories.run_begin[r];
                   k < trajectories.run_begin[r + 1];
                   ++k)
                {
                  columns[0].values.push_back(trajectories.runs[r]);
                  columns[1].values.push_back(trajectories.time[k]);
                  columns[2].values.push_back(trajectories.points[k][0]);
                  columns[3].values.push_back(trajectories.points[k][1]);
                }
            for (auto &column : columns)
              column.shape = {column.values.size()};
            write_hdf5_arrays(file,
                              {{"run", columns[0]},
                               {"t", columns[1]},
                               {"x", columns[2]},
                               {"y", columns[3]}});
          }
      }
    MPI_Barrier(MPI_COMM_WORLD);
  }

  /** The estimation case: the §3.1 mesh (Q2, 32 × 32 cells) and @p file. */
  std::string
  estimation_case(const std::string &file, const std::string &directory)
  {
    return design_ornstein_uhlenbeck_2d(2, 3) +
           "subsection Linear solver\n  set Type = direct\nend\n"
           "subsection Estimation\n  set Trajectory file = " +
           std::filesystem::absolute(file).string() +
           "\n  set Minimum samples = 400\nend\n"
           "subsection Output\n  set Directory = " +
           directory + "\nend\n";
  }

  nlohmann::json
  run(const std::string &text)
  {
    const ParsedCase parsed(text);
    return run_estimate<2>(parsed.parameters, RunContext{"test", nullptr, false});
  }

  /**
   * ½ ∫ |p_h − π| over the mesh of @p c, π the density N(0, Σ) of the §3.1
   * case normalised on the mesh's box.
   */
  double
  distance_to_exact(const TestCase<2> &c, const LA::MPI::Vector &p)
  {
    const auto   Sigma    = invert(design_sigma());
    const double scale    = 1. / (2. * M_PI * std::sqrt(determinant(design_sigma())));
    const auto   gaussian = [&](const Point<2> &x) {
      return scale * std::exp(-0.5 * (x * (Sigma * x)));
    };
    LA::MPI::Vector ghosted;
    c.discretization->initialize_ghosted_vector(ghosted);
    ghosted                         = p;
    const auto         &dof_handler = c.discretization->get_dof_handler();
    const QGauss<2>     quadrature(5);
    FEValues<2>         fe_values(dof_handler.get_fe(),
                          quadrature,
                          update_values | update_quadrature_points | update_JxW_values);
    std::vector<double> values(quadrature.size());
    // Pass 0: the Gaussian mass on the box; pass 1: the distance.
    double mass = 0., distance = 0.;
    for (const unsigned int pass : {0u, 1u})
      {
        for (const auto &cell : dof_handler.active_cell_iterators())
          if (cell->is_locally_owned())
            {
              fe_values.reinit(cell);
              fe_values.get_function_values(ghosted, values);
              for (unsigned int k = 0; k < quadrature.size(); ++k)
                {
                  const double pi = gaussian(fe_values.quadrature_point(k));
                  if (pass == 0)
                    mass += pi * fe_values.JxW(k);
                  else
                    distance += std::abs(values[k] - pi / mass) * fe_values.JxW(k);
                }
            }
        if (pass == 0)
          mass = Utilities::MPI::sum(mass, MPI_COMM_WORLD);
      }
    return 0.5 * Utilities::MPI::sum(distance, MPI_COMM_WORLD);
  }
} // namespace

TEST(EstimateRun, OrnsteinUhlenbeckModelFromTrajectories)
{
  const std::string directory = folder("ou");
  const std::string file      = directory + "_trajectories.csv";
  write_trajectories(file, false);
  const auto summary    = run(estimation_case(file, directory));
  const auto estimation = summary["estimation"];
  const auto row        = summary["comparison"]["comparisons"][0];
  root_log() << "  " << estimation["n_resolved"] << " of " << estimation["n_vertices"]
             << " vertices resolved, closure " << estimation["closure"].dump()
             << ", bandwidth " << estimation["bandwidth"].dump() << "\n  TV "
             << row["total_variation"] << " (99% band " << row["tv_band_99"]
             << "), outside fraction " << estimation["outside_fraction"] << "\n";
  EXPECT_EQ(estimation["n_pairs"], 100 * 9999);
  EXPECT_LE(row["total_variation"].get<double>(), row["tv_band_99"].get<double>());

  // The estimated model solved again through its own parameter file.
  for (const std::string name : {"estimated_model.h5",
                                 "estimated_model.prm",
                                 "estimation.txt",
                                 "estimation.pvd",
                                 "trajectory_comparison.txt",
                                 "summary.json"})
    EXPECT_TRUE(std::filesystem::exists(directory + "/" + name)) << name;
  std::ifstream     in(directory + "/estimated_model.prm");
  std::string       text((std::istreambuf_iterator<char>(in)),
                   std::istreambuf_iterator<char>());
  const std::string entry = "set File = estimated_model.h5";
  text.replace(text.find(entry),
               entry.size(),
               "set File = " +
                   std::filesystem::absolute(directory + "/estimated_model.h5").string());
  const TestCase<2> estimated(text +
                              "subsection Linear solver\n  set Type = direct\nend\n");
  LA::MPI::Vector   p;
  estimated.solve_stationary(p);
  const double distance = distance_to_exact(estimated, p);
  const auto   moments  = estimated.moments(p);
  root_log() << "  L1/2 distance of the estimated model's FE density to the exact one "
             << distance << ", covariance " << moments.covariance << " (exact "
             << design_sigma() << ")\n";
  // Measured: 0.013, covariance within 0.005.
  EXPECT_LT(distance, 0.02);
  for (unsigned int i = 0; i < 2; ++i)
    for (unsigned int j = i; j < 2; ++j)
      EXPECT_NEAR(moments.covariance[i][j], design_sigma()[i][j], 0.015);

  // The same samples in HDF5 give the same estimate.
  const std::string h5 = directory + "_trajectories.h5";
  write_trajectories(h5, true);
  const auto again = run(estimation_case(h5, directory + "_h5"));
  EXPECT_EQ(again["estimation"]["n_resolved"], estimation["n_resolved"]);
  EXPECT_DOUBLE_EQ(again["comparison"]["comparisons"][0]["total_variation"].get<double>(),
                   row["total_variation"].get<double>());
}

TEST(EstimateRun, BadEntriesAreRefusedBeforeAnyOutput)
{
  const std::string directory = folder("bad");
  const auto        refused   = [&](const std::string &text, const std::string &entry) {
    try
      {
        run(text);
      }
    catch (const InputError &e)
      {
        EXPECT_EQ(e.entry(), entry) << e.what();
        EXPECT_FALSE(std::filesystem::exists(directory)) << e.what();
        return;
      }
    ADD_FAILURE() << "no InputError for " << entry;
  };
  const std::string base = design_ornstein_uhlenbeck_2d(1, 0) +
                           "subsection Output\n  set Directory = " + directory +
                           "\nend\n";
  refused(base, "Estimation/Trajectory file");
  refused(base +
              "subsection Estimation\n  set Trajectory file = /no/such/file.csv\nend\n",
          "Estimation/Trajectory file");
  EXPECT_THROW(
      ParsedCase(base + "subsection Estimation\n  set Bandwidth = 1, 2, 3\nend\n"),
      InputError);
  EXPECT_THROW(ParsedCase(base + "subsection Estimation\n  set Bandwidth = wide\nend\n"),
               InputError);
  // Too few samples for any box of resolved vertices.
  const std::string file = directory + "_few.csv";
  if (Utilities::MPI::this_mpi_process(MPI_COMM_WORLD) == 0)
    std::ofstream(file) << "run,t,x,y\n0,0,0,0\n0,1,0.1,0\n0,2,0,0.1\n";
  MPI_Barrier(MPI_COMM_WORLD);
  refused(base + "subsection Estimation\n  set Trajectory file = " +
              std::filesystem::absolute(file).string() + "\nend\n",
          "Estimation/Minimum samples");
}

TEST(EstimateRun, MonteCarloRecordsTrajectoriesForTheEstimate)
{
  // 600 of 800 trajectories of the §3.1 case (on 2 ranks, 400 of them on
  // each), recorded every 5 steps of 0.01 for 40 time units: the runs are in
  // trajectory order with the sampling times, and the estimate from them
  // (first-order correction, since they are 5 steps apart) finds the drift
  // −Hx at x = (1, 0) and (0, 0.5).
  MonteCarloCase<2> c(design_ornstein_uhlenbeck_2d(1, 2) +
                      monte_carlo_section("  set Number of trajectories = 800\n"
                                          "  set Recorded trajectories = 600\n"
                                          "  set Time step = 0.01\n"
                                          "  set Burn-in time = 3\n"
                                          "  set Sampling time = 40\n"
                                          "  set Sampling interval = 5\n"));
  const auto        observation = c.ensemble()->run_stationary();
  const auto       &recorded    = observation.recorded;
  ASSERT_EQ(recorded.n_runs(), 600u);
  EXPECT_EQ(recorded.runs[17], 17);
  EXPECT_EQ(recorded.runs[599], 599);
  EXPECT_EQ(recorded.points.size(), 600u * 801u);
  EXPECT_NEAR(recorded.time[1] - recorded.time[0], 0.05, 1e-12);
  EXPECT_NEAR(recorded.time[0], 3., 1e-12);

  Sampling::KramersMoyalSettings<2> settings;
  settings.correct_time_step         = true;
  const std::vector<Point<2>> points = {Point<2>(1., 0.), Point<2>(0., 0.5)};
  const auto estimate = Sampling::estimate_kramers_moyal(recorded, points, settings);
  const Tensor<2, 2> H({{1., 0.8}, {-0.3, 2.}});
  for (unsigned int q = 0; q < points.size(); ++q)
    {
      ASSERT_TRUE(estimate.resolved[q]);
      const Tensor<1, 2> b = -(H * points[q]);
      root_log() << "  recorded trajectories: drift at " << points[q] << " = "
                 << estimate.drift[q] << " +- " << estimate.drift_error[q] << " (exact "
                 << b << ")\n";
      for (unsigned int i = 0; i < 2; ++i)
        EXPECT_NEAR(estimate.drift[q][i], b[i], 3. * estimate.drift_error[q][i]);
    }
}

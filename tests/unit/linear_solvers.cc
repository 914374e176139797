// The preconditioners of 'Linear solver': for 'Type = two-level' the
// geometric prolongation (in 1D, 2D and 3D) and the stationary solve it
// preconditions, with its fall-back to 'amg'; for 'amg' the replacement of
// an ILU smoother that breaks down.

#include <deal.II/base/symmetric_tensor.h>
#include <deal.II/dofs/dof_tools.h>
#include <deal.II/lac/dynamic_sparsity_pattern.h>

#include <fokker_planck/base/input_error.h>
#include <fokker_planck/solvers/linear_solver.h>
#include <fokker_planck/solvers/two_level.h>

#include <gtest/gtest.h>

#include <map>
#include <utility>
#include <vector>

#ifndef FP_USE_PETSC
#  include <Epetra_CrsMatrix.h>
#  include <Epetra_Map.h>
#  include <Epetra_Vector.h>
#endif

#include "test_case.h"

using namespace dealii;
using namespace FokkerPlanck;
using namespace FokkerPlanck::Testing;

namespace
{
  /** A reflecting box [−1, 2]^dim with 3 coarse cells per direction. */
  template <int dim>
  std::string
  box_case(const unsigned int refinements, const unsigned int degree = 1)
  {
    std::string corners_low = "-1", corners_high = "2", subdivisions = "3";
    for (int d = 1; d < dim; ++d)
      {
        corners_low += ", -1";
        corners_high += ", 2";
        subdivisions += ", 3";
      }
    std::string drift = "-x";
    if (dim > 1)
      drift += "; -y";
    if (dim > 2)
      drift += "; -z";
    return "set dim = " + std::to_string(dim) +
           "\nsubsection Geometry\n  set Lower corner = " + corners_low +
           "\n  set Upper corner = " + corners_high +
           "\n  set Subdivisions = " + subdivisions +
           "\n  set Global refinements = " + std::to_string(refinements) +
           "\nend\nsubsection Model\n  subsection Parsed\n    set Drift = " + drift +
           "\n  end\nend\nsubsection Discretization\n  set Degree = " +
           std::to_string(degree) + "\nend\n";
  }

  /** A function that Q1 interpolation reproduces exactly. */
  template <int dim>
  double
  multilinear(const Point<dim> &x)
  {
    double value = 1.;
    for (int d = 0; d < dim; ++d)
      value *= 1. + (0.5 + d) * x[d];
    return value + 0.25 * x[0];
  }

  std::string
  with_solver(const std::string &text, const std::string &type)
  {
    return text + "subsection Linear solver\n  set Type = " + type + "\nend\n";
  }
} // namespace

#ifndef FP_USE_PETSC
/** Vertices of the box mesh with 3·2^r cells per direction. */
template <int dim>
int
box_vertices(const unsigned int r)
{
  int n = 1;
  for (int d = 0; d < dim; ++d)
    n *= (3 << r) + 1;
  return n;
}

template <int dim>
void
check_prolongation(const unsigned int refinements, const unsigned int generation = 0)
{
  TestCase<dim> test(box_case<dim>(refinements));
  const auto   &discretization = *test.discretization;
  const auto    P              = make_coarse_prolongation(discretization, generation);
  // On one rank every generation of the hierarchy exists. On more ranks a
  // family of cells above the parents can be split between ranks (the 3^dim
  // coarse cells of this box are), and that generation is then refused.
  if (!P)
    {
      EXPECT_GT(generation, 0U);
      EXPECT_GT(Utilities::MPI::n_mpi_processes(MPI_COMM_WORLD), 1U);
      root_log() << "  " << dim << "D, " << refinements << " refinements, generation "
                 << generation
                 << ": not available (a coarse family is split between ranks)\n";
      return;
    }

  // One unknown per vertex of the meshes 'generation' and 'generation' + 1
  // refinements coarser.
  EXPECT_EQ(P->DomainMap().NumGlobalElements(),
            box_vertices<dim>(refinements - generation - 1));
  EXPECT_EQ(P->RangeMap().NumGlobalElements(),
            box_vertices<dim>(refinements - generation));
  if (generation == 0)
    {
      EXPECT_EQ(P->RangeMap().NumGlobalElements(),
                int(discretization.get_dof_handler().n_dofs()));
    }

  // Coarse values of a multilinear function, interpolated to the fine mesh,
  // are the fine values of the same function.
  std::map<types::global_dof_index, Point<dim>> points;
  DoFTools::map_dofs_to_support_points(
      discretization.get_mapping(), discretization.get_dof_handler(), points);
  Epetra_Vector coarse(P->DomainMap()), fine(P->RangeMap());
  for (int i = 0; i < P->DomainMap().NumMyElements(); ++i)
    coarse[i] = multilinear<dim>(points.at(P->DomainMap().GID(i)));
  ASSERT_EQ(P->Multiply(false, coarse, fine), 0);
  double error = 0.;
  for (int i = 0; i < P->RangeMap().NumMyElements(); ++i)
    error = std::max(
        error, std::abs(fine[i] - multilinear<dim>(points.at(P->RangeMap().GID(i)))));
  error = Utilities::MPI::max(error, MPI_COMM_WORLD);
  root_log() << "  " << dim << "D, " << refinements << " refinements, generation "
             << generation << ": max |P f_H - f_h| = " << error << "\n";
  EXPECT_LT(error, 1e-12);
}

namespace
{
  // The cases of the typed tests below, per dimension (index dim − 1): the
  // refinements checked at generation 0, and the (refinements, generation)
  // pairs of the coarser generations.
  const std::vector<unsigned int> finest_cases[3] = {{2}, {1, 3}, {2}};
  const std::vector<std::pair<unsigned int, unsigned int>> coarser_cases[3] = {
      {{3, 2}}, {{3, 1}, {3, 2}}, {{2, 1}}};
} // namespace

template <typename Dimension>
class TwoLevelProlongation : public ::testing::Test
{
};

TYPED_TEST_SUITE(TwoLevelProlongation, Dimensions, DimensionName);

TYPED_TEST(TwoLevelProlongation, InterpolatesMultilinearFunctions)
{
  constexpr int dim = TypeParam::value;
  for (const unsigned int refinements : finest_cases[dim - 1])
    check_prolongation<dim>(refinements);
}

TYPED_TEST(TwoLevelProlongation, CoarserGenerationsInterpolate)
{
  constexpr int dim = TypeParam::value;
  for (const auto &[refinements, generation] : coarser_cases[dim - 1])
    check_prolongation<dim>(refinements, generation);
}

TEST(TwoLevel, HierarchyEndsAtTheCoarsestUnknowns)
{
  // 3 refinements: generations 0, 1, 2 exist and 3 does not.
  TestCase<2> test(box_case<2>(3));
  EXPECT_FALSE(make_coarse_prolongation(*test.discretization, 3));
  // The hierarchy goes on while the next mesh keeps at least the given
  // number of unknowns: generation 0 leads to the 12² mesh (169 unknowns),
  // generation 1 to the 6² mesh (49), generation 2 to the 3² mesh (16).
  // On more ranks the hierarchy may end earlier (see check_prolongation).
  const bool serial = Utilities::MPI::n_mpi_processes(MPI_COMM_WORLD) == 1;
  const auto levels = make_coarse_prolongations(*test.discretization, 1).size();
  EXPECT_TRUE(serial ? levels == 3U : (levels >= 1U && levels <= 3U)) << levels;
  EXPECT_EQ(make_coarse_prolongations(*test.discretization, 169 / 4).size(),
            std::min<std::size_t>(levels, 2U));
  EXPECT_EQ(make_coarse_prolongations(*test.discretization, 1000000).size(), 1U);
}

TEST(TwoLevel, StationaryDensityMatchesTheExactCovariance)
{
  // DESIGN.md §3.1 on [−6, 6]², 4 × 4 coarse cells: 128² and 256² cells,
  // with one geometric coarsening (the default at these sizes) and, at 256²
  // cells, with two (down to the 64² mesh, 4 225 unknowns).
  const SymmetricTensor<2, 2> sigma = design_sigma();
  for (const auto &[refinements, coarsest] :
       std::vector<std::pair<unsigned int, std::string>>{
           {5U, "50000"}, {6U, "50000"}, {6U, "4000"}})
    {
      TestCase<2> test(
          with_solver(design_ornstein_uhlenbeck_2d(1, refinements),
                      "two-level\n  set Geometric coarsest unknowns = " + coarsest));
      // The geometric levels the solve uses: one coarsening, except at 256²
      // cells with 4000, where the 129² mesh (16 641 unknowns) keeps at
      // least 2² · 4000 and the hierarchy goes on to the 65² mesh. The 4 × 4
      // coarse box keeps those families on one rank at 1 and 2 ranks.
      const std::size_t levels =
          make_coarse_prolongations(*test.discretization, std::stoul(coarsest)).size();
      EXPECT_EQ(levels, coarsest == "4000" ? 2U : 1U);
      LA::MPI::Vector pi;
      const auto      info          = test.solve_stationary(pi);
      const auto [mean, covariance] = test.moments(pi);
      const double covariance_error = (covariance - sigma).norm();

      // The same system solved with 'amg'.
      TestCase<2> reference(
          with_solver(design_ornstein_uhlenbeck_2d(1, refinements), "amg"));
      LA::MPI::Vector pi_amg;
      const auto      info_amg = reference.solve_stationary(pi_amg);
      LA::MPI::Vector difference(pi);
      difference -= pi_amg;
      const double relative_difference = difference.l2_norm() / pi_amg.l2_norm();

      root_log() << "  " << (4U << refinements)
                 << "^2 cells, coarsest geometric level >= " << coarsest
                 << " unknowns: " << levels << " geometric level(s), " << info.iterations
                 << " GMRES iterations, |Sigma_h - Sigma| = " << covariance_error
                 << ", |pi - pi_amg| / |pi_amg| = " << relative_difference
                 << ", relative residual " << info.relative_residual
                 << " ('amg': " << info_amg.relative_residual << ")\n";
      // 'two-level' converged without falling back to 'amg' (which would
      // add at least 100 iterations), independently of the mesh size. Both
      // solvers stop at the GMRES tolerance 1e-12 of the bordered system;
      // the residual of π and the difference between the two solutions
      // reflect its conditioning (measured up to 5e-9 and 1.5e-7).
      EXPECT_LE(info.iterations, 25U);
      EXPECT_LT(info.relative_residual, 1e-8);
      EXPECT_NEAR(test.discretization->mass(pi), 1., 1e-12);
      EXPECT_LT(mean.norm(), 1e-8);
      EXPECT_LT(covariance_error, 1e-6);
      EXPECT_LT(relative_difference, 1e-6);
    }
}

TEST(TwoLevel, FallsBackToAMGWhereTheCoarseCorrectionFails)
{
  // 32² cells on [−6, 6]²: the coarse mesh (16² cells) has mesh Péclet
  // numbers |u|h/(2λ_min(TD)) up to about 22, where the two-level cycle
  // stalls (it converges up to at least 5.6, at 128² cells). The solve
  // must still end with the right density, through 'amg'.
  TestCase<2>     test(with_solver(design_ornstein_uhlenbeck_2d(1, 3), "two-level"));
  LA::MPI::Vector pi;
  const auto      info          = test.solve_stationary(pi);
  const auto [mean, covariance] = test.moments(pi);
  root_log() << "  32^2 cells: " << info.iterations
             << " GMRES iterations in all, |Sigma_h - Sigma| = "
             << (covariance - design_sigma()).norm() << "\n";
  EXPECT_GE(info.iterations, 100U);
  EXPECT_LT(info.relative_residual, 1e-9);
  EXPECT_NEAR(test.discretization->mass(pi), 1., 1e-12);
  EXPECT_LT((covariance - design_sigma()).norm(), 1e-3);
}
#endif

TEST(TwoLevel, UnsupportedCasesNameTheEntry)
{
  const auto expect_rejected = [](const std::string &text, const std::string &phrase) {
    try
      {
        TestCase<2>     test(with_solver(text, "two-level"));
        LA::MPI::Vector pi;
        test.solve_stationary(pi);
        ADD_FAILURE() << "accepted: " << phrase;
      }
    catch (const InputError &error)
      {
        EXPECT_EQ(error.entry(), "Linear solver/Type");
        EXPECT_NE(std::string(error.what()).find(phrase), std::string::npos)
            << error.what();
      }
  };
  expect_rejected(box_case<2>(2, 2), "degree 1");
  expect_rejected(box_case<2>(0), "refined at least once");
  expect_rejected(box_case<2>(2) + "subsection Boundary conditions\n"
                                   "  set Types = 0: periodic, 1: periodic\nend\n",
                  "no periodic");
}

// AMG with an ILU smoother that breaks down. A chain matrix (1D
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

TEST(AMG, ReplacesAnILUSmootherThatBreaksDown)
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
  root_log() << "  chain with an ILU(0) zero pivot: smoother replaced, |B 1| = " << norm
             << "\n";
  EXPECT_TRUE(std::isfinite(norm));
  EXPECT_GT(norm, 0.);
}
#endif

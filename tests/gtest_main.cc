// GoogleTest main that owns MPI (and PETSc/Trilinos) initialisation, so that
// every test can use parallel meshes and linear algebra. Only rank 0 prints.

#include <deal.II/base/mpi.h>

#include <gtest/gtest.h>

int
main(int argc, char **argv)
{
  dealii::Utilities::MPI::MPI_InitFinalize mpi(argc, argv, 1);
  ::testing::InitGoogleTest(&argc, argv);
  if (dealii::Utilities::MPI::this_mpi_process(MPI_COMM_WORLD) != 0)
    {
      auto &listeners = ::testing::UnitTest::GetInstance()->listeners();
      delete listeners.Release(listeners.default_result_printer());
    }
  const int local = RUN_ALL_TESTS();
  // A test that failed on any rank fails on all.
  return dealii::Utilities::MPI::max(local, MPI_COMM_WORLD);
}

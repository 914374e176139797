#include <deal.II/base/mpi.h>
#include <deal.II/dofs/dof_accessor.h>
#include <deal.II/grid/tria_accessor.h>
#include <deal.II/grid/tria_iterator.h>

#ifndef FP_USE_PETSC
#  include <deal.II/lac/trilinos_precondition.h>

#  include <Epetra_CrsMatrix.h>
#  include <Epetra_Import.h>
#  include <Epetra_Map.h>
#  include <Epetra_Vector.h>
#  include <EpetraExt_MatrixMatrix.h>
#  include <Teuchos_ParameterList.hpp>
#endif

#include <fokker_planck/base/input_error.h>
#include <fokker_planck/solvers/two_level.h>

#include <algorithm>
#include <stdexcept>
#include <vector>

namespace FokkerPlanck
{
  using namespace dealii;

  void
  require_two_level_applies(const unsigned int degree,
                            const bool         refined,
                            const bool         unconstrained)
  {
    require(degree == 1,
            "Linear solver/Type",
            "'two-level' needs elements of degree 1 ('Discretization/Degree = 1'); "
            "use 'amg' for degree " + std::to_string(degree));
    require(refined,
            "Linear solver/Type",
            "'two-level' needs a mesh refined at least once "
            "('Geometry/Global refinements' >= 1)");
    require(unconstrained,
            "Linear solver/Type",
            "'two-level' needs a mesh without constrained unknowns: reflecting "
            "boundaries only (no periodic or absorbing boundary) and no hanging "
            "nodes; use 'amg'");
  }

  template <int dim>
  std::shared_ptr<const Epetra_CrsMatrix>
  make_coarse_prolongation(const Discretization<dim> &discretization)
  {
#ifdef FP_USE_PETSC
    (void)discretization;
    throw InputError("Linear solver/Type",
                     "'two-level' needs the Trilinos build of the program "
                     "(FP_LINEAR_ALGEBRA=Trilinos, the default); use 'amg'");
#else
    const MPI_Comm   communicator = discretization.communicator();
    const auto      &dof_handler  = discretization.get_dof_handler();
    const IndexSet  &owned        = discretization.locally_owned_dofs();
    const auto      &fe           = discretization.get_fe();
    bool refined = true;
    for (const auto &cell : dof_handler.active_cell_iterators())
      if (cell->is_locally_owned() && cell->level() == 0)
        refined = false;
    require_two_level_applies(
      fe.degree,
      Utilities::MPI::min(refined ? 1 : 0, communicator) == 1,
      Utilities::MPI::sum(discretization.get_constraints().n_constraints(), communicator) == 0);

    using GlobalIndex          = int;
    const Epetra_Map row_map   = owned.make_trilinos_map(communicator, false);
    const unsigned int n_local = owned.n_elements();
    std::vector<char>  has_row(n_local, 0);
    std::vector<char>  is_coarse(n_local, 0);
    constexpr unsigned int n_vertices = GeometryInfo<dim>::vertices_per_cell;
    auto prolongation = std::make_shared<Epetra_CrsMatrix>(Copy, row_map, int(n_vertices));

    std::vector<types::global_dof_index> fine(n_vertices), coarse(n_vertices);
    GlobalIndex columns[n_vertices];
    double      weights[n_vertices];
    for (const auto &cell : dof_handler.active_cell_iterators())
      if (cell->is_locally_owned())
        {
          const auto         parent = cell->parent();
          const unsigned int child  = parent->child_iterator_to_index(cell);
          // Child v of a parent shares the parent's vertex v, so the fine
          // DoF on that vertex names the coarse DoF. p4est keeps the
          // children of one parent on one rank, so each sibling is known.
          for (unsigned int v = 0; v < n_vertices; ++v)
            {
              const auto sibling = parent->child(v);
              if (sibling->is_artificial())
                throw std::logic_error("two-level prolongation: a sibling cell "
                                       "is not available on this rank");
              coarse[v] = sibling->vertex_dof_index(v, 0);
              if (owned.is_element(coarse[v]))
                is_coarse[owned.index_within_set(coarse[v])] = 1;
            }
          cell->get_dof_indices(fine);
          const FullMatrix<double> &weight =
            fe.get_prolongation_matrix(child, RefinementCase<dim>::isotropic_refinement);
          for (unsigned int i = 0; i < n_vertices; ++i)
            if (owned.is_element(fine[i]))
              {
                const auto row = owned.index_within_set(fine[i]);
                if (has_row[row])
                  continue;
                has_row[row] = 1;
                int n        = 0;
                for (unsigned int j = 0; j < n_vertices; ++j)
                  if (weight(i, j) != 0.)
                    {
                      columns[n] = GlobalIndex(coarse[j]);
                      weights[n] = weight(i, j);
                      ++n;
                    }
                const GlobalIndex global_row = GlobalIndex(fine[i]);
                prolongation->InsertGlobalValues(global_row, n, weights, columns);
              }
        }
    if (std::find(has_row.begin(), has_row.end(), 0) != has_row.end())
      throw std::logic_error("two-level prolongation: an owned DoF lies on no "
                             "owned cell");

    std::vector<GlobalIndex> coarse_owned;
    for (unsigned int i = 0; i < n_local; ++i)
      if (is_coarse[i])
        coarse_owned.push_back(GlobalIndex(owned.nth_index_in_set(i)));
    const Epetra_Map domain_map(-1,
                                int(coarse_owned.size()),
                                coarse_owned.data(),
                                0,
                                row_map.Comm());
    prolongation->FillComplete(domain_map, row_map);
    return prolongation;
#endif
  }

#ifndef FP_USE_PETSC
  struct TwoLevelPreconditioner::Data
  {
    const Epetra_CrsMatrix                 *fine = nullptr;
    std::shared_ptr<const Epetra_CrsMatrix> prolongation;
    std::unique_ptr<Epetra_CrsMatrix>       coarse;
    TrilinosWrappers::PreconditionAMG       amg;
    /** Local CSR arrays of the fine matrix. */
    int    *row_start = nullptr;
    int    *column    = nullptr;
    double *value     = nullptr;
    /** 1/a_ii (0 where a_ii = 0) and the column-map index of each row. */
    std::vector<double> inverse_diagonal;
    std::vector<int>    column_of_row;
    /** Work space: x on the column map, fine residual, coarse vectors. */
    mutable std::unique_ptr<Epetra_Vector> x_columns, residual, correction, coarse_b,
      coarse_x;

    /** One forward Gauss–Seidel sweep on the local rows. */
    void
    sweep(Epetra_Vector &x, const Epetra_Vector &b, const bool zero_start) const
    {
      double *const xc = x_columns->Values();
      const int     n  = fine->NumMyRows();
      if (zero_start)
        x_columns->PutScalar(0.);
      else if (fine->Importer() != nullptr)
        x_columns->Import(x, *fine->Importer(), Insert);
      else
        for (int i = 0; i < n; ++i)
          xc[column_of_row[i]] = x[i];
      for (int i = 0; i < n; ++i)
        {
          double sum = b[i];
          for (int q = row_start[i]; q < row_start[i + 1]; ++q)
            sum -= value[q] * xc[column[q]];
          xc[column_of_row[i]] += sum * inverse_diagonal[i];
        }
      for (int i = 0; i < n; ++i)
        x[i] = xc[column_of_row[i]];
    }
  };

  TwoLevelPreconditioner::TwoLevelPreconditioner()
    : data(std::make_unique<Data>())
  {}

  TwoLevelPreconditioner::~TwoLevelPreconditioner() = default;

  void
  TwoLevelPreconditioner::initialize(const LA::MPI::SparseMatrix            &matrix,
                                     std::shared_ptr<const Epetra_CrsMatrix> prolongation,
                                     const Teuchos::ParameterList           &ml_parameters)
  {
    Data &d        = *data;
    d.fine         = &matrix.trilinos_matrix();
    d.prolongation = std::move(prolongation);
    const Epetra_CrsMatrix &A = *d.fine;
    const Epetra_CrsMatrix &P = *d.prolongation;

    Epetra_CrsMatrix AP(Copy, A.RowMap(), 0);
    EpetraExt::MatrixMatrix::Multiply(A, false, P, false, AP, true);
    d.coarse = std::make_unique<Epetra_CrsMatrix>(Copy, P.DomainMap(), 0);
    EpetraExt::MatrixMatrix::Multiply(P, true, AP, false, *d.coarse, true);
    d.amg.initialize(*d.coarse, ml_parameters);

    if (A.ExtractCrsDataPointers(d.row_start, d.column, d.value) != 0)
      throw std::logic_error("two-level: the fine matrix has no packed CSR storage");
    const int n = A.NumMyRows();
    d.inverse_diagonal.assign(n, 0.);
    d.column_of_row.resize(n);
    for (int i = 0; i < n; ++i)
      {
        d.column_of_row[i] = A.ColMap().LID(A.RowMap().GID(i));
        for (int q = d.row_start[i]; q < d.row_start[i + 1]; ++q)
          if (d.column[q] == d.column_of_row[i] && d.value[q] != 0.)
            d.inverse_diagonal[i] = 1. / d.value[q];
      }
    d.x_columns  = std::make_unique<Epetra_Vector>(A.ColMap());
    d.residual   = std::make_unique<Epetra_Vector>(A.RangeMap());
    d.correction = std::make_unique<Epetra_Vector>(A.RangeMap());
    d.coarse_b   = std::make_unique<Epetra_Vector>(P.DomainMap());
    d.coarse_x   = std::make_unique<Epetra_Vector>(P.DomainMap());
  }

  void
  TwoLevelPreconditioner::vmult(LA::MPI::Vector &x_vector, const LA::MPI::Vector &b_vector) const
  {
    const Data          &d = *data;
    Epetra_Vector        x(View, x_vector.trilinos_vector(), 0);
    const Epetra_Vector  b(View, b_vector.trilinos_vector(), 0);
    d.sweep(x, b, true);
    d.fine->Multiply(false, x, *d.residual);
    d.residual->Update(1., b, -1.);
    d.prolongation->Multiply(true, *d.residual, *d.coarse_b);
    d.amg.trilinos_operator().ApplyInverse(*d.coarse_b, *d.coarse_x);
    d.prolongation->Multiply(false, *d.coarse_x, *d.correction);
    x.Update(1., *d.correction, 1.);
    d.sweep(x, b, false);
  }
#endif

  template std::shared_ptr<const Epetra_CrsMatrix>
  make_coarse_prolongation<1>(const Discretization<1> &);
  template std::shared_ptr<const Epetra_CrsMatrix>
  make_coarse_prolongation<2>(const Discretization<2> &);
  template std::shared_ptr<const Epetra_CrsMatrix>
  make_coarse_prolongation<3>(const Discretization<3> &);
} // namespace FokkerPlanck

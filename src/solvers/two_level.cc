#include <deal.II/base/mpi.h>
#include <deal.II/dofs/dof_accessor.h>
#include <deal.II/grid/tria_accessor.h>
#include <deal.II/grid/tria_iterator.h>

#ifndef FP_USE_PETSC
#  include <deal.II/lac/trilinos_precondition.h>

#  include <EpetraExt_MatrixMatrix.h>
#  include <Epetra_CrsMatrix.h>
#  include <Epetra_Import.h>
#  include <Epetra_Map.h>
#  include <Epetra_MpiComm.h>
#  include <Epetra_Vector.h>
#  include <Teuchos_ParameterList.hpp>
#endif

#include <fokker_planck/base/input_error.h>
#include <fokker_planck/base/instantiate.h>
#include <fokker_planck/solvers/two_level.h>

#include <algorithm>
#include <limits>
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
            "use 'amg' for degree " +
                std::to_string(degree));
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

#ifndef FP_USE_PETSC
  namespace
  {
    using GlobalIndex = int;

    /**
     * The rows of one prolongation on this rank: row i (an owned fine DoF)
     * has weights on at most 2^dim coarse nodes, and the flags say which
     * owned DoFs are rows and which are coarse nodes.
     */
    template <int dim>
    struct ProlongationRows
    {
      static constexpr unsigned int n_vertices = GeometryInfo<dim>::vertices_per_cell;
      struct Row
      {
        GlobalIndex row;
        int         n;
        GlobalIndex columns[n_vertices];
        double      weights[n_vertices];
      };
      std::vector<Row>  rows;
      std::vector<char> is_row, is_coarse;
    };

    /** The fine DoF on vertex v of a cell of any level (invalid off this rank). */
    template <class Cell>
    types::global_dof_index
    corner_dof(Cell cell, const unsigned int v)
    {
      while (cell->has_children())
        cell = cell->child(v);
      return cell->is_artificial() ? numbers::invalid_dof_index
                                   : cell->vertex_dof_index(v, 0);
    }

    /**
     * Visit each cell of the level @p generation refinements above the
     * active cells once and record the rows of its vertices. Returns false
     * if a coarse node or a fine DoF of such a cell is not on this rank.
     */
    template <int dim>
    bool
    collect_rows(const Discretization<dim> &discretization,
                 const unsigned int         generation,
                 ProlongationRows<dim>     &p)
    {
      constexpr unsigned int n_vertices  = ProlongationRows<dim>::n_vertices;
      const auto            &dof_handler = discretization.get_dof_handler();
      const IndexSet        &owned       = discretization.locally_owned_dofs();
      const auto            &fe          = discretization.get_fe();
      p.is_row.assign(owned.n_elements(), 0);
      p.is_coarse.assign(owned.n_elements(), 0);
      p.rows.reserve(owned.n_elements());
      std::vector<std::vector<char>> visited(dof_handler.get_triangulation().n_levels());
      std::vector<types::global_dof_index> fine(n_vertices), coarse(n_vertices);
      for (const auto &active : dof_handler.active_cell_iterators())
        if (active->is_locally_owned())
          {
            typename DoFHandler<dim>::cell_iterator cell = active;
            for (unsigned int g = 0; g < generation; ++g)
              cell = cell->parent();
            auto &seen = visited[cell->level()];
            if (seen.empty())
              seen.assign(dof_handler.get_triangulation().n_raw_cells(cell->level()), 0);
            if (seen[cell->index()])
              continue;
            seen[cell->index()] = 1;

            const auto         parent = cell->parent();
            const unsigned int child  = parent->child_iterator_to_index(cell);
            // Corner v of the child is corner v of the parent, so the fine
            // DoF there names the coarse node.
            for (unsigned int v = 0; v < n_vertices; ++v)
              {
                coarse[v] = corner_dof(parent, v);
                fine[v]   = corner_dof(cell, v);
                if (coarse[v] == numbers::invalid_dof_index ||
                    fine[v] == numbers::invalid_dof_index)
                  return false;
              }
            for (unsigned int v = 0; v < n_vertices; ++v)
              if (owned.is_element(coarse[v]))
                p.is_coarse[owned.index_within_set(coarse[v])] = 1;
            const FullMatrix<double> &weight = fe.get_prolongation_matrix(
                child, RefinementCase<dim>::isotropic_refinement);
            for (unsigned int i = 0; i < n_vertices; ++i)
              if (owned.is_element(fine[i]) && !p.is_row[owned.index_within_set(fine[i])])
                {
                  p.is_row[owned.index_within_set(fine[i])] = 1;
                  typename ProlongationRows<dim>::Row r;
                  r.row = GlobalIndex(fine[i]);
                  r.n   = 0;
                  for (unsigned int j = 0; j < n_vertices; ++j)
                    if (weight(i, j) != 0.)
                      {
                        r.columns[r.n] = GlobalIndex(coarse[j]);
                        r.weights[r.n] = weight(i, j);
                        ++r.n;
                      }
                  p.rows.push_back(r);
                }
          }
      return true;
    }
  } // namespace
#endif

  template <int dim>
  std::shared_ptr<const Epetra_CrsMatrix>
  make_coarse_prolongation(const Discretization<dim> &discretization,
                           const unsigned int         generation)
  {
#ifdef FP_USE_PETSC
    (void)discretization;
    (void)generation;
    throw InputError("Linear solver/Type",
                     "'two-level' needs the Trilinos build of the program "
                     "(FP_LINEAR_ALGEBRA=Trilinos, the default); use 'amg'");
#else
    const MPI_Comm communicator = discretization.communicator();
    int            levels_above = std::numeric_limits<int>::max();
    for (const auto &cell : discretization.get_dof_handler().active_cell_iterators())
      if (cell->is_locally_owned())
        levels_above = std::min(levels_above, cell->level());
    levels_above = Utilities::MPI::min(levels_above, communicator);
    if (generation == 0)
      require_two_level_applies(
          discretization.get_fe().degree,
          levels_above >= 1,
          Utilities::MPI::sum(discretization.get_constraints().n_constraints(),
                              communicator) == 0);
    else if (levels_above < int(generation) + 1)
      return nullptr;

    ProlongationRows<dim> p;
    const bool            available = collect_rows(discretization, generation, p);
    // p4est keeps the children of one parent on one rank, so the first
    // coarsening always finds its nodes; further ones may not, where a
    // coarser family is split between ranks.
    if (Utilities::MPI::min(available ? 1 : 0, communicator) == 0)
      {
        if (generation == 0)
          throw std::logic_error("two-level prolongation: a sibling cell "
                                 "is not available on this rank");
        return nullptr;
      }
    if (generation == 0 &&
        std::find(p.is_row.begin(), p.is_row.end(), 0) != p.is_row.end())
      throw std::logic_error("two-level prolongation: an owned DoF lies on no "
                             "owned cell");

    const IndexSet &owned  = discretization.locally_owned_dofs();
    const auto      map_of = [&](const std::vector<char> &flags) {
      std::vector<GlobalIndex> indices;
      for (unsigned int i = 0; i < flags.size(); ++i)
        if (flags[i])
          indices.push_back(GlobalIndex(owned.nth_index_in_set(i)));
      return Epetra_Map(
          -1, int(indices.size()), indices.data(), 0, Epetra_MpiComm(communicator));
    };
    const Epetra_Map row_map    = map_of(p.is_row);
    const Epetra_Map domain_map = map_of(p.is_coarse);
    auto             prolongation =
        std::make_shared<Epetra_CrsMatrix>(Copy, row_map, int(p.n_vertices), true);
    for (auto &r : p.rows)
      prolongation->InsertGlobalValues(r.row, r.n, r.weights, r.columns);
    prolongation->FillComplete(domain_map, row_map);
    return prolongation;
#endif
  }

  template <int dim>
  CoarseProlongations
  make_coarse_prolongations(const Discretization<dim>    &discretization,
                            const types::global_dof_index smallest_geometric_level)
  {
    CoarseProlongations prolongations;
    for (unsigned int g = 0;; ++g)
      {
        auto P = make_coarse_prolongation(discretization, g);
        if (!P)
          break;
        prolongations.push_back(P);
        // The next geometric level is built only if it would still be at
        // least this large (a coarsening divides the Q1 unknowns by about
        // 2^dim); below, ML is cheap anyway.
        if (types::global_dof_index(P->DomainMap().NumGlobalElements()) <
            (types::global_dof_index(1) << dim) * smallest_geometric_level)
          break;
      }
    return prolongations;
  }

#ifndef FP_USE_PETSC
  namespace
  {
    /** One level of the cycle: its matrix, as packed CSR, and work space. */
    struct Level
    {
      const Epetra_CrsMatrix           *matrix = nullptr;
      std::unique_ptr<Epetra_CrsMatrix> owned_matrix;
      /** P from the next coarser level to this one. */
      std::shared_ptr<const Epetra_CrsMatrix> prolongation;
      int                                    *row_start = nullptr;
      int                                    *column    = nullptr;
      double                                 *value     = nullptr;
      /** 1/a_ii (0 where a_ii = 0) and the column-map index of each row. */
      std::vector<double> inverse_diagonal;
      std::vector<int>    column_of_row;
      /** x on the column map, residual, and x, b of the next coarser level. */
      mutable std::unique_ptr<Epetra_Vector> x_columns, residual, correction, coarse_b,
          coarse_x;

      void
      setup(const Epetra_CrsMatrix &A, std::shared_ptr<const Epetra_CrsMatrix> P)
      {
        matrix       = &A;
        prolongation = std::move(P);
        if (A.ExtractCrsDataPointers(row_start, column, value) != 0)
          throw std::logic_error("two-level: a level matrix has no packed CSR storage");
        const int n = A.NumMyRows();
        inverse_diagonal.assign(n, 0.);
        column_of_row.resize(n);
        for (int i = 0; i < n; ++i)
          {
            column_of_row[i] = A.ColMap().LID(A.RowMap().GID(i));
            for (int q = row_start[i]; q < row_start[i + 1]; ++q)
              if (column[q] == column_of_row[i] && value[q] != 0.)
                inverse_diagonal[i] = 1. / value[q];
          }
        x_columns  = std::make_unique<Epetra_Vector>(A.ColMap());
        residual   = std::make_unique<Epetra_Vector>(A.RangeMap());
        correction = std::make_unique<Epetra_Vector>(A.RangeMap());
        coarse_b   = std::make_unique<Epetra_Vector>(prolongation->DomainMap());
        coarse_x   = std::make_unique<Epetra_Vector>(prolongation->DomainMap());
      }

      /** One forward Gauss–Seidel sweep on the local rows. */
      void
      sweep(Epetra_Vector &x, const Epetra_Vector &b, const bool zero_start) const
      {
        double *const xc = x_columns->Values();
        const int     n  = matrix->NumMyRows();
        if (zero_start)
          x_columns->PutScalar(0.);
        else if (matrix->Importer() != nullptr)
          x_columns->Import(x, *matrix->Importer(), Insert);
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
  } // namespace

  struct TwoLevelPreconditioner::Data
  {
    /** Finest first; the coarsest operator is inverted by ML. */
    std::vector<Level>                levels;
    std::unique_ptr<Epetra_CrsMatrix> coarsest;
    TrilinosWrappers::PreconditionAMG amg;

    /** x = B_l⁻¹ b on level l (x is overwritten). */
    void
    cycle(const unsigned int l, Epetra_Vector &x, const Epetra_Vector &b) const
    {
      if (l == levels.size())
        {
          amg.trilinos_operator().ApplyInverse(b, x);
          return;
        }
      const Level &level = levels[l];
      level.sweep(x, b, true);
      level.matrix->Multiply(false, x, *level.residual);
      level.residual->Update(1., b, -1.);
      level.prolongation->Multiply(true, *level.residual, *level.coarse_b);
      cycle(l + 1, *level.coarse_x, *level.coarse_b);
      level.prolongation->Multiply(false, *level.coarse_x, *level.correction);
      x.Update(1., *level.correction, 1.);
      level.sweep(x, b, false);
    }
  };

  TwoLevelPreconditioner::TwoLevelPreconditioner()
      : data(std::make_unique<Data>())
  {
  }

  TwoLevelPreconditioner::~TwoLevelPreconditioner() = default;

  void
  TwoLevelPreconditioner::initialize(const LA::MPI::SparseMatrix  &matrix,
                                     const CoarseProlongations    &prolongations,
                                     const Teuchos::ParameterList &ml_parameters)
  {
    if (prolongations.empty())
      throw std::logic_error("two-level: no prolongation");
    Data &d = *data;
    d.levels.clear();
    d.levels.resize(prolongations.size());
    const Epetra_CrsMatrix *A = &matrix.trilinos_matrix();
    for (unsigned int l = 0; l < prolongations.size(); ++l)
      {
        const Epetra_CrsMatrix &P = *prolongations[l];
        Epetra_CrsMatrix        AP(Copy, A->RowMap(), 0);
        EpetraExt::MatrixMatrix::Multiply(*A, false, P, false, AP, true);
        auto coarse = std::make_unique<Epetra_CrsMatrix>(Copy, P.DomainMap(), 0);
        EpetraExt::MatrixMatrix::Multiply(P, true, AP, false, *coarse, true);
        coarse->OptimizeStorage();
        d.levels[l].setup(*A, prolongations[l]);
        A = coarse.get();
        if (l + 1 < prolongations.size())
          d.levels[l + 1].owned_matrix = std::move(coarse);
        else
          d.coarsest = std::move(coarse);
      }
    d.amg.initialize(*d.coarsest, ml_parameters);
  }

  void
  TwoLevelPreconditioner::vmult(LA::MPI::Vector       &x_vector,
                                const LA::MPI::Vector &b_vector) const
  {
    Epetra_Vector       x(View, x_vector.trilinos_vector(), 0);
    const Epetra_Vector b(View, b_vector.trilinos_vector(), 0);
    data->cycle(0, x, b);
  }
#endif

#define FP_INSTANTIATE(dim)                                                              \
  template std::shared_ptr<const Epetra_CrsMatrix> make_coarse_prolongation<dim>(        \
      const Discretization<dim> &, unsigned int);                                        \
  template CoarseProlongations make_coarse_prolongations<dim>(                           \
      const Discretization<dim> &, types::global_dof_index);
  FP_FOR_EACH_DIM(FP_INSTANTIATE)
#undef FP_INSTANTIATE
} // namespace FokkerPlanck

/**
 * @file
 * The computational domain Ω: a box or a Gmsh mesh, its global refinement,
 * and the boundary condition of each boundary id (DESIGN.md §1).
 */
#pragma once

#include <deal.II/base/mpi.h>
#include <deal.II/base/parameter_handler.h>
#include <deal.II/distributed/tria_base.h>
#include <deal.II/grid/grid_tools.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace FokkerPlanck
{
  /**
   * Boundary conditions of the Fokker–Planck equation. Reflecting means zero
   * normal probability flux n·J = 0, the natural condition of the weak form
   * (not n·∇p = 0); absorbing means p = 0; periodic identifies opposite faces
   * of a box.
   */
  enum class BoundaryType
  {
    reflecting,
    absorbing,
    periodic
  };

  /** Name used in parameter files for @p type. */
  std::string
  to_string(BoundaryType type);

  /**
   * Parameters of subsections "Geometry" and "Boundary conditions".
   */
  struct GeometryParameters
  {
    /** Where the coarse mesh comes from. */
    enum class MeshType
    {
      box,
      gmsh
    };

    MeshType mesh_type = MeshType::box;
    /** Corners of the box (one coordinate per dimension, units of x). */
    std::vector<double> lower_corner = {-1., -1.};
    std::vector<double> upper_corner = {1., 1.};
    /** Coarse cells of the box per direction. */
    std::vector<unsigned int> subdivisions = {1, 1};
    /** Absolute path of the Gmsh file (resolved against the parameter file). */
    std::string  mesh_file;
    unsigned int global_refinements = 4;
    /** Attach a spherical manifold to the boundary (for disk/ball meshes). */
    bool                sphere_boundary = false;
    std::vector<double> sphere_center   = {0., 0.};

    BoundaryType default_boundary = BoundaryType::reflecting;
    std::map<dealii::types::boundary_id, BoundaryType> boundary_types;

    /**
     * Declare the entries of subsections "Geometry" and "Boundary
     * conditions"; one-to-one entries are bound to the members above.
     */
    void
    declare_parameters(dealii::ParameterHandler &prm);

    /**
     * After the file is parsed: the boundary types, and relative mesh paths
     * taken relative to @p input_directory, the folder of the parameter file.
     */
    void
    parse_parameters(dealii::ParameterHandler &prm, const std::string &input_directory);

    /** Checks that involve several entries, for a run in @p dim dimensions. */
    void
    check(unsigned int dim) const;

    /** Boundary condition on boundary id @p id. */
    BoundaryType
    type_of(dealii::types::boundary_id id) const;

    /** True if any boundary is absorbing. */
    bool
    has_absorbing_boundary() const;
  };

  /**
   * The triangulation type used in @p dim dimensions: p4est-distributed for
   * dim = 2, 3 and a shared (replicated, partitioned) mesh in 1D, where p4est
   * does not exist. Both are parallel::TriangulationBase.
   */
  template <int dim>
  std::unique_ptr<dealii::parallel::TriangulationBase<dim>>
  make_triangulation(MPI_Comm communicator);

  /**
   * Build the coarse mesh, declare periodicity and refine globally. The
   * distributed mesh of a run and a serial copy of it (the Monte Carlo bins,
   * MonteCarlo::MeshCells) are built by this same function, so they have
   * the same cells.
   * Throws InputError for a missing or unreadable mesh file and for boundary
   * ids named in the parameter file that the mesh does not have.
   */
  template <int dim>
  void
  build_mesh(const GeometryParameters   &parameters,
             dealii::Triangulation<dim> &triangulation);

  /**
   * Diagonal of the bounding box of @p triangulation: the length scale the
   * models are created with (create_model()).
   */
  template <int dim>
  double
  length_scale(const dealii::Triangulation<dim> &triangulation);

  /** Directions (0..dim-1) in which the box is periodic. */
  std::vector<unsigned int>
  periodic_directions(const GeometryParameters &parameters, unsigned int dim);
} // namespace FokkerPlanck

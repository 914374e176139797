#include <deal.II/base/utilities.h>
#include <deal.II/distributed/shared_tria.h>
#include <deal.II/distributed/tria.h>
#include <deal.II/grid/grid_generator.h>
#include <deal.II/grid/grid_in.h>
#include <deal.II/grid/grid_tools.h>
#include <deal.II/grid/manifold_lib.h>

#include <fokker_planck/base/input_error.h>
#include <fokker_planck/base/instantiate.h>
#include <fokker_planck/base/parsing.h>
#include <fokker_planck/geometry/geometry.h>

#include <filesystem>
#include <fstream>
#include <set>

namespace FokkerPlanck
{
  using namespace dealii;

  namespace
  {
    /** The names of the boundary conditions in parameter files. */
    const Parsing::Names<BoundaryType> boundary_names = {
        {"reflecting", BoundaryType::reflecting},
        {"absorbing", BoundaryType::absorbing},
        {"periodic", BoundaryType::periodic}};
  } // namespace

  std::string
  to_string(const BoundaryType type)
  {
    return Parsing::name_of(boundary_names, type);
  }

  void
  GeometryParameters::declare_parameters(ParameterHandler &prm)
  {
    prm.enter_subsection("Geometry");
    {
      Parsing::add_selection(prm,
                             "Mesh type",
                             mesh_type,
                             {{"box", MeshType::box}, {"gmsh", MeshType::gmsh}},
                             "Where the coarse mesh comes from: 'box' is the "
                             "axis-aligned box [Lower corner, Upper corner] "
                             "(boundary ids 2k and 2k+1 on the lower and upper "
                             "face in direction k); 'gmsh' reads 'Mesh file'.");
      prm.add_parameter("Lower corner",
                        lower_corner,
                        "Lower corner of the box, one coordinate per "
                        "dimension (units of the state x).",
                        Patterns::List(Patterns::Double(), 1, 3));
      prm.add_parameter("Upper corner",
                        upper_corner,
                        "Upper corner of the box, one coordinate per "
                        "dimension; each must exceed the lower corner.",
                        Patterns::List(Patterns::Double(), 1, 3));
      prm.add_parameter("Subdivisions",
                        subdivisions,
                        "Number of coarse cells of the box per direction, "
                        "before global refinement.",
                        Patterns::List(Patterns::Integer(1, 1024), 1, 3));
      prm.add_parameter("Mesh file",
                        mesh_file,
                        "Gmsh file (.msh, format 2.2 or 4, quadrilateral or "
                        "hexahedral cells) for 'Mesh type = gmsh'. A relative "
                        "path is taken relative to the folder of the "
                        "parameter file. Boundary ids are the physical tags "
                        "of the boundary curves/surfaces.",
                        Patterns::Anything());
      prm.add_parameter("Global refinements",
                        global_refinements,
                        "Number of uniform refinements of the coarse mesh; "
                        "each halves the mesh size h.",
                        Patterns::Integer(0, 14));
      prm.add_parameter("Spherical boundary",
                        sphere_boundary,
                        "If true, the boundary is a circle/sphere around "
                        "'Sphere center' and refinement places new boundary "
                        "vertices on it (for disk or ball meshes).");
      prm.add_parameter("Sphere center",
                        sphere_center,
                        "Centre of the spherical boundary, one coordinate "
                        "per dimension.",
                        Patterns::List(Patterns::Double(), 1, 3));
    }
    prm.leave_subsection();

    prm.enter_subsection("Boundary conditions");
    {
      Parsing::add_selection(prm,
                             "Default type",
                             default_boundary,
                             {{"reflecting", BoundaryType::reflecting},
                              {"absorbing", BoundaryType::absorbing}},
                             "Condition on every boundary id not listed in "
                             "'Types'. reflecting: zero normal probability flux "
                             "n·J = 0 (the natural condition of the weak form); "
                             "absorbing: p = 0.");
      prm.declare_entry(
          "Types",
          "",
          Patterns::Map(Patterns::Integer(0, 255),
                        Patterns::Selection("reflecting|absorbing|periodic")),
          "Condition per boundary id, e.g. '0: absorbing, 1: reflecting'. "
          "'periodic' is allowed on boxes only and must be given to both "
          "faces 2k and 2k+1 of a direction k.");
    }
    prm.leave_subsection();
  }

  void
  GeometryParameters::parse_parameters(ParameterHandler  &prm,
                                       const std::string &input_directory)
  {
    if (!mesh_file.empty() && std::filesystem::path(mesh_file).is_relative())
      mesh_file = (std::filesystem::path(input_directory) / mesh_file)
                      .lexically_normal()
                      .string();

    prm.enter_subsection("Boundary conditions");
    boundary_types.clear();
    for (const auto &pair : Utilities::split_string_list(prm.get("Types"), ','))
      {
        const auto parts = Utilities::split_string_list(pair, ':');
        for (const auto &[name, type] : boundary_names)
          if (name == parts[1])
            boundary_types[Utilities::string_to_int(parts[0])] = type;
      }
    prm.leave_subsection();
  }

  void
  GeometryParameters::check(const unsigned int dim) const
  {
    const std::string d = std::to_string(dim);
    if (mesh_type == MeshType::box)
      {
        require(lower_corner.size() == dim,
                "Geometry/Lower corner",
                "needs exactly dim = " + d + " coordinates");
        require(upper_corner.size() == dim,
                "Geometry/Upper corner",
                "needs exactly dim = " + d + " coordinates");
        require(subdivisions.size() == dim,
                "Geometry/Subdivisions",
                "needs exactly dim = " + d + " integers");
        for (unsigned int k = 0; k < dim; ++k)
          require(upper_corner[k] > lower_corner[k],
                  "Geometry/Upper corner",
                  "coordinate " + std::to_string(k) +
                      " must be larger than that of 'Lower corner'");
      }
    else
      {
        require(
            dim > 1, "Geometry/Mesh type", "'gmsh' needs dim = 2 or 3; in 1D use 'box'");
        require(!mesh_file.empty(),
                "Geometry/Mesh file",
                "must name a Gmsh file when 'Mesh type = gmsh'");
        require(std::filesystem::is_regular_file(mesh_file),
                "Geometry/Mesh file",
                "the file '" + mesh_file + "' does not exist");
      }
    if (sphere_boundary)
      require(sphere_center.size() == dim,
              "Geometry/Sphere center",
              "needs exactly dim = " + d + " coordinates");

    for (const auto &[id, type] : boundary_types)
      if (type == BoundaryType::periodic)
        {
          require(mesh_type == MeshType::box,
                  "Boundary conditions/Types",
                  "'periodic' is allowed only with 'Mesh type = box'");
          require(id < 2 * dim,
                  "Boundary conditions/Types",
                  "a box in " + d + "D has boundary ids 0.." +
                      std::to_string(2 * dim - 1));
          const auto partner = id ^ 1U;
          require(type_of(partner) == BoundaryType::periodic,
                  "Boundary conditions/Types",
                  "boundary id " + std::to_string(id) +
                      " is periodic, so its opposite face " + std::to_string(partner) +
                      " must be periodic too");
        }
  }

  BoundaryType
  GeometryParameters::type_of(const types::boundary_id id) const
  {
    const auto it = boundary_types.find(id);
    return it == boundary_types.end() ? default_boundary : it->second;
  }

  bool
  GeometryParameters::has_absorbing_boundary() const
  {
    if (default_boundary == BoundaryType::absorbing)
      return true;
    for (const auto &entry : boundary_types)
      if (entry.second == BoundaryType::absorbing)
        return true;
    return false;
  }

  std::vector<unsigned int>
  periodic_directions(const GeometryParameters &parameters, const unsigned int dim)
  {
    std::vector<unsigned int> directions;
    for (unsigned int k = 0; k < dim; ++k)
      if (parameters.type_of(2 * k) == BoundaryType::periodic)
        directions.push_back(k);
    return directions;
  }

  template <int dim>
  std::unique_ptr<parallel::TriangulationBase<dim>>
  make_triangulation(MPI_Comm communicator)
  {
    if constexpr (dim == 1)
      return std::make_unique<parallel::shared::Triangulation<dim>>(
          communicator,
          Triangulation<dim>::none,
          false,
          parallel::shared::Triangulation<dim>::partition_metis);
    else
      return std::make_unique<parallel::distributed::Triangulation<dim>>(communicator);
  }

  template <int dim>
  void
  build_mesh(const GeometryParameters &parameters, Triangulation<dim> &triangulation)
  {
    if (parameters.mesh_type == GeometryParameters::MeshType::box)
      {
        Point<dim>                p1, p2;
        std::vector<unsigned int> repetitions(dim);
        for (unsigned int k = 0; k < dim; ++k)
          {
            p1[k]          = parameters.lower_corner[k];
            p2[k]          = parameters.upper_corner[k];
            repetitions[k] = parameters.subdivisions[k];
          }
        GridGenerator::subdivided_hyper_rectangle(
            triangulation, repetitions, p1, p2, /*colorize=*/true);

        std::vector<
            GridTools::PeriodicFacePair<typename Triangulation<dim>::cell_iterator>>
            periodic_faces;
        for (const unsigned int k : periodic_directions(parameters, dim))
          GridTools::collect_periodic_faces(
              static_cast<const Triangulation<dim> &>(triangulation),
              2 * k,
              2 * k + 1,
              k,
              periodic_faces);
        if (!periodic_faces.empty())
          triangulation.add_periodicity(periodic_faces);
      }
    else
      {
        GridIn<dim> grid_in;
        grid_in.attach_triangulation(triangulation);
        std::ifstream input(parameters.mesh_file);
        require(static_cast<bool>(input),
                "Geometry/Mesh file",
                "cannot open '" + parameters.mesh_file + "'");
        try
          {
            grid_in.read_msh(input);
          }
        catch (const std::exception &e)
          {
            throw InputError("Geometry/Mesh file",
                             "'" + parameters.mesh_file +
                                 "' is not a readable Gmsh mesh of quadrilateral"
                                 "/hexahedral cells in " +
                                 std::to_string(dim) + "D");
          }
      }

    if (parameters.sphere_boundary && dim > 1)
      {
        Point<dim> center;
        for (unsigned int k = 0; k < dim; ++k)
          center[k] = parameters.sphere_center[k];
        for (const auto &cell : triangulation.active_cell_iterators())
          for (const unsigned int f : cell->face_indices())
            if (cell->face(f)->at_boundary())
              cell->face(f)->set_all_manifold_ids(1);
        triangulation.set_manifold(1, SphericalManifold<dim>(center));
      }

    // Every boundary id that the parameter file names must exist.
    const auto                         ids = triangulation.get_boundary_ids();
    const std::set<types::boundary_id> present(ids.begin(), ids.end());
    for (const auto &entry : parameters.boundary_types)
      if (present.count(entry.first) == 0)
        {
          std::string list;
          for (const auto id : present)
            list += (list.empty() ? "" : ", ") + std::to_string(id);
          throw InputError("Boundary conditions/Types",
                           "boundary id " + std::to_string(entry.first) +
                               " does not exist in the mesh; its ids are " + list);
        }

    triangulation.refine_global(parameters.global_refinements);
  }

  template <int dim>
  double
  length_scale(const Triangulation<dim> &triangulation)
  {
    const auto box = GridTools::compute_bounding_box(triangulation);
    return box.get_boundary_points().first.distance(box.get_boundary_points().second);
  }

#define FP_INSTANTIATE(dim)                                                              \
  template std::unique_ptr<parallel::TriangulationBase<dim>> make_triangulation<dim>(    \
      MPI_Comm);                                                                         \
  template void   build_mesh<dim>(const GeometryParameters &, Triangulation<dim> &);     \
  template double length_scale<dim>(const Triangulation<dim> &);
  FP_FOR_EACH_DIM(FP_INSTANTIATE)
#undef FP_INSTANTIATE
} // namespace FokkerPlanck

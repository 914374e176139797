#include <deal.II/grid/grid_tools.h>

#include <fokker_planck/sampling/mesh_cells.h>

#include <algorithm>
#include <limits>

namespace FokkerPlanck::Sampling
{
  using namespace dealii;

  namespace
  {
    /** Unit normal of a face through its vertices (2D: the edge; 3D: the diagonals). */
    template <int dim>
    Tensor<1, dim>
    face_normal(const std::vector<Point<dim>> &v)
    {
      Tensor<1, dim> n;
      if constexpr (dim == 2)
        {
          n[0] = v[1][1] - v[0][1];
          n[1] = v[0][0] - v[1][0];
        }
      else if constexpr (dim == 3)
        n = cross_product_3d(v[3] - v[0], v[2] - v[1]);
      return n / n.norm();
    }
  } // namespace

  template <int dim>
  MeshCells<dim>::MeshCells(const GeometryParameters &geometry)
  {
    build_mesh(geometry, mesh);
    n_cells = mesh.n_active_cells();
    planes.resize(2 * dim * n_cells);
    centers.resize(n_cells);
    volumes.resize(n_cells);

    const auto box = GridTools::compute_bounding_box(mesh).get_boundary_points();
    this->lower    = box.first;
    this->upper    = box.second;
    tolerance      = 1e-12 * this->diameter();

    // Cell half-spaces and boundary faces; the cells' vertex boxes.
    std::vector<std::pair<Point<dim>, Point<dim>>> cell_boxes(n_cells), face_boxes;
    double                                         total_volume = 0.;
    for (const auto &cell : mesh.active_cell_iterators())
      {
        const unsigned int c = cell->active_cell_index();
        centers[c]           = cell->center();
        volumes[c]           = cell->measure();
        total_volume += volumes[c];
        cell_boxes[c] = {cell->vertex(0), cell->vertex(0)};
        for (const unsigned int v : cell->vertex_indices())
          for (unsigned int k = 0; k < dim; ++k)
            {
              cell_boxes[c].first[k] =
                  std::min(cell_boxes[c].first[k], cell->vertex(v)[k]);
              cell_boxes[c].second[k] =
                  std::max(cell_boxes[c].second[k], cell->vertex(v)[k]);
            }
        for (const unsigned int f : cell->face_indices())
          {
            const auto              face = cell->face(f);
            std::vector<Point<dim>> v;
            Point<dim>              middle;
            for (const unsigned int i : face->vertex_indices())
              {
                v.push_back(face->vertex(i));
                middle += face->vertex(i) / static_cast<double>(face->n_vertices());
              }
            Tensor<1, dim> n = face_normal(v);
            if (n * (middle - centers[c]) < 0.)
              n = -n;
            Plane &plane = planes[2 * dim * c + f];
            plane.normal = n;
            plane.offset = n * middle;
            for (const auto &vertex : v)
              flatness = std::max(flatness, std::abs(n * vertex - plane.offset));
            if (face->at_boundary())
              {
                Face boundary;
                boundary.plane = plane;
                boundary.type  = geometry.type_of(face->boundary_id());
                absorbing      = absorbing || boundary.type == BoundaryType::absorbing;
                // Cyclic order (deal.II numbers a quad's vertices lexicographically).
                const unsigned int order[4] = {0, 1, 3, 2};
                for (unsigned int i = 0; i < boundary.vertices.size(); ++i)
                  boundary.vertices[i] = v[dim == 3 ? order[i] : i];
                std::pair<Point<dim>, Point<dim>> extent(v[0], v[0]);
                for (const auto &vertex : v)
                  for (unsigned int k = 0; k < dim; ++k)
                    {
                      extent.first[k]  = std::min(extent.first[k], vertex[k]);
                      extent.second[k] = std::max(extent.second[k], vertex[k]);
                    }
                faces.push_back(boundary);
                face_boxes.push_back(extent);
              }
          }
      }

    build_background(cell_boxes, face_boxes, total_volume);
  }

  template <int dim>
  void
  MeshCells<dim>::build_background(
      const std::vector<std::pair<Point<dim>, Point<dim>>> &cell_boxes,
      const std::vector<std::pair<Point<dim>, Point<dim>>> &face_boxes,
      const double                                          total_volume)
  {
    // Background grid: about one mesh cell per background cell.
    const double h = std::pow(total_volume / n_cells, 1. / dim);
    for (unsigned int k = 0; k < dim; ++k)
      {
        const double extent = this->upper[k] - this->lower[k];
        n_background[k]  = std::max(1U, static_cast<unsigned int>(std::ceil(extent / h)));
        inverse_width[k] = n_background[k] / extent;
      }
    const double margin = 2. * flatness + 1e-9 * this->diameter();
    const auto   fill   = [&](const std::vector<std::pair<Point<dim>, Point<dim>>> &boxes,
                          std::vector<unsigned int>                            &start,
                          std::vector<unsigned int>                            &list) {
      std::vector<std::vector<unsigned int>> lists;
      unsigned int                           n_total = 1;
      for (unsigned int k = 0; k < dim; ++k)
        n_total *= n_background[k];
      lists.resize(n_total);
      for (unsigned int i = 0; i < boxes.size(); ++i)
        {
          Point<dim> a = boxes[i].first, b = boxes[i].second;
          for (unsigned int k = 0; k < dim; ++k)
            a[k] -= margin, b[k] += margin;
          for_background_cells(
              a, b, [&](const unsigned int cell) { lists[cell].push_back(i); });
        }
      start.assign(1, 0);
      list.clear();
      for (const auto &l : lists)
        {
          list.insert(list.end(), l.begin(), l.end());
          start.push_back(list.size());
        }
    };
    fill(cell_boxes, cell_start, cell_list);
    fill(face_boxes, face_start, face_list);

    // Interior background cells: no boundary face near, centre in Ω.
    interior.assign(cell_start.size() - 1, 0);
    for (unsigned int b = 0; b < interior.size(); ++b)
      if (face_start[b] == face_start[b + 1] && cell_start[b] < cell_start[b + 1])
        {
          Point<dim>   middle;
          unsigned int rest = b;
          for (unsigned int k = 0; k < dim; ++k)
            {
              middle[k] =
                  this->lower[k] + (rest % n_background[k] + 0.5) / inverse_width[k];
              rest /= n_background[k];
            }
          interior[b] = locate(middle).second <= tolerance + 2. * flatness;
        }
  }

  template <int dim>
  template <class F>
  void
  MeshCells<dim>::for_background_cells(const Point<dim> &a,
                                       const Point<dim> &b,
                                       const F          &f) const
  {
    std::array<unsigned int, dim> from, to;
    for (unsigned int k = 0; k < dim; ++k)
      {
        const auto clamp = [&](const double x) {
          const double s = (x - this->lower[k]) * inverse_width[k];
          return s <= 0. ? 0U
                         : std::min(static_cast<unsigned int>(s), n_background[k] - 1);
        };
        from[k] = clamp(a[k]);
        to[k]   = clamp(b[k]);
      }
    std::array<unsigned int, dim> i = from;
    while (true)
      {
        unsigned int index = 0, stride = 1;
        for (unsigned int k = 0; k < dim; ++k)
          {
            index += stride * i[k];
            stride *= n_background[k];
          }
        f(index);
        unsigned int k = 0;
        for (; k < dim; ++k)
          if (i[k] < to[k])
            {
              ++i[k];
              break;
            }
          else
            i[k] = from[k];
        if (k == dim)
          return;
      }
  }

  template <int dim>
  std::pair<unsigned int, double>
  MeshCells<dim>::locate(const Point<dim> &x) const
  {
    std::pair<unsigned int, double> best(0, std::numeric_limits<double>::infinity());
    const auto                      test = [&](const unsigned int c) {
      const double v = violation(c, x);
      if (v < best.second)
        best = {c, v};
      return v <= tolerance;
    };
    bool searched = false;
    for_background_cells(x, x, [&](const unsigned int b) {
      for (unsigned int i = cell_start[b]; i < cell_start[b + 1]; ++i)
        {
          searched = true;
          if (test(cell_list[i]))
            return;
        }
    });
    if (!searched) // far outside: every cell
      for (unsigned int c = 0; c < n_cells && !test(c); ++c)
        ;
    return best;
  }

  template <int dim>
  unsigned int
  MeshCells<dim>::index(const Point<dim> &x) const
  {
    return locate(x).first;
  }

  template <int dim>
  bool
  MeshCells<dim>::contains(const Point<dim> &x) const
  {
    const unsigned int b = background_index(x);
    if (b == invalid || cell_start[b] == cell_start[b + 1])
      return false;
    return interior[b] || locate(x).second <= tolerance + 2. * flatness;
  }

  template <int dim>
  bool
  MeshCells<dim>::within_face(const Face       &face,
                              const Point<dim> &p,
                              const double      margin) const
  {
    const auto &v = face.vertices;
    if constexpr (dim == 2)
      {
        const Tensor<1, dim> e      = v[1] - v[0];
        const double         length = e.norm();
        const double         s      = (p - v[0]) * e / length;
        return s >= -margin && s <= length + margin;
      }
    else
      {
        bool positive = true, negative = true;
        for (unsigned int i = 0; i < v.size(); ++i)
          {
            const Tensor<1, dim> e = v[(i + 1) % v.size()] - v[i];
            // Signed distance of p from the edge line, in the face's plane.
            const double side =
                cross_product_3d(e, p - v[i]) * face.plane.normal / e.norm();
            positive = positive && side >= -margin;
            negative = negative && side <= margin;
          }
        return positive || negative;
      }
  }

  template <int dim>
  std::pair<unsigned int, double>
  MeshCells<dim>::first_crossing(const Point<dim>  &x,
                                 const Point<dim>  &y,
                                 const unsigned int skip) const
  {
    Point<dim> a, b;
    for (unsigned int k = 0; k < dim; ++k)
      a[k] = std::min(x[k], y[k]), b[k] = std::max(x[k], y[k]);
    const double                    margin = 2. * flatness + 1e-9 * this->diameter();
    std::pair<unsigned int, double> best(invalid, 2.);
    for_background_cells(a, b, [&](const unsigned int cell) {
      for (unsigned int i = face_start[cell]; i < face_start[cell + 1]; ++i)
        {
          const unsigned int f = face_list[i];
          if (f == skip)
            continue;
          const Plane &plane = faces[f].plane;
          const double sx    = plane.normal * x - plane.offset,
                       sy    = plane.normal * y - plane.offset;
          if (!(sy > 0.) || sx > tolerance)
            continue;
          const double t = sx < 0. ? -sx / (sy - sx) : 0.;
          if (t < best.second && within_face(faces[f], x + t * (y - x), margin))
            best = {f, t};
        }
    });
    return best;
  }

  template <int dim>
  bool
  MeshCells<dim>::reflect(const Point<dim>              &x,
                          const SymmetricTensor<2, dim> &D,
                          const Reflection               reflection,
                          Point<dim>                    &y,
                          double                        &n_clamped) const
  {
    Point<dim>   start = x;
    unsigned int skip  = invalid;
    for (unsigned int iteration = 0; iteration <= 16; ++iteration)
      {
        // Violation of the best cell; no cell near y (or y off the grid): outside.
        const unsigned int b = background_index(y);
        const double       v = b == invalid || cell_start[b] == cell_start[b + 1]
                                   ? std::numeric_limits<double>::infinity()
                                   : locate(y).second;
        if (v <= tolerance)
          return true;
        if (iteration == 16)
          break;
        const auto [f, t] = first_crossing(start, y, skip);
        if (f == invalid)
          {
            if (v <= tolerance + 2. * flatness) // between planar faces (3D)
              return true;
            break;
          }
        const Face &face = faces[f];
        if (face.type == BoundaryType::absorbing)
          return false;
        const Tensor<1, dim> &n         = face.plane.normal;
        const double          overshoot = n * y - face.plane.offset;
        const Point<dim>      crossing  = start + t * (y - start);
        switch (reflection)
          {
            case Reflection::conormal:
              {
                const Tensor<1, dim> Dn = D * n;
                y -= (2. * overshoot / (n * Dn)) * Dn;
                break;
              }
            case Reflection::normal:
              y -= (2. * overshoot) * n;
              break;
            default:
              y -= overshoot * n;
          }
        start = crossing;
        skip  = f;
      }
    y = x;
    n_clamped += 1.;
    return true;
  }

  template <int dim>
  bool
  MeshCells<dim>::bridge_crossed(const RandomStream            &rng,
                                 const std::uint64_t            s,
                                 const Point<dim>              &x,
                                 const SymmetricTensor<2, dim> &D,
                                 const Point<dim>              &y,
                                 const double                   T,
                                 const double                   dt) const
  {
    // Faces farther than 'reach' from both ends have exp(−d0 d1/…) < e^−25.
    const double reach = 5. * std::sqrt(T * trace(D) * dt);
    Point<dim>   a, b;
    for (unsigned int k = 0; k < dim; ++k)
      a[k] = std::min(x[k], y[k]) - reach, b[k] = std::max(x[k], y[k]) + reach;
    double probability = 0.;
    for_background_cells(a, b, [&](const unsigned int cell) {
      for (unsigned int i = face_start[cell]; i < face_start[cell + 1]; ++i)
        {
          const Face &face = faces[face_list[i]];
          if (face.type != BoundaryType::absorbing)
            continue;
          const Tensor<1, dim> &n  = face.plane.normal;
          const double          d0 = face.plane.offset - n * x;
          const double          d1 = face.plane.offset - n * y;
          if (d0 < 0. || d1 < 0. || !within_face(face, y + d1 * n, reach))
            continue;
          probability =
              std::max(probability, std::exp(-d0 * d1 / (T * (n * (D * n)) * dt)));
        }
    });
    return probability > 0. &&
           RandomStream::uniform(rng.words(s, Purpose::bridge, 0)[0]) < probability;
  }

  template class MeshCells<2>;
  template class MeshCells<3>;
} // namespace FokkerPlanck::Sampling

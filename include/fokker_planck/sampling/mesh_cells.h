/**
 * @file
 * The domain Ω of a 'Mesh type = gmsh' case as the particles see it: the
 * active cells of a serial copy of the finite-element mesh (same file,
 * manifold and refinements), with straight edges (2D) or planar faces (3D)
 * through their vertices; a uniform background grid that locates points in
 * them; and the boundary treatment of a particle step on the boundary faces
 * (doc/monte_carlo.md, Meshes).
 */
#pragma once

#include <deal.II/base/point.h>
#include <deal.II/base/symmetric_tensor.h>
#include <deal.II/base/tensor.h>
#include <deal.II/grid/tria.h>

#include <fokker_planck/geometry/geometry.h>
#include <fokker_planck/sampling/bins.h>
#include <fokker_planck/sampling/random_stream.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

namespace FokkerPlanck::Sampling
{
  /**
   * Bins = the active cells of the mesh, bin c being the active cell with
   * index c of the serial copy (which every rank holds). A cell is the
   * intersection of the 2·dim half-spaces {x : n_f·x ≤ n_f·c_f} of its
   * faces (outward unit normal n_f, centre c_f; a 3D face is replaced by
   * the plane through its centre normal to the cross product of its
   * diagonals), so the particles move in the polygon (2D) with the mesh's
   * boundary vertices, or the polyhedron with planar faces (3D).
   *
   * Point location: a uniform background grid with about one cell per
   * background cell lists the cells and boundary faces whose bounding boxes
   * overlap each background cell; a background cell that meets no boundary
   * face and lies in Ω is "interior", and a step that ends in one needs no
   * further test.
   */
  template <int dim>
  class MeshCells final : public Bins<dim>
  {
  public:
    explicit MeshCells(const GeometryParameters &geometry);

    unsigned int
    size() const override
    {
      return n_cells;
    }

    unsigned int
    index(const dealii::Point<dim> &x) const override;

    dealii::Point<dim>
    center(unsigned int c) const override
    {
      return centers[c];
    }

    /** Volume of the cell with straight edges / planar faces (Q1 measure). */
    double
    volume(unsigned int c) const override
    {
      return volumes[c];
    }

    bool
    contains(const dealii::Point<dim> &x) const override;

    bool
    has_absorbing_face() const override
    {
      return absorbing;
    }

    bool
    periodic(unsigned int) const override
    {
      return false;
    }

    unsigned int
    resolution(const unsigned int k) const override
    {
      return 2 * n_background[k];
    }

    /**
     * Bring the end point @p y of a step from @p x (in Ω) back into Ω: if
     * the segment x → y leaves Ω, find the first boundary face it crosses,
     * at p with outward normal n, and
     * - absorbing face: return false;
     * - reflecting face, 'conormal': y ← y − 2 ((y − p)·n)/(nᵀDn) D n, the
     *   mirror along the conormal D n (D at the start of the step), which
     *   keeps the normal flux n·J = 0; 'normal': y ← y − 2 ((y − p)·n) n;
     *   'clip': y ← y − ((y − p)·n) n (projection onto the face);
     * then continue from p (several crossings near corners), at most 16
     * times; a point still outside, or outside without a crossing found,
     * is put back to @p x and counted in @p n_clamped.
     */
    bool
    bring_inside(const dealii::Point<dim>              &x,
                 const dealii::SymmetricTensor<2, dim> &D,
                 Reflection                             reflection,
                 dealii::Point<dim>                    &y,
                 dealii::Tensor<1, dim>                &wrapped,
                 double                                &n_clamped) const
    {
      (void)wrapped;
      const unsigned int b = background_index(y);
      if (b != invalid && interior[b])
        return true;
      return reflect(x, D, reflection, y, n_clamped);
    }

    /**
     * Brownian-bridge test for a step x → y with both ends in Ω: with d0, d1
     * the distances of x and y from the plane of the nearest absorbing face
     * (of those within reach of the step) and n its normal, the path crossed
     * it with probability exp(−d0 d1 / (T nᵀDn Δt)), the half-space formula
     * for the normal component of the noise, whose variance is 2 T nᵀDn Δt.
     */
    bool
    bridge_crossed(const RandomStream                    &rng,
                   std::uint64_t                          s,
                   const dealii::Point<dim>              &x,
                   const dealii::SymmetricTensor<2, dim> &D,
                   const dealii::Point<dim>              &y,
                   double                                 T,
                   double                                 dt) const;

    /** The serial mesh: bin c is its active cell with index c. */
    const dealii::Triangulation<dim> &
    triangulation() const
    {
      return mesh;
    }

  private:
    /** Half-space {x : normal·x ≤ offset}. */
    struct Plane
    {
      dealii::Tensor<1, dim> normal;
      double                 offset = 0.;
    };

    /** A boundary face: its plane, vertices in cyclic order, condition. */
    struct Face
    {
      Plane                                            plane;
      std::array<dealii::Point<dim>, dim == 3 ? 4 : 2> vertices;
      BoundaryType                                     type = BoundaryType::reflecting;
    };

    static constexpr unsigned int invalid = static_cast<unsigned int>(-1);

    /** Background cell of @p x, or invalid outside the bounding box. */
    unsigned int
    background_index(const dealii::Point<dim> &x) const
    {
      unsigned int result = 0, stride = 1;
      for (unsigned int k = 0; k < dim; ++k)
        {
          const double s = (x[k] - this->lower[k]) * inverse_width[k];
          if (!(s >= 0.) || s > n_background[k])
            return invalid;
          const unsigned int i =
              std::min(static_cast<unsigned int>(s), n_background[k] - 1);
          result += stride * i;
          stride *= n_background[k];
        }
      return result;
    }

    /** max_f (n_f·x − o_f): ≤ 0 inside cell @p c. */
    double
    violation(unsigned int c, const dealii::Point<dim> &x) const
    {
      double worst = -1e300;
      for (unsigned int f = 0; f < 2 * dim; ++f)
        {
          const Plane &plane = planes[2 * dim * c + f];
          worst              = std::max(worst, plane.normal * x - plane.offset);
        }
      return worst;
    }

    /** The cell with the smallest violation at @p x and that violation. */
    std::pair<unsigned int, double>
    locate(const dealii::Point<dim> &x) const;

    /**
     * The background grid over the bounding boxes of the cells and the
     * boundary faces, and its interior cells (the second half of the
     * constructor).
     */
    void
    build_background(
        const std::vector<std::pair<dealii::Point<dim>, dealii::Point<dim>>> &cell_boxes,
        const std::vector<std::pair<dealii::Point<dim>, dealii::Point<dim>>> &face_boxes,
        double total_volume);

    /** Background cells that the box [a, b] (a ≤ b componentwise) overlaps. */
    template <class F>
    void
    for_background_cells(const dealii::Point<dim> &a,
                         const dealii::Point<dim> &b,
                         const F                  &f) const;

    /**
     * The first boundary face (other than @p skip) that the segment
     * x → y crosses outward, with the parameter t of the crossing; invalid
     * if none.
     */
    std::pair<unsigned int, double>
    first_crossing(const dealii::Point<dim> &x,
                   const dealii::Point<dim> &y,
                   unsigned int              skip) const;

    /** Whether the point @p p of a face's plane lies in the face (with a margin). */
    bool
    within_face(const Face &face, const dealii::Point<dim> &p, double margin) const;

    bool
    reflect(const dealii::Point<dim>              &x,
            const dealii::SymmetricTensor<2, dim> &D,
            Reflection                             reflection,
            dealii::Point<dim>                    &y,
            double                                &n_clamped) const;

    dealii::Triangulation<dim>      mesh;
    unsigned int                    n_cells = 0;
    std::vector<Plane>              planes;
    std::vector<dealii::Point<dim>> centers;
    std::vector<double>             volumes;
    std::vector<Face>               faces;
    bool                            absorbing = false;
    /** Tolerance of the inside tests (a small multiple of round-off). */
    double tolerance = 0.;
    /** Largest distance from a 3D face's vertices to its plane. */
    double flatness = 0.;

    std::array<unsigned int, dim> n_background;
    std::array<double, dim>       inverse_width;
    /** CSR lists per background cell: overlapping cells and boundary faces. */
    std::vector<unsigned int> cell_start, cell_list, face_start, face_list;
    std::vector<std::uint8_t> interior;
  };

  extern template class MeshCells<2>;
  extern template class MeshCells<3>;
} // namespace FokkerPlanck::Sampling

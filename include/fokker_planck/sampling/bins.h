/**
 * @file
 * The cells on which samples (Monte Carlo particles, SGD runs) are binned
 * and the domain Ω they move in, as every rank sees it: the uniform grid of
 * a box (BoxGrid) or the active cells of a Gmsh mesh (MeshCells). The
 * histograms, the cell currents and the finite-element cell probabilities
 * they are compared with all live on these bins.
 */
#pragma once

#include <deal.II/base/point.h>

namespace FokkerPlanck::Sampling
{
  /** What happens to a particle that leaves through a reflecting face. */
  enum class Reflection
  {
    /** Mirror along the conormal D·n: the correct one (n·J = 0). */
    conormal,
    /** Mirror along the normal n: wrong unless D·n ∥ n (for demonstrations). */
    normal,
    /** Clip to the face: wrong, kept to show the error (doc/monte_carlo.md). */
    clip
  };

  /**
   * Bins of a histogram of samples: the cells of the finite-element
   * mesh, numbered 0 .. size()−1, known in full on every rank. The concrete
   * classes are final, so that the particle stepper, which is templated on
   * them, calls their index() and boundary treatment without virtual calls.
   */
  template <int dim>
  class Bins
  {
  public:
    virtual ~Bins() = default;

    /** Number of bins. */
    virtual unsigned int
    size() const = 0;

    /** The bin containing @p x, a point of Ω (points on a face go to either side). */
    virtual unsigned int
    index(const dealii::Point<dim> &x) const = 0;

    /** Centre of bin @p c (the average of its vertices). */
    virtual dealii::Point<dim>
    center(unsigned int c) const = 0;

    /** Volume |c| of bin @p c (length, area or volume in units of x). */
    virtual double
    volume(unsigned int c) const = 0;

    /** Whether @p x lies in Ω (boundary included). */
    virtual bool
    contains(const dealii::Point<dim> &x) const = 0;

    /** True if any part of the boundary is absorbing. */
    virtual bool
    has_absorbing_face() const = 0;

    /** True if direction @p k is periodic (boxes only). */
    virtual bool
    periodic(unsigned int k) const = 0;

    /**
     * Number of lattice intervals per direction of the bounding box that
     * resolve the bins (the box grid itself; for meshes about one per cell
     * size): the lattice on which an initial density is bounded.
     */
    virtual unsigned int
    resolution(unsigned int k) const = 0;

    /** Length of the diagonal of the bounding box. */
    double
    diameter() const
    {
      return lower.distance(upper);
    }

    /** Corners of the bounding box of Ω. */
    dealii::Point<dim> lower, upper;
  };
} // namespace FokkerPlanck::Sampling

/**
 * @file
 * The box Ω = [lower, upper] of a 'Mesh type = box' case as the particles
 * see it: its faces with their boundary conditions, the uniform grid of
 * the globally refined mesh, on which particles are binned, and the
 * boundary treatment of a particle step (doc/monte_carlo.md, Boundaries).
 */
#pragma once

#include <deal.II/base/point.h>
#include <deal.II/base/symmetric_tensor.h>
#include <deal.II/base/tensor.h>

#include <fokker_planck/geometry/geometry.h>
#include <fokker_planck/sampling/bins.h>
#include <fokker_planck/sampling/random_stream.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

namespace FokkerPlanck::Sampling
{
  /**
   * The uniform grid of the box mesh: n_k = subdivisions_k · 2^refinements
   * cells in direction k, numbered lexicographically (x fastest). Every
   * rank knows all of it, whatever part of the distributed mesh it owns.
   */
  template <int dim>
  class BoxGrid final : public Bins<dim>
  {
  public:
    explicit BoxGrid(const GeometryParameters &geometry);

    /** Number of cells. */
    unsigned int
    size() const override
    {
      return n_total;
    }

    /** The cell containing @p x (points on a face go to either side). */
    unsigned int
    index(const dealii::Point<dim> &x) const override
    {
      unsigned int result = 0, stride = 1;
      for (unsigned int k = 0; k < dim; ++k)
        {
          int i =
              static_cast<int>(std::floor((x[k] - this->lower[k]) * inverse_width[k]));
          i = i < 0 ? 0 : (i >= static_cast<int>(n[k]) ? n[k] - 1 : i);
          result += stride * i;
          stride *= n[k];
        }
      return result;
    }

    /** Centre of cell @p index. */
    dealii::Point<dim>
    center(unsigned int index) const override;

    /** Volume of every cell. */
    double
    cell_volume() const;

    double
    volume(unsigned int) const override
    {
      return cell_volume();
    }

    bool
    contains(const dealii::Point<dim> &x) const override;

    /** Number of cells in direction @p k. */
    unsigned int
    n_cells(const unsigned int k) const
    {
      return n[k];
    }

    unsigned int
    resolution(const unsigned int k) const override
    {
      return n[k];
    }

    /** Boundary condition of face 2k (lower) or 2k+1 (upper). */
    BoundaryType
    face(const unsigned int id) const
    {
      return faces[id];
    }

    bool
    periodic(const unsigned int k) const override
    {
      return faces[2 * k] == BoundaryType::periodic;
    }

    /** True if any face is absorbing. */
    bool
    has_absorbing_face() const override;

    /**
     * Bring the end point @p y of a step from @p x back into the box:
     * absorbing faces kill (returns false), periodic ones wrap (the shift
     * is added to @p wrapped), reflecting ones mirror along the conormal
     * D n (or the normal, or clip, for demonstrations), with D at the start
     * of the step. Faces are treated one after the other; after 16 rounds a
     * point still outside is clamped and counted in @p n_clamped.
     */
    bool
    bring_inside(const dealii::Point<dim>              &x,
                 const dealii::SymmetricTensor<2, dim> &D,
                 Reflection                             reflection,
                 dealii::Point<dim>                    &y,
                 dealii::Tensor<1, dim>                &wrapped,
                 double                                &n_clamped) const
    {
      (void)x;
      const auto &lower = this->lower, &upper = this->upper;
      for (unsigned int iteration = 0;; ++iteration)
        {
          int  k        = -1;
          bool is_upper = false;
          for (unsigned int i = 0; i < dim && k < 0; ++i)
            if (y[i] < lower[i])
              k = i;
            else if (y[i] > upper[i])
              k = i, is_upper = true;
          if (k < 0)
            return true;
          if (iteration == 16)
            {
              // Pathological overshoot (a huge heavy-tailed increment).
              for (unsigned int i = 0; i < dim; ++i)
                y[i] = std::min(std::max(y[i], lower[i]), upper[i]);
              n_clamped += 1.;
              return true;
            }
          const double wall = is_upper ? upper[k] : lower[k];
          switch (faces[2 * k + (is_upper ? 1 : 0)])
            {
              case BoundaryType::absorbing:
                return false;
              case BoundaryType::periodic:
                {
                  const double shift = (is_upper ? -1. : 1.) * (upper[k] - lower[k]);
                  y[k] += shift;
                  wrapped[k] += shift;
                  break;
                }
              default:
                {
                  const double overshoot = y[k] - wall;
                  switch (reflection)
                    {
                      case Reflection::conormal:
                        for (unsigned int i = 0; i < dim; ++i)
                          y[i] -= 2. * overshoot * D[i][k] / D[k][k];
                        break;
                      case Reflection::normal:
                        y[k] = wall - overshoot;
                        break;
                      default:
                        y[k] = wall;
                    }
                }
            }
        }
    }

    /**
     * Brownian-bridge test for a step x → y with both ends inside: the path
     * crossed an absorbing face at distances d0, d1 with probability
     * exp(−d0 d1 / (T D_kk Δt)); true if it is found to have crossed.
     */
    bool
    bridge_crossed(const RandomStream                    &rng,
                   const std::uint64_t                    s,
                   const dealii::Point<dim>              &x,
                   const dealii::SymmetricTensor<2, dim> &D,
                   const dealii::Point<dim>              &y,
                   const double                           T,
                   const double                           dt) const
    {
      const auto low  = rng.words(s, Purpose::bridge, 0);
      const auto high = rng.words(s, Purpose::bridge, 1);
      for (unsigned int f = 0; f < 2 * dim; ++f)
        if (faces[f] == BoundaryType::absorbing)
          {
            const unsigned int k    = f / 2;
            const double       wall = f % 2 ? this->upper[k] : this->lower[k];
            const double       d0 = std::abs(x[k] - wall), d1 = std::abs(y[k] - wall);
            const double       p    = std::exp(-d0 * d1 / (T * D[k][k] * dt));
            const auto         word = f < 4 ? low[f] : high[f - 4];
            if (RandomStream::uniform(word) < p)
              return true;
          }
      return false;
    }

  private:
    std::array<unsigned int, dim>     n;
    std::array<double, dim>           inverse_width;
    std::array<BoundaryType, 2 * dim> faces;
    unsigned int                      n_total = 1;
  };

  extern template class BoxGrid<1>;
  extern template class BoxGrid<2>;
  extern template class BoxGrid<3>;
} // namespace FokkerPlanck::Sampling

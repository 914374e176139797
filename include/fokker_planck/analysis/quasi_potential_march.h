/**
 * @file
 * The ordered line integral march behind compute_quasi_potential(), on a
 * graph of mesh vertices that every rank holds whole. Independent of
 * deal.II's DoF machinery so that it can be tested and timed on its own.
 */
#pragma once

#include <deal.II/base/point.h>
#include <deal.II/base/symmetric_tensor.h>
#include <deal.II/base/tensor.h>

#include <functional>
#include <vector>

namespace FokkerPlanck
{
  namespace QuasiPotentialMarch
  {
    /** The mesh as a vertex graph: two vertices are neighbours if they share a cell. */
    template <int dim>
    struct VertexGraph
    {
      std::vector<dealii::Point<dim>> position;
      /** Sorted neighbour lists. */
      std::vector<std::vector<unsigned int>> neighbours;
      /** Largest distance to a neighbour (a cell diagonal) at each vertex. */
      std::vector<double> h;
      /** Bounding box of all vertices. */
      dealii::Point<dim> lower, upper;

      /**
       * Build from cells given as lists of vertex numbers (each list all
       * vertices of one cell) and the vertex positions.
       */
      void
      build(const std::vector<std::vector<unsigned int>> &cells,
            std::vector<dealii::Point<dim>>             &&positions);

      unsigned int
      size() const
      {
        return position.size();
      }

      bool
      adjacent(unsigned int a, unsigned int b) const;
    };

    /** Where a vertex ended up. */
    enum class Status : unsigned char
    {
      reached,
      outside_basin,
      beyond_cutoff
    };

    /** The data of one march. */
    template <int dim>
    struct Problem
    {
      /** Drift u and (regularised, positive definite) D at the vertices. */
      std::vector<dealii::Tensor<1, dim>>          drift;
      std::vector<dealii::SymmetricTensor<2, dim>> diffusion;
      /** The attractor and the Hessian of S_Q there (local quadratic start). */
      dealii::Point<dim>              attractor;
      dealii::SymmetricTensor<2, dim> hessian;
      /** The drift anywhere (for the basin test by following the flow). */
      std::function<dealii::Tensor<1, dim>(const dealii::Point<dim> &)> drift_function;
      /** D anywhere, with the same floor as at the vertices (segment midpoints). */
      std::function<dealii::SymmetricTensor<2, dim>(const dealii::Point<dim> &)>
             diffusion_function;
      double update_radius     = 4.;
      double cutoff            = 0.;
      bool   restrict_to_basin = true;
    };

    /** S_Q at the vertices and what happened at each. */
    struct Result
    {
      std::vector<double> value;
      std::vector<Status> status;
      /** Largest value among reached vertices. */
      double max_value = 0.;
    };

    /**
     * The action of the straight path from x0 to x1 for the Lagrangian
     * ¼(ẋ − u)ᵀD⁻¹(ẋ − u), minimised over the traversal time, with u and D
     * taken constant at their averages over the two ends (midpoint rule):
     * ½(|d|_{D⁻¹}|u|_{D⁻¹} − ⟨u, d⟩_{D⁻¹}), d = x1 − x0.
     */
    template <int dim>
    double
    segment_action(const dealii::Point<dim>              &x0,
                   const dealii::Tensor<1, dim>          &u0,
                   const dealii::SymmetricTensor<2, dim> &D0,
                   const dealii::Point<dim>              &x1,
                   const dealii::Tensor<1, dim>          &u1,
                   const dealii::SymmetricTensor<2, dim> &D1);

    /**
     * The march: start from the quadratic ½ (x − x*)ᵀ hessian (x − x*) on
     * the vertices within one cell diagonal of x*, then accept vertices in
     * order of increasing S_Q; each newly accepted vertex updates the
     * vertices within update_radius·h by one-point (segment) updates and,
     * where it is the best one-point parent, by triangle updates over the
     * segments to its accepted neighbours (in 3D also over the faces).
     * Unreached vertices get Result::max_value.
     */
    template <int dim>
    Result
    march(const VertexGraph<dim> &graph, const Problem<dim> &problem);
  } // namespace QuasiPotentialMarch
} // namespace FokkerPlanck

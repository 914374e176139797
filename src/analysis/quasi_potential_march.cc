#include <fokker_planck/analysis/quasi_potential_march.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <queue>
#include <utility>

namespace FokkerPlanck
{
  namespace QuasiPotentialMarch
  {
    using namespace dealii;

    template <int dim>
    void
    VertexGraph<dim>::build(const std::vector<std::vector<unsigned int>> &cells,
                            std::vector<Point<dim>>                     &&positions)
    {
      position = std::move(positions);
      neighbours.assign(position.size(), {});
      for (const auto &cell : cells)
        for (const unsigned int a : cell)
          for (const unsigned int b : cell)
            if (a != b)
              neighbours[a].push_back(b);
      h.assign(position.size(), 0.);
      for (unsigned int i = 0; i < position.size(); ++i)
        {
          auto &n = neighbours[i];
          std::sort(n.begin(), n.end());
          n.erase(std::unique(n.begin(), n.end()), n.end());
          for (const unsigned int j : n)
            h[i] = std::max(h[i], position[i].distance(position[j]));
        }
      lower = upper = position.empty() ? Point<dim>() : position[0];
      for (const auto &x : position)
        for (unsigned int d = 0; d < dim; ++d)
          {
            lower[d] = std::min(lower[d], x[d]);
            upper[d] = std::max(upper[d], x[d]);
          }
    }

    template <int dim>
    bool
    VertexGraph<dim>::adjacent(const unsigned int a, const unsigned int b) const
    {
      return std::binary_search(neighbours[a].begin(), neighbours[a].end(), b);
    }

    template <int dim>
    double
    segment_action(const Point<dim>              &x0,
                   const Tensor<1, dim>          &u0,
                   const SymmetricTensor<2, dim> &D0,
                   const Point<dim>              &x1,
                   const Tensor<1, dim>          &u1,
                   const SymmetricTensor<2, dim> &D1)
    {
      const Tensor<1, dim>          d       = x1 - x0;
      const Tensor<1, dim>          u       = 0.5 * (u0 + u1);
      const SymmetricTensor<2, dim> D_inv   = invert(0.5 * (D0 + D1));
      const Tensor<1, dim>          D_inv_u = D_inv * u;
      const double                  dd      = d * (D_inv * d);
      const double                  uu      = u * D_inv_u;
      return std::max(0., 0.5 * (std::sqrt(dd * uu) - d * D_inv_u));
    }

    namespace
    {
      constexpr double infinity = std::numeric_limits<double>::infinity();
      const double     golden   = 0.5 * (std::sqrt(5.) - 1.);

      /** (minimum, argmin) of a convex f on [a, b] by golden-section search. */
      template <typename F>
      std::pair<double, double>
      minimize_1d(const F &f, double a, double b, const unsigned int iterations)
      {
        double c = b - golden * (b - a), d = a + golden * (b - a);
        double fc = f(c), fd = f(d);
        for (unsigned int k = 0; k < iterations; ++k)
          if (fc < fd)
            {
              b  = d;
              d  = c;
              fd = fc;
              c  = b - golden * (b - a);
              fc = f(c);
            }
          else
            {
              a  = c;
              c  = d;
              fc = fd;
              d  = a + golden * (b - a);
              fd = f(d);
            }
        const double              fa = f(a), fb = f(b);
        std::pair<double, double> best(fc, c);
        for (const auto &other :
             {std::make_pair(fd, d), std::make_pair(fa, a), std::make_pair(fb, b)})
          if (other.first < best.first)
            best = other;
        return best;
      }

      enum class State : unsigned char
      {
        far,
        considered,
        accepted,
        outside
      };

      /** Vertices bucketed on a uniform grid, for "nearest classified vertex". */
      template <int dim>
      class Buckets
      {
      public:
        Buckets(const VertexGraph<dim> &graph, const double size)
            : graph(graph)
            , size(size)
        {
          std::size_t total = 1;
          for (unsigned int d = 0; d < dim; ++d)
            {
              n[d] =
                  1 + static_cast<unsigned int>((graph.upper[d] - graph.lower[d]) / size);
              total *= n[d];
            }
          members.resize(total);
        }

        void
        insert(const unsigned int i)
        {
          members[index(cell_of(graph.position[i]))].push_back(i);
        }

        /** A vertex in the buckets within distance r of p, or -1. */
        int
        nearest(const Point<dim> &p, const double r) const
        {
          const auto           c             = cell_of(p);
          int                  best          = -1;
          double               best_distance = r;
          std::array<int, dim> offset;
          offset.fill(-1);
          while (true)
            {
              std::array<int, dim> k;
              bool                 valid = true;
              for (unsigned int d = 0; d < dim; ++d)
                {
                  k[d]  = c[d] + offset[d];
                  valid = valid && k[d] >= 0 && k[d] < static_cast<int>(n[d]);
                }
              if (valid)
                for (const unsigned int j : members[index(k)])
                  {
                    const double distance = p.distance(graph.position[j]);
                    if (distance <= best_distance)
                      {
                        best_distance = distance;
                        best          = j;
                      }
                  }
              unsigned int d = 0;
              for (; d < dim && offset[d] == 1; ++d)
                offset[d] = -1;
              if (d == dim)
                break;
              ++offset[d];
            }
          return best;
        }

      private:
        std::array<int, dim>
        cell_of(const Point<dim> &p) const
        {
          std::array<int, dim> c;
          for (unsigned int d = 0; d < dim; ++d)
            c[d] = std::clamp(static_cast<int>((p[d] - graph.lower[d]) / size),
                              0,
                              static_cast<int>(n[d]) - 1);
          return c;
        }

        std::size_t
        index(const std::array<int, dim> &c) const
        {
          std::size_t i = 0;
          for (int d = dim - 1; d >= 0; --d)
            i = i * n[d] + c[d];
          return i;
        }

        const VertexGraph<dim>                &graph;
        const double                           size;
        std::array<unsigned int, dim>          n;
        std::vector<std::vector<unsigned int>> members;
      };

      template <int dim>
      class Marcher
      {
      public:
        Marcher(const VertexGraph<dim> &graph, const Problem<dim> &problem)
            : graph(graph)
            , problem(problem)
            , buckets(graph, *std::max_element(graph.h.begin(), graph.h.end()))
            , value(graph.size(), infinity)
            , one_point(graph.size(), infinity)
            , slack(graph.size(), 0.)
            , parent(graph.size(), -1)
            , state(graph.size(), State::far)
            , fixed(graph.size(), false)
            , in_basin(graph.size(), false)
            , stamp(graph.size(), 0)
        {
        }

        Result
        run()
        {
          initialize();
          bool stopped_by_cutoff = false;
          while (!heap.empty())
            {
              const auto [v, i] = heap.top();
              heap.pop();
              if (state[i] != State::considered || v != value[i])
                continue; // stale entry
              if (problem.cutoff > 0. && v > problem.cutoff)
                {
                  stopped_by_cutoff = true;
                  break;
                }
              if (problem.restrict_to_basin && !fixed[i] && !flows_to_attractor(i))
                {
                  state[i] = State::outside;
                  buckets.insert(i);
                  continue;
                }
              state[i]    = State::accepted;
              in_basin[i] = true;
              for (const unsigned int k : graph.neighbours[i])
                if (state[k] == State::accepted)
                  slack[i] = std::max(slack[i], std::abs(value[k] - value[i]));
              buckets.insert(i);
              update_ball(i);
            }

          Result result;
          result.value.assign(graph.size(), 0.);
          result.status.assign(graph.size(), Status::reached);
          for (unsigned int i = 0; i < graph.size(); ++i)
            if (state[i] == State::accepted)
              result.max_value = std::max(result.max_value, value[i]);
          for (unsigned int i = 0; i < graph.size(); ++i)
            if (state[i] == State::accepted)
              result.value[i] = value[i];
            else
              {
                result.value[i]  = result.max_value;
                result.status[i] = (stopped_by_cutoff && state[i] != State::outside)
                                       ? Status::beyond_cutoff
                                       : Status::outside_basin;
              }
          return result;
        }

      private:
        using Entry = std::pair<double, unsigned int>;

        /** The quadratic start on the vertices within h of x* (h: longest edge or cell
         * diagonal). */
        void
        initialize()
        {
          unsigned int nearest  = 0;
          double       distance = infinity;
          for (unsigned int i = 0; i < graph.size(); ++i)
            if (graph.position[i].distance(problem.attractor) < distance)
              {
                distance = graph.position[i].distance(problem.attractor);
                nearest  = i;
              }
          start_radius = graph.h[nearest];
          for (unsigned int i = 0; i < graph.size(); ++i)
            {
              const Tensor<1, dim> d = graph.position[i] - problem.attractor;
              if (d.norm() <= start_radius)
                {
                  value[i] = 0.5 * (d * (problem.hessian * d));
                  fixed[i] = true;
                  state[i] = State::considered;
                  heap.emplace(value[i], i);
                }
            }
        }

        /**
         * The midpoint rule for the action of the straight path from x0 to
         * vertex j: the constant-coefficient formula with u and D from the
         * model at the midpoint (Dahiya–Cameron's OLIM-MID). For a linear u
         * this equals segment_action() with the averages of the ends. (It
         * beats Simpson's rule for the geometric action of the straight
         * path: its error partly accounts for the curvature of the true
         * minimum-action path; measured in doc/quasi_potential.md.)
         */
        double
        midpoint_action(const Point<dim> &x0, const unsigned int j) const
        {
          const Point<dim> middle(0.5 * (x0 + graph.position[j]));
          const auto       u_m = problem.drift_function(middle);
          const auto       D_m = problem.diffusion_function(middle);
          return segment_action(x0, u_m, D_m, graph.position[j], u_m, D_m);
        }

        double
        action(const unsigned int from, const unsigned int to) const
        {
          return midpoint_action(graph.position[from], to);
        }

        /** min over x_λ on the segment [a, b] of S(x_λ) + action(x_λ → x_j), S linear. */
        double
        edge_update(const unsigned int a,
                    const unsigned int b,
                    const unsigned int j) const
        {
          const auto f = [&](const double s) {
            const Point<dim> x =
                graph.position[a] + s * (graph.position[b] - graph.position[a]);
            const auto u = problem.drift[a] + s * (problem.drift[b] - problem.drift[a]);
            const auto D =
                problem.diffusion[a] + s * (problem.diffusion[b] - problem.diffusion[a]);
            return value[a] + s * (value[b] - value[a]) +
                   segment_action(x,
                                  u,
                                  D,
                                  graph.position[j],
                                  problem.drift[j],
                                  problem.diffusion[j]);
          };
          // Search with the averages of the vertex values, then evaluate the
          // minimiser with the model at the midpoint.
          const double     s = minimize_1d(f, 0., 1., 30).second;
          const Point<dim> x =
              graph.position[a] + s * (graph.position[b] - graph.position[a]);
          return value[a] + s * (value[b] - value[a]) + midpoint_action(x, j);
        }

        /** The same over the triangle (a, b, c) (3D fronts). */
        double
        face_update(const unsigned int a,
                    const unsigned int b,
                    const unsigned int c,
                    const unsigned int j) const
        {
          const auto mixer = [&](const double s, const double t) {
            return [&, s, t](const auto &va, const auto &vb, const auto &vc) {
              return va + s * (vb - va) + t * (vc - va);
            };
          };
          const auto f = [&](const double s, const double t) {
            const auto       mix = mixer(s, t);
            const Point<dim> x(
                mix(graph.position[a], graph.position[b], graph.position[c]));
            return mix(value[a], value[b], value[c]) +
                   segment_action(
                       x,
                       mix(problem.drift[a], problem.drift[b], problem.drift[c]),
                       mix(problem.diffusion[a],
                           problem.diffusion[b],
                           problem.diffusion[c]),
                       graph.position[j],
                       problem.drift[j],
                       problem.diffusion[j]);
          };
          const auto inner = [&](const double s) {
            return minimize_1d([&](const double t) { return f(s, t); }, 0., 1. - s, 18);
          };
          const double s =
              minimize_1d([&](const double s) { return inner(s).first; }, 0., 1., 18)
                  .second;
          const double t   = inner(s).second;
          const auto   mix = mixer(s, t);
          return mix(value[a], value[b], value[c]) +
                 midpoint_action(
                     Point<dim>(
                         mix(graph.position[a], graph.position[b], graph.position[c])),
                     j);
        }

        void
        update(const unsigned int j, const unsigned int i)
        {
          double       candidate = infinity;
          const double q         = value[i] + action(i, j);
          // Triangle updates from i if i is the best one-point parent so far
          // (Dahiya–Cameron's hierarchical rule) or if its one-point value is
          // within half the spread of S over i's neighbourhood of the best
          // value so far: the sequential march would otherwise miss
          // triangles whose best one-point end was accepted earlier (the
          // observed order drops below 1 without this).
          if (q < one_point[j] || q - 0.5 * slack[i] < value[j])
            {
              if (q < one_point[j])
                {
                  one_point[j] = q;
                  parent[j]    = i;
                }
              candidate              = q;
              double       best_edge = infinity;
              unsigned int partner   = i;
              for (const unsigned int k : graph.neighbours[i])
                if (state[k] == State::accepted)
                  {
                    const double e = edge_update(i, k, j);
                    if (e < best_edge)
                      {
                        best_edge = e;
                        partner   = k;
                      }
                  }
              candidate = std::min(candidate, best_edge);
              if (dim == 3 && partner != i)
                for (const unsigned int l : graph.neighbours[i])
                  if (l != partner && state[l] == State::accepted &&
                      graph.adjacent(partner, l))
                    candidate = std::min(candidate, face_update(i, partner, l, j));
            }
          else if (parent[j] >= 0 && graph.adjacent(parent[j], i))
            candidate = edge_update(parent[j], i, j);

          if (candidate < value[j])
            {
              value[j] = candidate;
              state[j] = State::considered;
              heap.emplace(candidate, j);
            }
        }

        /** Update every not yet accepted vertex within update_radius·h of i. */
        void
        update_ball(const unsigned int i)
        {
          const double radius = problem.update_radius * graph.h[i];
          ++current_stamp;
          queue.clear();
          queue.push_back(i);
          stamp[i] = current_stamp;
          for (std::size_t q = 0; q < queue.size(); ++q)
            for (const unsigned int j : graph.neighbours[queue[q]])
              if (stamp[j] != current_stamp &&
                  graph.position[j].distance(graph.position[i]) <= radius)
                {
                  stamp[j] = current_stamp;
                  queue.push_back(j);
                  if ((state[j] == State::far || state[j] == State::considered) &&
                      !fixed[j])
                    update(j, i);
                }
        }

        /**
         * Whether the flow ẋ = u from vertex i ends at x*: Heun steps of
         * length h/2 until the path comes within h/2 of a vertex already
         * classified (which lies downstream, having the smaller S_Q) and
         * takes its answer, or reaches the start region (yes), or stalls
         * (moves less than h in 20 steps: another zero of u, or pressed
         * against the boundary of the bounding box: no).
         */
        bool
        flows_to_attractor(const unsigned int i)
        {
          const double h      = graph.h[i];
          Point<dim>   x      = graph.position[i];
          Point<dim>   anchor = x;
          for (unsigned int step = 1; step <= 100000; ++step)
            {
              if (x.distance(problem.attractor) <= start_radius)
                return true;
              const int j = buckets.nearest(x, 0.5 * h);
              if (j >= 0)
                return in_basin[j];
              const Tensor<1, dim> u0    = problem.drift_function(x);
              const double         speed = u0.norm();
              if (!(speed > 0.) || !std::isfinite(speed))
                return false;
              const double     dt = 0.5 * h / speed;
              const Point<dim> predictor(x + dt * u0);
              x = Point<dim>(x + 0.5 * dt * (u0 + problem.drift_function(predictor)));
              for (unsigned int d = 0; d < dim; ++d)
                x[d] = std::clamp(x[d], graph.lower[d], graph.upper[d]);
              if (step % 20 == 0)
                {
                  if (x.distance(anchor) < h)
                    return false;
                  anchor = x;
                }
            }
          return false;
        }

        const VertexGraph<dim>   &graph;
        const Problem<dim>       &problem;
        Buckets<dim>              buckets;
        std::vector<double>       value, one_point, slack;
        std::vector<int>          parent;
        std::vector<State>        state;
        std::vector<bool>         fixed, in_basin;
        std::vector<unsigned int> stamp;
        unsigned int              current_stamp = 0;
        std::vector<unsigned int> queue;
        double                    start_radius = 0.;
        std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> heap;
      };
    } // namespace

    template <int dim>
    Result
    march(const VertexGraph<dim> &graph, const Problem<dim> &problem)
    {
      Marcher<dim> marcher(graph, problem);
      return marcher.run();
    }

    template struct VertexGraph<1>;
    template struct VertexGraph<2>;
    template struct VertexGraph<3>;
    template Result
    march(const VertexGraph<1> &, const Problem<1> &);
    template Result
    march(const VertexGraph<2> &, const Problem<2> &);
    template Result
    march(const VertexGraph<3> &, const Problem<3> &);
    template double
    segment_action(const Point<1> &,
                   const Tensor<1, 1> &,
                   const SymmetricTensor<2, 1> &,
                   const Point<1> &,
                   const Tensor<1, 1> &,
                   const SymmetricTensor<2, 1> &);
    template double
    segment_action(const Point<2> &,
                   const Tensor<1, 2> &,
                   const SymmetricTensor<2, 2> &,
                   const Point<2> &,
                   const Tensor<1, 2> &,
                   const SymmetricTensor<2, 2> &);
    template double
    segment_action(const Point<3> &,
                   const Tensor<1, 3> &,
                   const SymmetricTensor<2, 3> &,
                   const Point<3> &,
                   const Tensor<1, 3> &,
                   const SymmetricTensor<2, 3> &);
  } // namespace QuasiPotentialMarch
} // namespace FokkerPlanck

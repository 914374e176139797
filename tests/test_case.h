/**
 * @file
 * Test fixture: a whole case (mesh, model, discretisation) built from
 * parameter-file text, through the same code paths as the program.
 */
#pragma once

#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/quadrature_lib.h>
#include <deal.II/base/symmetric_tensor.h>
#include <deal.II/fe/fe_values.h>
#include <deal.II/lac/full_matrix.h>
#include <deal.II/lac/vector.h>

#include <fokker_planck/app/case_parameters.h>
#include <fokker_planck/discretization/density_quadrature.h>
#include <fokker_planck/discretization/discretization.h>
#include <fokker_planck/discretization/probability_current.h>
#include <fokker_planck/discretization/problem.h>
#include <fokker_planck/geometry/geometry.h>
#include <fokker_planck/model/model.h>
#include <fokker_planck/solvers/stationary_solver.h>
#include <fokker_planck/solvers/transient_solver.h>

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <functional>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <type_traits>

namespace FokkerPlanck::Testing
{
  /** The parameters of a case read from @p text (a parameter file's contents). */
  struct ParsedCase
  {
    explicit ParsedCase(const std::string &text)
        : parameters(prm)
    {
      prm.parse_input_from_string(text);
      parameters.parse(prm, ".");
    }

    dealii::ParameterHandler prm;
    CaseParameters           parameters;
  };

  /**
   * A case built from @p text, through the same code paths as the program:
   * its parameters and its Problem (mesh, model, discretisation).
   */
  template <int dim>
  struct TestCase
  {
    explicit TestCase(const std::string &text)
        : parsed(text)
        , parameters(parsed.parameters)
        , problem(std::make_unique<Problem<dim>>(
              parameters.geometry, parameters.model, parameters.discretization))
        , triangulation(&problem->triangulation())
        , model(&problem->model())
        , discretization(&problem->discretization())
    {
    }

    /** The stationary density. */
    StationaryInfo
    solve_stationary(LA::MPI::Vector &pi) const
    {
      return FokkerPlanck::solve_stationary(
          *discretization, parameters.linear_solver, pi);
    }

    /** Mean and covariance of a density. */
    struct Moments
    {
      dealii::Tensor<1, dim>          mean;
      dealii::SymmetricTensor<2, dim> covariance;
    };

    /** The mean and covariance of @p p (Discretization::moments). */
    Moments
    moments(const LA::MPI::Vector &p) const
    {
      Moments result;
      discretization->moments(p, result.mean, result.covariance);
      return result;
    }

    /**
     * March @p p (the initial density on entry) to the end time with the
     * case's 'Time stepping' and 'Linear solver', calling @p observer after
     * every accepted step (TransientSolver::run).
     */
    void
    run_transient(LA::MPI::Vector                               &p,
                  const typename TransientSolver<dim>::Observer &observer) const
    {
      run_transient(parameters.time_stepping, p, observer);
    }

    /** The same with other 'Time stepping' entries. */
    void
    run_transient(const TimeSteppingParameters                  &time_stepping,
                  LA::MPI::Vector                               &p,
                  const typename TransientSolver<dim>::Observer &observer) const
    {
      TransientSolver<dim> solver(
          *discretization, time_stepping, parameters.linear_solver);
      solver.run(p, observer);
    }

    /**
     * The initial density of "Time stepping/Initial condition" interpolated
     * on the mesh and, if 'Normalize', scaled to mass 1, as the program does.
     */
    void
    initial_density(LA::MPI::Vector &p) const
    {
      FokkerPlanck::initial_density(*discretization, parameters.time_stepping, p);
    }

    /**
     * ∫_Ω f(x, p_h(x), ∇p_h(x)) dx over the locally owned cells, summed over
     * ranks, for a density @p p with constraints distributed, by Gauss
     * quadrature with degree + @p extra_points points per direction.
     */
    double
    integrate(const LA::MPI::Vector                                                    &p,
              const std::function<double(
                  const dealii::Point<dim> &, double, const dealii::Tensor<1, dim> &)> &f,
              const unsigned int extra_points = 2) const
    {
      double local = 0;
      for_each_density_point<dim>(
          *discretization,
          p,
          true,
          [&](const DensityAtPoint<dim> &point) {
            local += f(point.x, point.value, point.gradient) * point.JxW;
          },
          {},
          extra_points);
      return dealii::Utilities::MPI::sum(local, MPI_COMM_WORLD);
    }

    /** ||f||_{L2} by the quadrature of integrate() on the mesh of @p p. */
    double
    l2_norm(const LA::MPI::Vector                                   &p,
            const std::function<double(const dealii::Point<dim> &)> &f) const
    {
      return std::sqrt(integrate(
          p, [&](const auto &x, double, const auto &) { return std::pow(f(x), 2); }));
    }

    /** ||f||_{L2} of a vector field f, as l2_norm(). */
    double
    field_l2_norm(
        const LA::MPI::Vector                                                   &p,
        const std::function<dealii::Tensor<1, dim>(const dealii::Point<dim> &)> &f) const
    {
      return std::sqrt(integrate(
          p, [&](const auto &x, double, const auto &) { return f(x).norm_square(); }));
    }

    /** ||p_h − p_exact||_{L2}. */
    double
    l2_error(const LA::MPI::Vector                                   &p,
             const std::function<double(const dealii::Point<dim> &)> &exact) const
    {
      return std::sqrt(integrate(p, [&](const auto &x, const double v, const auto &) {
        const double d = v - exact(x);
        return d * d;
      }));
    }

    /** The discrete current J_h = a p_h − T D ∇p_h at a quadrature point. */
    dealii::Tensor<1, dim>
    current(const dealii::Point<dim>     &x,
            const double                  p,
            const dealii::Tensor<1, dim> &grad) const
    {
      return probability_current(*model, x, p, grad);
    }

    ParsedCase                                parsed;
    CaseParameters                           &parameters;
    std::unique_ptr<Problem<dim>>             problem;
    dealii::parallel::TriangulationBase<dim> *triangulation;
    const Model<dim>                         *model;
    const Discretization<dim>                *discretization;
  };

  /**
   * Parameter text of a 2D Ornstein–Uhlenbeck case u = −Hx, constant D,
   * T = 0.7 on [−6, 6]², 4×4 coarse cells, Q_degree elements; @p H and
   * @p D are four numbers each, row-major.
   */
  inline std::string
  ornstein_uhlenbeck_2d(const std::string &H,
                        const std::string &D,
                        const unsigned int degree,
                        const unsigned int refinements)
  {
    return "set dim = 2\n"
           "subsection Geometry\n"
           "  set Lower corner = -6, -6\n  set Upper corner = 6, 6\n"
           "  set Subdivisions = 4, 4\n"
           "  set Global refinements = " +
           std::to_string(refinements) +
           "\nend\n"
           "subsection Model\n  set Name = ornstein-uhlenbeck\n  set Temperature = 0.7\n"
           "  subsection Ornstein-Uhlenbeck\n    set H = " +
           H + "\n    set D = " + D +
           "\n  end\nend\n"
           "subsection Discretization\n  set Degree = " +
           std::to_string(degree) + "\nend\n";
  }

  /**
   * Parameter text of the anisotropic Ornstein–Uhlenbeck case of
   * DESIGN.md §3.1 (H = [[1, 0.8], [−0.3, 2]], D = [[1, 0.3], [0.3, 0.5]],
   * T = 0.7 on [−6, 6]², 4×4 coarse cells) with Q_degree elements.
   */
  inline std::string
  design_ornstein_uhlenbeck_2d(const unsigned int degree, const unsigned int refinements)
  {
    return ornstein_uhlenbeck_2d(
        "1, 0.8, -0.3, 2", "1, 0.3, 0.3, 0.5", degree, refinements);
  }

  /**
   * The stationary covariance Σ of the Ornstein–Uhlenbeck process u = −Hx
   * with constant D at temperature T: the solution of the Lyapunov equation
   * HΣ + ΣHᵀ = 2TD, from the linear system for the independent entries of Σ
   * (3 in 2D, 6 in 3D).
   */
  template <int dim>
  dealii::SymmetricTensor<2, dim>
  ou_stationary_covariance(const dealii::Tensor<2, dim> &H,
                           const dealii::Tensor<2, dim> &D,
                           const double                  T)
  {
    using Symmetric              = dealii::SymmetricTensor<2, dim>;
    const unsigned int         n = Symmetric::n_independent_components;
    dealii::FullMatrix<double> M(n, n);
    dealii::Vector<double>     rhs(n), s(n);
    for (unsigned int u = 0; u < n; ++u)
      {
        const auto             kl = Symmetric::unrolled_to_component_indices(u);
        dealii::Tensor<2, dim> E;
        E[kl[0]][kl[1]]                    = 1.;
        E[kl[1]][kl[0]]                    = 1.;
        const dealii::Tensor<2, dim> image = H * E + E * transpose(H);
        for (unsigned int v = 0; v < n; ++v)
          {
            const auto ij = Symmetric::unrolled_to_component_indices(v);
            M(v, u)       = image[ij[0]][ij[1]];
            rhs(v)        = 2. * T * D[ij[0]][ij[1]];
          }
      }
    M.gauss_jordan();
    M.vmult(s, rhs);
    Symmetric sigma;
    for (unsigned int u = 0; u < n; ++u)
      sigma[Symmetric::unrolled_to_component_indices(u)] = s(u);
    return sigma;
  }

  /**
   * Σ of design_ornstein_uhlenbeck_2d() (DESIGN.md §3.1: H = [[1, 0.8],
   * [−0.3, 2]], D = [[1, 0.3], [0.3, 0.5]], T = 0.7).
   */
  inline dealii::SymmetricTensor<2, 2>
  design_sigma()
  {
    return ou_stationary_covariance<2>(dealii::Tensor<2, 2>({{1., 0.8}, {-0.3, 2.}}),
                                       dealii::Tensor<2, 2>({{1., 0.3}, {0.3, 0.5}}),
                                       0.7);
  }

  /** The absolute path of the file @p name in the repository's meshes/. */
  inline std::string
  mesh_file(const std::string &name)
  {
    // This file is <repo>/tests/test_case.h.
    return (std::filesystem::path(__FILE__).parent_path() / ".." / "meshes" / name)
        .lexically_normal()
        .string();
  }

  /** std::cout on rank 0, a sink elsewhere: for measured numbers in test logs. */
  inline std::ostream &
  root_log()
  {
    static std::ostringstream sink;
    return dealii::Utilities::MPI::this_mpi_process(MPI_COMM_WORLD) == 0 ? std::cout
                                                                         : sink;
  }

  /**
   * Advance the exact moments of the Ornstein–Uhlenbeck process u = −Hx
   * (constant D) from their values in @p m, @p S over the time @p t:
   * m' = −Hm, Σ' = −HΣ − ΣHᵀ + 2TD, by RK4 with @p n steps.
   */
  template <int dim>
  void
  advance_ou_moments(const dealii::Tensor<2, dim> &H,
                     const dealii::Tensor<2, dim> &D,
                     const double                  T,
                     const double                  t,
                     const unsigned int            n,
                     dealii::Tensor<1, dim>       &m,
                     dealii::Tensor<2, dim>       &S)
  {
    const auto fm = [&](const dealii::Tensor<1, dim> &x) { return -(H * x); };
    const auto fS = [&](const dealii::Tensor<2, dim> &X) {
      return -(H * X) - X * transpose(H) + 2. * T * D;
    };
    const double h = t / n;
    for (unsigned int i = 0; i < n; ++i)
      {
        const auto k1 = fm(m), k2 = fm(m + 0.5 * h * k1), k3 = fm(m + 0.5 * h * k2),
                   k4 = fm(m + h * k3);
        m += h / 6. * (k1 + 2. * k2 + 2. * k3 + k4);
        const auto l1 = fS(S), l2 = fS(S + 0.5 * h * l1), l3 = fS(S + 0.5 * h * l2),
                   l4 = fS(S + h * l3);
        S += h / 6. * (l1 + 2. * l2 + 2. * l3 + l4);
      }
  }

  /**
   * The types of a typed test over the dimension (TYPED_TEST_SUITE(Suite,
   * Dimensions, DimensionName)): TypeParam::value is dim, and the suites
   * are named Suite/1D, Suite/2D, Suite/3D.
   */
  using Dimensions = ::testing::Types<std::integral_constant<int, 1>,
                                      std::integral_constant<int, 2>,
                                      std::integral_constant<int, 3>>;

  /** The names 1D, 2D, 3D of the typed tests over Dimensions. */
  struct DimensionName
  {
    template <typename Dimension>
    static std::string
    GetName(int)
    {
      return std::to_string(Dimension::value) + "D";
    }
  };

  /** Observed order log(e_coarse/e_fine)/log(h_coarse/h_fine) with h halved. */
  inline double
  observed_order(const double coarse_error, const double fine_error)
  {
    return std::log(coarse_error / fine_error) / std::log(2.);
  }
} // namespace FokkerPlanck::Testing

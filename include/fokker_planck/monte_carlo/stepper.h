/**
 * @file
 * One time step of one Monte Carlo particle: the noise increment (Gaussian,
 * Student-t or symmetric α-stable), the Euler–Maruyama or weak order-2
 * update, and the boundary treatment of the domain (box or mesh), with the
 * Brownian-bridge test at absorbing faces (doc/monte_carlo.md); jumps
 * (α < 2) are censored at reflecting faces and killed at absorbing ones
 * (doc/heavy_tails.md). Templated on the dynamics
 * (particle_dynamics.h) and the domain so that the inner loop inlines.
 */
#pragma once

#include <deal.II/base/point.h>
#include <deal.II/base/symmetric_tensor.h>
#include <deal.II/base/tensor.h>

#include <fokker_planck/monte_carlo/monte_carlo_parameters.h>
#include <fokker_planck/sampling/random_stream.h>

#include <array>
#include <cmath>
#include <cstdint>

namespace FokkerPlanck::MonteCarlo
{
  /**
   * One time step of one particle, with the boundary treatment of the
   * Domain (BoxGrid or MeshCells).
   */
  template <int dim, class Dynamics, class Domain>
  class Stepper
  {
  public:
    Stepper(const Dynamics             &dynamics,
            const MonteCarloParameters &parameters,
            const Domain               &domain,
            const double                temperature)
        : dynamics(dynamics)
        , parameters(parameters)
        , domain(domain)
        , dt(parameters.time_step)
        , sqrt_dt(std::sqrt(parameters.time_step))
        , T(temperature)
        , absorbing(domain.has_absorbing_face())
        , alpha(parameters.noise == MonteCarloParameters::Noise::alpha_stable
                    ? parameters.stability_index
                    : 2.)
        , jumps(alpha < 2.)
        , noise_scale(jumps ? std::pow(parameters.time_step, 1. / alpha) : sqrt_dt)
    {
    }

    /**
     * Step from @p x at step @p s to @p y. @p d is the displacement
     * without periodic wraps, @p eta the noise increment g ΔW. Returns
     * false if the particle is absorbed in this step.
     */
    bool
    step(const Sampling::RandomStream &rng,
         const std::uint64_t           s,
         const dealii::Point<dim>     &x,
         dealii::Point<dim>           &y,
         dealii::Tensor<1, dim>       &d,
         dealii::Tensor<1, dim>       &eta,
         double                       &n_clamped) const
    {
      const dealii::Tensor<1, dim> dW = increment(rng, s);

      const dealii::SymmetricTensor<2, dim> D = dynamics.diffusion(x);
      const auto                            g = dynamics.noise(D);
      eta                                     = g * dW;
      const dealii::Tensor<1, dim> b          = dynamics.drift(x);
      if (parameters.scheme == MonteCarloParameters::Scheme::euler_maruyama)
        y = x + b * dt + eta;
      else
        weak_order_2(rng, s, x, b, g, dW, y);

      dealii::Tensor<1, dim>   wrapped;
      const dealii::Point<dim> target  = y;
      const double             clamped = n_clamped;
      if (!domain.bring_inside(x, D, parameters.reflection, y, wrapped, n_clamped))
        return false;
      // Jumps are censored: one that a reflecting face would change (more
      // than a periodic wrap) does not happen.
      if (jumps && (y - wrapped - target).norm() > 1e-12 * (1. + target.norm()))
        {
          y         = x;
          wrapped   = 0;
          n_clamped = clamped;
        }
      d = (y - wrapped) - x;
      // The Brownian bridge only for the diffusion (α = 2).
      if (!jumps && absorbing && domain.bridge_crossed(rng, s, x, D, y, T, dt))
        return false;
      return true;
    }

  private:
    /**
     * The increment ΔW of the driving noise (Δt^(1/α) Λ for α-stable
     * noise); the noise term is g ΔW.
     */
    dealii::Tensor<1, dim>
    increment(const Sampling::RandomStream &rng, const std::uint64_t s) const
    {
      dealii::Tensor<1, dim> dW;
      if (parameters.noise == MonteCarloParameters::Noise::alpha_stable &&
          parameters.stable_shape == MonteCarloParameters::StableShape::axis_wise)
        {
          // Two uniforms per axis, four per counter block.
          Sampling::RandomStream::Generator::Counter w{};
          for (unsigned int j = 0; j < dim; ++j)
            {
              if (j % 2 == 0)
                w = rng.words(s, Sampling::Purpose::stable_noise, j / 2);
              dW[j] = noise_scale * Sampling::RandomStream::symmetric_stable(
                                        alpha, w[2 * (j % 2)], w[2 * (j % 2) + 1]);
            }
          return dW;
        }
      double z[4];
      rng.normals(s, Sampling::Purpose::step_noise, z, 0, (dim + 1) / 2);
      for (unsigned int k = 0; k < dim; ++k)
        dW[k] = z[k] * noise_scale;
      if (parameters.noise == MonteCarloParameters::Noise::student_t)
        dW /= std::sqrt(rng.chi_square_over_nu_minus_2(s, parameters.degrees_of_freedom));
      else if (jumps)
        dW *= std::sqrt(rng.stable_mixing(s, alpha));
      return dW;
    }

    /**
     * Platen's explicit weak order-2 scheme (Kloeden & Platen 1992,
     * §15.1) for dX = b dt + Σ_j g_j dW_j; with constant g it is Heun's
     * method for the drift.
     */
    void
    weak_order_2(const Sampling::RandomStream &rng,
                 const std::uint64_t           s,
                 const dealii::Point<dim>     &x,
                 const dealii::Tensor<1, dim> &b,
                 const dealii::Tensor<2, dim> &g,
                 const dealii::Tensor<1, dim> &dW,
                 dealii::Point<dim>           &y) const
    {
      const dealii::Point<dim> predictor = x + b * dt + g * dW;
      y                                  = x + 0.5 * (b + dynamics.drift(predictor)) * dt;
      if constexpr (Dynamics::constant_noise)
        y += g * dW;
      else
        {
          // V_rj = ±Δt for r < j, V_jr = −V_rj.
          dealii::Tensor<2, dim> V;
          if (dim > 1)
            {
              const auto   w = rng.words(s, Sampling::Purpose::area_signs);
              unsigned int c = 0;
              for (unsigned int r = 0; r < dim; ++r)
                for (unsigned int j = r + 1; j < dim; ++j, ++c)
                  {
                    V[r][j] = (w[c] & 1U) ? dt : -dt;
                    V[j][r] = -V[r][j];
                  }
            }
          std::array<dealii::Tensor<2, dim>, dim> gRp, gRm, gUp, gUm;
          for (unsigned int j = 0; j < dim; ++j)
            {
              dealii::Tensor<1, dim> column;
              for (unsigned int i = 0; i < dim; ++i)
                column[i] = g[i][j] * sqrt_dt;
              gRp[j] = dynamics.noise_at(x + b * dt + column);
              gRm[j] = dynamics.noise_at(x + b * dt - column);
              gUp[j] = dynamics.noise_at(x + column);
              gUm[j] = dynamics.noise_at(x - column);
            }
          for (unsigned int j = 0; j < dim; ++j)
            for (unsigned int i = 0; i < dim; ++i)
              {
                double increment =
                    0.25 * (gRp[j][i][j] + gRm[j][i][j] + 2. * g[i][j]) * dW[j] +
                    0.25 * (gRp[j][i][j] - gRm[j][i][j]) * (dW[j] * dW[j] - dt) / sqrt_dt;
                for (unsigned int r = 0; r < dim; ++r)
                  if (r != j)
                    increment +=
                        0.25 * (gUp[r][i][j] + gUm[r][i][j] - 2. * g[i][j]) * dW[j] +
                        0.25 * (gUp[r][i][j] - gUm[r][i][j]) * (dW[j] * dW[r] + V[r][j]) /
                            sqrt_dt;
                y[i] += increment;
              }
        }
    }

    const Dynamics             &dynamics;
    const MonteCarloParameters &parameters;
    const Domain               &domain;
    const double                dt, sqrt_dt, T;
    const bool                  absorbing;
    /** α (2 unless the noise is α-stable), whether α < 2, and Δt^(1/α). */
    const double alpha;
    const bool   jumps;
    const double noise_scale;
  };
} // namespace FokkerPlanck::MonteCarlo

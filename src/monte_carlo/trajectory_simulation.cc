#include <fokker_planck/base/instantiate.h>
#include <fokker_planck/monte_carlo/particle_dynamics.h>
#include <fokker_planck/monte_carlo/stepper.h>
#include <fokker_planck/monte_carlo/trajectory_simulation.h>
#include <fokker_planck/sampling/box_grid.h>

#include <type_traits>

namespace FokkerPlanck::MonteCarlo
{
  template <int dim>
  Sampling::Trajectories<dim>
  simulate_trajectories(const Model<dim>           &model,
                        const MonteCarloParameters &parameters,
                        const GeometryParameters   &geometry,
                        const unsigned int          runs,
                        const unsigned int          steps,
                        const unsigned int          burn_in,
                        const unsigned int          every,
                        const std::uint32_t         seed)
  {
    const Sampling::BoxGrid<dim> grid(geometry);
    const double                 dt = parameters.time_step;
    // The runs for one Dynamics (the inlined OU one, or the general one).
    const auto simulate = [&](const auto &dynamics) {
      using Dynamics = std::decay_t<decltype(dynamics)>;
      const Stepper<dim, Dynamics, Sampling::BoxGrid<dim>> stepper(
          dynamics, parameters, grid, model.temperature());
      Sampling::Trajectories<dim> trajectories;
      for (unsigned int r = 0; r < runs; ++r)
        {
          const Sampling::RandomStream    rng(seed, r);
          dealii::Point<dim>              x, y;
          dealii::Tensor<1, dim>          d, eta;
          double                          clamped = 0.;
          std::vector<double>             t;
          std::vector<dealii::Point<dim>> points;
          for (unsigned int s = 0; s < burn_in + steps; ++s)
            {
              if (s >= burn_in && (s - burn_in) % every == 0)
                {
                  t.push_back(s * dt);
                  points.push_back(x);
                }
              stepper.step(rng, s, x, y, d, eta, clamped);
              x = y;
            }
          trajectories.add_run(r, t, points);
        }
      return trajectories;
    };
    if (const auto *ou = dynamic_cast<const OrnsteinUhlenbeckModel<dim> *>(&model))
      return simulate(OrnsteinUhlenbeckDynamics<dim>(*ou));
    return simulate(GeneralDynamics<dim>(model));
  }

#define FP_INSTANTIATE(dim)                                                              \
  template Sampling::Trajectories<dim> simulate_trajectories(                            \
      const Model<dim> &,                                                                \
      const MonteCarloParameters &,                                                      \
      const GeometryParameters &,                                                        \
      unsigned int,                                                                      \
      unsigned int,                                                                      \
      unsigned int,                                                                      \
      unsigned int,                                                                      \
      std::uint32_t);
  FP_FOR_EACH_DIM(FP_INSTANTIATE)
#undef FP_INSTANTIATE
} // namespace FokkerPlanck::MonteCarlo

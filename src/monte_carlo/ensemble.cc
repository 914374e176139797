#include <deal.II/base/function_parser.h>
#include <deal.II/base/utilities.h>

#include <fokker_planck/base/input_error.h>
#include <fokker_planck/base/parsing.h>
#include <fokker_planck/monte_carlo/ensemble.h>
#include <fokker_planck/monte_carlo/particle_dynamics.h>
#include <fokker_planck/sampling/box_grid.h>
#include <fokker_planck/sampling/mesh_cells.h>
#include <fokker_planck/sampling/random_stream.h>

#include <cmath>

namespace FokkerPlanck::MonteCarlo
{
  using namespace dealii;

  template <int dim>
  Ensemble<dim>::Ensemble(const MonteCarloParameters   &parameters,
                          const GeometryParameters     &geometry,
                          const TimeSteppingParameters &initial,
                          const Model<dim>             &model,
                          const bool                    stationary,
                          const MPI_Comm                communicator,
                          std::ostream                 *progress)
      : parameters(parameters)
      , initial(initial)
      , model(model)
      , stationary(stationary)
      , communicator(communicator)
      , progress(progress)
      , layout(dim, parameters.regions.size())
  {
    if constexpr (dim > 1)
      if (geometry.mesh_type == GeometryParameters::MeshType::gmsh)
        bins = std::make_unique<Sampling::MeshCells<dim>>(geometry);
    if (!bins)
      bins = std::make_unique<Sampling::BoxGrid<dim>>(geometry);

    for (const auto &[name, expression] : parameters.regions)
      {
        auto parser = Parsing::make_parser<dim>({expression},
                                                {{"pi", M_PI}},
                                                "Monte Carlo/First-passage regions",
                                                " (region '" + name + "')");
        regions.push_back(std::move(parser));
      }
    set_up_initial_distribution();
    place_particles();
  }

  template <int dim>
  void
  Ensemble<dim>::set_up_initial_distribution()
  {
    const Sampling::Bins<dim> &domain = *bins;
    if (parameters.initial_point.empty() && stationary)
      initial_bound = 1.; // uniform in the domain
    else if (parameters.initial_point.empty())
      {
        if (initial.initial_type == TimeSteppingParameters::InitialType::gaussian)
          {
            SymmetricTensor<2, dim> covariance;
            for (unsigned int i = 0; i < dim; ++i)
              for (unsigned int j = i; j < dim; ++j)
                covariance[i][j] = initial.initial_covariance[i * dim + j];
            require(initial.initial_mean.size() == dim &&
                        eigenvalues(covariance)[dim - 1] > 0.,
                    "Time stepping/Initial condition/Covariance",
                    "the Monte Carlo starting points need a positive definite "
                    "covariance and a mean of dim numbers");
            initial_factor = cholesky(covariance);
          }
        else
          {
            // Rejection sampling: bound the density by 1.5 times its
            // maximum over the points of the domain on a lattice 4x finer than
            // the bins over its bounding box.
            initial_density         = make_initial_condition<dim>(initial);
            const unsigned int fine = 4;
            unsigned int       n    = 1;
            for (unsigned int k = 0; k < dim; ++k)
              n *= fine * domain.resolution(k) + 1;
            require(n < 20000000,
                    "Monte Carlo/Initial point",
                    "the grid is too fine to bound the initial expression; give an "
                    "initial point");
            for (unsigned int index = 0; index < n; ++index)
              {
                Point<dim>   x;
                unsigned int rest = index;
                for (unsigned int k = 0; k < dim; ++k)
                  {
                    const unsigned int m = fine * domain.resolution(k) + 1;
                    x[k]                 = domain.lower[k] +
                           (domain.upper[k] - domain.lower[k]) * (rest % m) / (m - 1.);
                    rest /= m;
                  }
                if (domain.contains(x))
                  initial_bound = std::max(initial_bound, initial_density->value(x));
              }
            require(
                initial_bound > 0.,
                "Time stepping/Initial condition/Expression",
                "is nowhere positive in the domain, so no starting point can be drawn");
            initial_bound *= 1.5;
          }
      }
  }

  template <int dim>
  std::uint64_t
  Ensemble<dim>::batch_begin(const unsigned int b) const
  {
    return static_cast<std::uint64_t>(b) * parameters.n_trajectories /
           parameters.n_batches;
  }

  template <int dim>
  void
  Ensemble<dim>::place_particles()
  {
    const unsigned int n_ranks  = Utilities::MPI::n_mpi_processes(communicator);
    const unsigned int rank     = Utilities::MPI::this_mpi_process(communicator);
    const unsigned int B        = parameters.n_batches;
    first_batch                 = static_cast<std::uint64_t>(rank) * B / n_ranks;
    end_batch                   = static_cast<std::uint64_t>(rank + 1) * B / n_ranks;
    first_trajectory            = batch_begin(first_batch);
    const std::uint64_t n_local = batch_begin(end_batch) - first_trajectory;
    positions.resize(n_local);
    alive.assign(n_local, 1);
    absorption.assign(n_local, -1.);
    if (!stationary)
      last_increment.assign(n_local, Tensor<1, dim>());
    first_passage.assign(n_local * regions.size(), -1.);
    if (!parameters.initial_point.empty())
      require(bins->contains(initial_position(0)),
              "Monte Carlo/Initial point",
              "is outside the mesh");
    for (std::uint64_t t = 0; t < n_local; ++t)
      {
        positions[t] = initial_position(first_trajectory + t);
        for (unsigned int r = 0; r < regions.size(); ++r)
          if (regions[r]->value(positions[t]) > 0.)
            first_passage[t * regions.size() + r] = 0.;
      }
  }

  template <int dim>
  Ensemble<dim>::~Ensemble() = default;

  template <int dim>
  std::vector<std::string>
  Ensemble<dim>::region_names() const
  {
    std::vector<std::string> names;
    for (const auto &region : parameters.regions)
      names.push_back(region.first);
    return names;
  }

  template <int dim>
  double
  Ensemble<dim>::particle_steps() const
  {
    return Utilities::MPI::sum(local_steps, communicator);
  }

  template <int dim>
  Point<dim>
  Ensemble<dim>::initial_position(const std::uint64_t trajectory) const
  {
    if (!parameters.initial_point.empty())
      {
        Point<dim> x;
        for (unsigned int k = 0; k < dim; ++k)
          x[k] = parameters.initial_point[k];
        return x;
      }
    const Sampling::RandomStream rng(parameters.seed, trajectory);
    const Sampling::Bins<dim>   &domain = *bins;
    const auto inside = [&](const Point<dim> &x) { return domain.contains(x); };
    for (std::uint32_t attempt = 0; attempt < 1000000; ++attempt)
      {
        Point<dim> x;
        if (!initial_density && !stationary)
          {
            double z[4];
            rng.normals(0, Sampling::Purpose::initial_point, z, attempt);
            Tensor<1, dim> zeta;
            for (unsigned int k = 0; k < dim; ++k)
              zeta[k] = z[k];
            const Tensor<1, dim> shift = initial_factor * zeta;
            for (unsigned int k = 0; k < dim; ++k)
              x[k] = initial.initial_mean[k] + shift[k];
            if (inside(x))
              return x;
          }
        else
          {
            const auto w = rng.words(0, Sampling::Purpose::initial_point, attempt);
            for (unsigned int k = 0; k < dim; ++k)
              x[k] = domain.lower[k] + (domain.upper[k] - domain.lower[k]) *
                                           Sampling::RandomStream::uniform(w[k]);
            if (inside(x) &&
                (stationary || Sampling::RandomStream::uniform(w[3]) * initial_bound <
                                   initial_density->value(x)))
              return x;
          }
      }
    throw InputError("Time stepping/Initial condition",
                     "no Monte Carlo starting point inside the domain after 10^6 "
                     "attempts: the initial density has almost no mass in it");
  }

  template class Ensemble<1>;
  template class Ensemble<2>;
  template class Ensemble<3>;
} // namespace FokkerPlanck::MonteCarlo

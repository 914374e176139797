/**
 * @file
 * The networks behind the SGD models, trained by minibatch SGD (a real
 * Monte Carlo of the algorithm, not of the SDE): linear regression, the
 * scalar two-layer network and deep linear networks with full weight
 * matrices. Each run is projected onto the model's coordinates, so that its
 * ensemble can be put beside the Fokker–Planck density of the same
 * parameter file.
 */
#pragma once

#include <deal.II/base/point.h>

#include <fokker_planck/model/model_parameters.h>
#include <fokker_planck/sampling/random_stream.h>
#include <fokker_planck/sgd/sgd_parameters.h>

#include <cstdint>
#include <memory>
#include <vector>

namespace FokkerPlanck
{
  struct TimeSteppingParameters;
}

namespace FokkerPlanck::Sgd
{
  /** The normals of an SGD run come from the sampling layer's stream. */
  using Sampling::NormalStream;

  /**
   * One SGD run of a network: its weights, a step on a fresh minibatch,
   * and its point in the model's coordinates.
   */
  template <int dim>
  class Network
  {
  public:
    virtual ~Network() = default;

    /** Initial weights, drawn from @p random (counter step 0). */
    virtual void
    initialise(NormalStream &random) = 0;

    /** One SGD step w ← w − η ĝ with a minibatch of size B from @p random. */
    virtual void
    step(NormalStream &random) = 0;

    /**
     * The stochastic gradient noise of the last step(): the minibatch
     * gradient minus the full gradient ∇L at the same weights, in the
     * model's coordinates, into @p noise. False if the network does not
     * provide it.
     */
    virtual bool
    gradient_noise(dealii::Tensor<1, dim> &noise) const
    {
      (void)noise;
      return false;
    }

    /** The run projected onto the model's coordinates. */
    virtual dealii::Point<dim>
    coordinates() const = 0;

    /**
     * Target value of each coordinate, for the fraction of runs that have
     * learned mode α (x_α > target_α/2); empty if the model has no modes.
     */
    virtual std::vector<double>
    targets() const
    {
      return {};
    }

    /** A fresh network with the same parameters (and teacher). */
    virtual std::unique_ptr<Network<dim>>
    clone() const = 0;
  };

  /**
   * The network of the model named in "Model/Name" (@p model: η, B and the
   * entries of the model's subsection). Linear regression and the two-layer
   * network start from "Time stepping/Initial condition" (@p start, a
   * Gaussian); the deep linear network from its own initialisation, drawn
   * with 'SGD simulation/Seed' (@p seed). The label noise ε of every sample
   * is drawn from @p label_noise. Throws InputError for other models.
   */
  template <int dim>
  std::unique_ptr<Network<dim>>
  make_network(const ModelParameters        &model,
               const TimeSteppingParameters &start,
               std::uint64_t                 seed,
               const LabelNoise             &label_noise = LabelNoise());
} // namespace FokkerPlanck::Sgd

/**
 * @file
 * Minibatch SGD on the networks behind the SGD models (a real Monte Carlo
 * of the algorithm, not of the SDE): linear regression, the scalar
 * two-layer network and deep linear networks with full weight matrices.
 * Each run is projected onto the model's coordinates, so that its ensemble
 * can be put beside the Fokker–Planck density of the same parameter file.
 */
#pragma once

#include <deal.II/base/mpi.h>
#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/point.h>

#include <fokker_planck/app/case_parameters.h>
#include <fokker_planck/sampling/random_stream.h>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

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
   * The network of the model named in "Model/Name" with η, B and the
   * entries of the model's subsection. Linear regression and the
   * two-layer network start from "Time stepping/Initial condition"
   * (a Gaussian); the deep linear network from its own initialisation.
   * Throws InputError for other models.
   */
  template <int dim>
  std::unique_ptr<Network<dim>>
  make_network(const CaseParameters &parameters);

  /**
   * Run the SGD ensemble of the case @p parameters and write into the output
   * directory: sgd_statistics.txt (per output time: mean, covariance,
   * fraction learned per mode, fraction outside the box), sgd_histogram.pvd
   * (cell field sgd_density at every output time, and the time-averaged
   * one as the last entry) and sgd_summary.json. Runs are spread over the
   * ranks of @p communicator; the result does not depend on their number.
   *
   * With 'Compare with finite elements', the Fokker–Planck problem of the
   * same file is solved on the same mesh and compared with the histograms
   * (FiniteElementComparison): sgd_comparison.txt, the section "comparison"
   * of the summary, and the fields fe_density and sgd_density_difference.
   * @p finite_element_model, if given, is the model the FE problem uses
   * instead of the case's own (tests give it a wrong temperature to check
   * that the comparison sees the difference).
   */
  template <int dim>
  nlohmann::json
  run_sgd(const CaseParameters  &parameters,
          const std::string     &parameter_file,
          bool                   verbose              = true,
          MPI_Comm               communicator         = MPI_COMM_WORLD,
          const ModelParameters *finite_element_model = nullptr);
} // namespace FokkerPlanck::Sgd

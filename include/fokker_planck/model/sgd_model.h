/**
 * @file
 * The common part of the SGD models of linear networks (DESIGN.md §4): the
 * noise switch between SGD's own gradient-noise covariance and its Langevin
 * twins, the explicit isotropic floor δ, and T = η/(2B).
 */
#pragma once

#include <deal.II/base/parameter_handler.h>

#include <fokker_planck/model/model.h>

#include <string>
#include <type_traits>
#include <vector>

namespace FokkerPlanck
{
  /** Which diffusion matrix an SGD model hands to the Fokker–Planck solver. */
  enum class NoiseModel
  {
    /** D = C(x) + δI: the per-sample gradient covariance (SGD noise). */
    sgd,
    /** Langevin twin D = I: for u = −∇L, π = exp(−L/T)/Z. */
    langevin,
    /**
     * Langevin twin D = c I with the constant c = tr C(x_ref)/d taken at the
     * model's reference point (its minimum): isotropic noise of the same
     * overall size as SGD's where the density concentrates; for u = −∇L,
     * π ∝ exp(−L/(cT)).
     */
    langevin_trace_matched,
    /**
     * D = (tr C(x)/d + δ) I, pointwise: isotropic but state-dependent, so
     * the Itô correction −T∇·D enters and π is not a Boltzmann density.
     */
    langevin_trace_matched_pointwise
  };

  /**
   * Entries "Noise" and "Isotropic floor" that every SGD model declares in
   * its own subsection, so that one switch turns a case into its twin.
   */
  struct SgdNoiseParameters
  {
    NoiseModel noise = NoiseModel::sgd;
    /** δ ≥ 0 added to D as δ I (not to D = I). */
    double floor = 0.;

    /** Declare the two entries in the current subsection. */
    static void
    declare_parameters(dealii::ParameterHandler &prm);

    /** Read them from the current subsection. */
    void
    parse_parameters(const dealii::ParameterHandler &prm);

    /** The selection text of the noise model, e.g. "langevin". */
    std::string
    name() const;
  };

  /**
   * The parsed entries of an SGD model's subsection: those of its network
   * (@p Network, e.g. TwoLayerScalarParameters) and the noise switch.
   */
  template <class Network>
  struct SgdModelParameters
  {
    Network            network;
    SgdNoiseParameters noise;
  };

  /**
   * An SDE model of SGD: drift u(x), per-sample gradient covariance C(x),
   * loss L(x) and the noise switch. D(x) is C(x) + δI, I, (tr C(x_ref)/d) I
   * or (tr C(x)/d + δ) I. The temperature is T = η/(2B) from "Model/Learning
   * rate" and "Model/Batch size" (ModelParameters requires "Temperature
   * source = sgd" for these models).
   */
  template <int dim>
  class SgdModel : public Model<dim>
  {
  public:
    /** Whether the model needs 'Temperature source = sgd' (T = η/(2B)). */
    static constexpr bool requires_sgd_temperature = true;

    /** @p subsection names the model's subsection in messages. */
    explicit SgdModel(const SgdNoiseParameters &noise, const std::string &subsection);

    /** The per-sample gradient covariance C(x) of the model (no floor). */
    virtual dealii::SymmetricTensor<2, dim>
    gradient_covariance(const dealii::Point<dim> &x) const = 0;

    /**
     * The drift at T = 0, i.e. the gradient-flow reference the transient
     * runs integrate alongside: −∇L, or −P(x)∇L for the deep linear
     * network in its end-to-end coordinates.
     */
    virtual dealii::Tensor<1, dim>
    gradient_flow_drift(const dealii::Point<dim> &x) const = 0;

    /** The point where the trace-matched twin takes tr C (the minimum). */
    virtual dealii::Point<dim>
    reference_point() const = 0;

    /**
     * Target value of each coordinate for the "learned" statistics
     * (x_α > target_α/2), or empty if the model has no modes to learn.
     */
    virtual std::vector<double>
    mode_targets() const
    {
      return {};
    }

    dealii::SymmetricTensor<2, dim>
    diffusion(const dealii::Point<dim> &x) const override;

    bool
    has_loss() const override
    {
      return true;
    }

    std::string
    diffusion_entry() const override
    {
      return "Model/" + subsection + "/Noise";
    }

    const SgdNoiseParameters &
    noise_parameters() const
    {
      return noise;
    }

  protected:
    /** ", noise = sgd, floor = δ" for the description. */
    std::string
    noise_description() const;

    /**
     * Refuse the degenerate case of models whose noise vanishes without
     * label noise at the minimum, where the drift vanishes too: then the
     * density collapses to a point mass (@p minimum names it). Applies to
     * the noise models that use C, unless there is an isotropic floor.
     */
    void
    require_noise_at_minimum(double             label_noise_variance,
                             const std::string &minimum) const;

    /** Called by derived constructors once their parameters are set. */
    void
    finish_setup();

    SgdNoiseParameters noise;
    std::string        subsection;

  private:
    /** c of the constant trace-matched twin, set by finish_setup(). */
    double trace_matched_scale = 1.;
  };

  /**
   * An SGD model whose network is described by @p Network (a parameter
   * struct with a static `subsection`, the name of the model's subsection
   * of "Model"): the Parameters type of the model registry, and the
   * declaration and parsing of that subsection (the network's entries and
   * the noise switch).
   */
  template <int dim, class Network>
  class SgdModelOf : public SgdModel<dim>
  {
  public:
    /** The parsed entries of the model's subsection. */
    using Parameters = SgdModelParameters<Network>;

    /** Declare the model's subsection (inside the entered "Model"). */
    static void
    declare_parameters(dealii::ParameterHandler &prm)
    {
      prm.enter_subsection(Network::subsection);
      Network::declare_parameters(prm);
      SgdNoiseParameters::declare_parameters(prm);
      prm.leave_subsection();
    }

    /**
     * Read the model's subsection (inside the entered "Model"); a network
     * whose entries depend on the number of modes gets dim.
     */
    static Parameters
    parse_parameters(dealii::ParameterHandler &prm)
    {
      Parameters parameters;
      prm.enter_subsection(Network::subsection);
      if constexpr (std::is_invocable_v<decltype(&Network::parse_parameters),
                                        Network &,
                                        const dealii::ParameterHandler &,
                                        unsigned int>)
        parameters.network.parse_parameters(prm, dim);
      else
        parameters.network.parse_parameters(prm);
      parameters.noise.parse_parameters(prm);
      prm.leave_subsection();
      return parameters;
    }

  protected:
    explicit SgdModelOf(const SgdNoiseParameters &noise)
        : SgdModel<dim>(noise, Network::subsection)
    {
    }
  };

  extern template class SgdModel<1>;
  extern template class SgdModel<2>;
  extern template class SgdModel<3>;
} // namespace FokkerPlanck

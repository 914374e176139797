#include <fokker_planck/base/input_error.h>
#include <fokker_planck/base/parsing.h>
#include <fokker_planck/model/deep_linear.h>

#include <cmath>
#include <sstream>

namespace FokkerPlanck
{
  using namespace dealii;

  namespace
  {
    const std::string entry_prefix = "Model/Deep linear/";

    /** sgn(u)|u|^p, continuous at 0 for p > 0 (and 1 for p = 0). */
    double
    signed_power(const double u, const double p)
    {
      const double m = p == 0. ? 1. : std::pow(std::abs(u), p);
      return u < 0 ? -m : m;
    }
  } // namespace

  void
  DeepLinearParameters::declare_parameters(ParameterHandler &prm)
  {
    prm.declare_entry("Depth",
                      "2",
                      Patterns::Integer(1, 10),
                      "Depth L >= 1: number of weight matrices W_L...W_1.");
    prm.declare_entry("Singular values",
                      "1",
                      Patterns::List(Patterns::Double(0.), 1, 3),
                      "Teacher singular values s_alpha > 0, one per mode "
                      "(dim numbers, or 1 for all): M = U diag(s) V^T.");
    prm.declare_entry("Label noise variance",
                      "0.1",
                      Patterns::Double(0.),
                      "Variance sigma^2 >= 0 of the label noise, y = M x + "
                      "sigma eps with eps ~ N(0, I).");
    prm.declare_entry("Widths",
                      "",
                      Patterns::List(Patterns::Integer(1), 0, 11),
                      "SGD simulator only: the L+1 widths n_0 (input), "
                      "hidden widths, n_L (output), each >= dim. Empty: "
                      "all equal to dim.");
    prm.declare_entry("Initialisation",
                      "gaussian",
                      Patterns::Selection("gaussian|aligned"),
                      "SGD simulator only: 'gaussian': entries of W_l "
                      "~ N(0, eps^2/n_{l-1}) as in practice; 'aligned': the "
                      "balanced, teacher-aligned weights of the reduced "
                      "model with u_alpha(0) = eps^L.");
    prm.declare_entry("Initialisation scale",
                      "0.1",
                      Patterns::Double(0.),
                      "Initialisation scale eps > 0 (see 'Initialisation').");
  }

  void
  DeepLinearParameters::parse_parameters(const ParameterHandler &prm,
                                         const unsigned int      n_modes)
  {
    depth                = prm.get_integer("Depth");
    label_noise_variance = prm.get_double("Label noise variance");
    const auto s         = Parsing::get_doubles(prm, "Singular values");
    require(s.size() == 1 || s.size() == n_modes,
            entry_prefix + "Singular values",
            "needs 1 or dim = " + std::to_string(n_modes) +
                " numbers (one per mode), got " + std::to_string(s.size()));
    singular_values.assign(n_modes, s[0]);
    for (unsigned int a = 0; a < n_modes; ++a)
      {
        if (s.size() == n_modes)
          singular_values[a] = s[a];
        require(singular_values[a] > 0.,
                entry_prefix + "Singular values",
                "must be > 0 (aligned modes of positive strength)");
      }
    widths = Parsing::get_unsigned(prm, "Widths");
    if (widths.empty())
      widths.assign(depth + 1, n_modes);
    require(widths.size() == depth + 1,
            entry_prefix + "Widths",
            "needs Depth + 1 = " + std::to_string(depth + 1) +
                " numbers (input, hidden..., output), got " +
                std::to_string(widths.size()));
    for (const unsigned int n : widths)
      require(n >= n_modes,
              entry_prefix + "Widths",
              "every width must be >= dim = " + std::to_string(n_modes) +
                  " (the number of modes)");
    aligned_initialisation = prm.get("Initialisation") == "aligned";
    initialisation_scale   = prm.get_double("Initialisation scale");
    require(
        initialisation_scale > 0., entry_prefix + "Initialisation scale", "must be > 0");
  }

  template <int dim>
  DeepLinearModel<dim>::DeepLinearModel(const Parameters &parameters, const double)
      : DeepLinearModel(parameters.network, parameters.noise)
  {
    this->require_noise_at_minimum(parameters.network.label_noise_variance,
                                   "the teacher u = s");
  }

  template <int dim>
  DeepLinearModel<dim>::DeepLinearModel(const DeepLinearParameters &parameters,
                                        const SgdNoiseParameters   &noise)
      : SgdModelOf<dim, DeepLinearParameters>(noise)
      , parameters(parameters)
  {
    this->finish_setup();
  }

  template <int dim>
  Tensor<1, dim>
  DeepLinearModel<dim>::gradient_flow_drift(const Point<dim> &x) const
  {
    const double   L = parameters.depth;
    Tensor<1, dim> u;
    for (unsigned int a = 0; a < dim; ++a)
      u[a] = -L * std::pow(std::abs(x[a]), 2. - 2. / L) *
             (x[a] - parameters.singular_values[a]);
    return u;
  }

  template <int dim>
  Tensor<1, dim>
  DeepLinearModel<dim>::drift(const Point<dim> &x) const
  {
    const double L = parameters.depth;
    const double T = this->temperature();
    auto         u = gradient_flow_drift(x);
    for (unsigned int a = 0; a < dim; ++a)
      {
        const double e = x[a] - parameters.singular_values[a];
        u[a] += T * L * (L - 1.) * signed_power(x[a], 3. - 4. / L) *
                (2. * e * e + parameters.label_noise_variance);
      }
    return u;
  }

  template <int dim>
  SymmetricTensor<2, dim>
  DeepLinearModel<dim>::gradient_covariance(const Point<dim> &x) const
  {
    const double            L = parameters.depth;
    SymmetricTensor<2, dim> C;
    for (unsigned int a = 0; a < dim; ++a)
      {
        const double e = x[a] - parameters.singular_values[a];
        C[a][a]        = L * L * std::pow(std::abs(x[a]), 4. - 4. / L) *
                  (2. * e * e + parameters.label_noise_variance);
      }
    return C;
  }

  template <int dim>
  double
  DeepLinearModel<dim>::loss(const Point<dim> &x) const
  {
    double l = 0.;
    for (unsigned int a = 0; a < dim; ++a)
      {
        const double e = x[a] - parameters.singular_values[a];
        l += 0.5 * (e * e + parameters.label_noise_variance);
      }
    return l;
  }

  template <int dim>
  Point<dim>
  DeepLinearModel<dim>::reference_point() const
  {
    Point<dim> s;
    for (unsigned int a = 0; a < dim; ++a)
      s[a] = parameters.singular_values[a];
    return s;
  }

  template <int dim>
  std::string
  DeepLinearModel<dim>::description() const
  {
    std::ostringstream out;
    out << "deep-linear: " << dim << " mode(s) u_a = w_a^L, L = " << parameters.depth
        << ", s = (" << reference_point()
        << "), sigma^2 = " << parameters.label_noise_variance
        << this->noise_description();
    return out.str();
  }

  template class DeepLinearModel<1>;
  template class DeepLinearModel<2>;
  template class DeepLinearModel<3>;
} // namespace FokkerPlanck

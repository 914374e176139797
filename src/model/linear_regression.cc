#include <fokker_planck/base/input_error.h>
#include <fokker_planck/base/parsing.h>
#include <fokker_planck/model/linear_regression.h>

#include <sstream>

namespace FokkerPlanck
{
  using namespace dealii;

  namespace
  {
    const std::string entry_prefix = "Model/Linear regression/";
  }

  template <int dim>
  void
  LinearRegressionParameters<dim>::declare_parameters(ParameterHandler &prm)
  {
    prm.declare_entry("Input covariance",
                      "1",
                      Patterns::List(Patterns::Double(), 1, 9),
                      "Covariance H of the inputs x ~ N(0, H): 1 number "
                      "(H = h I), dim numbers (diagonal) or dim*dim numbers "
                      "(row-major); symmetric positive definite.");
    prm.declare_entry("Teacher",
                      "0",
                      Patterns::List(Patterns::Double(), 1, 3),
                      "Teacher weights w* (1 number for all components, or "
                      "dim numbers): labels y = w*^T x + sigma eps.");
    prm.declare_entry("Label noise variance",
                      "1",
                      Patterns::Double(0.),
                      "Variance sigma^2 >= 0 of the label noise.");
  }

  template <int dim>
  void
  LinearRegressionParameters<dim>::parse_parameters(const ParameterHandler &prm)
  {
    const auto h         = Parsing::get_doubles(prm, "Input covariance");
    const auto w         = Parsing::get_doubles(prm, "Teacher");
    label_noise_variance = prm.get_double("Label noise variance");
    const std::string d  = std::to_string(dim);
    require(h.size() == 1 || h.size() == dim || h.size() == dim * dim,
            entry_prefix + "Input covariance",
            "needs 1, dim = " + d + " or dim*dim numbers, got " +
                std::to_string(h.size()));
    require(w.size() == 1 || w.size() == dim,
            entry_prefix + "Teacher",
            "needs 1 or dim = " + d + " numbers, got " + std::to_string(w.size()));
    H = SymmetricTensor<2, dim>();
    for (unsigned int i = 0; i < dim; ++i)
      {
        teacher[i] = w.size() == 1 ? w[0] : w[i];
        if (h.size() == 1 || (h.size() == dim && dim > 1))
          H[i][i] = h.size() == 1 ? h[0] : h[i];
        else
          for (unsigned int j = 0; j < dim; ++j)
            {
              require(h[i * dim + j] == h[j * dim + i],
                      entry_prefix + "Input covariance",
                      "must be symmetric");
              H[i][j] = h[i * dim + j];
            }
      }
    require(eigenvalues(H)[dim - 1] > 0.,
            entry_prefix + "Input covariance",
            "must be positive definite; its smallest eigenvalue is " +
                std::to_string(eigenvalues(H)[dim - 1]));
  }

  template <int dim>
  LinearRegressionModel<dim>::LinearRegressionModel(const Parameters &parameters,
                                                    const double)
      : LinearRegressionModel(parameters.network, parameters.noise)
  {
    this->require_noise_at_minimum(parameters.network.label_noise_variance,
                                   "the teacher w = w*");
  }

  template <int dim>
  LinearRegressionModel<dim>::LinearRegressionModel(
      const LinearRegressionParameters<dim> &parameters, const SgdNoiseParameters &noise)
      : SgdModelOf<dim, LinearRegressionParameters<dim>>(noise)
      , parameters(parameters)
  {
    this->finish_setup();
  }

  template <int dim>
  SymmetricTensor<2, dim>
  LinearRegressionModel<dim>::gradient_covariance(const Point<dim> &x) const
  {
    const Tensor<1, dim> e  = x - parameters.teacher;
    const Tensor<1, dim> He = parameters.H * e;
    return (e * He + parameters.label_noise_variance) * parameters.H +
           symmetrize(outer_product(He, He));
  }

  template <int dim>
  double
  LinearRegressionModel<dim>::loss(const Point<dim> &x) const
  {
    const Tensor<1, dim> e = x - parameters.teacher;
    return 0.5 * (e * (parameters.H * e) + parameters.label_noise_variance);
  }

  template <int dim>
  std::string
  LinearRegressionModel<dim>::description() const
  {
    std::ostringstream out;
    out << "linear-regression: u = -H(w - w*), C = (e^T H e + sigma^2) H + H e e^T H, "
        << "H = [" << parameters.H << "], w* = (" << parameters.teacher
        << "), sigma^2 = " << parameters.label_noise_variance
        << this->noise_description();
    return out.str();
  }

  template struct LinearRegressionParameters<1>;
  template struct LinearRegressionParameters<2>;
  template struct LinearRegressionParameters<3>;
  template class LinearRegressionModel<1>;
  template class LinearRegressionModel<2>;
  template class LinearRegressionModel<3>;
} // namespace FokkerPlanck

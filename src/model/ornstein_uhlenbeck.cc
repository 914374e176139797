#include <fokker_planck/base/input_error.h>
#include <fokker_planck/base/parsing.h>
#include <fokker_planck/model/ornstein_uhlenbeck.h>

#include <cmath>
#include <sstream>

namespace FokkerPlanck
{
  using namespace dealii;

  template <int dim>
  void
  OrnsteinUhlenbeckModel<dim>::declare_parameters(ParameterHandler &prm)
  {
    prm.enter_subsection("Ornstein-Uhlenbeck");
    {
      prm.declare_entry("H",
                        "1, 0.8, -0.3, 2",
                        Patterns::List(Patterns::Double(), 1, 9),
                        "Drift matrix H of u = -Hx, row-major, dim*dim "
                        "numbers (units 1/time). Its eigenvalues must have "
                        "positive real parts for a stationary density.");
      prm.declare_entry("D",
                        "1, 0.3, 0.3, 0.5",
                        Patterns::List(Patterns::Double(), 1, 9),
                        "Constant diffusion matrix D, row-major, dim*dim "
                        "numbers; symmetric positive definite.");
    }
    prm.leave_subsection();
  }

  template <int dim>
  typename OrnsteinUhlenbeckModel<dim>::Parameters
  OrnsteinUhlenbeckModel<dim>::parse_parameters(ParameterHandler &prm)
  {
    Parameters parameters;
    prm.enter_subsection("Ornstein-Uhlenbeck");
    parameters.H = Parsing::get_doubles(prm, "H");
    parameters.D = Parsing::get_doubles(prm, "D");
    prm.leave_subsection();
    return parameters;
  }

  template <int dim>
  OrnsteinUhlenbeckModel<dim>::OrnsteinUhlenbeckModel(const Parameters &parameters,
                                                      const double)
  {
    const auto       &h = parameters.H;
    const auto       &d = parameters.D;
    const std::string n = std::to_string(dim * dim);
    require(h.size() == dim * dim,
            "Model/Ornstein-Uhlenbeck/H",
            "needs dim*dim = " + n + " numbers, got " + std::to_string(h.size()));
    require(d.size() == dim * dim,
            "Model/Ornstein-Uhlenbeck/D",
            "needs dim*dim = " + n + " numbers, got " + std::to_string(d.size()));
    for (unsigned int i = 0; i < dim; ++i)
      for (unsigned int j = 0; j < dim; ++j)
        {
          H[i][j] = h[i * dim + j];
          require(d[i * dim + j] == d[j * dim + i],
                  "Model/Ornstein-Uhlenbeck/D",
                  "must be symmetric");
          D[i][j] = d[i * dim + j];
        }
    const auto lambda = eigenvalues(D);
    require(lambda[dim - 1] > 0.,
            "Model/Ornstein-Uhlenbeck/D",
            "must be positive definite; its smallest eigenvalue is " +
                std::to_string(lambda[dim - 1]));
  }

  template <int dim>
  OrnsteinUhlenbeckModel<dim>::OrnsteinUhlenbeckModel(const Tensor<2, dim>          &H,
                                                      const SymmetricTensor<2, dim> &D)
      : H(H)
      , D(D)
  {
  }

  template <int dim>
  bool
  OrnsteinUhlenbeckModel<dim>::has_loss() const
  {
    for (unsigned int i = 0; i < dim; ++i)
      for (unsigned int j = 0; j < i; ++j)
        if (H[i][j] != H[j][i])
          return false;
    return true;
  }

  template <int dim>
  std::string
  OrnsteinUhlenbeckModel<dim>::description() const
  {
    std::ostringstream out;
    out << "ornstein-uhlenbeck: u = -Hx, H = [" << H << "], D = [" << D << "]";
    return out.str();
  }

  template class OrnsteinUhlenbeckModel<1>;
  template class OrnsteinUhlenbeckModel<2>;
  template class OrnsteinUhlenbeckModel<3>;
} // namespace FokkerPlanck

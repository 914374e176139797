// The networks that the SGD simulator trains, one per SGD model.

#include <fokker_planck/base/cholesky.h>
#include <fokker_planck/base/input_error.h>
#include <fokker_planck/model/deep_linear.h>
#include <fokker_planck/model/linear_regression.h>
#include <fokker_planck/model/two_layer_scalar.h>
#include <fokker_planck/sgd/network.h>
#include <fokker_planck/solvers/transient_solver.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace FokkerPlanck::Sgd
{
  using namespace dealii;

  namespace
  {
    /** L z with z a vector of dim standard normals. */
    template <int dim>
    Tensor<1, dim>
    correlated_normal(const Tensor<2, dim> &L, NormalStream &random)
    {
      Tensor<1, dim> z;
      for (unsigned int d = 0; d < dim; ++d)
        z[d] = random.normal();
      return L * z;
    }

    /**
     * Draws of the label noise ε (LabelNoise) from the normal numbers of
     * the run: a uniform is Φ(z) of a normal z, the Student-t is
     * Z / sqrt(χ²_ν/ν) with χ²_ν = 2 Gamma(ν/2) (Marsaglia–Tsang), the
     * α-stable number the Chambers–Mallows–Stuck draw of the Monte Carlo.
     * The Gaussian law draws exactly one normal, as before.
     */
    class LabelNoiseDraw
    {
    public:
      explicit LabelNoiseDraw(const LabelNoise &noise)
          : noise(noise)
          , scale(noise.law == LabelNoise::Law::student_t && noise.index > 2.
                      ? std::sqrt((noise.index - 2.) / noise.index)
                      : 1.)
      {
      }

      double
      operator()(NormalStream &random) const
      {
        switch (noise.law)
          {
            case LabelNoise::Law::student_t:
              {
                const double z = random.normal();
                return scale * z /
                       std::sqrt(2. * gamma(0.5 * noise.index, random) / noise.index);
              }
            case LabelNoise::Law::alpha_stable:
              {
                const double u = uniform(random);
                return Sampling::RandomStream::symmetric_stable_from_uniforms(
                    noise.index, u, uniform(random));
              }
            default:
              return random.normal();
          }
      }

    private:
      static double
      uniform(NormalStream &random)
      {
        return std::clamp(
            0.5 * std::erfc(-random.normal() / std::sqrt(2.)), 1e-300, 1. - 1e-16);
      }

      /** Gamma(k, 1) by Marsaglia and Tsang (2000); k < 1 by Gamma(k + 1) U^(1/k). */
      static double
      gamma(const double k, NormalStream &random)
      {
        if (k < 1.)
          return gamma(k + 1., random) * std::pow(uniform(random), 1. / k);
        const double d = k - 1. / 3., c = 1. / std::sqrt(9. * d);
        while (true)
          {
            const double z = random.normal();
            const double v = std::pow(1. + c * z, 3);
            if (v <= 0.)
              continue;
            if (std::log(uniform(random)) < 0.5 * z * z + d - d * v + d * std::log(v))
              return d * v;
          }
      }

      LabelNoise noise;
      double     scale;
    };

    /** Initial states N(m₀, Σ₀) of "Time stepping/Initial condition". */
    template <int dim>
    struct GaussianStart
    {
      explicit GaussianStart(const TimeSteppingParameters &t)
      {
        require(t.initial_type == TimeSteppingParameters::InitialType::gaussian,
                "Time stepping/Initial condition/Type",
                "must be 'gaussian' for SGD runs of this model: they start "
                "from N(Mean, Covariance)");
        t.check(dim);
        SymmetricTensor<2, dim> covariance;
        for (unsigned int i = 0; i < dim; ++i)
          {
            mean[i] = t.initial_mean[i];
            for (unsigned int j = i; j < dim; ++j)
              covariance[i][j] = t.initial_covariance[i * dim + j];
          }
        factor = cholesky(covariance);
      }

      Point<dim>
      sample(NormalStream &random) const
      {
        return mean + correlated_normal(factor, random);
      }

      Point<dim>     mean;
      Tensor<2, dim> factor;
    };

    /** SGD on ½(wᵀx − y)², x ~ N(0, H), y = w*ᵀx + σε. */
    template <int dim>
    class LinearRegressionNetwork : public Network<dim>
    {
    public:
      LinearRegressionNetwork(const LinearRegressionParameters<dim> &p,
                              const GaussianStart<dim>              &start,
                              const double                           eta,
                              const unsigned int                     B,
                              const LabelNoise                      &label)
          : p(p)
          , label(label)
          , start(start)
          , input_factor(cholesky(p.H))
          , sigma(std::sqrt(p.label_noise_variance))
          , eta(eta)
          , B(B)
      {
      }

      void
      initialise(NormalStream &random) override
      {
        w = start.sample(random);
      }

      void
      step(NormalStream &random) override
      {
        Tensor<1, dim> gradient;
        for (unsigned int b = 0; b < B; ++b)
          {
            const Tensor<1, dim> x = correlated_normal(input_factor, random);
            const double         y = p.teacher * x + sigma * label(random);
            gradient += (w * x - y) * x;
          }
        noise = gradient / B - p.H * (w - p.teacher);
        w -= (eta / B) * gradient;
      }

      bool
      gradient_noise(Tensor<1, dim> &result) const override
      {
        result = noise;
        return true;
      }

      Point<dim>
      coordinates() const override
      {
        return w;
      }

      std::unique_ptr<Network<dim>>
      clone() const override
      {
        return std::make_unique<LinearRegressionNetwork>(*this);
      }

    private:
      LinearRegressionParameters<dim> p;
      LabelNoiseDraw                  label;
      GaussianStart<dim>              start;
      Tensor<2, dim>                  input_factor;
      Tensor<1, dim>                  noise;
      double                          sigma, eta;
      unsigned int                    B;
      Point<dim>                      w;
    };

    /** SGD on ½(w₂w₁x − y)², x ~ N(0, a), y = v x + σε. */
    template <int dim>
    class TwoLayerScalarNetwork : public Network<dim>
    {
    public:
      TwoLayerScalarNetwork(const TwoLayerScalarParameters &p,
                            const GaussianStart<dim>       &start,
                            const double                    eta,
                            const unsigned int              B,
                            const LabelNoise               &label)
          : p(p)
          , label(label)
          , start(start)
          , eta(eta)
          , B(B)
      {
      }

      void
      initialise(NormalStream &random) override
      {
        const Point<dim> x = start.sample(random);
        w1                 = x[0];
        w2                 = x[dim - 1];
      }

      void
      step(NormalStream &random) override
      {
        const double sqrt_a = std::sqrt(p.input_variance);
        const double sigma  = std::sqrt(p.label_noise_variance);
        double       g1 = 0., g2 = 0.;
        for (unsigned int b = 0; b < B; ++b)
          {
            const double x = sqrt_a * random.normal();
            const double y = p.target * x + sigma * label(random);
            const double r = w2 * w1 * x - y;
            g1 += r * w2 * x;
            g2 += r * w1 * x;
          }
        // ∇L = a r (w₂, w₁) with r = w₂w₁ − v.
        const double full = p.input_variance * (w2 * w1 - p.target);
        noise[0]          = g1 / B - full * w2;
        noise[dim - 1]    = g2 / B - full * w1;
        w1 -= eta / B * g1;
        w2 -= eta / B * g2;
      }

      bool
      gradient_noise(Tensor<1, dim> &result) const override
      {
        result = noise;
        return true;
      }

      Point<dim>
      coordinates() const override
      {
        Point<dim> x;
        x[0]       = w1;
        x[dim - 1] = w2;
        return x;
      }

      std::unique_ptr<Network<dim>>
      clone() const override
      {
        return std::make_unique<TwoLayerScalarNetwork>(*this);
      }

    private:
      TwoLayerScalarParameters p;
      LabelNoiseDraw           label;
      GaussianStart<dim>       start;
      Tensor<1, dim>           noise;
      double                   eta;
      unsigned int             B;
      double                   w1 = 0., w2 = 0.;
    };

    /** A dense row-major matrix. */
    struct Matrix
    {
      Matrix(const unsigned int rows = 0, const unsigned int columns = 0)
          : rows(rows)
          , columns(columns)
          , values(rows * columns, 0.)
      {
      }

      double &
      operator()(const unsigned int i, const unsigned int j)
      {
        return values[i * columns + j];
      }

      double
      operator()(const unsigned int i, const unsigned int j) const
      {
        return values[i * columns + j];
      }

      /** y = A x. */
      std::vector<double>
      times(const std::vector<double> &x) const
      {
        std::vector<double> y(rows, 0.);
        for (unsigned int i = 0; i < rows; ++i)
          for (unsigned int j = 0; j < columns; ++j)
            y[i] += (*this)(i, j) * x[j];
        return y;
      }

      /** y = Aᵀ x. */
      std::vector<double>
      transpose_times(const std::vector<double> &x) const
      {
        std::vector<double> y(columns, 0.);
        for (unsigned int i = 0; i < rows; ++i)
          for (unsigned int j = 0; j < columns; ++j)
            y[j] += (*this)(i, j) * x[i];
        return y;
      }

      unsigned int        rows, columns;
      std::vector<double> values;
    };

    /**
     * k orthonormal columns of length n (Gram–Schmidt of Gaussian
     * vectors), as the columns of an n×k matrix.
     */
    Matrix
    random_orthonormal(const unsigned int n, const unsigned int k, NormalStream &random)
    {
      Matrix Q(n, k);
      for (unsigned int j = 0; j < k; ++j)
        {
          std::vector<double> v(n);
          for (auto &x : v)
            x = random.normal();
          for (unsigned int pass = 0; pass < 2; ++pass)
            for (unsigned int i = 0; i < j; ++i)
              {
                double dot = 0.;
                for (unsigned int r = 0; r < n; ++r)
                  dot += Q(r, i) * v[r];
                for (unsigned int r = 0; r < n; ++r)
                  v[r] -= dot * Q(r, i);
              }
          double norm = 0.;
          for (const double x : v)
            norm += x * x;
          for (unsigned int r = 0; r < n; ++r)
            Q(r, j) = v[r] / std::sqrt(norm);
        }
      return Q;
    }

    /**
     * SGD on ½‖y − W_L⋯W₁x‖², x ~ N(0, I), y = M x + σε,
     * M = U diag(s) Vᵀ, projected on u_α = (Uᵀ W_L⋯W₁ V)_αα.
     */
    template <int dim>
    class DeepLinearNetwork : public Network<dim>
    {
    public:
      DeepLinearNetwork(const DeepLinearParameters &p,
                        const std::uint64_t         seed,
                        const double                eta,
                        const unsigned int          B,
                        const LabelNoise           &label)
          : p(p)
          , label(label)
          , sigma(std::sqrt(p.label_noise_variance))
          , eta(eta)
          , B(B)
          , W(p.depth)
      {
        // The teacher is the same for every run: its own key (seed, 2^63).
        NormalStream teacher(seed, std::uint64_t(1) << 63, 0);
        U = random_orthonormal(p.widths.back(), dim, teacher);
        V = random_orthonormal(p.widths.front(), dim, teacher);
      }

      void
      initialise(NormalStream &random) override
      {
        const unsigned int L = p.depth;
        for (unsigned int l = 0; l < L; ++l)
          {
            W[l] = Matrix(p.widths[l + 1], p.widths[l]);
            if (p.aligned_initialisation)
              {
                // W_l = Q_l ε Q_{l−1}ᵀ with Q_0 = V, Q_L = U, hidden Q_l = [I_k; 0].
                for (unsigned int a = 0; a < dim; ++a)
                  for (unsigned int i = 0; i < W[l].rows; ++i)
                    for (unsigned int j = 0; j < W[l].columns; ++j)
                      {
                        const double left  = l + 1 == L ? U(i, a) : (i == a ? 1. : 0.);
                        const double right = l == 0 ? V(j, a) : (j == a ? 1. : 0.);
                        W[l](i, j) += p.initialisation_scale * left * right;
                      }
              }
            else
              {
                const double scale = p.initialisation_scale / std::sqrt(W[l].columns);
                for (auto &w : W[l].values)
                  w = scale * random.normal();
              }
          }
      }

      void
      step(NormalStream &random) override
      {
        const unsigned int  L = p.depth;
        std::vector<Matrix> gradient;
        for (const auto &w : W)
          gradient.emplace_back(w.rows, w.columns);
        std::vector<std::vector<double>> h(L + 1);
        for (unsigned int b = 0; b < B; ++b)
          {
            h[0].resize(p.widths[0]);
            for (auto &x : h[0])
              x = random.normal();
            for (unsigned int l = 0; l < L; ++l)
              h[l + 1] = W[l].times(h[l]);
            // Residual r = W x − y = h_L − (U diag(s) Vᵀ x + σε).
            std::vector<double> projected = V.transpose_times(h[0]);
            for (unsigned int a = 0; a < dim; ++a)
              projected[a] *= p.singular_values[a];
            std::vector<double> delta  = h[L];
            const auto          target = U.times(projected);
            for (unsigned int i = 0; i < delta.size(); ++i)
              delta[i] -= target[i] + sigma * label(random);
            for (unsigned int l = L; l-- > 0;)
              {
                for (unsigned int i = 0; i < W[l].rows; ++i)
                  for (unsigned int j = 0; j < W[l].columns; ++j)
                    gradient[l](i, j) += delta[i] * h[l][j];
                if (l > 0)
                  delta = W[l].transpose_times(delta);
              }
          }
        for (unsigned int l = 0; l < L; ++l)
          for (std::size_t i = 0; i < W[l].values.size(); ++i)
            W[l].values[i] -= eta / B * gradient[l].values[i];
      }

      Point<dim>
      coordinates() const override
      {
        Point<dim> u;
        for (unsigned int a = 0; a < dim; ++a)
          {
            std::vector<double> v(V.rows);
            for (unsigned int r = 0; r < V.rows; ++r)
              v[r] = V(r, a);
            for (const auto &w : W)
              v = w.times(v);
            for (unsigned int r = 0; r < U.rows; ++r)
              u[a] += U(r, a) * v[r];
          }
        return u;
      }

      std::vector<double>
      targets() const override
      {
        return p.singular_values;
      }

      std::unique_ptr<Network<dim>>
      clone() const override
      {
        return std::make_unique<DeepLinearNetwork>(*this);
      }

    private:
      DeepLinearParameters p;
      LabelNoiseDraw       label;
      double               sigma, eta;
      unsigned int         B;
      Matrix               U, V;
      std::vector<Matrix>  W;
    };
  } // namespace

  template <int dim>
  std::unique_ptr<Network<dim>>
  make_network(const ModelParameters        &model,
               const TimeSteppingParameters &start,
               const std::uint64_t           seed,
               const LabelNoise             &label_noise)
  {
    require(model.name == "linear-regression" || model.name == "two-layer-scalar" ||
                model.name == "deep-linear",
            "Model/Name",
            "SGD runs (--sgd) need a network: 'linear-regression', "
            "'two-layer-scalar' or 'deep-linear', not '" +
                model.name + "'");
    require(model.temperature_from_sgd,
            "Model/Temperature source",
            "must be 'sgd' for SGD runs: they use 'Learning rate' and 'Batch size'");
    const double       eta = model.learning_rate;
    const unsigned int B   = model.batch_size;

    if (model.name == "linear-regression")
      return std::make_unique<LinearRegressionNetwork<dim>>(
          model.specific_as<typename LinearRegressionModel<dim>::Parameters>().network,
          GaussianStart<dim>(start),
          eta,
          B,
          label_noise);
    if (model.name == "two-layer-scalar")
      {
        require(dim == 2, "dim", "must be 2 for the model 'two-layer-scalar'");
        return std::make_unique<TwoLayerScalarNetwork<dim>>(
            model.specific_as<typename TwoLayerScalarModel<dim>::Parameters>().network,
            GaussianStart<dim>(start),
            eta,
            B,
            label_noise);
      }
    return std::make_unique<DeepLinearNetwork<dim>>(
        model.specific_as<typename DeepLinearModel<dim>::Parameters>().network,
        seed,
        eta,
        B,
        label_noise);
  }

  template std::unique_ptr<Network<1>>
  make_network<1>(const ModelParameters &,
                  const TimeSteppingParameters &,
                  std::uint64_t,
                  const LabelNoise &);
  template std::unique_ptr<Network<2>>
  make_network<2>(const ModelParameters &,
                  const TimeSteppingParameters &,
                  std::uint64_t,
                  const LabelNoise &);
  template std::unique_ptr<Network<3>>
  make_network<3>(const ModelParameters &,
                  const TimeSteppingParameters &,
                  std::uint64_t,
                  const LabelNoise &);
} // namespace FokkerPlanck::Sgd

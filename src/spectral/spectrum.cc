#include <deal.II/base/timer.h>

#include <fokker_planck/base/input_error.h>
#include <fokker_planck/spectral/petsc_bridge.h>
#include <fokker_planck/spectral/spectrum.h>

#include <slepceps.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace FokkerPlanck
{
  using namespace dealii;

  void
  SpectrumParameters::declare_parameters(ParameterHandler &prm)
  {
    prm.enter_subsection("Spectrum");
    {
      prm.add_parameter("Compute",
                        compute,
                        "Compute the eigenvalues lambda of the Fokker-Planck "
                        "generator with the smallest real parts (A v = lambda "
                        "M v, p(t) = sum a_k exp(-lambda_k t) v_k, so Re "
                        "lambda >= 0), their relaxation times 1/Re lambda, "
                        "the spectral gap, and write the eigenfunctions.");
      prm.add_parameter("Number of eigenvalues",
                        n_eigenvalues,
                        "k: how many eigenvalues (a complex pair counts as "
                        "two).",
                        Patterns::Integer(1, 200));
      prm.add_parameter("Shift",
                        shift,
                        "sigma of shift-and-invert (1/time). Eigenvalues "
                        "whose real parts are closest to sigma are found; "
                        "take it slightly below 0, and below the escape "
                        "rate with absorbing boundaries.",
                        Patterns::Double());
      prm.add_parameter("Tolerance",
                        tolerance,
                        "Relative residual tolerance of Krylov-Schur.",
                        Patterns::Double(0.));
      prm.add_parameter("Maximum iterations",
                        max_iterations,
                        "Restarts of Krylov-Schur.",
                        Patterns::Integer(1));
      prm.add_parameter("Left eigenvectors",
                        left_eigenvectors,
                        "Also compute the left eigenvectors (eigenfunctions "
                        "of the backward operator) by two-sided "
                        "Krylov-Schur; needed for autocorrelation times "
                        "('Mixing/Observables').");
      prm.add_parameter("Eigenfunctions to write",
                        n_written,
                        "Number of eigenfunctions written as fields "
                        "eigenfunction_k_re/_im (and "
                        "backward_eigenfunction_k_re/_im).",
                        Patterns::Integer(0));
    }
    prm.leave_subsection();
  }

  double
  Spectrum::gap() const
  {
    if (eigenvalues.size() < 2)
      return std::numeric_limits<double>::quiet_NaN();
    return eigenvalues[1].real() - (conserving ? 0. : eigenvalues[0].real());
  }

  namespace
  {
    using Spectral::check_petsc;
    using Spectral::use_mumps_lu;
    using PVector = PETScWrappers::MPI::Vector;

    /** xᵀ B y for real PETSc vectors. */
    double
    form(const PETScWrappers::MPI::SparseMatrix &B, const PVector &x, const PVector &y)
    {
      PVector tmp(y);
      B.vmult(tmp, y);
      return x * tmp;
    }

    /** The value of the largest-magnitude entry of @p v (same on all ranks). */
    double
    extreme_entry(const PVector &v, const MPI_Comm communicator)
    {
      double best = 0.;
      for (const auto i : v.locally_owned_elements())
        if (std::abs(v(i)) > std::abs(best))
          best = v(i);
      const double largest = Utilities::MPI::max(std::abs(best), communicator);
      // Ties across ranks are broken towards the positive value.
      const double signed_value =
          std::abs(best) == largest ? best : -std::numeric_limits<double>::infinity();
      const double chosen = Utilities::MPI::max(signed_value, communicator);
      return chosen;
    }
  } // namespace

  namespace
  {
    /**
     * Two-sided (if asked) Krylov–Schur for A v = λ M v with
     * shift-and-invert about the shift, factorised by MUMPS.
     */
    void
    configure(EPS                                     eps,
              const PETScWrappers::MPI::SparseMatrix &A,
              const PETScWrappers::MPI::SparseMatrix &B,
              const SpectrumParameters               &parameters,
              const PetscInt                          n_free)
    {
      check_petsc(EPSSetOperators(eps, A, B), "EPSSetOperators");
      check_petsc(EPSSetProblemType(eps, EPS_GNHEP), "EPSSetProblemType");
      check_petsc(EPSSetType(eps, EPSKRYLOVSCHUR), "EPSSetType");
      check_petsc(
          EPSSetTwoSided(eps, parameters.left_eigenvectors ? PETSC_TRUE : PETSC_FALSE),
          "EPSSetTwoSided");
      const PetscInt k = parameters.n_eigenvalues;
      check_petsc(
          EPSSetDimensions(
              eps, k, std::min<PetscInt>(n_free, std::max(2 * k, k + 20)), PETSC_DEFAULT),
          "EPSSetDimensions");
      check_petsc(EPSSetTolerances(eps, parameters.tolerance, parameters.max_iterations),
                  "EPSSetTolerances");
      check_petsc(EPSSetTarget(eps, parameters.shift), "EPSSetTarget");
      check_petsc(EPSSetWhichEigenpairs(eps, EPS_TARGET_REAL), "EPSSetWhichEigenpairs");
      ST st;
      check_petsc(EPSGetST(eps, &st), "EPSGetST");
      check_petsc(STSetType(st, STSINVERT), "STSetType");
      KSP ksp;
      check_petsc(STGetKSP(st, &ksp), "STGetKSP");
      use_mumps_lu(ksp);
    }

    /** The eigenpairs of a solved EPS, in SLEPc's order. */
    struct Pairs
    {
      std::vector<std::complex<double>> values;
      std::vector<double>               errors;
      /** Right (v) and left (w) eigenvectors, real and imaginary parts. */
      std::vector<PVector> vr, vi, wr, wi;
    };

    /**
     * The first k converged pairs, plus the partner of a complex pair cut at
     * the end; left eigenvectors w = ȳ (SLEPc's y solves yᴴA = λ yᴴM, so w
     * solves Aᵀw = λMw), zero on the absorbed rows.
     */
    template <int dim>
    Pairs
    take_pairs(EPS                                         eps,
               const Discretization<dim>                  &discretization,
               const SpectrumParameters                   &parameters,
               const std::vector<types::global_dof_index> &absorbed,
               unsigned int                               &iterations)
    {
      PetscInt n_converged = 0, n_iterations = 0;
      check_petsc(EPSGetConverged(eps, &n_converged), "EPSGetConverged");
      check_petsc(EPSGetIterationNumber(eps, &n_iterations), "EPSGetIterationNumber");
      iterations = n_iterations;
      if (n_converged < static_cast<PetscInt>(parameters.n_eigenvalues))
        throw std::runtime_error(
            "Spectrum: SLEPc converged only " + std::to_string(n_converged) + " of " +
            std::to_string(parameters.n_eigenvalues) +
            " eigenpairs; raise 'Spectrum/Maximum iterations' or the 'Tolerance'");
      unsigned int n_taken = parameters.n_eigenvalues;
      PetscScalar  kr, ki;
      check_petsc(EPSGetEigenvalue(eps, n_taken - 1, &kr, &ki), "EPSGetEigenvalue");
      if (ki > 0. && static_cast<PetscInt>(n_taken) < n_converged)
        ++n_taken;

      Pairs pairs;
      pairs.values.resize(n_taken);
      pairs.errors.resize(n_taken);
      const auto fresh = [&](std::vector<PVector> &list) {
        list.resize(n_taken);
        for (auto &v : list)
          Spectral::initialize_petsc_vector(discretization, v);
      };
      fresh(pairs.vr);
      fresh(pairs.vi);
      for (unsigned int k = 0; k < n_taken; ++k)
        {
          check_petsc(EPSGetEigenpair(eps, k, &kr, &ki, pairs.vr[k], pairs.vi[k]),
                      "EPSGetEigenpair");
          pairs.values[k] = {kr, ki};
          PetscReal error;
          check_petsc(EPSComputeError(eps, k, EPS_ERROR_BACKWARD, &error),
                      "EPSComputeError");
          pairs.errors[k] = error;
        }
      if (!parameters.left_eigenvectors)
        return pairs;
      fresh(pairs.wr);
      fresh(pairs.wi);
      for (unsigned int k = 0; k < n_taken; ++k)
        {
          check_petsc(EPSGetLeftEigenvector(eps, k, pairs.wr[k], pairs.wi[k]),
                      "EPSGetLeftEigenvector");
          pairs.wi[k] *= -1.;
          // Entries on absorbed rows are artefacts of the zero rows of M:
          // the backward eigenfunction vanishes there.
          for (const auto i : absorbed)
            {
              pairs.wr[k](i) = 0.;
              pairs.wi[k](i) = 0.;
            }
          pairs.wr[k].compress(VectorOperation::insert);
          pairs.wi[k].compress(VectorOperation::insert);
        }
      return pairs;
    }

    /**
     * Normalise @p pairs as Spectrum documents (unit M-norm with the largest
     * real entry positive, ∫v = 1 for the first real mode, wᵀMv = 1) and
     * store them sorted by Re λ, then Im λ descending.
     */
    template <int dim>
    void
    store_sorted(Pairs                                  &pairs,
                 const PETScWrappers::MPI::SparseMatrix &B,
                 const Discretization<dim>              &discretization,
                 Spectrum                               &spectrum)
    {
      const MPI_Comm     communicator = discretization.communicator();
      const unsigned int n            = pairs.values.size();
      auto              &vr = pairs.vr, &vi = pairs.vi, &wr = pairs.wr, &wi = pairs.wi;
      for (unsigned int k = 0; k < n; ++k)
        {
          double scale = 1. / std::sqrt(form(B, vr[k], vr[k]) + form(B, vi[k], vi[k]));
          if (extreme_entry(vr[k], communicator) < 0)
            scale = -scale;
          vr[k] *= scale;
          vi[k] *= scale;
        }
      std::vector<unsigned int> order(n);
      std::iota(order.begin(), order.end(), 0U);
      const auto &values = pairs.values;
      std::stable_sort(order.begin(), order.end(), [&](unsigned int a, unsigned int b) {
        if (values[a].real() != values[b].real())
          return values[a].real() < values[b].real();
        return values[a].imag() > values[b].imag();
      });

      // The first mode: π or the quasi-stationary distribution, ∫v = mᵀv = 1.
      PVector m;
      Spectral::initialize_petsc_vector(discretization, m);
      Spectral::copy_vector(discretization.get_mass_vector(), m);
      const double mass = m * vr[order[0]];
      if (std::abs(values[order[0]].imag()) == 0. && mass != 0.)
        {
          vr[order[0]] /= mass;
          vi[order[0]] /= mass;
        }

      const auto store = [&](const PVector &src, std::vector<LA::MPI::Vector> &list) {
        LA::MPI::Vector v;
        discretization.initialize_vector(v);
        Spectral::copy_vector(src, v);
        discretization.get_constraints().distribute(v);
        list.push_back(v);
      };
      for (const unsigned int k : order)
        {
          spectrum.eigenvalues.push_back(values[k]);
          spectrum.errors.push_back(pairs.errors[k]);
          store(vr[k], spectrum.right_real);
          store(vi[k], spectrum.right_imag);
          if (wr.empty())
            continue;
          // wᵀMv = 1 with complex (bilinear) arithmetic.
          const std::complex<double> c =
              1. / std::complex<double>(form(B, wr[k], vr[k]) - form(B, wi[k], vi[k]),
                                        form(B, wr[k], vi[k]) + form(B, wi[k], vr[k]));
          PVector re(wr[k]), im(wi[k]);
          re *= c.real();
          re.add(-c.imag(), wi[k]);
          im *= c.real();
          im.add(c.imag(), wr[k]);
          store(re, spectrum.left_real);
          store(im, spectrum.left_imag);
        }
    }
  } // namespace

  template <int dim>
  Spectrum
  compute_spectrum(const Discretization<dim>                  &discretization,
                   const SpectrumParameters                   &parameters,
                   const std::vector<types::global_dof_index> &absorbed)
  {
    const MPI_Comm communicator = discretization.communicator();
    Timer          timer(communicator);
    Spectrum       spectrum;
    spectrum.conserving = discretization.conserves_mass() &&
                          Utilities::MPI::sum(absorbed.size(), communicator) == 0;

    PETScWrappers::MPI::SparseMatrix A, B;
    Spectral::copy_to_petsc(discretization, discretization.get_operator_matrix(), A);
    Spectral::copy_to_petsc(discretization, discretization.get_mass_matrix(), B);

    // Rows of M that must not carry eigenvalues: constraints and the
    // absorbed set. A keeps its (diagonal) constrained rows; absorbed rows
    // of A become diagonal too, so that the eigenvector vanishes there.
    const auto                          &constraints = discretization.get_constraints();
    std::vector<types::global_dof_index> zero_mass_rows(absorbed);
    for (const auto i : discretization.locally_owned_dofs())
      if (constraints.is_constrained(i))
        zero_mass_rows.push_back(i);
    if (Utilities::MPI::sum(absorbed.size(), communicator) > 0)
      {
        double diagonal = 0.;
        for (const auto i : discretization.locally_owned_dofs())
          diagonal = std::max(diagonal, std::abs(A.diag_element(i)));
        Spectral::zero_rows(A, absorbed, Utilities::MPI::max(diagonal, communicator));
      }
    Spectral::zero_rows(B, zero_mass_rows, 0.);

    const types::global_dof_index n_free =
        discretization.get_dof_handler().n_dofs() -
        Utilities::MPI::sum(zero_mass_rows.size(), communicator);
    require(parameters.n_eigenvalues < n_free,
            "Spectrum/Number of eigenvalues",
            "must be smaller than the number of free unknowns (" +
                std::to_string(n_free) + ")");

    EPS eps;
    check_petsc(EPSCreate(communicator, &eps), "EPSCreate");
    Pairs pairs;
    try
      {
        configure(eps, A, B, parameters, n_free);
        check_petsc(EPSSolve(eps), "EPSSolve");
        pairs =
            take_pairs(eps, discretization, parameters, absorbed, spectrum.iterations);
      }
    catch (...)
      {
        EPSDestroy(&eps);
        throw;
      }
    EPSDestroy(&eps);
    store_sorted(pairs, B, discretization, spectrum);
    spectrum.seconds = timer.wall_time();
    return spectrum;
  }

  template Spectrum
  compute_spectrum<1>(const Discretization<1> &,
                      const SpectrumParameters &,
                      const std::vector<types::global_dof_index> &);
  template Spectrum
  compute_spectrum<2>(const Discretization<2> &,
                      const SpectrumParameters &,
                      const std::vector<types::global_dof_index> &);
  template Spectrum
  compute_spectrum<3>(const Discretization<3> &,
                      const SpectrumParameters &,
                      const std::vector<types::global_dof_index> &);
} // namespace FokkerPlanck

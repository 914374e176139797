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
      prm.declare_entry("Compute",
                        "false",
                        Patterns::Bool(),
                        "Compute the eigenvalues lambda of the Fokker-Planck "
                        "generator with the smallest real parts (A v = lambda "
                        "M v, p(t) = sum a_k exp(-lambda_k t) v_k, so Re "
                        "lambda >= 0), their relaxation times 1/Re lambda, "
                        "the spectral gap, and write the eigenfunctions.");
      prm.declare_entry("Number of eigenvalues",
                        "6",
                        Patterns::Integer(1, 200),
                        "k: how many eigenvalues (a complex pair counts as "
                        "two).");
      prm.declare_entry("Shift",
                        "-0.01",
                        Patterns::Double(),
                        "sigma of shift-and-invert (1/time). Eigenvalues "
                        "whose real parts are closest to sigma are found; "
                        "take it slightly below 0, and below the escape "
                        "rate with absorbing boundaries.");
      prm.declare_entry("Tolerance",
                        "1e-10",
                        Patterns::Double(0.),
                        "Relative residual tolerance of Krylov-Schur.");
      prm.declare_entry("Maximum iterations",
                        "1000",
                        Patterns::Integer(1),
                        "Restarts of Krylov-Schur.");
      prm.declare_entry("Left eigenvectors",
                        "true",
                        Patterns::Bool(),
                        "Also compute the left eigenvectors (eigenfunctions "
                        "of the backward operator) by two-sided "
                        "Krylov-Schur; needed for autocorrelation times "
                        "('Mixing/Observables').");
      prm.declare_entry("Eigenfunctions to write",
                        "4",
                        Patterns::Integer(0),
                        "Number of eigenfunctions written as fields "
                        "eigenfunction_k_re/_im (and "
                        "backward_eigenfunction_k_re/_im).");
    }
    prm.leave_subsection();
  }

  void
  SpectrumParameters::parse_parameters(ParameterHandler &prm)
  {
    prm.enter_subsection("Spectrum");
    compute           = prm.get_bool("Compute");
    n_eigenvalues     = prm.get_integer("Number of eigenvalues");
    shift             = prm.get_double("Shift");
    tolerance         = prm.get_double("Tolerance");
    max_iterations    = prm.get_integer("Maximum iterations");
    left_eigenvectors = prm.get_bool("Left eigenvectors");
    n_written         = prm.get_integer("Eigenfunctions to write");
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
    Spectral::copy_to_petsc(discretization, discretization.operator_matrix, A);
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
    const auto destroy = [&eps]() { EPSDestroy(&eps); };
    try
      {
        check_petsc(EPSSetOperators(eps, A, B), "EPSSetOperators");
        check_petsc(EPSSetProblemType(eps, EPS_GNHEP), "EPSSetProblemType");
        check_petsc(EPSSetType(eps, EPSKRYLOVSCHUR), "EPSSetType");
        check_petsc(
            EPSSetTwoSided(eps, parameters.left_eigenvectors ? PETSC_TRUE : PETSC_FALSE),
            "EPSSetTwoSided");
        check_petsc(
            EPSSetDimensions(eps,
                             parameters.n_eigenvalues,
                             std::min<PetscInt>(n_free,
                                                std::max(2 * parameters.n_eigenvalues,
                                                         parameters.n_eigenvalues + 20)),
                             PETSC_DEFAULT),
            "EPSSetDimensions");
        check_petsc(
            EPSSetTolerances(eps, parameters.tolerance, parameters.max_iterations),
            "EPSSetTolerances");
        check_petsc(EPSSetTarget(eps, parameters.shift), "EPSSetTarget");
        check_petsc(EPSSetWhichEigenpairs(eps, EPS_TARGET_REAL), "EPSSetWhichEigenpairs");
        ST st;
        check_petsc(EPSGetST(eps, &st), "EPSGetST");
        check_petsc(STSetType(st, STSINVERT), "STSetType");
        KSP ksp;
        check_petsc(STGetKSP(st, &ksp), "STGetKSP");
        check_petsc(KSPSetType(ksp, KSPPREONLY), "KSPSetType");
        PC pc;
        check_petsc(KSPGetPC(ksp, &pc), "KSPGetPC");
        check_petsc(PCSetType(pc, PCLU), "PCSetType");
        check_petsc(PCFactorSetMatSolverType(pc, MATSOLVERMUMPS),
                    "PCFactorSetMatSolverType");
        check_petsc(EPSSolve(eps), "EPSSolve");

        PetscInt n_converged = 0, iterations = 0;
        check_petsc(EPSGetConverged(eps, &n_converged), "EPSGetConverged");
        check_petsc(EPSGetIterationNumber(eps, &iterations), "EPSGetIterationNumber");
        spectrum.iterations = iterations;
        if (n_converged < static_cast<PetscInt>(parameters.n_eigenvalues))
          throw std::runtime_error(
              "Spectrum: SLEPc converged only " + std::to_string(n_converged) + " of " +
              std::to_string(parameters.n_eigenvalues) +
              " eigenpairs; raise 'Spectrum/Maximum iterations' or the 'Tolerance'");

        // Take k pairs, plus the partner of a complex pair cut at the end.
        unsigned int n_taken = parameters.n_eigenvalues;
        {
          PetscScalar kr, ki;
          check_petsc(EPSGetEigenvalue(eps, n_taken - 1, &kr, &ki), "EPSGetEigenvalue");
          if (ki > 0. && static_cast<PetscInt>(n_taken) < n_converged)
            ++n_taken;
        }

        std::vector<std::complex<double>> values(n_taken);
        std::vector<double>               errors(n_taken);
        std::vector<PVector>              vr(n_taken), vi(n_taken), wr, wi;
        for (unsigned int k = 0; k < n_taken; ++k)
          {
            Spectral::initialize_petsc_vector(discretization, vr[k]);
            Spectral::initialize_petsc_vector(discretization, vi[k]);
            PetscScalar kr, ki;
            check_petsc(EPSGetEigenpair(eps, k, &kr, &ki, vr[k], vi[k]),
                        "EPSGetEigenpair");
            values[k] = {kr, ki};
            PetscReal error;
            check_petsc(EPSComputeError(eps, k, EPS_ERROR_BACKWARD, &error),
                        "EPSComputeError");
            errors[k] = error;
          }
        if (parameters.left_eigenvectors)
          {
            wr.resize(n_taken);
            wi.resize(n_taken);
            for (unsigned int k = 0; k < n_taken; ++k)
              {
                Spectral::initialize_petsc_vector(discretization, wr[k]);
                Spectral::initialize_petsc_vector(discretization, wi[k]);
                check_petsc(EPSGetLeftEigenvector(eps, k, wr[k], wi[k]),
                            "EPSGetLeftEigenvector");
                // SLEPc's y solves yᴴA = λ yᴴM; w = ȳ solves Aᵀw = λMw.
                wi[k] *= -1.;
                // Entries on absorbed rows are artefacts of the zero rows
                // of M: the backward eigenfunction vanishes there.
                for (const auto i : absorbed)
                  {
                    wr[k](i) = 0.;
                    wi[k](i) = 0.;
                  }
                wr[k].compress(VectorOperation::insert);
                wi[k].compress(VectorOperation::insert);
              }
          }
        destroy();

        // Unit M-norm, largest entry of the real part positive.
        for (unsigned int k = 0; k < n_taken; ++k)
          {
            double scale = 1. / std::sqrt(form(B, vr[k], vr[k]) + form(B, vi[k], vi[k]));
            if (extreme_entry(vr[k], communicator) < 0)
              scale = -scale;
            vr[k] *= scale;
            vi[k] *= scale;
          }

        std::vector<unsigned int> order(n_taken);
        std::iota(order.begin(), order.end(), 0U);
        std::stable_sort(order.begin(), order.end(), [&](unsigned int a, unsigned int b) {
          if (values[a].real() != values[b].real())
            return values[a].real() < values[b].real();
          return values[a].imag() > values[b].imag();
        });

        // The first mode: π or the quasi-stationary distribution, ∫v = mᵀv = 1.
        {
          PVector m;
          Spectral::initialize_petsc_vector(discretization, m);
          Spectral::copy_vector(discretization.mass_vector, m);
          const double mass = m * vr[order[0]];
          if (std::abs(values[order[0]].imag()) == 0. && mass != 0.)
            {
              vr[order[0]] /= mass;
              vi[order[0]] /= mass;
            }
        }

        for (const unsigned int k : order)
          {
            spectrum.eigenvalues.push_back(values[k]);
            spectrum.errors.push_back(errors[k]);
            if (parameters.left_eigenvectors)
              {
                // wᵀMv = 1 with complex (bilinear) arithmetic.
                const std::complex<double> s(
                    form(B, wr[k], vr[k]) - form(B, wi[k], vi[k]),
                    form(B, wr[k], vi[k]) + form(B, wi[k], vr[k]));
                const std::complex<double> c = 1. / s;
                PVector                    re(wr[k]), im(wi[k]);
                re *= c.real();
                re.add(-c.imag(), wi[k]);
                im *= c.real();
                im.add(c.imag(), wr[k]);
                wr[k] = re;
                wi[k] = im;
              }
            const auto store = [&](const PVector                &src,
                                   std::vector<LA::MPI::Vector> &list) {
              LA::MPI::Vector v;
              discretization.initialize_vector(v);
              Spectral::copy_vector(src, v);
              constraints.distribute(v);
              list.push_back(v);
            };
            store(vr[k], spectrum.right_real);
            store(vi[k], spectrum.right_imag);
            if (parameters.left_eigenvectors)
              {
                store(wr[k], spectrum.left_real);
                store(wi[k], spectrum.left_imag);
              }
          }
      }
    catch (...)
      {
        if (eps != nullptr)
          destroy();
        throw;
      }
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

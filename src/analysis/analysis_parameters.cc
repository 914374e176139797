#include <fokker_planck/analysis/analysis_parameters.h>

namespace FokkerPlanck
{
  using namespace dealii;

  void
  AnalysisParameters::declare_parameters(ParameterHandler &prm)
  {
    prm.enter_subsection("Analysis");
    {
      prm.add_parameter("Enabled",
                        enabled,
                        "Compute potentials, currents, entropy production and "
                        "the distances to the Boltzmann density (doc/potentials.md). "
                        "If false, only the density is analysed.");
      prm.add_parameter("Density floor",
                        density_floor,
                        "Relative floor eps (dimensionless): where p < eps max p "
                        "the quotient J^T (T D)^-1 J / p of the entropy-production "
                        "density is not formed and the density is 0 there.",
                        Patterns::Double(0., 1.));
      prm.add_parameter("Resolved density ratio",
                        resolved_ratio,
                        "The effective potential S = -T log pi is computed by "
                        "Newton's method on the log-density equations with a "
                        "continuation in T. It starts at the lowest temperature "
                        "T0 >= T at which a linear solve gives min pi / max pi "
                        "above this ratio (dimensionless).",
                        Patterns::Double(1e-200, 1.));
      prm.add_parameter("Continuation factor",
                        continuation_factor,
                        "Factor by which T is reduced per continuation stage "
                        "of the effective-potential solve.",
                        Patterns::Double(0.01, 0.99));
      prm.add_parameter("Newton tolerance",
                        newton_tolerance,
                        "Tolerance on the largest scaled residual (net probability "
                        "flow into a node relative to its outflow) of the "
                        "log-density equations.",
                        Patterns::Double(1e-15, 1e-2));
      prm.add_parameter("Hamilton-Jacobi refinement",
                        hamilton_jacobi,
                        "After the fitted Q1 solve, solve the stationarity "
                        "equation (*) of DESIGN.md for S itself by Galerkin "
                        "finite elements of the run's degree and Newton's method, "
                        "starting from the fitted S. The result replaces the "
                        "fitted S only if Newton converges (summary.json says "
                        "which was used). It removes the smearing of rotational "
                        "drift by the fitted operator, which grows like h|r|/T "
                        "at low temperature.");
    }
    prm.leave_subsection();
  }
} // namespace FokkerPlanck

#include <fokker_planck/analysis/analysis_parameters.h>

namespace FokkerPlanck
{
  using namespace dealii;

  void
  AnalysisParameters::declare_parameters(ParameterHandler &prm)
  {
    prm.enter_subsection("Analysis");
    {
      prm.declare_entry("Enabled",
                        "true",
                        Patterns::Bool(),
                        "Compute potentials, currents, entropy production and "
                        "the distances to the Boltzmann density (doc/potentials.md). "
                        "If false, only the density is analysed.");
      prm.declare_entry("Density floor",
                        "1e-12",
                        Patterns::Double(0., 1.),
                        "Relative floor eps (dimensionless): where p < eps max p "
                        "the quotient J^T (T D)^-1 J / p of the entropy-production "
                        "density is not formed and the density is 0 there.");
      prm.declare_entry("Resolved density ratio",
                        "1e-8",
                        Patterns::Double(1e-200, 1.),
                        "The effective potential S = -T log pi is computed by "
                        "Newton's method on the log-density equations with a "
                        "continuation in T. It starts at the lowest temperature "
                        "T0 >= T at which a linear solve gives min pi / max pi "
                        "above this ratio (dimensionless).");
      prm.declare_entry("Continuation factor",
                        "0.5",
                        Patterns::Double(0.01, 0.99),
                        "Factor by which T is reduced per continuation stage "
                        "of the effective-potential solve.");
      prm.declare_entry("Newton tolerance",
                        "1e-10",
                        Patterns::Double(1e-15, 1e-2),
                        "Tolerance on the largest scaled residual (net probability "
                        "flow into a node relative to its outflow) of the "
                        "log-density equations.");
      prm.declare_entry("Hamilton-Jacobi refinement",
                        "true",
                        Patterns::Bool(),
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

  void
  AnalysisParameters::parse_parameters(ParameterHandler &prm)
  {
    prm.enter_subsection("Analysis");
    enabled             = prm.get_bool("Enabled");
    density_floor       = prm.get_double("Density floor");
    resolved_ratio      = prm.get_double("Resolved density ratio");
    continuation_factor = prm.get_double("Continuation factor");
    newton_tolerance    = prm.get_double("Newton tolerance");
    hamilton_jacobi     = prm.get_bool("Hamilton-Jacobi refinement");
    prm.leave_subsection();
  }
} // namespace FokkerPlanck

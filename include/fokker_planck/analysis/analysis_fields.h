/**
 * @file
 * Names of the output fields of the analysis stage, for the "Output/Fields"
 * entry (doc/potentials.md explains each).
 */
#pragma once

/** Default list (comma-separated). */
#define FP_ANALYSIS_FIELDS                                                               \
  "effective_potential, helmholtz_potential, gradient_drift, "                           \
  "solenoidal_drift, current_divergence, probability_velocity, "                         \
  "reversible_velocity, stream_function, entropy_production_density"

/** The same names '|'-separated, for Patterns::MultipleSelection. */
#define FP_ANALYSIS_FIELD_SELECTION                                                      \
  "effective_potential|helmholtz_potential|gradient_drift|"                              \
  "solenoidal_drift|current_divergence|probability_velocity|"                            \
  "reversible_velocity|stream_function|entropy_production_density"

/** Help text of the analysis fields. */
#define FP_ANALYSIS_FIELD_HELP                                                           \
  "Analysis (stationary runs; current-based ones also per transient "                    \
  "step): effective_potential S = -T log pi (min 0); helmholtz_potential "               \
  "S_H; gradient_drift -D grad S_H; solenoidal_drift r = a + D grad S_H; "               \
  "current_divergence: discrete div J = M^-1 A p; probability_velocity "                 \
  "v = J/pi = a + D grad S; reversible_velocity -D grad S; stream_function "             \
  "psi (2D); entropy_production_density J^T (T D)^-1 J / p."

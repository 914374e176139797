/**
 * @file
 * Explicit instantiation in dimensions 1, 2 and 3: a source file defines a
 * macro that instantiates its templates for one dim and applies
 * FP_FOR_EACH_DIM to it, so that templates stay out of the headers.
 */
#pragma once

/** Applies the macro @p M to dim = 1, 2 and 3. */
#define FP_FOR_EACH_DIM(M) M(1) M(2) M(3)

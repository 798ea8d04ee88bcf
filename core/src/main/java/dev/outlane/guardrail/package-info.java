/** Guardrails that decide whether an activation may go out: suppression, frequency, pre-activation checks, dedupe. */
@NullMarked
package dev.outlane.guardrail;

import org.jspecify.annotations.NullMarked;

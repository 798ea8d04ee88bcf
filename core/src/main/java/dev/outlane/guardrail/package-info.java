/**
 * Guardrails that decide whether an activation may go out: suppression ({@link
 * dev.outlane.guardrail.SuppressionStore}), frequency ({@link dev.outlane.guardrail.FrequencyCap}),
 * pre-activation checks ({@link dev.outlane.guardrail.PreActivationCheck}) and dedupe ({@link
 * dev.outlane.guardrail.IdempotencyStore}), each with an in-memory default; suppressions and
 * delivered keys also have durable file stores ({@link dev.outlane.guardrail.FileSuppressionStore},
 * {@link dev.outlane.guardrail.FileIdempotencyStore}).
 */
@NullMarked
package dev.outlane.guardrail;

import org.jspecify.annotations.NullMarked;

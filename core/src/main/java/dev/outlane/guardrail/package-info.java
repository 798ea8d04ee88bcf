/**
 * Guardrails that decide whether an activation may go out: suppression ({@link
 * dev.outlane.guardrail.SuppressionStore}), frequency ({@link dev.outlane.guardrail.FrequencyCap}),
 * pre-activation checks ({@link dev.outlane.guardrail.PreActivationCheck}) and dedupe ({@link
 * dev.outlane.guardrail.IdempotencyStore}), each with an in-memory default.
 */
@NullMarked
package dev.outlane.guardrail;

import org.jspecify.annotations.NullMarked;

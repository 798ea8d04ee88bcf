package dev.outlane.guardrail;

import dev.outlane.contract.RetentionEvent;
import dev.outlane.identity.Identity;

/**
 * A last look right before an activation goes out — not at enqueue time, so it sees what happened
 * while the event waited: e.g. "has this customer purchased since {@code event_time}?", the defence
 * against sending a cart-recovery message to someone who already bought.
 *
 * <p><b>Threads.</b> Called on an Outlane delivery thread, once per item per attempt, for audience
 * adds and plain activations only (never for the removes the engine emits after an opt-out). It must
 * be thread-safe and should be fast: it delays that destination's batch.
 *
 * <p>If it throws, the item is treated as retryable (the policy's backoff applies; once attempts run
 * out it is dead-lettered with reason {@code retries-exhausted}).
 */
@FunctionalInterface
public interface PreActivationCheck {
  /**
   * Whether to skip this activation; {@code true} ends it as {@link dev.outlane.FinalState#SKIPPED}.
   *
   * @param destination the destination's name
   */
  boolean shouldSkip(RetentionEvent event, Identity identity, String destination);

  /** A check that never skips. */
  static PreActivationCheck none() {
    return (event, identity, destination) -> false;
  }
}

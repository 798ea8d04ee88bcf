package dev.outlane;

/**
 * Where one routed delivery ended. Every accepted event reaches exactly one final state per routed
 * destination target; {@link Outlane#submit} completes its stage once all of them did.
 */
public enum FinalState {
  /** The destination accepted it. */
  DELIVERED,
  /** The destination refused it permanently; also written to the dead-letter store (reason {@code rejected}). */
  REJECTED,
  /**
   * The recipient opted out at the destination; also written to the dead-letter store (reason {@code
   * opted-out}) and propagated per the {@link OptOutPolicy}.
   */
  OPTED_OUT,
  /** The person is suppressed on the destination's channel (opt-out, denied consent, a suppression list). */
  SUPPRESSED,
  /** The same idempotency key was already delivered (or is being delivered) to this destination. */
  DEDUPLICATED,
  /** The event is older than every window of the routes it matched. */
  STALE,
  /** The {@link dev.outlane.guardrail.PreActivationCheck} asked to skip it right before delivery. */
  SKIPPED,
  /** The person reached the {@link dev.outlane.guardrail.FrequencyCap} for this destination. */
  FREQUENCY_CAPPED,
  /**
   * It could not be delivered and is in the dead-letter store: retries exhausted, an unknown outcome on
   * a non-idempotent destination (needs reconciliation), or undeliverable (over the destination's size
   * limit). See {@link DestinationResult#deadLetterReason()}.
   */
  DEAD_LETTERED;

  /** The metrics/report name: lower case with underscores, e.g. {@code frequency_capped}. */
  public String metricName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}

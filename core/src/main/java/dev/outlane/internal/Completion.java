package dev.outlane.internal;

import dev.outlane.FinalState;
import dev.outlane.deadletter.DeadLetterReason;
import dev.outlane.destination.Channel;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How one item ends: its final state, what its {@link dev.outlane.DestinationResult} says and, when it
 * goes to the dead-letter store, what that record says. Built only by the named factories below, so
 * each ending is worded in exactly one place (a dead letter's detail and the result's detail of the
 * same ending cannot drift apart). Immutable.
 *
 * @param state the final state
 * @param deadLetter the dead-letter reason, or null if nothing is written to the store
 * @param reference the destination's reference for a delivery, or null
 * @param code the destination's error code, or null
 * @param detail the result's detail ({@code ""} when delivered)
 * @param deadLetterDetail the dead letter's detail; equal to {@code detail} unless the result words
 *     the same ending with more context
 */
record Completion(
    FinalState state,
    @Nullable DeadLetterReason deadLetter,
    @Nullable String reference,
    @Nullable String code,
    String detail,
    String deadLetterDetail) {
  static final String CLOSED_BEFORE_DELIVERY = "client closed before delivery";
  static final String CLOSED_IN_FLIGHT = "client closed while the delivery was in flight";

  Completion {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(detail, "detail");
    Objects.requireNonNull(deadLetterDetail, "deadLetterDetail");
  }

  private static Completion plain(FinalState state, String detail) {
    return new Completion(state, null, null, null, detail, detail);
  }

  private static Completion deadLettered(FinalState state, DeadLetterReason reason,
      @Nullable String code, String detail, String deadLetterDetail) {
    return new Completion(state, reason, null, code, detail, deadLetterDetail);
  }

  /** The destination accepted it. */
  static Completion delivered(@Nullable String reference) {
    return new Completion(FinalState.DELIVERED, null, reference, null, "", "");
  }

  /** The person is suppressed on the channel when the item is queued. */
  static Completion suppressed(Channel channel) {
    return plain(FinalState.SUPPRESSED, "suppressed on " + channel.wireName());
  }

  /** The person became suppressed on the channel while the item waited. */
  static Completion suppressedBeforeDelivery(Channel channel) {
    return plain(FinalState.SUPPRESSED, "suppressed on " + channel.wireName() + " before delivery");
  }

  /** The event is older than every window of the routes it matched. */
  static Completion stale(Duration age) {
    return plain(FinalState.STALE,
        "event is " + age.toSeconds() + " s old, outside every window of its routes");
  }

  /** The pre-activation check asked to skip it. */
  static Completion skipped() {
    return plain(FinalState.SKIPPED, "pre-activation check skipped it");
  }

  /** The person reached the frequency cap. */
  static Completion frequencyCapped() {
    return plain(FinalState.FREQUENCY_CAPPED, "frequency cap reached");
  }

  /** The idempotency store says the key was delivered before. */
  static Completion alreadyDelivered() {
    return plain(FinalState.DEDUPLICATED, "already delivered");
  }

  /** A duplicate whose leader, in flight when it arrived, was delivered. */
  static Completion duplicateOfDelivery() {
    return plain(FinalState.DEDUPLICATED, "duplicate of a delivery that was in flight");
  }

  /** A duplicate whose leader may have acted and waits for reconciliation. */
  static Completion duplicateAwaitingReconciliation() {
    return plain(FinalState.DEDUPLICATED, "duplicate of a delivery awaiting reconciliation");
  }

  /** It could not be sent for a local reason ({@code detail} says which; it carries no PII). */
  static Completion undeliverable(String detail) {
    return deadLettered(FinalState.DEAD_LETTERED, DeadLetterReason.UNDELIVERABLE, null, detail,
        detail);
  }

  /** Its size is over what the destination accepts. */
  static Completion tooLarge(long size, long max) {
    return deadLettered(FinalState.DEAD_LETTERED, DeadLetterReason.UNDELIVERABLE, null,
        "item is " + size + " bytes, over the limit of " + max,
        "item is " + size + " bytes, over the destination's limit of " + max + " bytes");
  }

  /** The destination refused it permanently. */
  static Completion rejected(@Nullable String code, String reason) {
    return deadLettered(FinalState.REJECTED, DeadLetterReason.REJECTED, code, reason, reason);
  }

  /** A whole-batch rejection of a batch that cannot be split further. */
  static Completion rejectedAsWholeBatch() {
    return rejected(null, "rejected as a whole batch");
  }

  /** The recipient opted out at the destination. */
  static Completion optedOut(@Nullable String code, String reason) {
    return deadLettered(FinalState.OPTED_OUT, DeadLetterReason.OPTED_OUT, code, reason, reason);
  }

  /** A non-idempotent destination may have acted: a person decides whether to resend. */
  static Completion needsReconciliation(String reason, @Nullable String code) {
    return deadLettered(FinalState.DEAD_LETTERED, DeadLetterReason.NEEDS_RECONCILIATION, code,
        "unknown outcome on a non-idempotent destination: " + reason, reason);
  }

  /** An attempt of an earlier run was recorded but its outcome never was. */
  static Completion sentBeforeTheProcessStopped() {
    return needsReconciliation("sent before the process stopped; the outcome was never recorded",
        null);
  }

  /** Every attempt the retry policy allows failed; {@code reason} is the last failure's. */
  static Completion retriesExhausted(int tries, String reason, @Nullable String code) {
    return deadLettered(FinalState.DEAD_LETTERED, DeadLetterReason.RETRIES_EXHAUSTED, code,
        "retries exhausted after " + tries + " attempts: " + reason, reason);
  }

  /**
   * Closed before it reached a final state: needs reconciliation if it was handed to a
   * non-idempotent destination ({@code mayHaveActed}), undeliverable otherwise.
   */
  static Completion abandoned(boolean mayHaveActed, String detail) {
    return deadLettered(FinalState.DEAD_LETTERED, mayHaveActed
        ? DeadLetterReason.NEEDS_RECONCILIATION : DeadLetterReason.UNDELIVERABLE, null, detail, detail);
  }
}

package dev.outlane.destination;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What happened to one {@link DeliveryItem}. A destination returns exactly one outcome per item.
 *
 * <ul>
 *   <li>{@link Delivered}: the destination accepted it.
 *   <li>{@link Rejected}: permanently refused (invalid number, bad payload); never retried.
 *   <li>{@link OptedOut}: permanently refused because the recipient opted out (Twilio 21610). The
 *       engine propagates the opt-out to its suppression store and, per policy, to audiences.
 *   <li>{@link Retryable}: not processed (429, connection refused); safe to send again, after {@code
 *       retryAfter} if given.
 *   <li>{@link Unknown}: the request may have reached the destination and acted (a timeout after the
 *       request was written, a 5xx). Retried only if the destination is {@linkplain
 *       Destination#idempotent() idempotent}; otherwise dead-lettered for reconciliation.
 * </ul>
 */
public sealed interface Outcome
    permits Outcome.Delivered, Outcome.Rejected, Outcome.OptedOut, Outcome.Retryable, Outcome.Unknown {

  /** Delivered, with the destination's reference (e.g. a message SID), if any. */
  static Delivered delivered(@Nullable String reference) {
    return new Delivered(reference, null, null);
  }

  static Rejected rejected(@Nullable String code, String reason) {
    return new Rejected(code, reason, false);
  }

  static OptedOut optedOut(@Nullable String code, String reason) {
    return new OptedOut(code, reason);
  }

  static Retryable retryable(String reason, @Nullable Duration retryAfter) {
    return new Retryable(reason, null, retryAfter);
  }

  static Unknown unknown(String reason) {
    return new Unknown(reason, null);
  }

  /**
   * Accepted by the destination.
   *
   * @param reference the destination's id for it (message SID, trace id), or null
   * @param received how many records the destination says it received, where it reports that
   * @param matched how many it matched to its users, where it reports that (match rate)
   */
  record Delivered(@Nullable String reference, @Nullable Long received, @Nullable Long matched)
      implements Outcome {}

  /**
   * Permanently refused.
   *
   * @param code the destination's error code (e.g. {@code 21211}), or null
   * @param reason why, without PII
   * @param wholeBatch true if the destination refused the whole request, possibly for one bad item:
   *     the engine may split the batch to isolate it
   */
  record Rejected(@Nullable String code, String reason, boolean wholeBatch) implements Outcome {
    public Rejected {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * Refused because the recipient opted out.
   *
   * @param code the destination's error code (e.g. {@code 21610}), or null
   * @param reason why, without PII
   */
  record OptedOut(@Nullable String code, String reason) implements Outcome {
    public OptedOut {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * Not processed; safe to send again.
   *
   * @param reason why, without PII
   * @param code the destination's error code, or null
   * @param retryAfter how long the destination asked us to wait, or null
   */
  record Retryable(String reason, @Nullable String code, @Nullable Duration retryAfter) implements Outcome {
    public Retryable {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * The request may have acted; the outcome is not known.
   *
   * @param reason why, without PII
   * @param code the destination's error code or HTTP status, or null
   */
  record Unknown(String reason, @Nullable String code) implements Outcome {
    public Unknown {
      Objects.requireNonNull(reason, "reason");
    }
  }
}

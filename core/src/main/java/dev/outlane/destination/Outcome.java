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
 *
 * <p><b>Errors.</b> The failure outcomes carry an optional {@link DeliveryError} ({@link #error()}):
 * HTTP status, the destination's code, the request id and whether the request may have acted, as
 * fields. Build them with {@link #rejected(DeliveryError, boolean)}, {@link
 * #retryable(DeliveryError, Duration)} and {@link #unknown(DeliveryError)}; the older factories and
 * constructors still work and carry no error. The error is detail about one attempt (its request id
 * differs on every attempt), so it is <em>not</em> part of an outcome's {@code equals}: two outcomes
 * are equal when they mean the same to the engine. Compare {@code error()} explicitly where it
 * matters.
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
   * Refused, with the error's message as the reason and its code (else its HTTP status) as the code.
   *
   * @param wholeBatch see {@link Rejected#wholeBatch()}
   */
  static Rejected rejected(DeliveryError error, boolean wholeBatch) {
    return new Rejected(codeOf(error), error.message(), wholeBatch, error);
  }

  /**
   * Safe to send again, with the error's message as the reason and its code (else its HTTP
   * status). The error may say {@code mayHaveActed}: an idempotent destination retries a 5xx (see
   * {@link DeliveryError#retrySafeOn}).
   */
  static Retryable retryable(DeliveryError error, @Nullable Duration retryAfter) {
    return new Retryable(error.message(), codeOf(error), retryAfter, error);
  }

  /**
   * Outcome unknown, with the error's message as the reason and its code (else its HTTP status).
   *
   * @throws IllegalArgumentException {@code error: an Unknown outcome's error must say mayHaveActed}
   */
  static Unknown unknown(DeliveryError error) {
    return new Unknown(error.message(), codeOf(error), error);
  }

  /** The failure's error, or null if none was given (and always null for delivered and opted out). */
  default @Nullable DeliveryError error() {
    return null;
  }

  private static @Nullable String codeOf(DeliveryError error) {
    if (error.code() != null) {
      return error.code();
    }
    return error.httpStatus().isPresent() ? Integer.toString(error.httpStatus().getAsInt()) : null;
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
   * @param error the failure in fields, or null; not part of {@code equals}
   */
  record Rejected(@Nullable String code, String reason, boolean wholeBatch, @Nullable DeliveryError error)
      implements Outcome {
    public Rejected {
      Objects.requireNonNull(reason, "reason");
    }

    /** Without an error. */
    public Rejected(@Nullable String code, String reason, boolean wholeBatch) {
      this(code, reason, wholeBatch, null);
    }

    @Override
    public boolean equals(@Nullable Object o) {
      return o instanceof Rejected r
          && Objects.equals(code, r.code) && reason.equals(r.reason) && wholeBatch == r.wholeBatch;
    }

    @Override
    public int hashCode() {
      return Objects.hash(code, reason, wholeBatch);
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
   * @param error the failure in fields, or null; not part of {@code equals}
   */
  record Retryable(String reason, @Nullable String code, @Nullable Duration retryAfter,
      @Nullable DeliveryError error) implements Outcome {
    public Retryable {
      Objects.requireNonNull(reason, "reason");
    }

    /** Without an error. */
    public Retryable(String reason, @Nullable String code, @Nullable Duration retryAfter) {
      this(reason, code, retryAfter, null);
    }

    @Override
    public boolean equals(@Nullable Object o) {
      return o instanceof Retryable r
          && reason.equals(r.reason) && Objects.equals(code, r.code) && Objects.equals(retryAfter, r.retryAfter);
    }

    @Override
    public int hashCode() {
      return Objects.hash(reason, code, retryAfter);
    }
  }

  /**
   * The request may have acted; the outcome is not known.
   *
   * @param reason why, without PII
   * @param code the destination's error code or HTTP status, or null
   * @param error the failure in fields, or null; not part of {@code equals}; if given, it must say
   *     {@link DeliveryError#mayHaveActed() mayHaveActed} ({@code IllegalArgumentException}: {@code
   *     error: an Unknown outcome's error must say mayHaveActed})
   */
  record Unknown(String reason, @Nullable String code, @Nullable DeliveryError error) implements Outcome {
    public Unknown {
      Objects.requireNonNull(reason, "reason");
      if (error != null && !error.mayHaveActed()) {
        throw new IllegalArgumentException("error: an Unknown outcome's error must say mayHaveActed");
      }
    }

    /** Without an error. */
    public Unknown(String reason, @Nullable String code) {
      this(reason, code, null);
    }

    @Override
    public boolean equals(@Nullable Object o) {
      return o instanceof Unknown u && reason.equals(u.reason) && Objects.equals(code, u.code);
    }

    @Override
    public int hashCode() {
      return Objects.hash(reason, code);
    }
  }
}

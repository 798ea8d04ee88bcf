package dev.outlane.destination;

import java.util.Objects;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/**
 * Why a delivery failed, in fields rather than prose: the HTTP status (if a response arrived), the
 * destination's own error code, the request id the destination assigned (what its support asks
 * for), whether the request may have acted, and a message without PII. Carried by the failure
 * outcomes ({@link Outcome.Rejected#error()}, {@link Outcome.Retryable#error()}, {@link
 * Outcome.Unknown#error()}); defined once here so that every adapter reports failures the same way.
 *
 * <h2>When a retry is safe</h2>
 *
 * The rule okhttp's {@code RetryAndFollowUpInterceptor} follows, and the one the engine applies:
 *
 * <ul>
 *   <li>A request that was <em>never completely written</em> (connect refused, DNS failure, a reset
 *       while the body was still being sent) cannot have acted: the server never had the whole
 *       request. {@link #mayHaveActed()} is false and resending is always safe.
 *   <li>A request that was written and then got no answer (a read timeout, a reset, an unexpected
 *       end of stream), or got a 5xx, <em>may</em> have acted. {@link #mayHaveActed()} is true.
 *       Resending is safe only if the destination is {@linkplain Destination#idempotent()
 *       idempotent} (it dedupes, or repeating the change is a no-op); otherwise the outcome is
 *       {@link Outcome.Unknown} and the engine dead-letters it for reconciliation instead of
 *       blindly resending (a second SMS).
 *   <li>A response that says the request was not processed (429, a vendor's "rate limited" code)
 *       did not act; {@link #mayHaveActed()} is false.
 * </ul>
 *
 * So {@link #retrySafeOn(boolean)} is {@code !mayHaveActed() || idempotent}.
 *
 * <p><b>PII.</b> The message and code must never hold an email, phone, token or request content:
 * they reach logs, metrics and dead letters. Redact what a vendor echoes back.
 *
 * <p>Immutable and thread-safe. Built with {@link #builder(String)}; new fields can be added without
 * breaking callers.
 */
public final class DeliveryError {
  private final @Nullable Integer httpStatus;
  private final @Nullable String code;
  private final @Nullable String requestId;
  private final boolean mayHaveActed;
  private final String message;

  private DeliveryError(Builder b) {
    this.httpStatus = b.httpStatus;
    this.code = b.code;
    this.requestId = b.requestId;
    this.mayHaveActed = b.mayHaveActed;
    this.message = b.message;
  }

  /**
   * A builder for an error with this message: no status, no code, no request id, and {@code
   * mayHaveActed} false until set.
   *
   * @param message why, without PII
   * @throws IllegalArgumentException {@code message: required, was null} (or {@code was blank})
   */
  public static Builder builder(@Nullable String message) {
    return new Builder(Settings.requireText("message", message));
  }

  /** A builder holding this error's fields, to derive a changed copy. */
  public Builder toBuilder() {
    Builder b = new Builder(message);
    b.httpStatus = httpStatus;
    b.code = code;
    b.requestId = requestId;
    b.mayHaveActed = mayHaveActed;
    return b;
  }

  /** The HTTP status of the response, or empty if no response arrived. */
  public OptionalInt httpStatus() {
    return httpStatus == null ? OptionalInt.empty() : OptionalInt.of(httpStatus);
  }

  /** The destination's error code ({@code 21211}, {@code 80004/2446079}), or null. */
  public @Nullable String code() {
    return code;
  }

  /** The id the destination gave the request ({@code Twilio-Request-Id}, {@code fbtrace_id}), or null. */
  public @Nullable String requestId() {
    return requestId;
  }

  /**
   * Whether the destination may have acted on the request: true once the whole request was written
   * and no answer said it was not processed. See the class comment.
   */
  public boolean mayHaveActed() {
    return mayHaveActed;
  }

  /** Why, without PII. */
  public String message() {
    return message;
  }

  /**
   * Whether sending the same request again cannot do harm: the request did not act, or the
   * destination is idempotent.
   */
  public boolean retrySafeOn(boolean idempotentDestination) {
    return !mayHaveActed || idempotentDestination;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof DeliveryError e
        && Objects.equals(httpStatus, e.httpStatus)
        && Objects.equals(code, e.code)
        && Objects.equals(requestId, e.requestId)
        && mayHaveActed == e.mayHaveActed
        && message.equals(e.message);
  }

  @Override
  public int hashCode() {
    return Objects.hash(httpStatus, code, requestId, mayHaveActed, message);
  }

  /** All fields; they hold no PII by contract. */
  @Override
  public String toString() {
    return "DeliveryError{httpStatus=" + httpStatus + ", code=" + code + ", requestId=" + requestId
        + ", mayHaveActed=" + mayHaveActed + ", message=" + message + "}";
  }

  /**
   * Configures a {@link DeliveryError}; setters check values as {@link Settings} does. Not
   * thread-safe.
   */
  public static final class Builder {
    private @Nullable Integer httpStatus;
    private @Nullable String code;
    private @Nullable String requestId;
    private boolean mayHaveActed;
    private String message;

    private Builder(String message) {
      this.message = message;
    }

    /**
     * The message, replacing the one given.
     *
     * @throws IllegalArgumentException if null or blank
     */
    public Builder message(@Nullable String message) {
      this.message = Settings.requireText("message", message);
      return this;
    }

    /**
     * The HTTP status of the response.
     *
     * @throws IllegalArgumentException {@code httpStatus: must be 100 to 599}
     */
    public Builder httpStatus(int httpStatus) {
      if (httpStatus < 100 || httpStatus > 599) {
        throw new IllegalArgumentException("httpStatus: must be 100 to 599");
      }
      this.httpStatus = httpStatus;
      return this;
    }

    /** The destination's error code, or null for none. */
    public Builder code(@Nullable String code) {
      this.code = code;
      return this;
    }

    /** The request id the destination assigned, or null for none. */
    public Builder requestId(@Nullable String requestId) {
      this.requestId = requestId;
      return this;
    }

    /** Whether the request may have acted; see {@link DeliveryError}. */
    public Builder mayHaveActed(boolean mayHaveActed) {
      this.mayHaveActed = mayHaveActed;
      return this;
    }

    public DeliveryError build() {
      return new DeliveryError(this);
    }
  }
}

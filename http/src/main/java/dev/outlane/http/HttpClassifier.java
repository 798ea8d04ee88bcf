package dev.outlane.http;

import dev.outlane.destination.DeliveryError;
import dev.outlane.destination.Outcome;
import dev.outlane.destination.Settings;
import dev.outlane.retry.RetryAfter;
import java.time.Clock;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Turns a failed {@link Exchange} into an {@link Outcome} carrying a {@link DeliveryError}, by the
 * rules every destination shares; a destination adds only its vendor codes through a {@link
 * Classifier}.
 *
 * <h2>The default rules</h2>
 *
 * <table>
 *   <caption>exchange → outcome</caption>
 *   <tr><th>exchange</th><th>idempotent destination</th><th>non-idempotent destination</th></tr>
 *   <tr><td>HTTP 429</td><td colspan="2">{@link Outcome.Retryable} after {@code Retry-After} (seconds
 *       or an HTTP date, capped at {@link RetryAfter#DEFAULT_MAX}), else after the {@linkplain
 *       Builder#rateLimitBackoff rate-limit backoff}; the request did not act</td></tr>
 *   <tr><td>HTTP 5xx</td><td>{@link Outcome.Retryable} (may have acted: resending is harmless)</td>
 *       <td>{@link Outcome.Unknown}: the server may have acted, never resent blindly</td></tr>
 *   <tr><td>other statuses (4xx)</td><td colspan="2">{@link Outcome.Rejected}, {@linkplain
 *       Builder#rejectsWholeBatch whole batch} by default</td></tr>
 *   <tr><td>failure before the request was completely written (connect refused, DNS)</td>
 *       <td colspan="2">{@link Outcome.Retryable}: the server never had the request</td></tr>
 *   <tr><td>failure after it was written (timeout, reset)</td><td>{@link Outcome.Retryable}</td>
 *       <td>{@link Outcome.Unknown}</td></tr>
 *   <tr><td>a 2xx status whose body was lost</td><td colspan="2">{@link Outcome.Delivered}, without a
 *       reference: the server accepted it</td></tr>
 * </table>
 *
 * <p>The vendor {@link Classifier} sees every non-2xx answer first. Messages name the vendor, the
 * status or the failure's class, and the destination's note on why resending is or is not safe;
 * never request content.
 *
 * <p>Immutable and thread-safe.
 */
public final class HttpClassifier {
  private final String vendor;
  private final boolean idempotent;
  private final String resendNote;
  private final String unknownNote;
  private final Clock clock;
  private final @Nullable Duration rateLimitBackoff;
  private final boolean rejectsWholeBatch;
  private final Classifier vendorCodes;

  private HttpClassifier(Builder b) {
    this.vendor = b.vendor;
    this.idempotent = b.idempotent;
    this.resendNote = b.resendNote;
    this.unknownNote = b.unknownNote;
    this.clock = b.clock;
    this.rateLimitBackoff = b.rateLimitBackoff;
    this.rejectsWholeBatch = b.rejectsWholeBatch;
    this.vendorCodes = b.vendorCodes;
  }

  /**
   * A builder for a destination talking to {@code vendor} (as messages name it: {@code Meta},
   * {@code the Data Manager API}). Defaults: not idempotent, the system UTC clock, no rate-limit
   * backoff, rejections of the whole batch, no vendor codes.
   *
   * @throws IllegalArgumentException if {@code vendor} is null or blank
   */
  public static Builder builder(@Nullable String vendor) {
    return new Builder(Settings.requireText("vendor", vendor));
  }

  /**
   * The outcome for a failed exchange.
   *
   * @throws IllegalArgumentException {@code exchange: a 2xx answer is the destination's to read} for
   *     a successful answer, whose body only the destination understands
   */
  public Outcome classify(Exchange exchange) {
    if (exchange instanceof Exchange.Answered a) {
      if (a.successful()) {
        throw new IllegalArgumentException("exchange: a 2xx answer is the destination's to read");
      }
      Outcome vendorOutcome = vendorCodes.classify(a);
      return vendorOutcome != null ? withError(vendorOutcome, a) : answered(a);
    }
    return failed((Exchange.Failed) exchange);
  }

  private Outcome answered(Exchange.Answered a) {
    int status = a.status();
    String code = Integer.toString(status);
    if (status == 429) {
      Duration retryAfter = retryAfter(a);
      return Outcome.retryable(error(a, vendor + " rate limited the request (HTTP 429)" + idSuffix(a))
          .code(code).build(), retryAfter != null ? retryAfter : rateLimitBackoff);
    }
    if (status >= 500) {
      if (idempotent) {
        return Outcome.retryable(error(a, vendor + " HTTP " + status + "; " + resendNote + idSuffix(a))
            .code(code).build(), retryAfter(a));
      }
      return Outcome.unknown(error(a, "outcome unknown: HTTP " + status + " after the request was written; "
          + unknownNote + idSuffix(a)).code(code).build());
    }
    return Outcome.rejected(error(a, vendor + " refused the request (HTTP " + status + ")" + idSuffix(a))
        .code(code).build(), rejectsWholeBatch);
  }

  private Outcome failed(Exchange.Failed f) {
    if (f.acceptedBodyLost()) {
      return Outcome.delivered(null);
    }
    if (idempotent) {
      return Outcome.retryable(
          error(f, "I/O error talking to " + vendor + " (" + f.describe() + "); " + resendNote).build(), null);
    }
    String failure = f.cause().getClass().getSimpleName();
    if (!f.written()) {
      return Outcome.retryable(error(f, "not sent: " + failure + " before the request was written").build(), null);
    }
    return Outcome.unknown(error(f, "outcome unknown: " + failure + " after the request was written; "
        + unknownNote).build());
  }

  /**
   * An error for {@code exchange} with {@code message}: its HTTP status and request id filled in,
   * and {@code mayHaveActed} as the exchange shows it (a written request with no answer, or a 5xx;
   * not a 429 or another status that says the request was refused). For a vendor {@link
   * Classifier} to complete with its code.
   */
  public DeliveryError.Builder error(Exchange exchange, String message) {
    DeliveryError.Builder b = DeliveryError.builder(message).requestId(exchange.requestId());
    if (exchange instanceof Exchange.Answered a) {
      b.httpStatus(a.status()).mayHaveActed(a.status() >= 500);
    } else {
      Exchange.Failed f = (Exchange.Failed) exchange;
      f.responseStatus().ifPresent(b::httpStatus);
      b.mayHaveActed(f.written());
    }
    return b;
  }

  /**
   * {@code outcome} with a {@link DeliveryError} built from {@code exchange}, for a destination that
   * words its outcomes itself: the error's message is the outcome's reason, its code the outcome's
   * code, its status and request id the exchange's; {@code mayHaveActed} as {@link #error} says, and
   * always for an {@link Outcome.Unknown}. An outcome that already carries an error, and a delivered
   * or opted-out outcome, is returned as it is.
   */
  public Outcome withError(Outcome outcome, Exchange exchange) {
    if (outcome.error() != null) {
      return outcome;
    }
    if (outcome instanceof Outcome.Rejected r) {
      return new Outcome.Rejected(r.code(), r.reason(), r.wholeBatch(), error(exchange, r.reason()).code(r.code()).build());
    }
    if (outcome instanceof Outcome.Retryable r) {
      return new Outcome.Retryable(r.reason(), r.code(), r.retryAfter(), error(exchange, r.reason()).code(r.code()).build());
    }
    if (outcome instanceof Outcome.Unknown u) {
      return new Outcome.Unknown(u.reason(), u.code(), error(exchange, u.reason()).code(u.code()).mayHaveActed(true).build());
    }
    return outcome;
  }

  /** The answer's {@code Retry-After}, measured with this classifier's clock and capped, or null. */
  public @Nullable Duration retryAfter(Exchange.Answered answered) {
    return RetryAfter.parse(answered.header("Retry-After"), clock, RetryAfter.DEFAULT_MAX);
  }

  private static String idSuffix(Exchange exchange) {
    return exchange.requestId() == null ? "" : ", request " + exchange.requestId();
  }

  /** Configures an {@link HttpClassifier}; setters check values as {@link Settings} does. Not thread-safe. */
  public static final class Builder {
    private final String vendor;
    private boolean idempotent;
    private String resendNote = "safe to resend";
    private String unknownNote = "it may have acted";
    private Clock clock = Clock.systemUTC();
    private @Nullable Duration rateLimitBackoff;
    private boolean rejectsWholeBatch = true;
    private Classifier vendorCodes = Classifier.none();

    private Builder(String vendor) {
      this.vendor = vendor;
    }

    /** Whether the destination is {@linkplain dev.outlane.destination.Destination#idempotent() idempotent}. */
    public Builder idempotent(boolean idempotent) {
      this.idempotent = idempotent;
      return this;
    }

    /**
     * Why resending is safe, ending the messages of an idempotent destination's retryable failures
     * (default {@code safe to resend}), e.g. {@code event_id dedupe makes resending safe}.
     *
     * @throws IllegalArgumentException if null or blank
     */
    public Builder resendNote(@Nullable String note) {
      this.resendNote = Settings.requireText("resendNote", note);
      return this;
    }

    /**
     * What may have happened, ending the messages of a non-idempotent destination's unknown
     * outcomes (default {@code it may have acted}), e.g. {@code the SMS may have been sent}.
     *
     * @throws IllegalArgumentException if null or blank
     */
    public Builder unknownNote(@Nullable String note) {
      this.unknownNote = Settings.requireText("unknownNote", note);
      return this;
    }

    /**
     * The clock {@code Retry-After} dates are measured with.
     *
     * @throws IllegalArgumentException if null
     */
    public Builder clock(@Nullable Clock clock) {
      this.clock = Settings.require("clock", clock);
      return this;
    }

    /**
     * How long to wait after a 429 without {@code Retry-After}; null (the default) leaves it to the
     * engine's backoff.
     *
     * @throws IllegalArgumentException {@code rateLimitBackoff: must not be negative}
     */
    public Builder rateLimitBackoff(@Nullable Duration backoff) {
      if (backoff != null && backoff.isNegative()) {
        throw new IllegalArgumentException("rateLimitBackoff: must not be negative");
      }
      this.rateLimitBackoff = backoff;
      return this;
    }

    /** Whether a 4xx rejects the whole batch, so the engine may split it (default true). */
    public Builder rejectsWholeBatch(boolean wholeBatch) {
      this.rejectsWholeBatch = wholeBatch;
      return this;
    }

    /**
     * The vendor's own codes, consulted first for every non-2xx answer.
     *
     * @throws IllegalArgumentException if null
     */
    public Builder vendorCodes(@Nullable Classifier classifier) {
      this.vendorCodes = Settings.require("vendorCodes", classifier);
      return this;
    }

    public HttpClassifier build() {
      return new HttpClassifier(this);
    }
  }
}

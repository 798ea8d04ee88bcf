package dev.outlane.twilio.internal;

import dev.outlane.OutlaneException;
import org.jspecify.annotations.Nullable;

/**
 * Carries a failed Twilio call out of twilio-java unchanged, from {@link OkHttpTwilioHttpClient} to the
 * destination that classifies it. twilio-java would turn an error response into an {@code
 * ApiException} and drop its headers; this keeps {@code Retry-After} and the request id, and says how
 * far the request got.
 *
 * <p>Never contains PII: the message names the stage and the HTTP status only, and {@link #body()} is
 * read for the error code, never logged.
 */
public final class TwilioCallException extends OutlaneException {
  private static final long serialVersionUID = 1L;

  /** How far the request got. */
  public enum Stage {
    /** The request was not completely written: Twilio cannot have acted on it. */
    NOT_SENT,
    /** The request was written, then the exchange failed with no response: outcome unknown. */
    SENT_NO_RESPONSE,
    /** Twilio answered 2xx, then the response body was lost: the message was created. */
    ACCEPTED_BODY_LOST,
    /** Twilio answered with an error status; see {@link #status()} and {@link #body()}. */
    HTTP_ERROR
  }

  private final Stage stage;
  private final int status;
  private final transient @Nullable String body;
  private final @Nullable String retryAfter;
  private final @Nullable String requestId;

  public TwilioCallException(
      Stage stage,
      int status,
      @Nullable String body,
      @Nullable String retryAfter,
      @Nullable String requestId,
      @Nullable Throwable cause) {
    super(message(stage, status, cause), cause);
    this.stage = stage;
    this.status = status;
    this.body = body;
    this.retryAfter = retryAfter;
    this.requestId = requestId;
  }

  private static String message(Stage stage, int status, @Nullable Throwable cause) {
    String base =
        switch (stage) {
          case NOT_SENT -> "Twilio request not sent";
          case SENT_NO_RESPONSE -> "Twilio request sent, no response";
          case ACCEPTED_BODY_LOST -> "Twilio accepted the request (HTTP " + status + "), response body lost";
          case HTTP_ERROR -> "Twilio answered HTTP " + status;
        };
    return cause == null ? base : base + ": " + cause.getClass().getSimpleName();
  }

  public Stage stage() {
    return stage;
  }

  /** The HTTP status, or -1 if no response arrived. */
  public int status() {
    return status;
  }

  /** The response body of an error status, or null. */
  public @Nullable String body() {
    return body;
  }

  /** The raw {@code Retry-After} header, or null. */
  public @Nullable String retryAfter() {
    return retryAfter;
  }

  /** Twilio's {@code Twilio-Request-Id} header, or null. */
  public @Nullable String requestId() {
    return requestId;
  }
}

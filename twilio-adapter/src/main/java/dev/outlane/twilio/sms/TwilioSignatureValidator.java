package dev.outlane.twilio.sms;

import com.twilio.security.RequestValidator;
import dev.outlane.OutlaneException;
import dev.outlane.ValidationException;
import dev.outlane.metrics.MetricsSink;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Checks Twilio status callbacks and turns them into {@link DeliveryStatusUpdate}s for the metrics.
 *
 * <p>Wire it into your HTTP endpoint for {@code StatusCallback}:
 *
 * <pre>{@code
 * TwilioSignatureValidator callbacks =
 *     new TwilioSignatureValidator(System.getenv("TWILIO_AUTH_TOKEN"), metrics, "twilio-sms");
 * // in the handler, with the full public URL Twilio called and the POSTed form parameters:
 * DeliveryStatusUpdate update = callbacks.handle(url, formParams, request.getHeader("X-Twilio-Signature"));
 * }</pre>
 *
 * <p>Twilio signs with the account's <b>auth token</b> (never with an API key secret), over the exact
 * URL it called — scheme, host, port, path and query as configured in {@code StatusCallback} — and
 * the sorted POST parameters. Behind a proxy, pass the public URL, not the one your server sees. The
 * check itself is twilio-java's {@link RequestValidator} (HMAC-SHA1, constant-time comparison).
 *
 * <p>Twilio retries callbacks and sends {@code I-Twilio-Idempotency-Token} on them; dedupe on that
 * header if a counted status must not count twice.
 *
 * <p>Thread-safe. {@link #handle} runs on the caller's (HTTP server's) thread and calls the {@link
 * MetricsSink} there.
 */
public final class TwilioSignatureValidator {
  private final RequestValidator validator;
  private final MetricsSink metrics;
  private final String destination;

  /**
   * @param authToken the account's auth token
   * @param metrics where {@link #handle} records each status: {@code count(destination, "status_" +
   *     status, errorCode or "", 1)}
   * @param destination the destination name to record under, e.g. {@code twilio-sms}
   */
  public TwilioSignatureValidator(String authToken, MetricsSink metrics, String destination) {
    if (authToken.isBlank()) {
      throw new IllegalArgumentException("authToken: must not be blank");
    }
    if (destination.isBlank()) {
      throw new IllegalArgumentException("destination: must not be blank");
    }
    this.validator = new RequestValidator(authToken);
    this.metrics = metrics;
    this.destination = destination;
  }

  /** True if {@code signature} is Twilio's signature of {@code url} and {@code params}. */
  public boolean isValid(String url, Map<String, String> params, @Nullable String signature) {
    if (signature == null || signature.isBlank()) {
      return false;
    }
    return validator.validate(url, params, signature);
  }

  /**
   * Validates a status callback, parses it and records it.
   *
   * @throws InvalidSignatureException if the signature is missing or wrong: answer 403 and record
   *     nothing
   * @throws ValidationException if the signed callback lacks {@code MessageSid} or {@code
   *     MessageStatus}: answer 400
   */
  public DeliveryStatusUpdate handle(String url, Map<String, String> params, @Nullable String signature) {
    if (!isValid(url, params, signature)) {
      throw new InvalidSignatureException(
          signature == null || signature.isBlank()
              ? "X-Twilio-Signature: missing"
              : "X-Twilio-Signature: does not match the URL and parameters");
    }
    DeliveryStatusUpdate update = DeliveryStatusUpdate.fromCallback(params);
    metrics.count(destination, "status_" + update.status(), update.errorCode() == null ? "" : update.errorCode(), 1);
    return update;
  }

  /** A callback that did not come from Twilio, or was altered: its signature does not verify. */
  public static final class InvalidSignatureException extends OutlaneException {
    private static final long serialVersionUID = 1L;

    public InvalidSignatureException(String message) {
      super(message);
    }
  }
}

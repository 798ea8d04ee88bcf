package dev.outlane.twilio.internal;

import dev.outlane.OutlaneException;
import dev.outlane.http.Exchange;

/**
 * Carries a failed Twilio call out of twilio-java unchanged, from {@link OkHttpTwilioHttpClient} to the
 * destination that classifies it. twilio-java would turn an error response into an {@code
 * ApiException} and drop its headers; this keeps the whole {@link Exchange}: status, {@code
 * Retry-After}, request id, and whether the request was written.
 *
 * <p>Never contains PII: the message names the stage and the HTTP status only, and the exchange's
 * body is read for the error code, never logged.
 */
public final class TwilioCallException extends OutlaneException {
  private static final long serialVersionUID = 1L;

  private final transient Exchange exchange;

  /** @param exchange a non-2xx answer or a failure */
  public TwilioCallException(Exchange exchange) {
    super(message(exchange), exchange instanceof Exchange.Failed f ? f.cause() : null);
    this.exchange = exchange;
  }

  private static String message(Exchange exchange) {
    if (exchange instanceof Exchange.Answered a) {
      return "Twilio answered HTTP " + a.status();
    }
    Exchange.Failed f = (Exchange.Failed) exchange;
    String base;
    if (f.acceptedBodyLost()) {
      base = "Twilio accepted the request (HTTP " + f.status() + "), response body lost";
    } else if (f.written()) {
      base = "Twilio request sent, no response";
    } else {
      base = "Twilio request not sent";
    }
    return base + ": " + f.cause().getClass().getSimpleName();
  }

  /** How the call ended; null only after deserialization. */
  public Exchange exchange() {
    return exchange;
  }
}

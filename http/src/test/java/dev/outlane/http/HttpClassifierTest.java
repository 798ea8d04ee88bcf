package dev.outlane.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.outlane.destination.DeliveryError;
import dev.outlane.destination.Outcome;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import okhttp3.Headers;
import org.junit.jupiter.api.Test;

class HttpClassifierTest {
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T12:00:00Z"), ZoneOffset.UTC);

  private static HttpClassifier.Builder segment() {
    return HttpClassifier.builder("Segment").idempotent(true).clock(CLOCK)
        .resendNote("safe to resend: Segment dedupes by messageId");
  }

  private static HttpClassifier.Builder sms() {
    return HttpClassifier.builder("Twilio").idempotent(false).clock(CLOCK).unknownNote("the SMS may have been sent");
  }

  private static Exchange.Answered status(int code, String... headers) {
    return new Exchange.Answered(code, Headers.of(headers), "", null);
  }

  @Test
  void a429IsRetryableAfterRetryAfterAndDidNotAct() {
    Outcome outcome = segment().build().classify(status(429, "Retry-After", "7"));

    assertThat(outcome).isEqualTo(new Outcome.Retryable("Segment rate limited the request (HTTP 429)", "429",
        Duration.ofSeconds(7)));
    assertThat(outcome.error().mayHaveActed()).isFalse();
    assertThat(outcome.error().httpStatus()).hasValue(429);
  }

  @Test
  void a429WithoutRetryAfterWaitsTheRateLimitBackoff() {
    Outcome outcome = segment().rateLimitBackoff(Duration.ofMinutes(1)).build().classify(status(429));

    assertThat(((Outcome.Retryable) outcome).retryAfter()).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void a5xxIsRetryableOnAnIdempotentDestinationThoughItMayHaveActed() {
    Outcome outcome = segment().build().classify(status(503));

    assertThat(outcome).isEqualTo(new Outcome.Retryable(
        "Segment HTTP 503; safe to resend: Segment dedupes by messageId", "503", null));
    assertThat(outcome.error().mayHaveActed()).isTrue();
  }

  @Test
  void a5xxIsUnknownOnANonIdempotentDestinationAndNamesTheRequestId() {
    Outcome outcome = sms().build().classify(new Exchange.Answered(502, Headers.of(), "", "RQ1"));

    assertThat(outcome).isEqualTo(new Outcome.Unknown(
        "outcome unknown: HTTP 502 after the request was written; the SMS may have been sent, request RQ1", "502"));
    assertThat(outcome.error().requestId()).isEqualTo("RQ1");
  }

  @Test
  void anotherStatusIsRejectedForTheWholeBatchUnlessTheDestinationSaysOtherwise() {
    assertThat(segment().build().classify(status(400)))
        .isEqualTo(new Outcome.Rejected("400", "Segment refused the request (HTTP 400)", true));
    assertThat(sms().rejectsWholeBatch(false).build().classify(status(404)))
        .isEqualTo(new Outcome.Rejected("404", "Twilio refused the request (HTTP 404)", false));
  }

  @Test
  void theVendorsCodesAreConsultedFirstAndNullFallsBackToTheDefaults() {
    HttpClassifier c = sms().vendorCodes(a -> a.status() == 400
        ? Outcome.optedOut("21610", "recipient opted out") : null).build();

    assertThat(c.classify(status(400))).isEqualTo(Outcome.optedOut("21610", "recipient opted out"));
    assertThat(c.classify(status(403))).isInstanceOf(Outcome.Rejected.class);
  }

  @Test
  void aFailureBeforeTheRequestWasWrittenIsRetryableEvenWhereResendingIsNotSafe() {
    Outcome outcome = sms().build().classify(new Exchange.Failed(new ConnectException("refused"), false, -1, null));

    assertThat(outcome).isEqualTo(Outcome.retryable("not sent: ConnectException before the request was written", null));
    assertThat(outcome.error().mayHaveActed()).isFalse();
  }

  @Test
  void aFailureAfterTheRequestWasWrittenIsUnknownWhereResendingIsNotSafe() {
    Outcome outcome = sms().build().classify(new Exchange.Failed(new SocketTimeoutException("timeout"), true, -1, null));

    assertThat(outcome).isEqualTo(new Outcome.Unknown(
        "outcome unknown: SocketTimeoutException after the request was written; the SMS may have been sent", null));
    assertThat(outcome.error().mayHaveActed()).isTrue();
  }

  @Test
  void anyIoFailureIsRetryableOnAnIdempotentDestination() {
    Outcome outcome = segment().build().classify(new Exchange.Failed(new IOException("unexpected end of stream"),
        true, -1, null));

    assertThat(outcome).isEqualTo(Outcome.retryable(
        "I/O error talking to Segment (IOException: unexpected end of stream); safe to resend: Segment dedupes by messageId",
        null));
  }

  @Test
  void aSuccessWhoseBodyWasLostIsDelivered() {
    assertThat(sms().build().classify(new Exchange.Failed(new IOException("cut"), true, 201, "RQ2")))
        .isEqualTo(Outcome.delivered(null));
  }

  @Test
  void aSuccessfulAnswerIsTheDestinationsToRead() {
    assertThatThrownBy(() -> segment().build().classify(status(200)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("exchange: a 2xx answer is the destination's to read");
  }

  @Test
  void errorFillsStatusRequestIdAndMayHaveActedFromTheExchange() {
    DeliveryError e = segment().build().error(new Exchange.Answered(500, Headers.of(), "", "RQ3"), "boom")
        .code("E1").build();

    assertThat(e).isEqualTo(DeliveryError.builder("boom").httpStatus(500).requestId("RQ3").code("E1")
        .mayHaveActed(true).build());
  }

  @Test
  void aVendorsOwnOutcomeGainsAnErrorFromTheExchangeKeepingItsWords() {
    HttpClassifier c = segment().vendorCodes(a -> new Outcome.Retryable("Segment answered HTTP 503", "503", null)).build();

    Outcome outcome = c.classify(new Exchange.Answered(503, Headers.of(), "", "RQ4"));

    assertThat(outcome).isEqualTo(new Outcome.Retryable("Segment answered HTTP 503", "503", null));
    assertThat(outcome.error()).isEqualTo(DeliveryError.builder("Segment answered HTTP 503").httpStatus(503)
        .code("503").requestId("RQ4").mayHaveActed(true).build());
  }

  @Test
  void anUnknownOutcomesErrorAlwaysSaysTheRequestMayHaveActed() {
    Outcome outcome = sms().build().withError(new Outcome.Unknown("HTTP 400 but odd", "400"), status(400));

    assertThat(outcome.error().mayHaveActed()).isTrue();
    assertThat(sms().build().withError(Outcome.delivered("SM1"), status(400))).isEqualTo(Outcome.delivered("SM1"));
  }
}

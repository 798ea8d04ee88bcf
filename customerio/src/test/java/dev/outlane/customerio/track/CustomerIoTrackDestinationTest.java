package dev.outlane.customerio.track;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.outlane.contract.AudienceAction;
import dev.outlane.contract.Consent;
import dev.outlane.contract.ConsentStatus;
import dev.outlane.contract.RetentionEvent;
import dev.outlane.customerio.testing.FakeCustomerIoServer;
import dev.outlane.destination.DeliveryItem;
import dev.outlane.destination.Outcome;
import dev.outlane.identity.Identity;
import dev.outlane.testing.Fault;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CustomerIoTrackDestinationTest {
  private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
  private final FakeCustomerIoServer cio = FakeCustomerIoServer.start();

  @AfterEach
  void close() {
    cio.close();
  }

  private CustomerIoTrackDestination.Builder destination() {
    return CustomerIoTrackDestination.builder().siteId(FakeCustomerIoServer.SITE_ID)
        .apiKey(FakeCustomerIoServer.API_KEY).baseUrl(cio.url());
  }

  private static DeliveryItem item(Consent consent, Map<String, Object> properties) {
    RetentionEvent e = RetentionEvent.builder().eventId("stop-1").eventName("sms_opted_out")
        .source("twilio").customerId("cust 1/a").eventTime(NOW).email("ada@example.com")
        .consent(consent).properties(properties).build();
    return new DeliveryItem("k-1", e, new Identity("cust 1/a", "ada@example.com", "+14155550123"), null, null,
        AudienceAction.Action.ADD, Map.of(), 1);
  }

  private static Consent sms(ConsentStatus status) {
    return new Consent(status, ConsentStatus.UNKNOWN, ConsentStatus.UNKNOWN);
  }

  @Test
  void anSmsDenialSetsTheSmsChannelPreferenceToFalseAndNothingElse() {
    try (CustomerIoTrackDestination d = destination().build()) {
      assertThat(d.deliver(List.of(item(sms(ConsentStatus.DENIED), Map.of()))))
          .containsExactly(Outcome.delivered(null));

      RecordedRequest r = cio.takeRequest();
      assertThat(r.getMethod()).isEqualTo("PUT");
      assertThat(r.getUrl().encodedPath()).isEqualTo("/api/v1/customers/cust%201%2Fa");
      assertThat(r.getBody().string(StandardCharsets.UTF_8))
          .isEqualTo("{\"cio_subscription_preferences\":{\"channels\":{\"sms\":false}}}");
      assertThat(cio.channelPreference("cust 1/a", "sms")).isFalse();
      assertThat(cio.attributes("cust 1/a")).doesNotContainKey("unsubscribed");
    }
  }

  @Test
  void aLaterGrantOfEmailKeepsTheSmsDenialAndGlobalUnsubscribeIsOptIn() {
    try (CustomerIoTrackDestination d = destination().globalUnsubscribe(true).build()) {
      d.deliver(List.of(item(sms(ConsentStatus.DENIED), Map.of())));
      assertThat(cio.attributes("cust 1/a")).containsEntry("unsubscribed", true);
      d.deliver(List.of(item(new Consent(ConsentStatus.UNKNOWN, ConsentStatus.GRANTED, ConsentStatus.UNKNOWN), Map.of())));
      assertThat(cio.channelPreference("cust 1/a", "sms")).isFalse();
      assertThat(cio.channelPreference("cust 1/a", "email")).isTrue();
      assertThat(cio.attributes("cust 1/a")).containsEntry("unsubscribed", false);
    }
  }

  @Test
  void thePersonIsIdentifiedByEmailOrCioIdWhenConfiguredAndRejectedWithoutIt() {
    try (CustomerIoTrackDestination byEmail = destination().identifyBy(CustomerIoTrackDestination.IdentifyBy.EMAIL).build();
        CustomerIoTrackDestination byCio = destination().identifyBy(CustomerIoTrackDestination.IdentifyBy.CIO_ID).build()) {
      byEmail.deliver(List.of(item(sms(ConsentStatus.DENIED), Map.of())));
      assertThat(cio.channelPreference("ada@example.com", "sms")).isFalse();

      byCio.deliver(List.of(item(sms(ConsentStatus.DENIED), Map.of("cio_id", "a1b2"))));
      assertThat(cio.channelPreference("cio_a1b2", "sms")).isFalse();
      assertThat(byCio.deliver(List.of(item(sms(ConsentStatus.DENIED), Map.of()))))
          .containsExactly(Outcome.rejected("no-identifier", "no cio_id property to identify the person by in Customer.io"));
    }
  }

  @Test
  void anEventWithoutSmsOrEmailConsentIsRejectedWithoutARequest() {
    try (CustomerIoTrackDestination d = destination().build()) {
      assertThat(d.deliver(List.of(item(Consent.UNKNOWN, Map.of()))))
          .containsExactly(Outcome.rejected("no-consent", "nothing to write back: the event sets no sms or email consent"));
      assertThat(cio.requestCount()).isZero();
    }
  }

  @Test
  void a429IsRetriedAfterRetryAfterA5xxIsRetryableAndWrongCredentialsAreRejected() {
    try (CustomerIoTrackDestination d = destination().build();
        CustomerIoTrackDestination wrong = destination().apiKey("not-the-key").build()) {
      cio.enqueueFault(Fault.tooManyRequests(3));
      assertThat(d.deliver(List.of(item(sms(ConsentStatus.DENIED), Map.of()))).get(0))
          .isInstanceOfSatisfying(Outcome.Retryable.class, r -> assertThat(r.retryAfter()).isEqualTo(Duration.ofSeconds(3)));
      cio.enqueueFault(Fault.status(502));
      assertThat(d.deliver(List.of(item(sms(ConsentStatus.DENIED), Map.of()))).get(0))
          .isInstanceOf(Outcome.Retryable.class);
      assertThat(wrong.deliver(List.of(item(sms(ConsentStatus.DENIED), Map.of()))).get(0))
          .isInstanceOfSatisfying(Outcome.Rejected.class, r -> {
            assertThat(r.code()).isEqualTo("401");
            assertThat(r.reason()).doesNotContain("not-the-key", FakeCustomerIoServer.API_KEY);
          });
    }
  }

  @Test
  void theFakeRefusesAnAttributeOverCustomerIosThousandByteLimit() {
    okhttp3.OkHttpClient client = new okhttp3.OkHttpClient();
    String big = "{\"note\":\"" + "x".repeat(1_001) + "\"}";
    okhttp3.Request request = new okhttp3.Request.Builder().url(cio.url().resolve("api/v1/customers/c1"))
        .header("Authorization", okhttp3.Credentials.basic(FakeCustomerIoServer.SITE_ID, FakeCustomerIoServer.API_KEY))
        .put(okhttp3.RequestBody.create(big, okhttp3.MediaType.get("application/json"))).build();
    try (okhttp3.Response response = client.newCall(request).execute()) {
      assertThat(response.code()).isEqualTo(400);
      assertThat(response.body().string()).isEqualTo("{\"meta\":{\"error\":\"attribute note is larger than 1000 bytes\"}}");
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    } finally {
      client.dispatcher().executorService().shutdown();
      client.connectionPool().evictAll();
    }
  }

  @Test
  void settingsAreCheckedNamingTheSettingAndNeverRepeatingACredential() {
    assertThatThrownBy(() -> CustomerIoTrackDestination.builder().apiKey("key:with-colon"))
        .hasMessage("apiKey: must not contain ':' or surrounding whitespace");
    assertThatThrownBy(() -> CustomerIoTrackDestination.builder().siteId("s").build())
        .hasMessage("apiKey: required, was not set");
    try (CustomerIoTrackDestination eu = CustomerIoTrackDestination.builder().siteId("s").apiKey("k").eu().build()) {
      assertThat(eu.toString()).isEqualTo(
          "CustomerIoTrackDestination{name=customerio, baseUrl=https://track-eu.customer.io/, identifyBy=CUSTOMER_ID}");
    }
  }
}

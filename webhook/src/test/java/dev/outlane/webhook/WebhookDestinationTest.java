package dev.outlane.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.outlane.Outlane;
import dev.outlane.SubmitResult;
import dev.outlane.contract.AudienceAction;
import dev.outlane.contract.RetentionEvent;
import dev.outlane.destination.DeliveryItem;
import dev.outlane.destination.Outcome;
import dev.outlane.hashing.HashingProfile;
import dev.outlane.identity.Identity;
import dev.outlane.routing.Route;
import dev.outlane.testing.Fault;
import dev.outlane.webhook.testing.FakeWebhookServer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WebhookDestinationTest {
  private static final String SECRET = "whsec_0123456789abcdef";
  private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  private final FakeWebhookServer receiver = FakeWebhookServer.start(CLOCK, SECRET);

  @AfterEach
  void close() {
    receiver.close();
  }

  private WebhookDestination.Builder destination() {
    return WebhookDestination.builder().url(receiver.url().toString()).secret(SECRET).clock(CLOCK);
  }

  private static RetentionEvent event(String id) {
    return RetentionEvent.builder().eventId(id).eventName("cart_abandoned").source("customerio")
        .customerId("c-1").eventTime(NOW.minusSeconds(60)).email("Jane.Doe@Example.com")
        .phone("+14155550123").property("cart_url", "https://shop.example/c/1").build();
  }

  private static DeliveryItem item(String key, RetentionEvent event, HashingProfile profile) {
    Identity identity = new Identity("c-1", "jane.doe@example.com", "+14155550123");
    return new DeliveryItem(key, event, identity, profile == null ? null : profile.hash(identity), null,
        AudienceAction.Action.ADD, Map.of(), 1);
  }

  @Test
  void anEventReachesTheReceiverSignedWithHashedIdentifiersAndNoRawEmailOrPhone() {
    try (WebhookDestination d = destination().hashing(HashingProfile.META).build()) {
      List<Outcome> outcomes = d.deliver(List.of(item("k-1", event("e-1"), HashingProfile.META)));

      assertThat(outcomes).containsExactly(Outcome.delivered(null));
      RecordedRequest r = receiver.takeRequest();
      String body = r.getBody().string(StandardCharsets.UTF_8);
      assertThat(r.getHeaders().get("Idempotency-Key")).isEqualTo("k-1");
      assertThat(r.getHeaders().get(WebhookSignature.HEADER))
          .isEqualTo(WebhookSignature.sign(SECRET, NOW, body.getBytes(StandardCharsets.UTF_8)));
      assertThat(body).doesNotContain("jane", "Jane", "4155550123");
      Map<String, Object> received = receiver.event("k-1");
      assertThat(received).containsEntry("schema_version", "1.0").containsEntry("action", "add");
      assertThat(map(received.get("identifiers"))).containsOnlyKeys("customer_id", "email_sha256", "phone_sha256")
          .containsEntry("email_sha256", HashingProfile.META.hashEmail("jane.doe@example.com"))
          .containsEntry("phone_sha256", HashingProfile.META.hashPhone("+14155550123"));
      assertThat(map(received.get("event"))).containsEntry("event_id", "e-1")
          .containsEntry("customer_id", "c-1").doesNotContainKeys("email", "phone");
    }
  }

  @Test
  void rawIdentifiersAreSentOnlyWhenExplicitlyEnabled() {
    assertThatThrownBy(() -> destination().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("identifiers: choose hashing(profile) or, only if the receiver needs them, rawIdentifiers()");
    try (WebhookDestination d = destination().rawIdentifiers().build()) {
      d.deliver(List.of(item("k-1", event("e-1"), null)));
      assertThat(map(receiver.event("k-1").get("identifiers")))
          .containsEntry("email", "jane.doe@example.com").containsEntry("phone", "+14155550123");
    }
  }

  @Test
  void aBatchCarriesEveryEventWithItsOwnKeyAndAHeaderKeyDerivedFromThem() {
    try (WebhookDestination d = destination().hashing(HashingProfile.GOOGLE).build()) {
      d.deliver(List.of(item("k-1", event("e-1"), HashingProfile.GOOGLE),
          item("k-2", event("e-2"), HashingProfile.GOOGLE)));
      assertThat(receiver.idempotencyKeys()).containsExactlyInAnyOrder("k-1", "k-2");
      assertThat(receiver.takeRequest().getHeaders().get("Idempotency-Key"))
          .isEqualTo("batch-" + dev.outlane.hashing.Sha256.hex("k-1\nk-2"));
    }
  }

  @Test
  void aClientErrorIsRejectedWithTheReceiversMessageAndA5xxOrA429IsRetryable() {
    try (WebhookDestination d = destination().hashing(HashingProfile.META).build()) {
      receiver.enqueueFault(Fault.status(422));
      Outcome rejected = d.deliver(List.of(item("k-1", event("e-1"), HashingProfile.META))).get(0);
      assertThat(rejected).isInstanceOfSatisfying(Outcome.Rejected.class, r -> {
        assertThat(r.reason()).isEqualTo("the webhook refused the request (HTTP 422): fake webhook answered HTTP 422");
        assertThat(r.code()).isEqualTo("422");
      });

      receiver.enqueueFault(Fault.status(503));
      assertThat(d.deliver(List.of(item("k-1", event("e-1"), HashingProfile.META))).get(0))
          .isInstanceOf(Outcome.Retryable.class);
      receiver.enqueueFault(Fault.tooManyRequests(7));
      assertThat(d.deliver(List.of(item("k-1", event("e-1"), HashingProfile.META))).get(0))
          .isInstanceOfSatisfying(Outcome.Retryable.class,
              r -> assertThat(r.retryAfter()).isEqualTo(Duration.ofSeconds(7)));
    }
  }

  @Test
  void aWrongSecretIsRefusedByTheReceiverAndRejectedNotRetried() {
    try (WebhookDestination d = destination().secret("whsec_a_different_secret").hashing(HashingProfile.META).build()) {
      Outcome o = d.deliver(List.of(item("k-1", event("e-1"), HashingProfile.META))).get(0);
      assertThat(o).isInstanceOfSatisfying(Outcome.Rejected.class,
          r -> assertThat(r.reason()).isEqualTo("the webhook refused the request (HTTP 401): signature does not verify"));
      assertThat(receiver.badSignatureCount()).isEqualTo(1);
    }
  }

  @Test
  void throughTheClientAFailedAttemptIsResentUnderTheSameKeyAndRecordedOnce() {
    receiver.enqueueFault(Fault.dropAfterRequest());
    WebhookDestination d = destination().hashing(HashingProfile.META).build();
    // The client runs on real time (its retries are scheduled in real time); only the signature's
    // timestamp and the receiver's check use the fixed clock.
    try (Outlane outlane = Outlane.builder().destination(d)
        .route(Route.builder().event("cart_abandoned").to("webhook").build()).build()) {
      java.util.concurrent.CompletableFuture<SubmitResult> result = outlane.submit(event("e-1")).toCompletableFuture();
      assertThat(outlane.flush(Duration.ofSeconds(20))).isTrue();
      assertThat(result.join().results()).hasSize(1);
    }
    assertThat(receiver.events()).hasSize(1);
    assertThat(receiver.duplicateCount()).isEqualTo(1);
    assertThat(receiver.requestCount()).isEqualTo(2);
  }

  @Test
  void settingsAreCheckedWithMessagesThatNameThemAndNeverRepeatTheSecret() {
    assertThatThrownBy(() -> WebhookDestination.builder().secret("short"))
        .hasMessage("secret: must be at least 16 characters");
    assertThatThrownBy(() -> WebhookDestination.builder().url("https://hooks.example.com/x#frag"))
        .hasMessage("baseUrl: expected an http or https URL like https://hooks.example.com/outlane, without a fragment");
    assertThatThrownBy(() -> WebhookDestination.builder().secret(SECRET).hashing(HashingProfile.META).build())
        .hasMessage("url: required, was not set");
    assertThatThrownBy(() -> WebhookDestination.builder().maxItemsPerRequest(0))
        .hasMessage("maxItemsPerRequest: must be 1..1000, was 0");
    try (WebhookDestination d = WebhookDestination.builder().url("https://hooks.example.com/outlane?x=1")
        .secret(SECRET).hashing(HashingProfile.META).build()) {
      assertThat(d.toString()).isEqualTo("WebhookDestination{name=webhook, host=hooks.example.com}");
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return (Map<String, Object>) o;
  }
}

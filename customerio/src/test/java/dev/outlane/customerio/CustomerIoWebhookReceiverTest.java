package dev.outlane.customerio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.outlane.Outlane;
import dev.outlane.deadletter.DeadLetter;
import dev.outlane.deadletter.DeadLetterQuery;
import dev.outlane.deadletter.InMemoryDeadLetterStore;
import dev.outlane.destination.Channel;
import dev.outlane.inbound.InboundAuth;
import dev.outlane.inbound.InboundRequest;
import dev.outlane.inbound.InboundResponse;
import dev.outlane.metrics.InMemoryMetrics;
import dev.outlane.routing.Route;
import dev.outlane.testing.DiskBytes;
import dev.outlane.testing.FakeDestination;
import dev.outlane.testing.ManualScheduler;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CustomerIoWebhookReceiverTest {
  static final Instant T0 = Instant.parse("2026-12-01T18:00:00Z");
  static final String TOKEN = "Bearer t0ken-for-tests";

  final ManualScheduler time = new ManualScheduler(T0);
  final InMemoryDeadLetterStore deadLetters = new InMemoryDeadLetterStore();
  final InMemoryMetrics metrics = new InMemoryMetrics();
  FakeDestination sms = sms();
  Outlane client = client(10);

  FakeDestination sms() {
    return FakeDestination.builder("sms").channel(Channel.SMS).idempotent(false).scheduler(time).build();
  }

  Outlane client(int capacity) {
    return Outlane.builder()
        .scheduler(time)
        .clock(time.clock())
        .deadLetterStore(deadLetters)
        .queueCapacity(capacity)
        .destination(sms)
        .route(Route.builder().event("cart_abandoned").to("sms").build())
        .build();
  }

  @AfterEach
  void close() {
    client.close();
  }

  CustomerIoWebhookReceiver receiver(Outlane c) {
    return CustomerIoWebhookReceiver.builder(c)
        .auth(InboundAuth.builder().header("Authorization", TOKEN).build())
        .metrics(metrics)
        .clock(time.clock())
        .maxBodyBytes(2048)
        .build();
  }

  static String body(String customer) {
    return "{\"schema_version\":\"1.0\",\"event_name\":\"cart_abandoned\",\"source\":\"customerio\","
        + "\"customer_id\":\"" + customer + "\",\"event_time\":\"2026-12-01T17:59:00Z\","
        + "\"phone\":\"+14155552671\",\"email\":\"ada@example.com\"}";
  }

  static InboundRequest.Builder post(String body) {
    return InboundRequest.builder("POST", URI.create("https://hooks.example.com/customerio/webhook"))
        .header("Authorization", TOKEN)
        .body(body);
  }

  @Test
  void aDeliveryRetriedThreeTimesWithTheSameIdempotencyKeyReachesTheDestinationOnce() {
    CustomerIoWebhookReceiver receiver = receiver(client);
    InboundRequest delivery = post(body("c-1"))
        .header("x-cio-idempotency-key", "idem-01")
        .header("x-cio-delivery-id", "dlv-01")
        .build();

    InboundResponse first = receiver.handle(delivery);
    List<InboundResponse> retries = List.of(
        receiver.handle(delivery), receiver.handle(delivery), receiver.handle(delivery));
    time.runDue();

    assertThat(first.status()).isEqualTo(202);
    assertThat(first.bodyText()).isEqualTo("{\"status\":\"accepted\"}");
    assertThat(retries).allSatisfy(r -> {
      assertThat(r.status()).isEqualTo(202);
      assertThat(r.bodyText()).isEqualTo("{\"status\":\"duplicate\"}");
    });
    assertThat(sms.items()).hasSize(1);
    assertThat(sms.items().get(0).event().eventId()).isEqualTo("cio-idem-01");
    assertThat(metrics.inboundCount(CustomerIoWebhookReceiver.ENDPOINT, "accepted")).isEqualTo(1);
    assertThat(metrics.inboundCount(CustomerIoWebhookReceiver.ENDPOINT, "duplicate")).isEqualTo(3);
  }

  @Test
  void aRetryAfterTheReceiverForgotIsStillDedupedDownstreamByTheKeyDerivedEventId() {
    InboundRequest delivery = post(body("c-1")).header("x-cio-delivery-id", "dlv-02").build();

    assertThat(receiver(client).handle(delivery).status()).isEqualTo(202);
    time.runDue();
    // A new receiver (a restart) has no memory: the event_id from the key is the same event.
    assertThat(receiver(client).handle(delivery).status()).isEqualTo(202);
    time.runDue();

    assertThat(sms.items()).hasSize(1);
    assertThat(sms.items().get(0).event().eventId()).isEqualTo("cio-dlv-02");
  }

  @Test
  void inDurableModeThe202ComesAfterTheJournalHoldsTheEvent(@TempDir Path dir) {
    FakeDestination durableSms = sms();
    try (Outlane durable = Outlane.builder().scheduler(time).clock(time.clock()).durable(dir)
        .destination(durableSms).route(Route.builder().event("cart_abandoned").to("sms").build()).build()) {
      InboundResponse r = receiver(durable).handle(post(body("c-1")).header("x-cio-delivery-id", "dlv-d").build());

      // Nothing has been delivered yet (virtual time stands still): only the journal holds it.
      assertThat(r.status()).isEqualTo(202);
      assertThat(durableSms.items()).isEmpty();
      assertThat(DiskBytes.filesContaining(dir.resolve("journal"), "cio-dlv-d")).isNotEmpty();
    }
  }

  @Test
  void aBodyWithItsOwnEventIdKeepsIt() {
    String withId = body("c-1").replace("{\"schema_version\"", "{\"event_id\":\"mine-1\",\"schema_version\"");

    assertThat(receiver(client).handle(post(withId).header("x-cio-delivery-id", "d").build()).status())
        .isEqualTo(202);
    time.runDue();

    assertThat(sms.items().get(0).event().eventId()).isEqualTo("mine-1");
  }

  @Test
  void anInvalidBodyIs400WithEveryProblemAndIsDeadLetteredForAnOperator() {
    String bad = "{\"schema_version\":\"1.0\",\"event_name\":\"Cart Abandoned\",\"source\":\"customerio\","
        + "\"event_time\":\"2026-12-01T17:59:00\",\"email\":\"ada@@example.com\"}";

    InboundResponse r = receiver(client).handle(post(bad).header("x-cio-idempotency-key", "idem-bad").build());

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.header("Content-Type")).isEqualTo("application/json; charset=utf-8");
    assertThat(r.bodyText()).doesNotContain("ada@@example.com");
    List<DeadLetter> dead = deadLetters.list(DeadLetterQuery.unresolved());
    assertThat(dead).hasSize(1);
    DeadLetter d = dead.get(0);
    assertThat(r.bodyText()).startsWith("{\"error\":\"invalid_event\",\"problems\":[{\"path\":\"$.")
        .contains("\"path\":\"$.event_name\"", "\"path\":\"$.customer_id\"", "\"path\":\"$.event_time\"",
            "\"path\":\"$.email\"");
    assertThat(d.destination()).isEqualTo("customerio-webhook");
    assertThat(d.errorCode()).isEqualTo("invalid_event");
    assertThat(d.idempotencyKey()).isEqualTo("idem-bad");
    assertThat(d.detail()).contains("$.event_name: ", "$.customer_id: ", "$.email: ")
        .doesNotContain("ada@@example.com");
    assertThat(d.event().eventName()).isEqualTo("refused_input");
    assertThat(d.event().customerId()).isEqualTo("unknown");
    assertThat(d.event().email()).isNull();
    // The operator's copy to fix: the body exactly as sent (with the event_id the key gave it left out).
    assertThat(d.event().properties().get("refused_body")).isEqualTo(bad);
    assertThat(d.toString()).doesNotContain("ada@@example.com");
    assertThat(sms.items()).isEmpty();
    // The key was not remembered: the fixed delivery's retry acts.
    assertThat(receiver(client).handle(post(body("c-1")).header("x-cio-idempotency-key", "idem-bad").build())
        .status()).isEqualTo(202);
  }

  @Test
  void malformedJsonIs400AtTheRoot() {
    InboundResponse r = receiver(client).handle(post("{not json").header("x-cio-delivery-id", "d1").build());

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.bodyText()).startsWith("{\"error\":\"invalid_event\",\"problems\":[{\"path\":\"$\",\"reason\":");
    assertThat(deadLetters.list(DeadLetterQuery.unresolved()).get(0).event().properties().get("refused_body"))
        .isEqualTo("{not json");
  }

  @Test
  void aBodyOverTheLimitIs413AndNotRead() {
    InboundResponse r = receiver(client).handle(post("{" + " ".repeat(2048) + "}").build());

    assertThat(r.status()).isEqualTo(413);
    assertThat(r.bodyText()).isEmpty();
    assertThat(deadLetters.list(DeadLetterQuery.unresolved())).isEmpty();
  }

  @Test
  void aWrongTokenIs401WithNoDetail() {
    InboundResponse r = receiver(client).handle(
        InboundRequest.builder("POST", URI.create("https://h/customerio/webhook"))
            .header("Authorization", "Bearer wrong").body(body("c-1")).build());

    assertThat(r.status()).isEqualTo(401);
    assertThat(r.bodyText()).isEmpty();
    assertThat(metrics.inboundCount(CustomerIoWebhookReceiver.ENDPOINT, "unauthorized")).isEqualTo(1);
  }

  @Test
  void aFullQueueIs429WithRetryAfterAndTheRetryActsOnceThereIsRoom() {
    client.close();
    sms = sms();
    client = client(1);
    CustomerIoWebhookReceiver receiver = receiver(client);
    assertThat(receiver.handle(post(body("c-1")).header("x-cio-delivery-id", "a").build()).status())
        .isEqualTo(202);

    InboundRequest second = post(body("c-2")).header("x-cio-delivery-id", "b").build();
    InboundResponse full = receiver.handle(second);
    assertThat(full.status()).isEqualTo(429);
    assertThat(full.header("Retry-After")).isEqualTo("5");

    time.runDue();
    assertThat(receiver.handle(second).status()).isEqualTo(202);
    time.runDue();
    assertThat(sms.items()).hasSize(2);
  }

  @Test
  void aClosedClientIs503WithRetryAfter() {
    CustomerIoWebhookReceiver receiver = receiver(client);
    client.close();

    InboundResponse r = receiver.handle(post(body("c-1")).header("x-cio-delivery-id", "a").build());

    assertThat(r.status()).isEqualTo(503);
    assertThat(r.header("Retry-After")).isEqualTo("5");
    assertThat(r.bodyText()).isEmpty();
  }

  @Test
  void otherMethodsAre405() {
    InboundResponse r = receiver(client).handle(
        InboundRequest.builder("GET", URI.create("https://h/customerio/webhook")).build());

    assertThat(r.status()).isEqualTo(405);
    assertThat(r.header("Allow")).isEqualTo("POST, PUT, PATCH");
  }

  @Test
  void theBuilderRequiresAuth() {
    assertThatThrownBy(() -> CustomerIoWebhookReceiver.builder(client).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("auth: required (an InboundAuth with a header secret or Basic credentials)");
  }
}

package dev.outlane.customerio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.outlane.FinalState;
import dev.outlane.OptOut;
import dev.outlane.Outlane;
import dev.outlane.SubmitResult;
import dev.outlane.contract.RetentionEvent;
import dev.outlane.customerio.internal.ReportingSignature;
import dev.outlane.deadletter.DeadLetter;
import dev.outlane.deadletter.DeadLetterQuery;
import dev.outlane.deadletter.InMemoryDeadLetterStore;
import dev.outlane.destination.Channel;
import dev.outlane.guardrail.SuppressionSource;
import dev.outlane.inbound.InboundRequest;
import dev.outlane.inbound.InboundResponse;
import dev.outlane.metrics.InMemoryMetrics;
import dev.outlane.routing.Route;
import dev.outlane.testing.FakeDestination;
import dev.outlane.testing.ManualScheduler;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CustomerIoReportingReceiverTest {
  static final Instant NOW = ReportingSignatureTest.NOW;
  static final String KEY = ReportingSignatureTest.KEY;
  static final String PHONE = "+14155552671";

  final ManualScheduler time = new ManualScheduler(NOW);
  final InMemoryDeadLetterStore deadLetters = new InMemoryDeadLetterStore();
  final InMemoryMetrics metrics = new InMemoryMetrics();
  final FakeDestination sms = FakeDestination.builder("sms").channel(Channel.SMS).idempotent(false)
      .scheduler(time).build();
  final FakeDestination events = FakeDestination.builder("events").channel(Channel.EVENTS)
      .scheduler(time).build();
  final Outlane client = Outlane.builder()
      .scheduler(time)
      .clock(time.clock())
      .deadLetterStore(deadLetters)
      .destination(sms)
      .destination(events)
      .route(Route.builder().event("cart_abandoned").to("sms").to("events").build())
      .build();
  final CustomerIoReportingReceiver receiver = CustomerIoReportingReceiver.builder(client)
      .signingKeys(KEY, ReportingSignatureTest.NEXT_KEY)
      .clock(time.clock())
      .metrics(metrics)
      .build();

  @AfterEach
  void close() {
    client.close();
  }

  static String customer(String eventId, String metric) {
    return "{\"event_id\":\"" + eventId + "\",\"object_type\":\"customer\",\"metric\":\"" + metric
        + "\",\"timestamp\":1764612000,\"data\":{\"identifiers\":{\"id\":\"cust-42\",\"email\":\"ada@example.com\","
        + "\"cio_id\":\"cio_1\"},\"customer_id\":\"cust-42\",\"email_address\":\"ada@example.com\"}}";
  }

  static InboundRequest signed(String body, String key, String timestamp) {
    String sig = HexFormat.of().formatHex(ReportingSignature.sign(
        key.getBytes(StandardCharsets.UTF_8), timestamp, body.getBytes(StandardCharsets.UTF_8)));
    return InboundRequest.builder("POST", URI.create("https://hooks.example.com/customerio/reporting"))
        .header("X-CIO-Timestamp", timestamp)
        .header("X-CIO-Signature", sig)
        .body(body)
        .build();
  }

  static InboundRequest signed(String body) {
    return signed(body, KEY, Long.toString(NOW.getEpochSecond()));
  }

  SubmitResult cart(String eventId) {
    CompletableFuture<SubmitResult> f = client.submit(RetentionEvent.builder()
        .eventId(eventId).eventName("cart_abandoned").source("shop").customerId("cust-42")
        .eventTime(NOW).email("ada@example.com").phone(PHONE).build()).toCompletableFuture();
    time.runDue();
    client.flush(Duration.ofSeconds(5));
    assertThat(f).isDone();
    return f.join();
  }

  @Test
  void theOpensslVectorIsAcceptedAndActedOn() {
    InboundResponse r = receiver.handle(InboundRequest.builder("POST", URI.create("https://h/customerio/reporting"))
        .header("X-CIO-Timestamp", ReportingSignatureTest.TS)
        .header("X-CIO-Signature", ReportingSignatureTest.SIG_KEY)
        .body(ReportingSignatureTest.UNSUBSCRIBED)
        .build());

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.bodyText()).isEqualTo("{\"status\":\"ok\"}");
    assertThat(metrics.inboundCount(CustomerIoReportingReceiver.ENDPOINT, "acted")).isEqualTo(1);
  }

  @Test
  void anUnsubscribeSuppressesTheNextEventOnEveryChannel() {
    assertThat(receiver.handle(signed(customer("ev-1", "unsubscribed"))).status()).isEqualTo(200);

    SubmitResult next = cart("order-1");

    assertThat(next.state("sms")).isEqualTo(FinalState.SUPPRESSED);
    assertThat(next.state("events")).isEqualTo(FinalState.SUPPRESSED);
    assertThat(sms.items()).isEmpty();
  }

  @Test
  void aResubscribeLiftsTheCustomerIoSuppressionButNotATwilioStop() {
    client.optOut(OptOut.builder().source(SuppressionSource.TWILIO_STOP).channels(Channel.SMS).phone(PHONE).build());
    receiver.handle(signed(customer("ev-1", "unsubscribed")));

    assertThat(receiver.handle(signed(customer("ev-2", "subscribed"))).status()).isEqualTo(200);
    SubmitResult next = cart("order-2");

    assertThat(next.state("events")).isEqualTo(FinalState.DELIVERED);
    assertThat(next.state("sms")).isEqualTo(FinalState.SUPPRESSED);
  }

  @Test
  void preferenceChangesSuppressAndLiftPerChannel() {
    String content = "{\\\"topics\\\":{\\\"topic_1\\\":false},\\\"channels\\\":{\\\"sms\\\":false,\\\"events\\\":true}}";
    String body = customer("ev-3", "cio_subscription_preferences_changed")
        .replace("\"customer_id\":", "\"content\":\"" + content + "\",\"customer_id\":");

    assertThat(receiver.handle(signed(body)).status()).isEqualTo(200);
    SubmitResult next = cart("order-3");

    assertThat(next.state("sms")).isEqualTo(FinalState.SUPPRESSED);
    assertThat(next.state("events")).isEqualTo(FinalState.DELIVERED);
  }

  @Test
  void aBouncedEmailSuppressesEmailByDefaultWithItsOwnSource() {
    String bounce = "{\"event_id\":\"ev-4\",\"object_type\":\"sms\",\"metric\":\"undeliverable\","
        + "\"timestamp\":1764612000,\"data\":{\"identifiers\":{\"id\":\"cust-42\"},\"recipient\":\"" + PHONE + "\"}}";

    assertThat(receiver.handle(signed(bounce)).status()).isEqualTo(200);
    // A Customer.io re-subscribe does not lift a bounce: only CUSTOMERIO suppressions.
    receiver.handle(signed(customer("ev-5", "subscribed")));
    SubmitResult next = cart("order-4");

    assertThat(next.state("sms")).isEqualTo(FinalState.SUPPRESSED);
    assertThat(next.state("events")).isEqualTo(FinalState.DELIVERED);
  }

  @Test
  void withIgnoreABounceChangesNothing() {
    CustomerIoReportingReceiver ignoring = CustomerIoReportingReceiver.builder(client).signingKeys(KEY)
        .clock(time.clock()).metrics(metrics).deliveryFailures(DeliveryFailurePolicy.IGNORE).build();
    String bounce = "{\"event_id\":\"ev-6\",\"object_type\":\"sms\",\"metric\":\"undeliverable\","
        + "\"timestamp\":1764612000,\"data\":{\"identifiers\":{\"id\":\"cust-42\"},\"recipient\":\"" + PHONE + "\"}}";

    assertThat(ignoring.handle(signed(bounce)).status()).isEqualTo(200);

    assertThat(cart("order-5").state("sms")).isEqualTo(FinalState.DELIVERED);
    assertThat(metrics.inboundCount(CustomerIoReportingReceiver.ENDPOINT, "ignored")).isEqualTo(1);
  }

  @Test
  void aTamperedBodyAWrongKeyAndAnExpiredTimestampAreThe401AndActOnNothing() {
    InboundRequest good = signed(customer("ev-7", "unsubscribed"));
    InboundRequest tampered = InboundRequest.builder("POST", good.url()).headers(good.headers())
        .body(customer("ev-7", "unsubscribed").replace("cust-42", "cust-43")).build();
    InboundRequest wrongKey = signed(customer("ev-7", "unsubscribed"), "not-the-key", Long.toString(NOW.getEpochSecond()));
    InboundRequest expired = signed(customer("ev-7", "unsubscribed"), KEY, Long.toString(NOW.getEpochSecond() - 301));
    InboundRequest unsigned = InboundRequest.builder("POST", good.url()).body(customer("ev-7", "unsubscribed")).build();

    for (InboundRequest r : List.of(tampered, wrongKey, expired, unsigned)) {
      InboundResponse answer = receiver.handle(r);
      assertThat(answer.status()).isEqualTo(401);
      assertThat(answer.bodyText()).isEmpty();
    }
    assertThat(cart("order-6").state("sms")).isEqualTo(FinalState.DELIVERED);
    assertThat(deadLetters.list(DeadLetterQuery.unresolved())).isEmpty();
  }

  @Test
  void aReplayedRequestIsAcknowledgedButNotActedOnTwice() {
    InboundRequest unsubscribe = signed(customer("ev-8", "unsubscribed"));
    receiver.handle(unsubscribe);
    receiver.handle(signed(customer("ev-9", "subscribed")));

    // The same signed request again, inside the window: acknowledged, not applied a second time.
    InboundResponse replay = receiver.handle(unsubscribe);
    // The same event re-signed later (a retry with a fresh timestamp): its event_id is remembered.
    time.advance(Duration.ofSeconds(30));
    InboundResponse resigned = receiver.handle(
        signed(customer("ev-8", "unsubscribed"), KEY, Long.toString(NOW.getEpochSecond() + 30)));

    assertThat(replay.status()).isEqualTo(200);
    assertThat(replay.bodyText()).isEqualTo("{\"status\":\"duplicate\"}");
    assertThat(resigned.bodyText()).isEqualTo("{\"status\":\"duplicate\"}");
    assertThat(cart("order-7").state("sms")).isEqualTo(FinalState.DELIVERED);
  }

  @Test
  void theNextKeyIsAcceptedDuringRotation() {
    InboundResponse r = receiver.handle(
        signed(customer("ev-10", "unsubscribed"), ReportingSignatureTest.NEXT_KEY, Long.toString(NOW.getEpochSecond())));

    assertThat(r.status()).isEqualTo(200);
    assertThat(cart("order-8").state("sms")).isEqualTo(FinalState.SUPPRESSED);
  }

  @Test
  void unparseableAndUnknownPayloadsAreDeadLetteredNotRefused() {
    InboundResponse garbage = receiver.handle(signed("not json at all"));
    InboundResponse unknown = receiver.handle(signed(
        "{\"event_id\":\"ev-11\",\"object_type\":\"hologram\",\"metric\":\"beamed\",\"data\":{}}"));
    InboundResponse noIdentity = receiver.handle(signed(
        "{\"event_id\":\"ev-12\",\"object_type\":\"customer\",\"metric\":\"unsubscribed\",\"data\":{}}"));

    assertThat(List.of(garbage, unknown, noIdentity)).allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
    List<DeadLetter> dead = deadLetters.list(DeadLetterQuery.unresolved());
    assertThat(dead).extracting(DeadLetter::errorCode)
        .containsExactlyInAnyOrder("unparseable", "unknown_payload", "no_identity");
    assertThat(dead).allSatisfy(d -> assertThat(d.destination()).isEqualTo("customerio-reporting"));
    assertThat(dead).filteredOn(d -> "unparseable".equals(d.errorCode()))
        .singleElement().satisfies(d -> assertThat(d.event().properties().get("refused_body")).isEqualTo("not json at all"));
  }

  @Test
  void aKnownMetricThatNeedsNoActionIsAcknowledged() {
    InboundResponse r = receiver.handle(signed("{\"event_id\":\"ev-13\",\"object_type\":\"email\",\"metric\":\"opened\","
        + "\"data\":{\"identifiers\":{\"id\":\"cust-42\"}}}"));

    assertThat(r.status()).isEqualTo(200);
    assertThat(deadLetters.list(DeadLetterQuery.unresolved())).isEmpty();
    assertThat(metrics.inboundCount(CustomerIoReportingReceiver.ENDPOINT, "ignored")).isEqualTo(1);
  }

  @Test
  void aBodyOverTheLimitIs413() {
    CustomerIoReportingReceiver small = CustomerIoReportingReceiver.builder(client).signingKeys(KEY)
        .clock(time.clock()).maxBodyBytes(16).build();

    assertThat(small.handle(signed(customer("ev-14", "unsubscribed"))).status()).isEqualTo(413);
  }

  @Test
  void theBuilderRequiresASigningKeyAndAtMostTwo() {
    assertThatThrownBy(() -> CustomerIoReportingReceiver.builder(client).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("signingKeys: required (the reporting webhook's signing key)");
    assertThatThrownBy(() -> CustomerIoReportingReceiver.builder(client).signingKeys("a", "b", "c"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("signingKeys: at most two (the current and the next, for rotation)");
  }
}

package dev.outlane.twilio.segment;

import static dev.outlane.twilio.Fixtures.CLOCK;
import static dev.outlane.twilio.Fixtures.EMAIL;
import static dev.outlane.twilio.Fixtures.PHONE;
import static dev.outlane.twilio.Fixtures.event;
import static dev.outlane.twilio.Fixtures.item;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.outlane.contract.RetentionEvent;
import dev.outlane.destination.Channel;
import dev.outlane.destination.DeliveryItem;
import dev.outlane.destination.Outcome;
import dev.outlane.testing.Fault;
import dev.outlane.twilio.testing.FakeSegmentServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SegmentDestinationTest {
  private static final String WRITE_KEY = "test-write-key";
  private static final String CART_PROPERTIES =
      "{\"cart_value\":129.90,\"currency\":\"EUR\",\"skus\":[\"SKU-1\",\"SKU-2\"],\"first_name\":\"Ada\",\"source\":\"customerio\",\"schema_version\":\"1.0\"}";

  private final FakeSegmentServer segment = FakeSegmentServer.start(WRITE_KEY);
  private final SegmentDestination destination =
      SegmentDestination.builder().writeKey(WRITE_KEY).baseUrl(segment.url()).clock(CLOCK).build();

  @AfterEach
  void stop() {
    destination.close();
    segment.close();
  }

  @Test
  void describesItselfAsAnIdempotentEventsDestinationWithSegmentsLimits() {
    assertThat(destination.channel()).isEqualTo(Channel.EVENTS);
    assertThat(destination.idempotent()).isTrue();
    assertThat(destination.limits().maxItemsPerRequest()).isEqualTo(2_500);
    assertThat(destination.limits().maxBytesPerItem()).isEqualTo(32_768);
    // 500 KB minus the envelope reserve (512) and one comma between each of 2,500 events.
    assertThat(destination.limits().maxBytesPerRequest()).isEqualTo(512_000 - 512 - 2_499);
  }

  @Test
  void defaultsToSegmentsUsEndpointAndOffersTheEuOne() {
    assertThat(SegmentDestination.builder().writeKey("k").build().batchUrl().toString())
        .isEqualTo("https://api.segment.io/v1/batch");
    assertThat(SegmentDestination.builder().writeKey("k").baseUrl(SegmentDestination.EU_BASE_URL).build().batchUrl().toString())
        .isEqualTo("https://events.eu1.segmentapis.com/v1/batch");
  }

  @Test
  void sendsATrackCallAsAGzippedBatchWithExactJsonAndBasicAuth() {
    List<Outcome> outcomes = destination.deliver(List.of(item("key-1", event("cust-1").build())));

    assertThat(outcomes).containsExactly(Outcome.delivered(null));
    RecordedRequest request = segment.takeRequest();
    assertThat(request.getMethod()).isEqualTo("POST");
    assertThat(request.getUrl().encodedPath()).isEqualTo("/v1/batch");
    assertThat(request.getHeaders().get("Authorization"))
        .isEqualTo("Basic " + Base64.getEncoder().encodeToString("test-write-key:".getBytes(StandardCharsets.UTF_8)));
    assertThat(request.getHeaders().get("Content-Encoding")).isEqualTo("gzip");
    assertThat(request.getHeaders().get("Content-Type")).isEqualTo("application/json");
    assertThat(FakeSegmentServer.bodyOf(request))
        .isEqualTo(
            "{\"batch\":[{\"type\":\"track\",\"messageId\":\"key-1\",\"userId\":\"cust-1\","
                + "\"timestamp\":\"2026-11-29T17:45:30Z\",\"event\":\"cart_abandoned\",\"properties\":"
                + CART_PROPERTIES
                + "}],\"sentAt\":\"2026-11-29T18:00:00Z\",\"context\":{\"library\":{\"name\":\"outlane\"}}}");
    assertThat(segment.uniqueMessageIds()).containsExactly("key-1");
  }

  @Test
  void sendsNoEmailOrPhoneUnlessTheRouteOptsIn() {
    destination.deliver(List.of(item("k", event("c").build())));

    assertThat(FakeSegmentServer.bodyOf(segment.takeRequest())).doesNotContain(EMAIL).doesNotContain(PHONE);
  }

  @Test
  void aTrackWithIncludePiiCarriesEmailAndPhoneInContextTraits() {
    destination.deliver(List.of(item("k", event("cust-1").build(), Map.of("include_pii", "true"))));

    assertThat(FakeSegmentServer.bodyOf(segment.takeRequest()))
        .contains(
            "\"properties\":" + CART_PROPERTIES
                + ",\"context\":{\"traits\":{\"email\":\"ada@example.com\",\"phone\":\"+14155550123\"}}}");
  }

  @Test
  void anIdentifyRouteSendsTraitsAndIdentifiersOnlyWithIncludePii() {
    destination.deliver(
        List.of(
            item("a", event("cust-1").build(), Map.of("call", "identify")),
            item("b", event("cust-1").build(), Map.of("call", "identify", "include_pii", "true"))));

    String body = FakeSegmentServer.bodyOf(segment.takeRequest());
    assertThat(body)
        .contains(
            "{\"type\":\"identify\",\"messageId\":\"a\",\"userId\":\"cust-1\",\"timestamp\":\"2026-11-29T17:45:30Z\","
                + "\"traits\":" + CART_PROPERTIES + "}")
        .contains(
            "{\"type\":\"identify\",\"messageId\":\"b\",\"userId\":\"cust-1\",\"timestamp\":\"2026-11-29T17:45:30Z\","
                + "\"traits\":{\"cart_value\":129.90,\"currency\":\"EUR\",\"skus\":[\"SKU-1\",\"SKU-2\"],"
                + "\"first_name\":\"Ada\",\"source\":\"customerio\",\"schema_version\":\"1.0\",\"email\":\"ada@example.com\",\"phone\":\"+14155550123\"}}");
    assertThat(segment.events()).extracting(e -> e.get("type")).containsExactly("identify", "identify");
  }

  @Test
  void theSchemaVersionTheEventWasWrittenWithTravelsAsAProperty() {
    destination.deliver(List.of(item("k", event("c").schemaVersion("1.3").build())));

    assertThat(propertiesOf(segment.events().get(0))).containsEntry("schema_version", "1.3");
  }

  @Test
  void validatedCommerceWinsOverAPropertyOfTheSameName() {
    destination.deliver(List.of(item("k", event("c").property("currency", "XXX").property("source", "crm").build())));

    Map<String, Object> properties = propertiesOf(segment.events().get(0));
    assertThat(properties).containsEntry("currency", "EUR").containsEntry("source", "crm");
  }

  @Test
  void anUnknownCallOptionRejectsTheItemAndSendsTheRest() {
    List<Outcome> outcomes =
        destination.deliver(
            List.of(item("bad", event("c").build(), Map.of("call", "page")), item("good", event("c").build())));

    assertThat(outcomes)
        .containsExactly(Outcome.rejected("option", "call: must be \"track\" or \"identify\""), Outcome.delivered(null));
    assertThat(segment.uniqueMessageIds()).containsExactly("good");
  }

  @Test
  void sizeOfIsTheEventsSerializedSizeInTheRequest() {
    DeliveryItem item = item("key-1", event("cust-1").build());

    destination.deliver(List.of(item));

    String body = FakeSegmentServer.bodyOf(segment.takeRequest());
    String eventJson = body.substring("{\"batch\":[".length(), body.indexOf("],\"sentAt\""));
    assertThat(destination.sizeOf(item)).isEqualTo(eventJson.getBytes(StandardCharsets.UTF_8).length);
  }

  @Test
  void eachEventIsSerializedOnceTheBytesSizeOfMadeAreSentEvenOnARetryAndThenDropped() {
    DeliveryItem item = item("key-1", event("cust-1").build());
    long size = destination.sizeOf(item);
    assertThat(destination.keptEvents()).isEqualTo(1);

    destination.deliver(List.of(item.nextAttempt()));

    assertThat(destination.keptEvents()).isZero();
    String body = FakeSegmentServer.bodyOf(segment.takeRequest());
    String eventJson = body.substring("{\"batch\":[".length(), body.indexOf("],\"sentAt\""));
    assertThat(eventJson.getBytes(StandardCharsets.UTF_8)).hasSize((int) size);
    assertThat(eventJson).startsWith("{\"type\":\"track\",\"messageId\":\"key-1\",\"userId\":\"cust-1\"");
  }

  @Test
  void anItemReplacedBeforeDeliveryIsSerializedAfreshNotFromTheBytesKeptForItsKey() {
    destination.sizeOf(item("key-1", event("cust-1").build()));

    destination.deliver(List.of(item("key-1", event("cust-2").build())));

    assertThat(FakeSegmentServer.bodyOf(segment.takeRequest()))
        .contains("\"userId\":\"cust-2\"").doesNotContain("cust-1");
    assertThat(destination.keptEvents()).isZero();
  }

  @Test
  void anEventOfExactly32KbIsSentAndOneByteMoreIsRejectedNamingTheLimit() {
    DeliveryItem atLimit = sized("at-limit", 32_768);
    DeliveryItem over = sized("over", 32_769);
    assertThat(destination.sizeOf(atLimit)).isEqualTo(32_768);
    assertThat(destination.sizeOf(over)).isEqualTo(32_769);

    List<Outcome> outcomes = destination.deliver(List.of(atLimit, over));

    assertThat(outcomes)
        .containsExactly(
            Outcome.delivered(null),
            Outcome.rejected("too_large", "event is 32769 bytes, over Segment's 32 KB (32768 bytes) limit per event"));
    assertThat(segment.uniqueMessageIds()).containsExactly("at-limit");
  }

  @Test
  void exactly2500EventsGoInOneRequest() {
    List<Outcome> outcomes = destination.deliver(small(2_500));

    assertThat(outcomes).hasSize(2_500).containsOnly(Outcome.delivered(null));
    assertThat(segment.requestCount()).isEqualTo(1);
    assertThat(segment.acceptedCount()).isEqualTo(2_500);
  }

  @Test
  void event2501GoesInASecondRequest() {
    List<Outcome> outcomes = destination.deliver(small(2_501));

    assertThat(outcomes).hasSize(2_501).containsOnly(Outcome.delivered(null));
    assertThat(segment.requestCount()).isEqualTo(2);
    assertThat(segment.batchCount()).isEqualTo(2);
    assertThat(segment.acceptedCount()).isEqualTo(2_501);
  }

  @Test
  void aBatchOfExactlyTheByteLimitGoesInOneRequestTheSegmentFakeAccepts() {
    List<DeliveryItem> items = bytesTotalling(destination.limits().maxBytesPerRequest());

    List<Outcome> outcomes = destination.deliver(items);

    assertThat(outcomes).hasSize(100).containsOnly(Outcome.delivered(null));
    assertThat(segment.requestCount()).isEqualTo(1);
    assertThat(FakeSegmentServer.bodyOf(segment.takeRequest()).length()).isLessThanOrEqualTo(512_000);
  }

  @Test
  void oneByteOverTheByteLimitSplitsIntoTwoRequests() {
    List<DeliveryItem> items = bytesTotalling(destination.limits().maxBytesPerRequest() + 1);

    List<Outcome> outcomes = destination.deliver(items);

    assertThat(outcomes).hasSize(100).containsOnly(Outcome.delivered(null));
    assertThat(segment.requestCount()).isEqualTo(2);
    assertThat(segment.acceptedCount()).isEqualTo(100);
  }

  @Test
  void aBatchFarOverTheLimitsIsSplitDefensivelyRatherThanRefused() {
    List<Outcome> outcomes = destination.deliver(small(5_001));

    assertThat(outcomes).hasSize(5_001).containsOnly(Outcome.delivered(null));
    assertThat(segment.requestCount()).isEqualTo(3);
    assertThat(segment.uniqueMessageIds()).hasSize(5_001);
  }

  @Test
  void tooManyRequestsIsRetryableAfterRetryAfterSecondsOrHttpDate() {
    segment.enqueueFault(Fault.tooManyRequests(7)).enqueueFault(Fault.tooManyRequests("Sun, 29 Nov 2026 18:01:00 GMT"));

    Outcome first = destination.deliver(List.of(item("k", event("c").build()))).get(0);
    Outcome second = destination.deliver(List.of(item("k", event("c").build()))).get(0);

    assertThat(first).isEqualTo(new Outcome.Retryable("rate limited by Segment (HTTP 429)", "429", Duration.ofSeconds(7)));
    assertThat(second).isEqualTo(new Outcome.Retryable("rate limited by Segment (HTTP 429)", "429", Duration.ofMinutes(1)));
    assertThat(segment.acceptedCount()).isZero();
  }

  @Test
  void aServerErrorIsRetryableForEveryItemOfTheRequest() {
    segment.enqueueFault(Fault.status(503));

    List<Outcome> outcomes = destination.deliver(small(3));

    assertThat(outcomes)
        .containsOnly(
            new Outcome.Retryable("Segment answered HTTP 503; safe to resend: Segment dedupes by messageId", "503", null));
  }

  @Test
  void aServerErrorCarriesItsStatusAndSaysTheRequestMayHaveActed() {
    segment.enqueueFault(Fault.status(503));

    Outcome outcome = destination.deliver(small(1)).get(0);

    assertThat(outcome.error().httpStatus()).hasValue(503);
    assertThat(outcome.error().mayHaveActed()).isTrue();
  }

  @Test
  void aDestinationBuiltWithoutAClientShutsTheOneItCreatedDownWhenClosed() {
    SegmentDestination own = SegmentDestination.builder().writeKey(WRITE_KEY).baseUrl(segment.url()).build();
    assertThat(own.deliver(small(1))).containsOnly(Outcome.delivered(null));

    own.close();

    assertThat(own.httpClient().dispatcher().executorService().isShutdown()).isTrue();
  }

  @Test
  void aDestinationGivenAClientLeavesItToItsOwnerWhenClosed() {
    okhttp3.OkHttpClient mine = new okhttp3.OkHttpClient();
    SegmentDestination borrowed = SegmentDestination.builder().writeKey(WRITE_KEY).okHttpClient(mine).build();

    borrowed.close();

    assertThat(mine.dispatcher().executorService().isShutdown()).isFalse();
  }

  @Test
  void aDroppedConnectionIsRetryableAndTheResendIsDedupedByMessageId() {
    segment.enqueueFault(Fault.dropAfterRequest());
    List<DeliveryItem> items = small(3);

    Outcome first = destination.deliver(items).get(0);
    List<Outcome> again = destination.deliver(items);

    assertThat(first).isInstanceOf(Outcome.Retryable.class);
    assertThat(((Outcome.Retryable) first).code()).isEqualTo("io");
    assertThat(((Outcome.Retryable) first).reason())
        .startsWith("I/O error talking to Segment (")
        .endsWith("); safe to resend: Segment dedupes by messageId");
    assertThat(again).containsOnly(Outcome.delivered(null));
    assertThat(segment.acceptedCount()).isEqualTo(3);
    assertThat(segment.duplicateCount()).isEqualTo(3);
  }

  @Test
  void aBadRequestRejectsTheWholeBatchWithSegmentsMessage() throws IOException {
    try (MockWebServer raw = new MockWebServer()) {
      raw.enqueue(new MockResponse.Builder().code(400).body("{\"success\":false,\"message\":\"Invalid JSON\"}").build());
      raw.start();
      SegmentDestination d = SegmentDestination.builder().writeKey(WRITE_KEY).baseUrl(raw.url("/")).build();

      assertThat(d.deliver(small(2)))
          .containsOnly(new Outcome.Rejected("400", "Segment refused the batch (HTTP 400): Invalid JSON", true));
    }
  }

  @Test
  void aWrongWriteKeyIsRejectedButNotAsABatchToSplit() {
    SegmentDestination wrong = SegmentDestination.builder().writeKey("other").baseUrl(segment.url()).build();

    assertThat(wrong.deliver(small(1)))
        .containsExactly(new Outcome.Rejected("401", "Segment refused the batch (HTTP 401): Invalid write key", false));
  }

  @Test
  void theBuilderNamesTheFieldAndNeverEchoesTheWriteKey() {
    assertThatThrownBy(() -> SegmentDestination.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("writeKey: required, was not set");
    assertThatThrownBy(() -> SegmentDestination.builder().writeKey("sec:ret"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("writeKey: must not contain ':' or surrounding whitespace");
    assertThatThrownBy(() -> SegmentDestination.builder().writeKey(System.getenv("OUTLANE_TEST_SURELY_UNSET_VARIABLE")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("writeKey: required, was null");
    assertThatThrownBy(() -> SegmentDestination.builder().writeKey(" "))
        .hasMessage("writeKey: required, was blank");
    assertThatThrownBy(() -> SegmentDestination.builder().baseUrl("ftp:/SECRET-x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("baseUrl: expected an http or https URL like https://api.segment.io");
    assertThatThrownBy(() -> SegmentDestination.builder().name(null)).hasMessage("name: required, was null");
    assertThatThrownBy(() -> SegmentDestination.builder().okHttpClient(null)).hasMessage("okHttpClient: required, was null");
    assertThatThrownBy(() -> SegmentDestination.builder().clock(null)).hasMessage("clock: required, was null");
  }

  @Test
  void aBaseUrlWithTheBatchPathIsRefusedInsteadOfDoublingIt() {
    assertThatThrownBy(() -> SegmentDestination.builder().baseUrl("https://api.segment.io/v1/batch"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("baseUrl: expected a base URL like https://api.segment.io, without /v1/batch");
    assertThatThrownBy(() -> SegmentDestination.builder().baseUrl("https://api.segment.io/v1"))
        .hasMessage("baseUrl: expected a base URL like https://api.segment.io, without /v1/batch");
  }

  @Test
  void aBaseUrlPathIsKeptAsAPrefixWithOrWithoutATrailingSlash() {
    assertThat(SegmentDestination.builder().writeKey("k").baseUrl("https://proxy.example/segment").build().batchUrl())
        .hasToString("https://proxy.example/segment/v1/batch");
    assertThat(SegmentDestination.builder().writeKey("k").baseUrl("https://proxy.example/segment/").build().batchUrl())
        .hasToString("https://proxy.example/segment/v1/batch");
  }

  @Test
  void aHugeNumberPropertyIsMeasuredAndSentInScientificNotationWithBoundedMemory() {
    DeliveryItem poison = item("key-p", event("cust-p").property("coupon", new java.math.BigDecimal("1e999999999"))
        .property("tiny", new java.math.BigDecimal("-1e-999999999")).build());
    Runtime r = Runtime.getRuntime();
    long before = r.totalMemory() - r.freeMemory();

    long size = destination.sizeOf(poison);
    List<Outcome> outcomes = destination.deliver(List.of(poison));

    assertThat(r.totalMemory() - r.freeMemory() - before).isLessThan(64L * 1024 * 1024);
    assertThat(size).isLessThan(1_000);
    // The fake parses JSON as strictly as Moshi, which refuses a number beyond a double: what matters
    // here is that measuring and sending finished, with a final outcome, in bounded memory.
    assertThat(outcomes).hasSize(1);
    assertThat(FakeSegmentServer.bodyOf(segment.takeRequest()))
        .contains("\"coupon\":1E+999999999", "\"tiny\":-1E-999999999");
  }

  private static List<DeliveryItem> small(int n) {
    List<DeliveryItem> items = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      RetentionEvent e = event("c" + i).commerce(null).properties(Map.of()).build();
      items.add(item(String.format("k-%05d", i), e));
    }
    return items;
  }

  /** An item whose serialized event is exactly {@code bytes} long. */
  private DeliveryItem sized(String key, long bytes) {
    RetentionEvent base = event("c").commerce(null).properties(Map.of("pad", "")).build();
    long overhead = destination.sizeOf(item(key, base));
    String pad = "x".repeat((int) (bytes - overhead));
    return item(key, base.toBuilder().properties(Map.of("pad", pad)).build());
  }

  /** 100 items whose sizes sum to exactly {@code total}. */
  private List<DeliveryItem> bytesTotalling(long total) {
    List<DeliveryItem> items = new ArrayList<>();
    for (int i = 0; i < 99; i++) {
      items.add(sized(String.format("b-%03d", i), 5_000));
    }
    items.add(sized("b-099", total - 99 * 5_000L));
    assertThat(items.stream().mapToLong(destination::sizeOf).sum()).isEqualTo(total);
    return items;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> propertiesOf(Map<String, Object> event) {
    return (Map<String, Object>) event.get("properties");
  }
}

package dev.outlane.ads.meta;

import static dev.outlane.ads.TestItems.NOW;
import static dev.outlane.ads.TestItems.item;
import static dev.outlane.contract.AudienceAction.Action.ADD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.outlane.ads.Forms;
import dev.outlane.ads.testing.FakeMetaServer;
import dev.outlane.destination.DeliveryItem;
import dev.outlane.destination.Outcome;
import dev.outlane.hashing.HashingProfile;
import dev.outlane.hashing.Sha256;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MetaConversionsDestinationTest {
  private static final String TOKEN = "EAAB-capi-token";
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private final FakeMetaServer meta = FakeMetaServer.builder(TOKEN).clock(CLOCK).start();
  private final MockWebServer server = meta.mockWebServer();
  private MetaConversionsDestination destination;

  @BeforeEach
  void start() throws Exception {
    destination = MetaConversionsDestination.builder().accessToken(TOKEN).pixelId("998877")
        .baseUrl(meta.url().toString()).clock(CLOCK).build();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static DeliveryItem event(String customerId, Instant time, Map<String, String> options) {
    return item(HashingProfile.META, customerId, customerId + "@example.com", "+16505551212", null, ADD, time, options);
  }

  @Test
  void anEventCarriesItsIdTimeSourceHashedUserDataAndValue() throws Exception {
    List<Outcome> outcomes = destination.deliver(List.of(event("c1", NOW.minusSeconds(60), Map.of())));

    assertThat(outcomes).containsExactly(new Outcome.Delivered("fake-trace-1", 1L, null));
    RecordedRequest request = server.takeRequest();
    assertThat(request.getMethod()).isEqualTo("POST");
    assertThat(request.getUrl().encodedPath()).isEqualTo("/v24.0/998877/events");
    Map<String, String> form = Forms.of(request);
    assertThat(form).containsOnlyKeys("data", "access_token");
    assertThat(form.get("data")).isEqualTo("[{\"event_name\":\"cart_abandoned\",\"event_time\":"
        + NOW.minusSeconds(60).getEpochSecond() + ",\"event_id\":\"key-c1\",\"action_source\":\"system_generated\","
        + "\"user_data\":{\"em\":[\"" + Sha256.hex("c1@example.com") + "\"],\"ph\":[\"" + Sha256.hex("16505551212")
        + "\"],\"external_id\":[\"" + Sha256.hex("c1") + "\"]},\"custom_data\":{\"value\":249.90,\"currency\":\"USD\"}}]");
    assertThat(meta.events("998877")).hasSize(1);
  }

  @Test
  void eventsOlderThanSevenDaysAreRejectedBeforeSendingAndTheRestStillGoOut() throws Exception {
    DeliveryItem fresh = event("c1", NOW.minus(Duration.ofDays(7)), Map.of());
    DeliveryItem stale = event("c2", NOW.minus(Duration.ofDays(7)).minusSeconds(1), Map.of());

    List<Outcome> outcomes = destination.deliver(List.of(fresh, stale));

    assertThat(outcomes.get(0)).isInstanceOf(Outcome.Delivered.class);
    assertThat(outcomes.get(1)).isEqualTo(Outcome.rejected("event_too_old", "event_time 2026-11-22T11:59:59Z is more "
        + "than 7 days old; Meta would fail the whole request, so it was not sent"));
    assertThat(server.getRequestCount()).isEqualTo(1);
    assertThat(Forms.of(server.takeRequest()).get("data")).contains("\"event_id\":\"key-c1\"").doesNotContain("key-c2");
  }

  @Test
  void theFakeFailsTheWholeRequestForOneStaleEventLikeMeta() {
    MetaConversionsDestination lateClock = MetaConversionsDestination.builder().accessToken(TOKEN).pixelId("998877")
        .baseUrl(meta.url().toString()).clock(Clock.fixed(NOW.minus(Duration.ofDays(30)), ZoneOffset.UTC)).build();
    DeliveryItem stale = event("c2", NOW.minus(Duration.ofDays(8)), Map.of());

    Outcome outcome = lateClock.deliver(List.of(stale)).get(0);

    assertThat(outcome).isEqualTo(new Outcome.Rejected("100/2804003",
        "Meta error 100/2804003 (HTTP 400): (#100) Invalid parameter (fbtrace_id fake-trace-1)", true));
  }

  @Test
  void actionSourceAndTestEventCodeComeFromTheRoute() throws Exception {
    destination.deliver(List.of(event("c1", NOW, Map.of("action_source", "website", "test_event_code", "TEST123"))));

    Map<String, String> form = Forms.of(server.takeRequest());
    assertThat(form.get("test_event_code")).isEqualTo("TEST123");
    assertThat(form.get("data")).contains("\"action_source\":\"website\"");
  }

  @Test
  void anUnknownActionSourceIsRejectedPerItem() {
    Outcome outcome = destination.deliver(List.of(event("c1", NOW, Map.of("action_source", "fax")))).get(0);

    assertThat(outcome).isEqualTo(Outcome.rejected(null, "action_source: \"fax\" is not one of [app, "
        + "business_messaging, chat, email, other, phone_call, physical_store, system_generated, website]"));
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void theTargetOverridesTheConfiguredPixel() throws Exception {
    DeliveryItem routed = item(HashingProfile.META, "c1", "c1@example.com", null, "123456", ADD);

    destination.deliver(List.of(routed));

    assertThat(server.takeRequest().getUrl().encodedPath()).isEqualTo("/v24.0/123456/events");
  }

  @Test
  void exactlyOneThousandEventsGoInOneRequestAndOneMoreNeedsASecond() {
    assertThat(destination.limits().maxItemsPerRequest()).isEqualTo(1_000);
    List<DeliveryItem> events = new ArrayList<>();
    for (int i = 0; i < 1_001; i++) {
      events.add(event("c" + i, NOW, Map.of()));
    }
    destination.deliver(events.subList(0, 1_000));
    assertThat(server.getRequestCount()).isEqualTo(1);

    List<Outcome> outcomes = destination.deliver(events);

    assertThat(server.getRequestCount()).isEqualTo(3);
    assertThat(outcomes).hasSize(1_001).allMatch(o -> o instanceof Outcome.Delivered);
  }

  @Test
  void rateLimitsAreRetryable() {
    meta.failNextWithRateLimit(80004, null);

    Outcome outcome = destination.deliver(List.of(event("c1", NOW, Map.of()))).get(0);

    assertThat(outcome).isInstanceOf(Outcome.Retryable.class);
    assertThat(((Outcome.Retryable) outcome).retryAfter()).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void aHugeCartValueIsSentInScientificNotationInBoundedMemory() throws Exception {
    DeliveryItem normal = event("c1", NOW.minusSeconds(60), Map.of());
    dev.outlane.contract.RetentionEvent poisoned = normal.event().toBuilder()
        .commerce(new dev.outlane.contract.Commerce(new java.math.BigDecimal("1e999999999"), "USD", List.of(), null))
        .build();
    DeliveryItem item = new DeliveryItem(normal.idempotencyKey(), poisoned, normal.identity(), normal.hashed(),
        normal.target(), normal.action(), normal.options(), normal.attempt());
    Runtime r = Runtime.getRuntime();
    long before = r.totalMemory() - r.freeMemory();

    List<Outcome> outcomes = destination.deliver(List.of(item));

    assertThat(r.totalMemory() - r.freeMemory() - before).isLessThan(64L * 1024 * 1024);
    assertThat(outcomes).hasSize(1);
    String data = Forms.of(server.takeRequest()).get("data");
    assertThat(data).contains("\"custom_data\":{\"value\":1E+999999999,\"currency\":\"USD\"}").hasSizeLessThan(1_000);
  }

  @Test
  void anInvalidDefaultActionSourceIsRefusedByTheBuilder() {
    assertThatThrownBy(() -> MetaConversionsDestination.builder().defaultActionSource("fax"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("defaultActionSource: must be one of [app,");
  }

  @Test
  void aDestinationBuiltWithoutAClientShutsTheOneItCreatedDownWhenClosed() {
    MetaConversionsDestination own = MetaConversionsDestination.builder().accessToken(TOKEN).pixelId("998877").build();

    own.close();

    assertThat(own.httpClient().dispatcher().executorService().isShutdown()).isTrue();
  }

  @Test
  void aDestinationGivenAClientLeavesItToItsOwnerWhenClosed() {
    okhttp3.OkHttpClient mine = new okhttp3.OkHttpClient();
    MetaConversionsDestination borrowed = MetaConversionsDestination.builder().accessToken(TOKEN).pixelId("998877").okHttpClient(mine).build();

    borrowed.close();

    assertThat(mine.dispatcher().executorService().isShutdown()).isFalse();
  }
}

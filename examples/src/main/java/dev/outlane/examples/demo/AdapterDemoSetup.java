package dev.outlane.examples.demo;

import dev.outlane.Outlane;
import dev.outlane.ads.meta.MetaCustomAudienceDestination;
import dev.outlane.ads.testing.FakeMetaServer;
import dev.outlane.testing.Fault;
import dev.outlane.twilio.segment.SegmentDestination;
import dev.outlane.twilio.sms.TwilioSmsDestination;
import dev.outlane.twilio.testing.FakeSegmentServer;
import dev.outlane.twilio.testing.FakeTwilioServer;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okio.ByteString;
import org.jspecify.annotations.Nullable;

/**
 * The demo's destinations on the real adapters: {@link TwilioSmsDestination} against a {@link
 * FakeTwilioServer}, {@link SegmentDestination} against a {@link FakeSegmentServer}, and the two
 * cart-recovery audiences as {@link MetaCustomAudienceDestination}s against one {@link
 * FakeMetaServer}, all on 127.0.0.1. The servers are scripted from the {@link DemoData} facts so that
 * every answer is a real HTTP response with the service's error shape:
 *
 * <ul>
 *   <li>Twilio: opted-out numbers answer 21610 (the STOP list), landlines 21614, numbers Twilio calls
 *       invalid 21211; for each "timeout" number the connection is dropped after the request was read
 *       ({@link Fault#dropAfterRequest()}), an unknown outcome the engine dead-letters for
 *       reconciliation; the first two requests answer 429 with {@code Retry-After: 1}.
 *   <li>Segment: the first three requests answer 503, 503 and 429 with {@code Retry-After: 1}.
 *   <li>Meta: the first request answers 502, the second is throttled (code 17); both are retried,
 *       adding and removing being idempotent. The fake keeps each audience's members, so the report
 *       shows their final sizes.
 * </ul>
 *
 * <p>Twilio's faults are bound to numbers (not to arrival order), and the others only delay, so the
 * report is the same whatever order the engine's threads send in. Closing stops the servers.
 * Thread-safe.
 */
final class AdapterDemoSetup implements DemoDestinations.Setup {
  /** The demo's sender and Segment write key: fakes only, nothing real. */
  static final String FROM = "+14155550000";
  static final String WRITE_KEY = "demo-write-key";
  static final String META_TOKEN = "demo-meta-token";
  /** How many of the first Twilio requests are answered 429, to show a Retry-After being honoured. */
  static final int TWILIO_RATE_LIMITED = 2;

  /** SMS copy per route; no placeholder the demo's events lack. */
  static final String CART_TEMPLATE = "You left something in your cart. Reply STOP to opt out.";
  static final String STOCK_TEMPLATE = "It's back in stock! Reply STOP to opt out.";

  private final FakeTwilioServer twilio;
  private final FakeSegmentServer segment;
  /** One fake Graph API per audience destination, so each one's requests are counted apart. */
  private final MockWebServer earlyServer;
  private final MockWebServer lateServer;
  private final FakeMetaServer earlyMeta;
  private final FakeMetaServer lateMeta;
  private final List<DemoDestinations.Registration> registrations;

  private AdapterDemoSetup(FakeTwilioServer twilio, FakeSegmentServer segment, MockWebServer earlyServer,
      FakeMetaServer earlyMeta, MockWebServer lateServer, FakeMetaServer lateMeta,
      List<DemoDestinations.Registration> registrations) {
    this.twilio = twilio;
    this.segment = segment;
    this.earlyServer = earlyServer;
    this.earlyMeta = earlyMeta;
    this.lateServer = lateServer;
    this.lateMeta = lateMeta;
    this.registrations = registrations;
  }

  /** Starts both fake servers, scripts them from {@code data} and builds the destinations. */
  static AdapterDemoSetup start(DemoData data) {
    FakeTwilioServer twilio = FakeTwilioServer.start();
    FakeSegmentServer segment = null;
    FakeMetaServer earlyMeta = null;
    FakeMetaServer lateMeta = null;
    try {
      segment = FakeSegmentServer.start(WRITE_KEY);
      earlyMeta = FakeMetaServer.start(META_TOKEN);
      lateMeta = FakeMetaServer.start(META_TOKEN);
      MockWebServer earlyServer = earlyMeta.mockWebServer();
      MockWebServer lateServer = lateMeta.mockWebServer();
      earlyMeta.failNextWithServerError(502);
      lateMeta.failNextWithRateLimit(17, null);
      data.optedOutPhones().forEach(twilio::optOut);
      data.landlinePhones().forEach(twilio::notMobile);
      data.invalidPhones().forEach(twilio::invalid);
      twilio.mockWebServer().setDispatcher(
          new NumberFaults(twilio, twilio.mockWebServer().getDispatcher(), data.timeoutPhones()));
      segment.enqueueFault(Fault.status(503), 2).enqueueFault(Fault.tooManyRequests(1));

      TwilioSmsDestination sms = TwilioSmsDestination.builder()
          .name(DemoDestinations.SMS)
          .accountSid(FakeTwilioServer.ACCOUNT_SID)
          .authToken(FakeTwilioServer.AUTH_TOKEN)
          .from(FROM)
          .defaultTemplate(CART_TEMPLATE)
          .baseUrl(twilio.url())
          .build();
      SegmentDestination events = SegmentDestination.builder()
          .name(DemoDestinations.EVENTS)
          .writeKey(WRITE_KEY)
          .baseUrl(segment.url())
          .build();
      MetaCustomAudienceDestination early = metaAudience(DemoDestinations.AUDIENCE_0_24H, earlyServer);
      MetaCustomAudienceDestination late = metaAudience(DemoDestinations.AUDIENCE_24_72H, lateServer);
      Outlane.DestinationOptions batched =
          Outlane.DestinationOptions.defaults().withLinger(Duration.ofMillis(50));
      return new AdapterDemoSetup(twilio, segment, earlyServer, earlyMeta, lateServer, lateMeta, List.of(
          new DemoDestinations.Registration(sms, Outlane.DestinationOptions.defaults().withConcurrency(8)),
          new DemoDestinations.Registration(events, batched),
          new DemoDestinations.Registration(early, batched),
          new DemoDestinations.Registration(late, batched)));
    } catch (RuntimeException e) {
      twilio.close();
      if (segment != null) {
        segment.close();
      }
      if (earlyMeta != null) {
        earlyMeta.close();
      }
      if (lateMeta != null) {
        lateMeta.close();
      }
      throw e;
    }
  }

  private static MetaCustomAudienceDestination metaAudience(String name, MockWebServer server) {
    return MetaCustomAudienceDestination.builder()
        .name(name)
        .accessToken(META_TOKEN)
        .baseUrl(server.url("/"))
        // The demo's throttling is one request long: wait 200 ms, not Meta's hour-scale default.
        .rateLimitBackoff(Duration.ofMillis(200))
        .build();
  }

  @Override
  public List<DemoDestinations.Registration> registrations() {
    return registrations;
  }

  @Override
  public Map<String, Integer> requestCounts() {
    Map<String, Integer> counts = new LinkedHashMap<>();
    counts.put(DemoDestinations.SMS, twilio.requestCount());
    counts.put(DemoDestinations.EVENTS, segment.requestCount());
    counts.put(DemoDestinations.AUDIENCE_0_24H, earlyServer.getRequestCount());
    counts.put(DemoDestinations.AUDIENCE_24_72H, lateServer.getRequestCount());
    return counts;
  }

  @Override
  public Map<String, Integer> audienceSizes() {
    Map<String, Integer> sizes = new LinkedHashMap<>();
    sizes.put(DemoDestinations.AUDIENCE_0_24H, earlyMeta.audience(DemoDestinations.AUDIENCE_0_24H_ID).size());
    sizes.put(DemoDestinations.AUDIENCE_24_72H, lateMeta.audience(DemoDestinations.AUDIENCE_24_72H_ID).size());
    return sizes;
  }

  @Override
  public void close() {
    try {
      twilio.close();
    } finally {
      try {
        segment.close();
      } finally {
        earlyServer.close();
        lateServer.close();
      }
    }
  }

  /**
   * Scripts the fake Twilio per recipient: enqueues the fault that belongs to a request right before
   * the fake's own dispatcher takes it. Dispatch is serialized, so no other request can take that
   * fault in between; the fake's answers are computed in microseconds, and the dropped connection or
   * the response itself happens after {@code dispatch} returns.
   */
  private static final class NumberFaults extends Dispatcher {
    private final FakeTwilioServer twilio;
    private final Dispatcher fake;
    private final Set<String> dropAfterRequest;
    private int rateLimitedLeft = TWILIO_RATE_LIMITED;

    NumberFaults(FakeTwilioServer twilio, Dispatcher fake, Set<String> dropAfterRequest) {
      this.twilio = twilio;
      this.fake = fake;
      this.dropAfterRequest = Set.copyOf(dropAfterRequest);
    }

    @Override
    public synchronized MockResponse dispatch(RecordedRequest request) throws InterruptedException {
      if (rateLimitedLeft > 0) {
        rateLimitedLeft--;
        twilio.enqueueFault(Fault.tooManyRequests(1));
      } else if (dropAfterRequest.contains(formValue(request.getBody(), "To"))) {
        twilio.enqueueFault(Fault.dropAfterRequest());
      }
      return fake.dispatch(request);
    }

    @Override
    public void close() {
      fake.close();
    }

    private static @Nullable String formValue(@Nullable ByteString body, String name) {
      if (body == null) {
        return null;
      }
      for (String pair : body.utf8().split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0 && URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8).equals(name)) {
          return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        }
      }
      return null;
    }
  }
}

package dev.outlane.examples.serve;

import dev.outlane.Outlane;
import dev.outlane.ads.meta.MetaCustomAudienceDestination;
import dev.outlane.ads.testing.FakeMetaServer;
import dev.outlane.contract.ContractJson;
import dev.outlane.inbound.InboundHandler;
import dev.outlane.inbound.InboundResponse;
import dev.outlane.routing.Route;
import dev.outlane.twilio.segment.SegmentDestination;
import dev.outlane.twilio.sms.TwilioSmsDestination;
import dev.outlane.twilio.testing.FakeSegmentServer;
import dev.outlane.twilio.testing.FakeTwilioServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code outlane serve --demo}: the shipped fakes ({@link FakeTwilioServer}, {@link
 * FakeSegmentServer}, {@link FakeMetaServer}) on 127.0.0.1 and the real adapters pointed at them,
 * so a {@code curl} to the service reaches "Twilio", "Segment" and "Meta" without leaving the
 * machine. {@link #fakes()} is {@code GET /demo/fakes}: what each fake received, phones masked.
 *
 * <p>Routes: {@code cart_abandoned} → SMS ({@link #CART_TEMPLATE}), Segment, and the Meta audience
 * {@link #AUDIENCE_ID}; {@code order_completed} → Segment and the audience (a purchase carrying
 * {@code audience: {name, action: remove}} removes the buyer).
 *
 * <p>Thread-safe. {@link #close()} stops the fakes; the destinations belong to the client they are
 * registered on.
 */
public final class ServeDemo implements AutoCloseable {
  /** The demo's Segment write key and Meta token: fakes only. */
  static final String WRITE_KEY = "serve-demo-write-key";
  static final String META_TOKEN = "serve-demo-meta-token";
  /** The Meta Custom Audience the demo adds cart abandoners to (made up). */
  public static final String AUDIENCE_ID = "120210000000000024";
  /** The SMS copy; no placeholder an event could lack. */
  static final String CART_TEMPLATE = "You left something in your cart. Reply STOP to opt out.";
  static final String FROM = "+14155550000";

  private final FakeTwilioServer twilio;
  private final FakeSegmentServer segment;
  private final FakeMetaServer meta;

  private ServeDemo(FakeTwilioServer twilio, FakeSegmentServer segment, FakeMetaServer meta) {
    this.twilio = twilio;
    this.segment = segment;
    this.meta = meta;
  }

  /** Starts the three fakes. */
  public static ServeDemo start() {
    FakeTwilioServer twilio = FakeTwilioServer.start();
    try {
      FakeSegmentServer segment = FakeSegmentServer.start(WRITE_KEY);
      try {
        return new ServeDemo(twilio, segment, FakeMetaServer.start(META_TOKEN));
      } catch (RuntimeException e) {
        segment.close();
        throw e;
      }
    } catch (RuntimeException e) {
      twilio.close();
      throw e;
    }
  }

  /** Registers the real adapters against the fakes, and the demo's routes, on {@code builder}. */
  public Outlane.Builder register(Outlane.Builder builder) {
    builder.destination(TwilioSmsDestination.builder().name("twilio-sms")
        .accountSid(FakeTwilioServer.ACCOUNT_SID).authToken(FakeTwilioServer.AUTH_TOKEN)
        .from(FROM).defaultTemplate(CART_TEMPLATE).baseUrl(twilio.url()).build());
    builder.destination(SegmentDestination.builder().name("segment").writeKey(WRITE_KEY)
        .baseUrl(segment.url()).build(),
        Outlane.DestinationOptions.defaults().withLinger(Duration.ofMillis(50)));
    builder.destination(MetaCustomAudienceDestination.builder().name("meta-audience")
        .accessToken(META_TOKEN).baseUrl(meta.mockWebServer().url("/"))
        // A Twilio STOP knows only the phone; the fake Meta matches whole rows, so rows of hashed
        // email and phone only (no EXTERN_ID) let the phone-only remove find the person.
        .sendExternId(false).build(),
        Outlane.DestinationOptions.defaults().withLinger(Duration.ofMillis(50)));
    builder.route(Route.builder().event("cart_abandoned").window(Duration.ZERO, Duration.ofHours(24))
        .to("twilio-sms", null, Map.of("template", CART_TEMPLATE))
        .to("segment")
        .to("meta-audience", AUDIENCE_ID).build());
    builder.route(Route.builder().event("order_completed").to("segment").to("meta-audience", AUDIENCE_ID).build());
    return builder;
  }

  /** The fake Twilio, for tests. */
  public FakeTwilioServer twilio() {
    return twilio;
  }

  /** The fake Segment, for tests. */
  public FakeSegmentServer segment() {
    return segment;
  }

  /** The fake Meta Graph API, for tests. */
  public FakeMetaServer meta() {
    return meta;
  }

  /**
   * {@code GET /demo/fakes}: JSON of what the fakes hold, e.g. {@code {"twilio":{"requests":1,
   * "messages":[{"to":"+1******0123","body":"…"}]},"segment":{"events":1},"meta":{"audience_size":1}}}.
   */
  public InboundHandler fakes() {
    return request -> {
      List<Map<String, String>> messages = new ArrayList<>();
      for (FakeTwilioServer.SentMessage m : twilio.messages()) {
        Map<String, String> one = new LinkedHashMap<>();
        one.put("to", mask(m.to()));
        one.put("body", m.body() == null ? "" : m.body());
        messages.add(one);
      }
      Map<String, Object> tw = new LinkedHashMap<>();
      tw.put("requests", twilio.requestCount());
      tw.put("messages", messages);
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("twilio", tw);
      body.put("segment", Map.of("events", segment.acceptedCount()));
      body.put("meta", Map.of("audience_size", meta.audience(AUDIENCE_ID).size()));
      return InboundResponse.json(200, ContractJson.toJson(body) + "\n");
    };
  }

  /** {@code +14155550123} → {@code +1******0123}. */
  static String mask(String phone) {
    if (phone.length() <= 6) {
      return "*".repeat(phone.length());
    }
    return phone.substring(0, 2) + "*".repeat(phone.length() - 6) + phone.substring(phone.length() - 4);
  }

  @Override
  public void close() {
    try {
      twilio.close();
    } finally {
      try {
        segment.close();
      } finally {
        meta.close();
      }
    }
  }
}

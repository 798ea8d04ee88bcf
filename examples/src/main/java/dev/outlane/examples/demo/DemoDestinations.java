package dev.outlane.examples.demo;

import dev.outlane.Outlane;
import dev.outlane.destination.Channel;
import dev.outlane.destination.DeliveryItem;
import dev.outlane.destination.Destination;
import dev.outlane.destination.DestinationLimits;
import dev.outlane.destination.Outcome;
import dev.outlane.hashing.HashingProfile;
import dev.outlane.testing.FakeDestination;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Makes the demo's four destinations. The demo routes by these names, so a replacement only has to
 * return destinations with the same names and script them from the same {@link DemoData} facts.
 *
 * <p>{@link #adapters()} (the demo's default) uses the real Twilio SMS and Segment adapters against
 * in-process fake servers on 127.0.0.1; {@link #fakes()} uses in-process {@link FakeDestination}s only.
 */
@FunctionalInterface
public interface DemoDestinations {
  /** SMS (Twilio-like): one message per request, not idempotent. */
  String SMS = "twilio-sms";
  /** Analytics events (Segment-like). */
  String EVENTS = "segment-events";
  /** The 0–24 h cart-recovery ad audience (Meta-like). */
  String AUDIENCE_0_24H = "meta-cart-0-24h";
  /** The 24–72 h cart-recovery ad audience (Meta-like). */
  String AUDIENCE_24_72H = "meta-cart-24-72h";
  /** The Meta Custom Audience ids the two audience destinations are routed to (made up). */
  String AUDIENCE_0_24H_ID = "120210000000000024";
  String AUDIENCE_24_72H_ID = "120210000000000072";

  /**
   * Creates the destinations (starting any servers they talk to), each with how the client should
   * drive it. The caller closes the returned setup after the client is closed.
   *
   * @param data the generated world, for scripting the destinations' behaviour
   */
  Setup create(DemoData data);

  /**
   * The destinations of one run and whatever they run against. Closing stops the servers; the
   * destinations themselves are closed by the client they were registered with.
   */
  interface Setup extends AutoCloseable {
    /** The destinations, in report order. */
    List<Registration> registrations();

    /**
     * How many HTTP requests each destination's server received, by destination name; destinations
     * without a server are absent. Read after the run.
     */
    default Map<String, Integer> requestCounts() {
      return Map.of();
    }

    /**
     * How many people each audience destination's server holds at the end, by destination name;
     * destinations without a server are absent. Read after the run.
     */
    default Map<String, Integer> audienceSizes() {
      return Map.of();
    }

    /** Stops the servers, if any. */
    @Override
    default void close() {}

    /** A setup of in-process destinations only. */
    static Setup of(List<Registration> registrations) {
      List<Registration> copy = List.copyOf(registrations);
      return () -> copy;
    }
  }

  /**
   * The real {@code TwilioSmsDestination}, {@code SegmentDestination} and {@code
   * MetaCustomAudienceDestination} against {@code FakeTwilioServer}, {@code FakeSegmentServer} and
   * {@code FakeMetaServer} started on 127.0.0.1. See {@link AdapterDemoSetup} for how the servers
   * are scripted.
   */
  static DemoDestinations adapters() {
    return AdapterDemoSetup::start;
  }

  /**
   * One destination and its driving options.
   *
   * @param destination the destination
   * @param options concurrency, rate limit and linger
   */
  record Registration(Destination destination, Outlane.DestinationOptions options) {}

  /**
   * In-process {@link FakeDestination}s behaving like the real services: the SMS fake answers 21610 for
   * opted-out numbers, 21614 for landlines and times out for a few; each fake also fails its first
   * calls transiently (429 with {@code Retry-After}, 503, 502) so the run shows retries recovering.
   */
  static DemoDestinations fakes() {
    return data -> {
      FakeDestination sms = FakeDestination.builder(SMS)
          .channel(Channel.SMS)
          .idempotent(false)
          .limits(DestinationLimits.single())
          .rule(item -> smsAnswer(data, item))
          .build();
      sms.rateLimitNext(2, Duration.ofMillis(300));
      FakeDestination events = FakeDestination.builder(EVENTS)
          .channel(Channel.EVENTS)
          // Segment: ≤ 2,500 events and 500 KB per batch, 32 KB per event.
          .limits(new DestinationLimits(2_500, 500_000, 32_000))
          .sizeOf(item -> 400 + item.event().properties().size() * 64L)
          .build();
      events.failNext(2, new Outcome.Retryable("503 Service Unavailable", "503", null));
      FakeDestination early = audience(AUDIENCE_0_24H);
      early.failNext(1, Outcome.unknown("502 Bad Gateway"));
      FakeDestination late = audience(AUDIENCE_24_72H);
      Outlane.DestinationOptions batched =
          Outlane.DestinationOptions.defaults().withLinger(Duration.ofMillis(50));
      return Setup.of(List.of(
          new Registration(sms, Outlane.DestinationOptions.defaults().withConcurrency(4)),
          new Registration(events, batched),
          new Registration(early, batched),
          new Registration(late, batched)));
    };
  }

  /** An in-process ad audience, batched like Meta Custom Audiences. */
  static FakeDestination audience(String name) {
    return FakeDestination.builder(name)
        .channel(Channel.ADS)
        .hashingProfile(HashingProfile.META)
        // Meta Custom Audiences: ≤ 10,000 records per request.
        .limits(DestinationLimits.ofItems(10_000))
        .build();
  }

  private static @Nullable Outcome smsAnswer(DemoData data, DeliveryItem item) {
    String phone = item.identity().phoneE164();
    if (phone == null) {
      return Outcome.rejected("21604", "'To' phone number is required");
    }
    if (data.optedOutPhones().contains(phone)) {
      return Outcome.optedOut("21610", "attempt to send to unsubscribed recipient");
    }
    if (data.invalidPhones().contains(phone)) {
      return Outcome.rejected("21211", "'To' number is not a valid phone number");
    }
    if (data.landlinePhones().contains(phone)) {
      return Outcome.rejected("21614", "'To' number is not a valid mobile number");
    }
    if (data.timeoutPhones().contains(phone)) {
      return Outcome.unknown("read timeout after the request was sent");
    }
    return null;
  }
}

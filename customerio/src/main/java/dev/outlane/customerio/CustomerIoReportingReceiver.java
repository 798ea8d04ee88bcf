package dev.outlane.customerio;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.Moshi;
import dev.outlane.OptOut;
import dev.outlane.Outlane;
import dev.outlane.customerio.internal.RecentKeys;
import dev.outlane.customerio.internal.RefusedInput;
import dev.outlane.customerio.internal.ReportingSignature;
import dev.outlane.destination.Channel;
import dev.outlane.guardrail.SuppressionSource;
import dev.outlane.inbound.InboundHandler;
import dev.outlane.inbound.InboundRequest;
import dev.outlane.inbound.InboundResponse;
import dev.outlane.metrics.MetricsSink;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives Customer.io's signed <em>reporting webhooks</em> and turns unsubscribes, re-subscribes,
 * preference changes and (optionally) bounces into typed suppressions through {@link
 * Outlane#optOut} and {@link Outlane#lift}.
 *
 * <pre>{@code
 * CustomerIoReportingReceiver reporting = CustomerIoReportingReceiver.builder(outlane)
 *     .signingKeys(System.getenv("CIO_WEBHOOK_SIGNING_KEY"))
 *     .build();
 * InboundResponse answer = reporting.handle(request);   // mount at e.g. POST /customerio/reporting
 * }</pre>
 *
 * <h2>Why it nearly always answers 200</h2>
 *
 * A non-2xx answer makes Customer.io retry that webhook with backoff for up to 7 days, and every
 * later reporting webhook queues behind it. So the one refusal is <b>401</b> (empty) for a missing
 * or wrong {@code X-CIO-Signature} or an {@code X-CIO-Timestamp} outside the replay window; beyond
 * that only <b>405</b> (not POST), <b>413</b> (over {@link Builder#maxBodyBytes}, default 64 KiB) and
 * <b>503</b> when neither the action nor the dead letter could be recorded. Everything else is
 * <b>200</b> once it is recorded: acted on (the suppression is written before {@code optOut}
 * returns; durable in durable mode), or, for a body that is not JSON, an unknown {@code
 * object_type}/{@code metric}, a known one without a usable identity or a preference change that
 * cannot be read, kept in the client's dead-letter store (destination {@code
 * customerio-reporting}, error codes {@code unparseable}, {@code unknown_payload}, {@code
 * no_identity}, {@code unreadable_preferences}, {@code action_failed}) for an operator. Known
 * metrics that need no action (sent, opened, clicked…) are acknowledged and counted.
 *
 * <h2>Signature and replays</h2>
 *
 * {@code X-CIO-Signature} = hex HMAC-SHA256(signing key, {@code "v0:" + X-CIO-Timestamp + ":" +
 * rawBody}); one or two keys ({@link Builder#signingKeys}) so a key can be rotated. The timestamp
 * must be within {@link Builder#replayWindow} (default 5 minutes; Customer.io publishes no window,
 * and whether retries are re-signed is unconfirmed, so it is configurable) of the injected clock.
 * A request whose signature was already accepted within twice the window, or whose {@code event_id}
 * was acted on in the last 24 h, is acknowledged ({@code {"status":"duplicate"}}) and not acted on
 * again.
 *
 * <h2>Mapping</h2>
 *
 * <ul>
 *   <li>{@code customer} {@code unsubscribed}: {@code optOut} on every {@link Channel}, source
 *       {@link SuppressionSource#CUSTOMERIO} (audience removes per the client's {@code
 *       OptOutPolicy}).
 *   <li>{@code customer} {@code subscribed}: {@code lift} of every channel for source {@code
 *       CUSTOMERIO} only: a Twilio STOP, a consent denial or a bounce stays.
 *   <li>{@code customer} {@code cio_subscription_preferences_changed}: {@code data.content} is a JSON
 *       string; its {@code channels} object ({@code {"sms": false, "email": true}}) suppresses each
 *       channel set {@code false} and lifts (CUSTOMERIO only) each set {@code true}. Topics are not
 *       channels and are ignored; a content without {@code channels} is acknowledged as ignored.
 *   <li>{@code email} {@code bounced} / {@code spammed} → EMAIL, {@code sms} {@code undeliverable} →
 *       SMS, per {@link Builder#deliveryFailures} (default {@link DeliveryFailurePolicy#SUPPRESS},
 *       source {@code BOUNCE_OR_COMPLAINT}).
 * </ul>
 *
 * The person is {@code data.identifiers.id} (else {@code data.customer_id}) as customer id, {@code
 * data.identifiers.email} (else {@code data.email_address}) as email, and for {@code sms} events
 * {@code data.recipient} as phone. The {@code event_id} is passed as the opt-out's dedupe id.
 *
 * <p>Thread-safe. Never logs a body, a header value or an identifier. Metrics: {@code
 * MetricsSink.inbound("customerio-reporting", outcome)} per request, outcome one of {@code acted
 * ignored duplicate dead_lettered unauthorized too_large method_not_allowed unavailable}.
 */
public final class CustomerIoReportingReceiver implements InboundHandler {
  /** The endpoint name in metrics and the dead-letter store. */
  public static final String ENDPOINT = "customerio-reporting";

  private static final Logger log = LoggerFactory.getLogger(CustomerIoReportingReceiver.class);
  private static final JsonAdapter<Object> JSON = new Moshi.Builder().build().adapter(Object.class);
  /** Object types Customer.io reports (docs.customer.io/api/webhooks); others are dead-lettered. */
  private static final Set<String> OBJECT_TYPES =
      Set.of("customer", "email", "sms", "push", "in_app", "whatsapp", "webhook", "slack");

  private final Outlane client;
  private final ReportingSignature signature;
  private final int maxBodyBytes;
  private final MetricsSink metrics;
  private final Clock clock;
  private final DeliveryFailurePolicy deliveryFailures;
  private final RecentKeys signatures;
  private final RecentKeys eventIds;

  private CustomerIoReportingReceiver(Builder b) {
    this.client = b.client;
    this.signature = new ReportingSignature(b.keys, b.window);
    this.maxBodyBytes = b.maxBodyBytes;
    this.metrics = b.metrics;
    this.clock = b.clock;
    this.deliveryFailures = b.deliveryFailures;
    this.signatures = new RecentKeys(b.rememberMax, b.window.multipliedBy(2), b.clock);
    this.eventIds = new RecentKeys(b.rememberMax, Duration.ofHours(24), b.clock);
  }

  /** Starts a receiver acting on {@code client}; {@link Builder#signingKeys} is required. */
  public static Builder builder(Outlane client) {
    return new Builder(client);
  }

  @Override
  public InboundResponse handle(InboundRequest request) {
    if (!request.method().equals("POST")) {
      return count("method_not_allowed", "", InboundResponse.of(405).withHeader("Allow", "POST"));
    }
    if (request.bodyLength() > maxBodyBytes) {
      return count("too_large", "", InboundResponse.of(413));
    }
    byte[] body = request.body();
    String sig = request.header("X-CIO-Signature");
    if (!signature.verify(request.header("X-CIO-Timestamp"), sig, body, clock.instant())) {
      return count("unauthorized", "", InboundResponse.of(401));
    }
    String sigKey = sig.strip().toLowerCase(Locale.ROOT);
    if (signatures.reserve(sigKey) != RecentKeys.State.NEW) {
      return count("duplicate", "", duplicate());
    }
    InboundResponse answer = null;
    try {
      answer = process(body);
      return answer;
    } finally {
      if (answer != null && answer.status() == 200) {
        signatures.accept(sigKey);
      } else {
        signatures.release(sigKey);
      }
    }
  }

  private InboundResponse process(byte[] body) {
    Map<?, ?> root;
    try {
      Object parsed = JSON.fromJson(new String(body, StandardCharsets.UTF_8));
      if (!(parsed instanceof Map<?, ?> m)) {
        return deadLetter(null, "", "unparseable", "$: not a JSON object", body);
      }
      root = m;
    } catch (IOException | RuntimeException e) {
      return deadLetter(null, "", "unparseable", "$: not JSON (" + e.getClass().getSimpleName() + ")", body);
    }
    String objectType = text(root.get("object_type"));
    String metric = text(root.get("metric"));
    String eventId = text(root.get("event_id"));
    String label = objectType == null || metric == null ? "" : objectType + "." + metric;
    if (objectType == null || metric == null || !OBJECT_TYPES.contains(objectType)) {
      return deadLetter(eventId, label, "unknown_payload",
          "$.object_type/$.metric: not a known Customer.io reporting event", body);
    }
    if (eventId != null) {
      switch (eventIds.reserve(eventId)) {
        case NEW:
          break;
        default:
          return count("duplicate", label, duplicate());
      }
    }
    InboundResponse answer = null;
    try {
      answer = act(objectType, metric, eventId, label, root, body);
      return answer;
    } finally {
      if (eventId != null) {
        if (answer != null && answer.status() == 200) {
          eventIds.accept(eventId);
        } else {
          eventIds.release(eventId);
        }
      }
    }
  }

  private InboundResponse act(String objectType, String metric, @Nullable String eventId, String label,
      Map<?, ?> root, byte[] body) {
    Map<?, ?> data = root.get("data") instanceof Map<?, ?> d ? d : Map.of();
    Set<Channel> suppress = EnumSet.noneOf(Channel.class);
    Set<Channel> lift = EnumSet.noneOf(Channel.class);
    SuppressionSource source = SuppressionSource.CUSTOMERIO;
    switch (label) {
      case "customer.unsubscribed" -> suppress.addAll(EnumSet.allOf(Channel.class));
      case "customer.subscribed" -> lift.addAll(EnumSet.allOf(Channel.class));
      case "customer.cio_subscription_preferences_changed" -> {
        Map<?, ?> channels = preferenceChannels(data.get("content"));
        if (channels == null) {
          return deadLetter(eventId, label, "unreadable_preferences",
              "$.data.content: not a JSON object string", body);
        }
        for (Map.Entry<?, ?> e : channels.entrySet()) {
          Channel c = channel(text(e.getKey()));
          if (c != null && Boolean.FALSE.equals(e.getValue())) {
            suppress.add(c);
          } else if (c != null && Boolean.TRUE.equals(e.getValue())) {
            lift.add(c);
          }
        }
      }
      case "email.bounced", "email.spammed", "sms.undeliverable" -> {
        if (deliveryFailures == DeliveryFailurePolicy.SUPPRESS) {
          suppress.add(objectType.equals("sms") ? Channel.SMS : Channel.EMAIL);
          source = SuppressionSource.BOUNCE_OR_COMPLAINT;
        }
      }
      default -> {
        // A known object type with a metric that needs no action (sent, opened, clicked, …).
      }
    }
    if (suppress.isEmpty() && lift.isEmpty()) {
      return count("ignored", label, ok());
    }
    Map<?, ?> ids = data.get("identifiers") instanceof Map<?, ?> i ? i : Map.of();
    String customerId = first(text(ids.get("id")), text(data.get("customer_id")));
    String email = first(text(ids.get("email")), text(data.get("email_address")));
    String phone = objectType.equals("sms") ? text(data.get("recipient")) : null;
    if (customerId == null && email == null && phone == null) {
      return deadLetter(eventId, label, "no_identity",
          "$.data.identifiers: no id, email or phone to act on", body);
    }
    try {
      if (!suppress.isEmpty()) {
        client.optOut(person(source, suppress, customerId, email, phone, eventId));
      }
      if (!lift.isEmpty()) {
        client.lift(person(SuppressionSource.CUSTOMERIO, lift, customerId, email, phone, eventId));
      }
    } catch (RuntimeException e) {
      log.warn("customerio-reporting: {} not applied ({})", label, e.getClass().getSimpleName());
      return deadLetter(eventId, label, "action_failed",
          label + ": not applied (" + e.getClass().getSimpleName() + ")", body);
    }
    return count("acted", label, ok());
  }

  private static OptOut person(SuppressionSource source, Set<Channel> channels, @Nullable String customerId,
      @Nullable String email, @Nullable String phone, @Nullable String eventId) {
    return OptOut.builder()
        .source(source)
        .channels(channels)
        .customerId(customerId)
        .email(email)
        .phone(phone)
        .dedupeId(eventId)
        .build();
  }

  /** The {@code channels} object of a preferences content string; empty if it has none; null if unreadable. */
  private static @Nullable Map<?, ?> preferenceChannels(@Nullable Object content) {
    Object parsed = content;
    if (content instanceof String s) {
      try {
        parsed = JSON.fromJson(s);
      } catch (IOException | RuntimeException e) {
        return null;
      }
    }
    if (!(parsed instanceof Map<?, ?> m)) {
      return null;
    }
    return m.get("channels") instanceof Map<?, ?> c ? c : Map.of();
  }

  private static @Nullable Channel channel(@Nullable String name) {
    if (name == null) {
      return null;
    }
    for (Channel c : Channel.values()) {
      if (c.wireName().equalsIgnoreCase(name.strip())) {
        return c;
      }
    }
    return null;
  }

  private InboundResponse deadLetter(@Nullable String eventId, String label, String code, String detail,
      byte[] body) {
    try {
      RefusedInput.deadLetter(client.deadLetters(), clock, ENDPOINT, eventId, code, detail, body);
    } catch (RuntimeException e) {
      log.warn("customerio-reporting: dead letter not written ({})", e.getClass().getSimpleName());
      return count("unavailable", label, InboundResponse.of(503).withHeader("Retry-After", "60"));
    }
    return count("dead_lettered", label, ok());
  }

  private static @Nullable String text(@Nullable Object v) {
    if (v instanceof String s && !s.isBlank()) {
      return s.strip();
    }
    if (v instanceof Number n) {
      // Moshi reads every number as a double; ids such as 42 come back as 42.0.
      double d = n.doubleValue();
      return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : n.toString();
    }
    return null;
  }

  private static @Nullable String first(@Nullable String a, @Nullable String b) {
    return a != null ? a : b;
  }

  private static InboundResponse ok() {
    return InboundResponse.json(200, "{\"status\":\"ok\"}");
  }

  private static InboundResponse duplicate() {
    return InboundResponse.json(200, "{\"status\":\"duplicate\"}");
  }

  private InboundResponse count(String outcome, String metric, InboundResponse response) {
    metrics.inbound(ENDPOINT, outcome);
    return response;
  }

  @Override
  public String toString() {
    return "CustomerIoReportingReceiver{deliveryFailures=" + deliveryFailures + "}";
  }

  /** Configures a {@link CustomerIoReportingReceiver}; values are checked as set. Not thread-safe. */
  public static final class Builder {
    private final Outlane client;
    private final List<byte[]> keys = new ArrayList<>();
    private Duration window = Duration.ofMinutes(5);
    private int maxBodyBytes = 64 * 1024;
    private MetricsSink metrics = MetricsSink.noop();
    private Clock clock = Clock.systemUTC();
    private DeliveryFailurePolicy deliveryFailures = DeliveryFailurePolicy.SUPPRESS;
    private int rememberMax = 100_000;

    private Builder(Outlane client) {
      this.client = Objects.requireNonNull(client, "client");
    }

    /**
     * The webhook's signing key, and optionally the next one (both valid while you rotate).
     * Replaces keys set before.
     *
     * @throws IllegalArgumentException if a key is blank or more than two are given
     */
    public Builder signingKeys(String current, String... next) {
      Objects.requireNonNull(current, "current");
      if (next.length > 1) {
        throw new IllegalArgumentException("signingKeys: at most two (the current and the next, for rotation)");
      }
      keys.clear();
      for (String k : concat(current, next)) {
        if (k == null || k.isBlank()) {
          throw new IllegalArgumentException("signingKeys: a key must not be blank");
        }
        keys.add(k.getBytes(StandardCharsets.UTF_8));
      }
      return this;
    }

    private static List<String> concat(String first, String[] rest) {
      List<String> all = new ArrayList<>();
      all.add(first);
      all.addAll(java.util.Arrays.asList(rest));
      return all;
    }

    /** How far {@code X-CIO-Timestamp} may be from now (default 5 minutes). */
    public Builder replayWindow(Duration window) {
      Objects.requireNonNull(window, "window");
      if (window.toSeconds() < 1) {
        throw new IllegalArgumentException("replayWindow: must be at least 1 s but was " + window);
      }
      this.window = window;
      return this;
    }

    /** @throws IllegalArgumentException if not positive */
    public Builder maxBodyBytes(int maxBodyBytes) {
      if (maxBodyBytes < 1) {
        throw new IllegalArgumentException("maxBodyBytes: must be >= 1 but was " + maxBodyBytes);
      }
      this.maxBodyBytes = maxBodyBytes;
      return this;
    }

    public Builder metrics(MetricsSink metrics) {
      this.metrics = Objects.requireNonNull(metrics, "metrics");
      return this;
    }

    /** The clock the timestamp is checked against (and the replay memory's). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Bounces, spam complaints and undeliverable SMS (default {@link DeliveryFailurePolicy#SUPPRESS}). */
    public Builder deliveryFailures(DeliveryFailurePolicy policy) {
      this.deliveryFailures = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** How many signatures and event ids the replay memory holds (default 100,000 each). */
    public Builder rememberMax(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("rememberMax: must be >= 1 but was " + max);
      }
      this.rememberMax = max;
      return this;
    }

    /** @throws IllegalStateException if no signing key was set */
    public CustomerIoReportingReceiver build() {
      if (keys.isEmpty()) {
        throw new IllegalStateException("signingKeys: required (the reporting webhook's signing key)");
      }
      return new CustomerIoReportingReceiver(this);
    }
  }
}

package dev.outlane.customerio;

import dev.outlane.OutlaneException;
import dev.outlane.Outlane;
import dev.outlane.Problem;
import dev.outlane.QueueFullException;
import dev.outlane.ValidationException;
import dev.outlane.contract.ParseResult;
import dev.outlane.customerio.internal.EventIds;
import dev.outlane.customerio.internal.RecentKeys;
import dev.outlane.customerio.internal.RefusedInput;
import dev.outlane.inbound.InboundAuth;
import dev.outlane.inbound.InboundHandler;
import dev.outlane.inbound.InboundRequest;
import dev.outlane.inbound.InboundResponse;
import dev.outlane.metrics.MetricsSink;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives a Customer.io journey <em>webhook action</em> whose body is a v1 retention event (render
 * it with the shipped Liquid template, resource {@code dev/outlane/customerio/webhook-action-body.liquid}
 * in this jar, also in {@code examples/src/main/resources/customerio/}) and submits
 * it to the client.
 *
 * <pre>{@code
 * CustomerIoWebhookReceiver receiver = CustomerIoWebhookReceiver.builder(outlane)
 *     .auth(InboundAuth.builder().header("Authorization", "Bearer " + token).build())
 *     .metrics(metrics)
 *     .build();
 * InboundResponse answer = receiver.handle(request);   // mount at e.g. POST /customerio/webhook
 * }</pre>
 *
 * <h2>Answers, in the order they are decided</h2>
 *
 * <ul>
 *   <li><b>405</b> for a method other than POST, PUT or PATCH (with {@code Allow}).
 *   <li><b>401</b>, empty, when {@link InboundAuth#permits} refuses (the action cannot be signed with
 *       a key we can verify: use a shared-secret header or Basic credentials in the action's URL).
 *   <li><b>413</b> for a body over {@link Builder#maxBodyBytes} (default 64 KiB).
 *   <li><b>202</b> {@code {"status":"duplicate"}} for a retry of a delivery already accepted (below).
 *   <li><b>429</b> with {@code Retry-After: 1} while the same delivery is being handled by another
 *       request (its retry then finds it accepted, or acts if the first failed).
 *   <li><b>400</b> {@code {"error":"invalid_event","problems":[{"path":…,"reason":…}]}} listing every
 *       problem the contract reader found (Customer.io shows the body in the action's log). The body
 *       is kept in the client's dead-letter store (destination {@code customerio-webhook}, reason
 *       {@code rejected}, error code {@code invalid_event}; the raw body in the placeholder event's
 *       {@code refused_body} property), so an operator can fix it and send it again. Problems name
 *       fields and reasons, never an email or phone.
 *   <li><b>429</b> with {@code Retry-After} when the client's queue is full ({@link
 *       QueueFullException}); <b>503</b> with {@code Retry-After} when the client is closed or its
 *       journal could not record the event. Nothing was accepted: Customer.io's retry is safe.
 *   <li><b>202</b> {@code {"status":"accepted"}} once {@link Outlane#submit} returned. In durable
 *       mode submit returns only after the journal append is on disk (the journal's group commit),
 *       so a 202 survives a crash; in memory mode it means queued.
 * </ul>
 *
 * <h2>Retries: the dedupe rule</h2>
 *
 * Customer.io times out after 4 s and retries, every attempt carrying the same {@code
 * x-cio-idempotency-key} and {@code x-cio-delivery-id}. The delivery key is the former, else the
 * latter. When the body has no top-level {@code event_id}, the receiver inserts {@code cio-} + the
 * key (see the shipped template, which leaves it out), so every retry is the same event and the
 * engine's idempotency store dedupes it per destination (durably, in durable mode, across
 * restarts). On top of that the receiver remembers accepted keys ({@link
 * Builder#rememberDeliveries}, default 100,000 keys for 24 h) and answers a retry at once without
 * submitting again. A body with its own {@code event_id} keeps it; the key still guards the
 * receiver's memory. A request with neither header nor {@code event_id} is 400 ({@code event_id}
 * required).
 *
 * <p>Thread-safe. Never logs a body, a header value or a person's identifiers: log lines name the
 * outcome and exception classes only. Metrics: {@code MetricsSink.inbound("customerio-webhook",
 * outcome)} per request, outcome one of {@code accepted duplicate in_flight invalid
 * unauthorized too_large method_not_allowed queue_full unavailable}.
 */
public final class CustomerIoWebhookReceiver implements InboundHandler {
  /** The endpoint name in metrics and the dead-letter store. */
  public static final String ENDPOINT = "customerio-webhook";

  /** Default body limit: twice the contract's 32 KB event limit, room for indentation. */
  public static final int DEFAULT_MAX_BODY_BYTES = 64 * 1024;

  private static final Logger log = LoggerFactory.getLogger(CustomerIoWebhookReceiver.class);
  private static final Set<String> METHODS = Set.of("POST", "PUT", "PATCH");

  private final Outlane client;
  private final InboundAuth auth;
  private final int maxBodyBytes;
  private final MetricsSink metrics;
  private final Clock clock;
  private final RecentKeys recent;
  private final Duration retryAfter;

  private CustomerIoWebhookReceiver(Builder b) {
    this.client = b.client;
    this.auth = Objects.requireNonNull(b.auth, "auth");
    this.maxBodyBytes = b.maxBodyBytes;
    this.metrics = b.metrics;
    this.clock = b.clock;
    this.recent = new RecentKeys(b.rememberMax, b.rememberTtl, b.clock);
    this.retryAfter = b.retryAfter;
  }

  /** Starts a receiver that submits to {@code client}; {@link Builder#auth} is required. */
  public static Builder builder(Outlane client) {
    return new Builder(client);
  }

  @Override
  public InboundResponse handle(InboundRequest request) {
    if (!METHODS.contains(request.method())) {
      return outcome("method_not_allowed", InboundResponse.of(405).withHeader("Allow", "POST, PUT, PATCH"));
    }
    if (!auth.permits(request)) {
      return outcome("unauthorized", InboundAuth.unauthorized());
    }
    if (request.bodyLength() > maxBodyBytes) {
      return outcome("too_large", InboundResponse.of(413));
    }
    String key = deliveryKey(request);
    if (key != null) {
      switch (recent.reserve(key)) {
        case ACCEPTED:
          return outcome("duplicate", InboundResponse.json(202, "{\"status\":\"duplicate\"}"));
        case IN_FLIGHT:
          return outcome("in_flight", InboundResponse.of(429).withHeader("Retry-After", "1"));
        case NEW:
        default:
          break;
      }
    }
    boolean accepted = false;
    try {
      InboundResponse answer = submit(request.body(), key);
      accepted = answer.status() == 202;
      return answer;
    } finally {
      if (key != null) {
        if (accepted) {
          recent.accept(key);
        } else {
          recent.release(key);
        }
      }
    }
  }

  private InboundResponse submit(byte[] body, @Nullable String key) {
    ParseResult parsed = client.codec().parse(EventIds.withEventId(body, key));
    if (!parsed.isValid()) {
      return invalid(parsed.problems(), body, key);
    }
    try {
      client.submit(parsed.orThrow());
      return outcome("accepted", InboundResponse.json(202, "{\"status\":\"accepted\"}"));
    } catch (ValidationException e) {
      return invalid(e.problems(), body, key);
    } catch (QueueFullException e) {
      return outcome("queue_full", InboundResponse.of(429)
          .withHeader("Retry-After", Long.toString(retryAfter.toSeconds())));
    } catch (OutlaneException e) {
      // Closed, or the journal could not record it: nothing was accepted.
      log.warn("customerio-webhook: not accepted ({})", e.getClass().getSimpleName());
      return outcome("unavailable", InboundResponse.of(503)
          .withHeader("Retry-After", Long.toString(retryAfter.toSeconds())));
    }
  }

  private InboundResponse invalid(List<Problem> problems, byte[] body, @Nullable String key) {
    String detail = problems.stream().map(p -> p.path() + ": " + p.reason())
        .collect(Collectors.joining("; "));
    try {
      RefusedInput.deadLetter(client.deadLetters(), clock, ENDPOINT, key, "invalid_event", detail, body);
    } catch (RuntimeException e) {
      // The sender still learns what is wrong; the operator sees the store's own failure.
      log.warn("customerio-webhook: refused body not dead-lettered ({})", e.getClass().getSimpleName());
    }
    StringBuilder json = new StringBuilder("{\"error\":\"invalid_event\",\"problems\":[");
    for (int i = 0; i < problems.size(); i++) {
      Problem p = problems.get(i);
      json.append(i == 0 ? "" : ",").append("{\"path\":").append(quote(p.path()))
          .append(",\"reason\":").append(quote(p.reason())).append('}');
    }
    json.append("]}");
    return outcome("invalid", InboundResponse.json(400, json.toString()));
  }

  /** {@code x-cio-idempotency-key}, else {@code x-cio-delivery-id}, else null (blank = absent). */
  static @Nullable String deliveryKey(InboundRequest request) {
    for (String name : List.of("x-cio-idempotency-key", "x-cio-delivery-id")) {
      String v = request.header(name);
      if (v != null && !v.isBlank()) {
        return v.strip();
      }
    }
    return null;
  }

  private InboundResponse outcome(String outcome, InboundResponse response) {
    metrics.inbound(ENDPOINT, outcome);
    return response;
  }

  static String quote(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }

  @Override
  public String toString() {
    return "CustomerIoWebhookReceiver{auth=" + auth + ", maxBodyBytes=" + maxBodyBytes + "}";
  }

  /** Configures a {@link CustomerIoWebhookReceiver}; values are checked as they are set. Not thread-safe. */
  public static final class Builder {
    private final Outlane client;
    private @Nullable InboundAuth auth;
    private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
    private MetricsSink metrics = MetricsSink.noop();
    private Clock clock = Clock.systemUTC();
    private int rememberMax = 100_000;
    private Duration rememberTtl = Duration.ofHours(24);
    private Duration retryAfter = Duration.ofSeconds(5);

    private Builder(Outlane client) {
      this.client = Objects.requireNonNull(client, "client");
    }

    /** Who may call (required): a shared-secret header and/or Basic credentials, optionally an allowlist. */
    public Builder auth(InboundAuth auth) {
      this.auth = Objects.requireNonNull(auth, "auth");
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

    /** The clock for the delivery memory and dead letters' times. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * How many accepted delivery keys are remembered, and for how long (default 100,000 for 24 h,
     * about 15 MB at most).
     *
     * @throws IllegalArgumentException if {@code max} is below 1 or {@code ttl} is not positive
     */
    public Builder rememberDeliveries(int max, Duration ttl) {
      Objects.requireNonNull(ttl, "ttl");
      if (max < 1) {
        throw new IllegalArgumentException("rememberDeliveries: max must be >= 1 but was " + max);
      }
      if (ttl.isNegative() || ttl.isZero()) {
        throw new IllegalArgumentException("rememberDeliveries: ttl must be positive but was " + ttl);
      }
      this.rememberMax = max;
      this.rememberTtl = ttl;
      return this;
    }

    /** The {@code Retry-After} sent with 429/503 when the client cannot take the event (default 5 s). */
    public Builder retryAfter(Duration retryAfter) {
      Objects.requireNonNull(retryAfter, "retryAfter");
      if (retryAfter.toSeconds() < 1) {
        throw new IllegalArgumentException("retryAfter: must be at least 1 s but was " + retryAfter);
      }
      this.retryAfter = retryAfter;
      return this;
    }

    /** @throws IllegalStateException if {@link #auth} was not set */
    public CustomerIoWebhookReceiver build() {
      if (auth == null) {
        throw new IllegalStateException("auth: required (an InboundAuth with a header secret or Basic credentials)");
      }
      return new CustomerIoWebhookReceiver(this);
    }
  }
}

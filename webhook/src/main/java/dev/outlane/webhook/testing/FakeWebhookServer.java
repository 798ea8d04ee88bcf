package dev.outlane.webhook.testing;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.Moshi;
import com.squareup.moshi.Types;
import dev.outlane.http.testing.FaultInjectingServer;
import dev.outlane.testing.Fault;
import dev.outlane.webhook.WebhookSignature;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import okhttp3.HttpUrl;
import org.jspecify.annotations.Nullable;

/**
 * A webhook receiver on loopback that behaves as a careful real one: it refuses a request whose
 * {@code Outlane-Signature} does not verify with one of its secrets within the tolerance (401), a
 * body that is not the documented JSON (400, with a {@code message}), and dedupes events by {@code
 * idempotency_key} (a resent event is answered 200 and counted as a duplicate, not recorded twice).
 * {@link Fault}s replace answers in arrival order.
 *
 * <p>Thread-safe. Start with {@link #start(String...)}, point {@code WebhookDestination.url} at
 * {@link #url()}, close when done.
 */
public final class FakeWebhookServer implements AutoCloseable {
  private static final JsonAdapter<Map<String, Object>> JSON = new Moshi.Builder().build()
      .adapter(Types.newParameterizedType(Map.class, String.class, Object.class));

  private final List<String> secrets;
  private final Clock clock;
  private final FaultInjectingServer server;
  private final Map<String, Map<String, Object>> events = new ConcurrentHashMap<>();
  private final List<Map<String, Object>> inOrder = new ArrayList<>();
  private final AtomicLong duplicates = new AtomicLong();
  private final AtomicLong badSignatures = new AtomicLong();

  private FakeWebhookServer(List<String> secrets, Clock clock) {
    this.secrets = List.copyOf(secrets);
    this.clock = clock;
    this.server = FaultInjectingServer.start("webhook", new FaultInjectingServer.Answers() {
      @Override
      public MockResponse handle(RecordedRequest request) {
        return respond(request);
      }

      @Override
      public MockResponse status(int status) {
        return json(status, "{\"message\":\"fake webhook answered HTTP " + status + "\"}");
      }
    });
  }

  /**
   * Starts a receiver that accepts signatures by any of {@code secrets} (two during a rotation),
   * checked against the system clock with {@link WebhookSignature#DEFAULT_TOLERANCE}.
   */
  public static FakeWebhookServer start(String... secrets) {
    return start(Clock.systemUTC(), secrets);
  }

  /** As {@link #start(String...)}, checking timestamps against {@code clock}. */
  public static FakeWebhookServer start(Clock clock, String... secrets) {
    if (secrets.length == 0) {
      throw new IllegalArgumentException("secrets: at least one is required");
    }
    return new FakeWebhookServer(List.of(secrets), Objects.requireNonNull(clock, "clock"));
  }

  private MockResponse respond(RecordedRequest request) {
    byte[] body = request.getBody() == null ? new byte[0] : request.getBody().toByteArray();
    if (!WebhookSignature.verify(request.getHeaders().get(WebhookSignature.HEADER), body, secrets,
        clock.instant(), WebhookSignature.DEFAULT_TOLERANCE)) {
      badSignatures.incrementAndGet();
      return json(401, "{\"message\":\"signature does not verify\"}");
    }
    Map<String, Object> root;
    try {
      root = JSON.fromJson(new String(body, java.nio.charset.StandardCharsets.UTF_8));
    } catch (IOException | RuntimeException e) {
      return json(400, "{\"message\":\"body is not JSON\"}");
    }
    if (root == null || !(root.get("events") instanceof List<?> list)) {
      return json(400, "{\"message\":\"body has no events array\"}");
    }
    for (Object o : list) {
      if (!(o instanceof Map<?, ?> m) || !(m.get("idempotency_key") instanceof String key)
          || !(m.get("event") instanceof Map<?, ?>) || !(m.get("schema_version") instanceof String)) {
        return json(400, "{\"message\":\"an event lacks idempotency_key, schema_version or event\"}");
      }
    }
    for (Object o : list) {
      @SuppressWarnings("unchecked")
      Map<String, Object> m = (Map<String, Object>) o;
      String key = (String) m.get("idempotency_key");
      if (events.putIfAbsent(key, m) == null) {
        synchronized (inOrder) {
          inOrder.add(m);
        }
      } else {
        duplicates.incrementAndGet();
      }
    }
    return json(200, "{\"ok\":true}");
  }

  private static MockResponse json(int status, String body) {
    return new MockResponse.Builder().code(status).setHeader("Content-Type", "application/json")
        .body(body).build();
  }

  /** The receiver's URL, {@code http://127.0.0.1:PORT/hooks/outlane}. */
  public HttpUrl url() {
    return server.url().resolve("hooks/outlane");
  }

  /** Queues {@code fault} for the next request that has none yet. */
  public FakeWebhookServer enqueueFault(Fault fault) {
    server.enqueueFault(fault);
    return this;
  }

  /** Every distinct event received, in arrival order (each element as documented on the destination). */
  public List<Map<String, Object>> events() {
    synchronized (inOrder) {
      return List.copyOf(inOrder);
    }
  }

  /** The distinct idempotency keys received. */
  public Set<String> idempotencyKeys() {
    return Set.copyOf(events.keySet());
  }

  /** Events received again under a key already recorded. */
  public long duplicateCount() {
    return duplicates.get();
  }

  /** Requests refused because the signature did not verify. */
  public long badSignatureCount() {
    return badSignatures.get();
  }

  /** How many requests arrived (faulted ones included). */
  public int requestCount() {
    return server.requestCount();
  }

  /** The next request received, waiting up to 5 seconds (see {@link FaultInjectingServer#takeRequest}). */
  public RecordedRequest takeRequest() {
    return server.takeRequest();
  }

  /** The event recorded under {@code idempotencyKey}, or null. */
  public @Nullable Map<String, Object> event(String idempotencyKey) {
    return events.get(idempotencyKey);
  }

  @Override
  public void close() {
    server.close();
  }
}

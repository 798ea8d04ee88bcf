package dev.outlane.customerio.testing;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.Moshi;
import com.squareup.moshi.Types;
import dev.outlane.http.testing.FaultInjectingServer;
import dev.outlane.testing.Fault;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import okhttp3.HttpUrl;
import org.jspecify.annotations.Nullable;

/**
 * Customer.io's Track API ({@code PUT /api/v1/customers/{identifier}}) on loopback, validating as
 * the real one does what Outlane sends: Basic {@code site_id:api_key} (401 otherwise), the method and
 * path (404/405), a JSON object body (400), and the 1,000-byte limit on each attribute value (400
 * naming the attribute). It remembers each person's attributes, merging {@code
 * cio_subscription_preferences} channel by channel as Customer.io does. {@link Fault}s replace
 * answers in arrival order.
 *
 * <p>Thread-safe.
 */
public final class FakeCustomerIoServer implements AutoCloseable {
  /** The fake's site id. */
  public static final String SITE_ID = "fake-site-id";
  /** The fake's Track API key. */
  public static final String API_KEY = "fake-track-api-key";
  /** Customer.io's limit on one attribute value, in bytes (the JSON form of objects). */
  public static final int MAX_ATTRIBUTE_BYTES = 1_000;

  private static final JsonAdapter<Map<String, Object>> JSON = new Moshi.Builder().build()
      .adapter(Types.newParameterizedType(Map.class, String.class, Object.class));
  private static final JsonAdapter<Object> ANY = new Moshi.Builder().build().adapter(Object.class);
  private static final String PATH = "/api/v1/customers/";

  private final String authorization = "Basic " + Base64.getEncoder().encodeToString(
      (SITE_ID + ":" + API_KEY).getBytes(StandardCharsets.UTF_8));
  private final Map<String, Map<String, Object>> people = new ConcurrentHashMap<>();
  private final FaultInjectingServer server;

  private FakeCustomerIoServer() {
    this.server = FaultInjectingServer.start("Customer.io", new FaultInjectingServer.Answers() {
      @Override
      public MockResponse handle(RecordedRequest request) {
        return respond(request);
      }

      @Override
      public MockResponse status(int status) {
        return error(status, "fake Customer.io answered HTTP " + status);
      }
    });
  }

  /** Starts the fake on a free loopback port. */
  public static FakeCustomerIoServer start() {
    return new FakeCustomerIoServer();
  }

  private MockResponse respond(RecordedRequest request) {
    if (!authorization.equals(request.getHeaders().get("Authorization"))) {
      return error(401, "Unauthorized request");
    }
    String path = request.getUrl().encodedPath();
    if (!path.startsWith(PATH) || path.length() == PATH.length() || path.indexOf('/', PATH.length()) >= 0) {
      return error(404, "not found");
    }
    if (!"PUT".equals(request.getMethod())) {
      return error(405, "method not allowed");
    }
    String id = request.getUrl().pathSegments().get(3);
    Map<String, Object> body;
    try {
      body = JSON.fromJson(request.getBody() == null ? "" : request.getBody().string(StandardCharsets.UTF_8));
    } catch (Exception e) {
      return error(400, "body is not a JSON object");
    }
    if (body == null) {
      return error(400, "body is not a JSON object");
    }
    for (Map.Entry<String, Object> e : body.entrySet()) {
      Object v = e.getValue();
      String json = v instanceof String s ? s : ANY.toJson(v);
      if (json.getBytes(StandardCharsets.UTF_8).length > MAX_ATTRIBUTE_BYTES) {
        return error(400, "attribute " + e.getKey() + " is larger than " + MAX_ATTRIBUTE_BYTES + " bytes");
      }
    }
    people.compute(id, (k, old) -> merge(old == null ? new LinkedHashMap<>() : old, body));
    return new MockResponse.Builder().code(200).setHeader("Content-Type", "application/json").body("{}").build();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> merge(Map<String, Object> into, Map<String, Object> update) {
    update.forEach((key, value) -> {
      if (key.equals("cio_subscription_preferences") && value instanceof Map<?, ?> prefs
          && into.get(key) instanceof Map<?, ?> old) {
        into.put(key, merge(new LinkedHashMap<>((Map<String, Object>) old), (Map<String, Object>) prefs));
      } else if (key.equals("channels") && value instanceof Map<?, ?> channels
          && into.get(key) instanceof Map<?, ?> old) {
        Map<String, Object> merged = new LinkedHashMap<>((Map<String, Object>) old);
        merged.putAll((Map<String, Object>) channels);
        into.put(key, merged);
      } else {
        into.put(key, value);
      }
    });
    return into;
  }

  private static MockResponse error(int status, String message) {
    return new MockResponse.Builder().code(status).setHeader("Content-Type", "application/json")
        .body("{\"meta\":{\"error\":\"" + message + "\"}}").build();
  }

  /** The Track API base URL to give the destination. */
  public HttpUrl url() {
    return server.url();
  }

  /** Queues {@code fault} for the next request that has none yet. */
  public FakeCustomerIoServer enqueueFault(Fault fault) {
    server.enqueueFault(fault);
    return this;
  }

  /** Everything written for the person with path identifier {@code identifier}, or an empty map. */
  public Map<String, Object> attributes(String identifier) {
    Map<String, Object> a = people.get(identifier);
    return a == null ? Map.of() : Map.copyOf(a);
  }

  /**
   * The person's subscription preference for {@code channel} ({@code sms}, {@code email}), or null
   * if none was written.
   */
  public @Nullable Boolean channelPreference(String identifier, String channel) {
    if (attributes(identifier).get("cio_subscription_preferences") instanceof Map<?, ?> prefs
        && prefs.get("channels") instanceof Map<?, ?> channels
        && channels.get(channel) instanceof Boolean b) {
      return b;
    }
    return null;
  }

  /** The identifiers of everyone written to, in no particular order. */
  public List<String> people() {
    return List.copyOf(people.keySet());
  }

  /** How many requests arrived (faulted and refused ones included). */
  public int requestCount() {
    return server.requestCount();
  }

  /** The next request received, waiting up to 5 seconds. */
  public RecordedRequest takeRequest() {
    return server.takeRequest();
  }

  @Override
  public void close() {
    server.close();
  }
}

package dev.outlane.ads.testing;

import dev.outlane.ads.internal.Json;
import dev.outlane.destination.Settings;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.jspecify.annotations.Nullable;

/**
 * A fake TikTok Business API segment-mapping endpoint ({@code POST /open_api/v1.3/segment/mapping/})
 * running on its own loopback MockWebServer: {@code FakeTikTokServer.start("token")}, then give
 * {@link #url()} to {@code TikTokAudienceDestination.Builder.baseUrl} and {@link #close()} it after.
 *
 * <p>Like TikTok, it answers HTTP 200 with {@code {"code","message","request_id","data"}} and reports
 * problems through a non-zero {@code code}: 40105 for a missing or wrong {@code Access-Token}
 * header; 40002 for a malformed body (no {@code advertiser_ids}, an {@code action} other than
 * {@code add}/{@code delete}, an unknown {@code id_schema} entry, more {@code batch_data} entries than
 * the limit, an inner array whose width differs from {@code id_schema}, an {@code id} that is not 64
 * lower-case hex). It remembers each audience's ids. Failures are scripted with {@link
 * #failNextWithCode} and {@link #failNextWithHttpStatus}, or with {@link #enqueueFault}. Thread-safe.
 */
public final class FakeTikTokServer extends AdFakeServer<FakeTikTokServer> {
  static final Set<String> SCHEMAS = Set.of("EMAIL_SHA256", "PHONE_SHA256", "IDFA_SHA256", "GAID_SHA256",
      "FIRST_SHA256_MAID", "IDFA_MD5", "GAID_MD5");
  static final String PATH = "/open_api/v1.3/segment/mapping/";

  private final String accessToken;
  private final int maxItems;
  private final Deque<MockResponse> failures = new ArrayDeque<>();
  private final Map<String, Set<String>> audiences = new HashMap<>();
  private long requestIds;

  private FakeTikTokServer(@Nullable String accessToken, int maxItems) {
    this.accessToken = Settings.requireText("accessToken", accessToken);
    this.maxItems = maxItems;
    // Last: the server's threads start here and see every field above.
    serve("TikTok", this::dispatch);
  }

  /**
   * Starts a fake on a free loopback port accepting {@code accessToken}, with a 1,000-entry {@code
   * batch_data} limit.
   *
   * @throws IllegalArgumentException {@code accessToken: required, was null} (or blank)
   * @throws IllegalStateException if the server cannot start
   */
  public static FakeTikTokServer start(@Nullable String accessToken) {
    return new FakeTikTokServer(accessToken, 1_000);
  }

  /**
   * Starts a fake with another {@code batch_data} limit.
   *
   * @throws IllegalArgumentException {@code accessToken: required, was null} (or blank)
   * @throws IllegalStateException if the server cannot start
   */
  public static FakeTikTokServer start(@Nullable String accessToken, int maxItemsPerRequest) {
    return new FakeTikTokServer(accessToken, maxItemsPerRequest);
  }

  /** The next request gets HTTP 200 with this non-zero code. */
  public synchronized FakeTikTokServer failNextWithCode(long code, String message) {
    failures.add(response(code, message));
    return this;
  }

  /** The next request gets this HTTP status and an empty body. */
  public synchronized FakeTikTokServer failNextWithHttpStatus(int status) {
    failures.add(new MockResponse.Builder().code(status).body("").build());
    return this;
  }

  /** The hashed ids now in the audience. */
  public synchronized Set<String> audience(String audienceId) {
    return Set.copyOf(audiences.getOrDefault(audienceId, Set.of()));
  }

  private synchronized MockResponse dispatch(RecordedRequest request) {
    if (!request.getUrl().encodedPath().equals(PATH) || !request.getMethod().equals("POST")) {
      return new MockResponse.Builder().code(404).body("").build();
    }
    if (!accessToken.equals(request.getHeaders().get("Access-Token"))) {
      return response(40105, "Access token is incorrect or has been revoked.");
    }
    MockResponse failure = failures.poll();
    if (failure != null) {
      return failure;
    }
    Map<String, Object> body = Json.object(Json.parse(FakeHttp.body(request)));
    if (body == null) {
      return response(40002, "Request body must be a JSON object.");
    }
    List<Object> advertisers = Json.array(body.get("advertiser_ids"));
    if (advertisers == null || advertisers.isEmpty()) {
      return response(40002, "advertiser_ids: Missing data for required field.");
    }
    Object action = body.get("action");
    if (!"add".equals(action) && !"delete".equals(action)) {
      return response(40002, "action: Must be one of: add, delete.");
    }
    List<Object> schema = Json.array(body.get("id_schema"));
    if (schema == null || schema.isEmpty() || !SCHEMAS.containsAll(schema)) {
      return response(40002, "id_schema: Invalid value.");
    }
    List<Object> batch = Json.array(body.get("batch_data"));
    if (batch == null || batch.isEmpty() || batch.size() > maxItems) {
      return response(40002, "batch_data: Length must be between 1 and " + maxItems + ".");
    }
    Map<String, Set<String>> changes = new HashMap<>();
    for (int i = 0; i < batch.size(); i++) {
      List<Object> user = Json.array(batch.get(i));
      if (user == null || user.size() != schema.size()) {
        return response(40002, "batch_data[" + i + "]: must have one entry per id_schema column (" + schema.size() + ").");
      }
      for (Object e : user) {
        Map<String, Object> entry = Json.object(e);
        if (entry == null) {
          return response(40002, "batch_data[" + i + "]: entries must be objects.");
        }
        if (entry.isEmpty()) {
          continue; // an unknown identifier
        }
        List<Object> ids = Json.array(entry.get("audience_ids"));
        if (!FakeHttp.isSha256Hex(entry.get("id")) || ids == null || ids.isEmpty()) {
          return response(40002, "batch_data[" + i + "]: id must be a SHA-256 hex hash with audience_ids.");
        }
        for (Object audience : ids) {
          changes.computeIfAbsent(String.valueOf(audience), k -> new LinkedHashSet<>()).add((String) entry.get("id"));
        }
      }
    }
    changes.forEach((audience, ids) -> {
      Set<String> members = audiences.computeIfAbsent(audience, k -> new LinkedHashSet<>());
      if ("add".equals(action)) {
        members.addAll(ids);
      } else {
        members.removeAll(ids);
      }
    });
    return response(0, "OK");
  }

  private MockResponse response(long code, String message) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("code", code);
    body.put("message", message);
    body.put("request_id", "fake-request-" + (++requestIds));
    body.put("data", Map.of());
    return FakeHttp.json(200, body);
  }
}

package dev.outlane.ads.testing;

import dev.outlane.ads.internal.Json;
import dev.outlane.destination.Settings;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import org.jspecify.annotations.Nullable;

/**
 * A fake Graph API for Custom Audiences ({@code /{version}/{audience_id}/users} POST and DELETE,
 * {@code /usersreplace}) and the Conversions API ({@code /{version}/{pixel_id}/events}), running on
 * its own loopback MockWebServer:
 *
 * <pre>{@code
 * try (FakeMetaServer meta = FakeMetaServer.start("token")) {
 *   MetaCustomAudienceDestination audience = MetaCustomAudienceDestination.builder()
 *       .accessToken("token").baseUrl(meta.url()).build();
 *   // … deliver …
 *   assertThat(meta.audienceEmailHashes("6001")).hasSize(1);
 * }
 * }</pre>
 *
 * <p>It validates like Meta: the {@code access_token} parameter must be present and equal to the
 * configured token (else error 190, {@code OAuthException}); {@code payload} must have a known
 * {@code schema} and rows of the same width, at most 10,000 of them (else error 100); EMAIL and
 * PHONE values must be {@code ""} or 64 lower-case hex chars, otherwise the row is counted in {@code
 * num_invalid_entries}; CAPI requests carry at most 1,000 events, each with {@code event_name},
 * {@code event_time} no more than 7 days old by the fake's clock (else the whole request fails),
 * {@code event_id} and a valid {@code action_source}. Errors use Meta's shape {@code
 * {"error":{"message","type","code","error_subcode","fbtrace_id"}}}.
 *
 * <p>It remembers each audience's rows so a test can assert the final content, or, made with
 * {@link Builder#countingOnly}, only counts them (for multi-million-member load tests). Failures are
 * scripted with {@link #failNext} and its variants (Meta's own error codes) or, as on every Outlane
 * fake, with {@link #enqueueFault}. Thread-safe: MockWebServer dispatches on its own threads.
 */
public final class FakeMetaServer extends AdFakeServer<FakeMetaServer> {
  static final Set<String> SCHEMA_KEYS = Set.of("EMAIL", "PHONE", "EXTERN_ID", "MADID", "FN", "LN", "FI", "GEN",
      "DOBY", "DOBM", "DOBD", "CT", "ST", "ZIP", "COUNTRY", "LOOKALIKE_VALUE");
  static final Set<String> HASHED_KEYS = Set.of("EMAIL", "PHONE", "FN", "LN", "FI", "GEN", "DOBY", "DOBM", "DOBD",
      "CT", "ST", "ZIP", "COUNTRY");
  static final Set<String> ACTION_SOURCES = Set.of("email", "website", "app", "phone_call", "chat", "physical_store",
      "system_generated", "business_messaging", "other");

  private final String accessToken;
  private final boolean keepMembers;
  private final Clock clock;
  private final Deque<MockResponse> failures = new ArrayDeque<>();
  private final Map<String, Set<List<String>>> audiences = new HashMap<>();
  private final Map<String, Long> added = new HashMap<>();
  private final Map<String, Long> removed = new HashMap<>();
  private final Map<Long, Set<List<String>>> replaceSessions = new HashMap<>();
  private final Map<String, List<Map<String, Object>>> events = new HashMap<>();
  private long trace;

  private FakeMetaServer(Builder b) {
    this.accessToken = b.accessToken;
    this.keepMembers = b.keepMembers;
    this.clock = b.clock;
    // Last: the server's threads start here and see every field above.
    serve("Meta", this::dispatch);
  }

  /**
   * Starts a fake on a free loopback port that accepts {@code accessToken} and remembers every
   * audience's rows.
   *
   * @throws IllegalArgumentException {@code accessToken: required, was null} (or blank)
   * @throws IllegalStateException if the server cannot start
   */
  public static FakeMetaServer start(@Nullable String accessToken) {
    return builder(accessToken).start();
  }

  /**
   * A builder for a fake that accepts {@code accessToken}, for a clock or counting only.
   *
   * @throws IllegalArgumentException {@code accessToken: required, was null} (or blank)
   */
  public static Builder builder(@Nullable String accessToken) {
    return new Builder(accessToken);
  }

  /** Configures a {@link FakeMetaServer}. Not thread-safe. */
  public static final class Builder {
    private final String accessToken;
    private boolean keepMembers = true;
    private Clock clock = Clock.systemUTC();

    private Builder(@Nullable String accessToken) {
      this.accessToken = Settings.requireText("accessToken", accessToken);
    }

    /**
     * The clock CAPI event age is measured with (default the system UTC clock).
     *
     * @throws IllegalArgumentException if null
     */
    public Builder clock(@Nullable Clock clock) {
      this.clock = Settings.require("clock", clock);
      return this;
    }

    /** Validate and count rows but keep no membership, so memory stays flat (load tests). */
    public Builder countingOnly() {
      this.keepMembers = false;
      return this;
    }

    /**
     * Starts the fake on a free loopback port.
     *
     * @throws IllegalStateException if the server cannot start
     */
    public FakeMetaServer start() {
      return new FakeMetaServer(this);
    }
  }

  // ------------------------------------------------------------------ scripting

  /** The next request gets this error instead of being processed. */
  public synchronized FakeMetaServer failNext(int httpStatus, long code, @Nullable Long subcode, String message) {
    failures.add(error(httpStatus, code, subcode, code == 190 ? "OAuthException" : "OAuthException", message, null));
    return this;
  }

  /** The next request is throttled (e.g. code 17, or 80004, or 613). */
  public FakeMetaServer failNextWithRateLimit(long code, @Nullable Long subcode) {
    return failNext(400, code, subcode, "(#" + code + ") User request limit reached");
  }

  /** The next request is refused as if the token had expired (code 190, subcode 463). */
  public FakeMetaServer failNextWithExpiredToken() {
    return failNext(400, 190, 463L, "Error validating access token: Session has expired.");
  }

  /** The next request gets a bare 5xx. */
  public synchronized FakeMetaServer failNextWithServerError(int httpStatus) {
    failures.add(new MockResponse.Builder().code(httpStatus).body("").build());
    return this;
  }

  /** The next request's connection is dropped before any response: the client sees an I/O error. */
  public synchronized FakeMetaServer failNextWithDisconnect() {
    failures.add(new MockResponse.Builder().onResponseStart(SocketEffect.ShutdownConnection.INSTANCE).build());
    return this;
  }

  // ------------------------------------------------------------------ assertions

  /** The rows ({@code [EMAIL, PHONE, EXTERN_ID]} as sent) now in the audience. */
  public synchronized Set<List<String>> audience(String audienceId) {
    requireKeeping();
    return Set.copyOf(audiences.getOrDefault(audienceId, Set.of()));
  }

  /** The non-empty EMAIL hashes now in the audience. */
  public synchronized Set<String> audienceEmailHashes(String audienceId) {
    requireKeeping();
    return audiences.getOrDefault(audienceId, Set.of()).stream().map(r -> r.get(0)).filter(s -> !s.isEmpty())
        .collect(Collectors.toUnmodifiableSet());
  }

  /** Valid rows received by adds to the audience. */
  public synchronized long rowsAdded(String audienceId) {
    return added.getOrDefault(audienceId, 0L);
  }

  /** Valid rows received by removes from the audience. */
  public synchronized long rowsRemoved(String audienceId) {
    return removed.getOrDefault(audienceId, 0L);
  }

  /** CAPI events received for the pixel, as parsed JSON objects. */
  public synchronized List<Map<String, Object>> events(String pixelId) {
    return List.copyOf(events.getOrDefault(pixelId, List.of()));
  }

  private void requireKeeping() {
    if (!keepMembers) {
      throw new IllegalStateException("this FakeMetaServer counts only; build it without countingOnly() to keep members");
    }
  }

  // ------------------------------------------------------------------ dispatch

  private synchronized MockResponse dispatch(RecordedRequest request) {
    List<String> path = request.getUrl().pathSegments();
    if (path.size() != 3 || !path.get(0).matches("v\\d+\\.\\d+")) {
      return error(400, 2500, null, "OAuthException", "Unknown path components: " + request.getUrl().encodedPath(), null);
    }
    Map<String, String> params = FakeHttp.params(request);
    String token = params.get("access_token");
    if (token == null) {
      return error(400, 2500, null, "OAuthException", "An active access token must be used to query information.", null);
    }
    if (!token.equals(accessToken)) {
      return error(400, 190, null, "OAuthException", "Invalid OAuth access token - Cannot parse access token", null);
    }
    MockResponse failure = failures.poll();
    if (failure != null) {
      return failure;
    }
    String id = path.get(1);
    String edge = path.get(2);
    String method = request.getMethod();
    if (edge.equals("users") && (method.equals("POST") || method.equals("DELETE"))) {
      return users(id, method.equals("POST"), params);
    }
    if (edge.equals("usersreplace") && method.equals("POST")) {
      return usersReplace(id, params);
    }
    if (edge.equals("events") && method.equals("POST")) {
      return events(id, params);
    }
    return error(400, 100, null, "GraphMethodException", "Unsupported " + method + " request on edge " + edge, null);
  }

  /** The valid rows of a payload and how many rows it had. */
  private record Parsed(List<List<String>> rows, int received) {}

  /** Parsed and checked payload rows, or an error response. */
  private Object rows(Map<String, String> params) {
    String payloadText = params.get("payload");
    if (payloadText == null) {
      return error(400, 100, null, "OAuthException", "(#100) The parameter payload is required", null);
    }
    Map<String, Object> payload = Json.object(Json.parse(payloadText));
    List<Object> schema = Json.array(payload == null ? null : payload.get("schema"));
    List<Object> data = Json.array(payload == null ? null : payload.get("data"));
    if (schema == null || schema.isEmpty() || data == null) {
      return error(400, 100, null, "OAuthException", "(#100) payload must have a schema and data", null);
    }
    for (Object key : schema) {
      if (!SCHEMA_KEYS.contains(key)) {
        return error(400, 100, null, "OAuthException", "(#100) Invalid schema key: " + key, null);
      }
    }
    if (data.size() > 10_000) {
      return error(400, 100, 1870050L, "OAuthException",
          "(#100) Too many users in one request: " + data.size() + " (at most 10000)", null);
    }
    List<List<String>> valid = new ArrayList<>(data.size() + 1);
    for (int r = 0; r < data.size(); r++) {
      List<Object> row = Json.array(data.get(r));
      if (row == null || row.size() != schema.size()) {
        return error(400, 100, null, "OAuthException", "(#100) Row " + r + " has "
            + (row == null ? 0 : row.size()) + " values but the schema has " + schema.size(), null);
      }
      boolean ok = true;
      boolean any = false;
      List<String> values = new ArrayList<>(row.size());
      for (int c = 0; c < row.size(); c++) {
        String v = row.get(c) == null ? "" : row.get(c).toString();
        if (!v.isEmpty()) {
          any = true;
          if (HASHED_KEYS.contains(schema.get(c)) && !FakeHttp.isSha256Hex(v)) {
            ok = false;
          }
        }
        values.add(v);
      }
      if (ok && any) {
        valid.add(values);
      }
    }
    return new Parsed(valid, data.size());
  }

  private MockResponse users(String audienceId, boolean add, Map<String, String> params) {
    Object parsed = rows(params);
    if (parsed instanceof MockResponse) {
      return (MockResponse) parsed;
    }
    List<List<String>> rows = ((Parsed) parsed).rows();
    int received = ((Parsed) parsed).received();
    (add ? added : removed).merge(audienceId, (long) rows.size(), Long::sum);
    if (keepMembers) {
      Set<List<String>> members = audiences.computeIfAbsent(audienceId, k -> new LinkedHashSet<>());
      if (add) {
        members.addAll(rows);
      } else {
        rows.forEach(members::remove);
      }
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("audience_id", audienceId);
    body.put("session_id", Long.toString(++trace));
    body.put("num_received", received);
    body.put("num_invalid_entries", received - rows.size());
    body.put("invalid_entry_samples", Map.of());
    return FakeHttp.json(200, body);
  }

  private MockResponse usersReplace(String audienceId, Map<String, String> params) {
    Map<String, Object> session = Json.object(Json.parse(Objects.requireNonNullElse(params.get("session"), "")));
    Long sessionId = Json.longValue(session, "session_id");
    Long seq = Json.longValue(session, "batch_seq");
    Object last = session == null ? null : session.get("last_batch_flag");
    if (sessionId == null || seq == null || !(last instanceof Boolean)) {
      return error(400, 100, null, "OAuthException",
          "(#100) session must have session_id, batch_seq and last_batch_flag", null);
    }
    Object parsed = rows(params);
    if (parsed instanceof MockResponse) {
      return (MockResponse) parsed;
    }
    List<List<String>> rows = ((Parsed) parsed).rows();
    int received = ((Parsed) parsed).received();
    if (seq == 1) {
      replaceSessions.put(sessionId, new LinkedHashSet<>());
    }
    Set<List<String>> staged = replaceSessions.get(sessionId);
    if (staged == null) {
      return error(400, 100, null, "OAuthException", "(#100) Unknown session_id; batch_seq must start at 1", null);
    }
    staged.addAll(rows);
    if ((Boolean) last) {
      replaceSessions.remove(sessionId);
      added.merge(audienceId, (long) staged.size(), Long::sum);
      if (keepMembers) {
        audiences.put(audienceId, staged);
      }
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("account_id", "act_0");
    body.put("session_id", sessionId.toString());
    body.put("num_received", received);
    body.put("num_invalid_entries", received - rows.size());
    body.put("invalid_entry_samples", Map.of());
    return FakeHttp.json(200, body);
  }

  private MockResponse events(String pixelId, Map<String, String> params) {
    List<Object> data = Json.array(Json.parse(Objects.requireNonNullElse(params.get("data"), "")));
    if (data == null || data.isEmpty()) {
      return error(400, 100, null, "OAuthException", "(#100) The parameter data is required", null);
    }
    if (data.size() > 1_000) {
      return error(400, 100, null, "OAuthException", "(#100) Too many events in one request: " + data.size()
          + " (at most 1000)", null);
    }
    long oldest = clock.instant().minus(Duration.ofDays(7)).getEpochSecond();
    List<Map<String, Object>> accepted = new ArrayList<>();
    for (int i = 0; i < data.size(); i++) {
      Map<String, Object> event = Json.object(data.get(i));
      Long time = Json.longValue(event, "event_time");
      if (event == null || Json.string(event, "event_name") == null || time == null
          || Json.string(event, "event_id") == null) {
        return error(400, 100, null, "OAuthException", "(#100) event " + i + " needs event_name, event_time and event_id", null);
      }
      if (!ACTION_SOURCES.contains(Json.string(event, "action_source"))) {
        return error(400, 100, 2804050L, "OAuthException", "(#100) event " + i + " has an invalid action_source", null);
      }
      if (time < oldest) {
        return error(400, 100, 2804003L, "OAuthException", "(#100) Invalid parameter",
            "Event Timestamp Too Old: event " + i + " is more than 7 days old");
      }
      Map<String, Object> user = Json.object(event, "user_data");
      for (String key : new String[] {"em", "ph", "external_id"}) {
        List<Object> values = Json.array(user == null ? null : user.get(key));
        if (values != null && !values.stream().allMatch(FakeHttp::isSha256Hex)) {
          return error(400, 100, 2804008L, "OAuthException", "(#100) user_data." + key + " must be SHA-256 hex", null);
        }
      }
      accepted.add(event);
    }
    if (keepMembers) {
      events.computeIfAbsent(pixelId, k -> new ArrayList<>()).addAll(accepted);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("events_received", accepted.size());
    body.put("messages", List.of());
    body.put("fbtrace_id", "fake-trace-" + (++trace));
    return FakeHttp.json(200, body);
  }

  private MockResponse error(int status, long code, @Nullable Long subcode, String type, String message,
      @Nullable String userTitle) {
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("message", message);
    error.put("type", type);
    error.put("code", code);
    if (subcode != null) {
      error.put("error_subcode", subcode);
    }
    if (userTitle != null) {
      error.put("error_user_title", userTitle);
    }
    error.put("fbtrace_id", "fake-trace-" + (++trace));
    return FakeHttp.json(status, Map.of("error", error));
  }
}

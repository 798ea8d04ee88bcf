package dev.outlane.ads.testing;

import dev.outlane.http.testing.FaultInjectingServer;
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
 * A fake Data Manager API ({@code POST /v1/audienceMembers:ingest} and {@code :remove}) running on
 * its own loopback MockWebServer: {@code FakeGoogleDataManagerServer.start("token")}, then give
 * {@link #url()} to {@code GoogleDataManagerDestination.Builder.baseUrl} and {@link #close()} it after.
 *
 * <p>It validates like Google: {@code Authorization: Bearer <token>} (else 401 {@code
 * UNAUTHENTICATED}); at least one destination with {@code operatingAccount} and {@code
 * productDestinationId}; 1–10,000 {@code audienceMembers} ({@code TOO_MANY_AUDIENCE_MEMBERS}); 1–10
 * {@code userIdentifiers} per member ({@code TOO_MANY_USER_IDENTIFIERS}); {@code encoding: HEX} and
 * 64 lower-case hex values ({@code INVALID_SHA256_FORMAT}). Errors use Google's shape {@code
 * {"error":{"code","message","status","details":[{"@type":…ErrorInfo,"reason"}]}}}. It remembers
 * each audience's identifiers. Failures are scripted with {@link #failNext} and {@link
 * #failNextWithQuotaExhausted}, or with {@link #enqueueFault}. Thread-safe.
 */
public final class FakeGoogleDataManagerServer extends AdFakeServer<FakeGoogleDataManagerServer> {
  private final String accessToken;
  private final Deque<MockResponse> failures = new ArrayDeque<>();
  private final Map<String, Set<String>> audiences = new HashMap<>();
  private long requestIds;

  private FakeGoogleDataManagerServer(@Nullable String accessToken) {
    this.accessToken = Settings.requireText("accessToken", accessToken);
    // Last: the server's threads start here and see every field above.
    serve("Google Data Manager", new FaultInjectingServer.Answers() {
      @Override
      public MockResponse handle(RecordedRequest request) {
        return dispatch(request);
      }

      @Override
      public MockResponse status(int status) {
        return error(status, status >= 500 ? "UNAVAILABLE" : "INVALID_ARGUMENT", "The service is currently unavailable.",
            null);
      }

      @Override
      public MockResponse tooManyRequests() {
        return error(429, "RESOURCE_EXHAUSTED", "Quota exceeded.", "RESOURCE_EXHAUSTED");
      }
    });
  }

  /**
   * Starts a fake on a free loopback port accepting the OAuth access token {@code accessToken}.
   *
   * @throws IllegalArgumentException {@code accessToken: required, was null} (or blank)
   * @throws IllegalStateException if the server cannot start
   */
  public static FakeGoogleDataManagerServer start(@Nullable String accessToken) {
    return new FakeGoogleDataManagerServer(accessToken);
  }

  /** The next request gets this error. */
  public synchronized FakeGoogleDataManagerServer failNext(int httpStatus, String status, String message) {
    failures.add(error(httpStatus, status, message, null));
    return this;
  }

  /** The next request gets 429 {@code RESOURCE_EXHAUSTED} with {@code Retry-After: seconds}. */
  public synchronized FakeGoogleDataManagerServer failNextWithQuotaExhausted(long retryAfterSeconds) {
    MockResponse r = error(429, "RESOURCE_EXHAUSTED", "Quota exceeded for quota metric 'IngestionMutateRequestsPerMinutePerProject'.", "RESOURCE_EXHAUSTED");
    failures.add(r.newBuilder().setHeader("Retry-After", retryAfterSeconds).build());
    return this;
  }

  /** The identifiers now in the audience: {@code "email:<hash>"} and {@code "phone:<hash>"}. */
  public synchronized Set<String> audience(String productDestinationId) {
    return Set.copyOf(audiences.getOrDefault(productDestinationId, Set.of()));
  }

  private synchronized MockResponse dispatch(RecordedRequest request) {
    String path = request.getUrl().encodedPath();
    boolean ingest = path.equals("/v1/audienceMembers:ingest");
    if ((!ingest && !path.equals("/v1/audienceMembers:remove")) || !request.getMethod().equals("POST")) {
      return error(404, "NOT_FOUND", "Method not found.", null);
    }
    if (!("Bearer " + accessToken).equals(request.getHeaders().get("Authorization"))) {
      return error(401, "UNAUTHENTICATED", "Request had invalid authentication credentials. Expected OAuth 2 access token.", null);
    }
    MockResponse failure = failures.poll();
    if (failure != null) {
      return failure;
    }
    Map<String, Object> body = Json.object(Json.parse(FakeHttp.body(request)));
    List<Object> destinations = Json.array(body == null ? null : body.get("destinations"));
    if (destinations == null || destinations.isEmpty()) {
      return invalid("destinations is required.", "REQUIRED_FIELD_MISSING");
    }
    if (destinations.size() > 10) {
      return invalid("At most 10 destinations per request.", "TOO_MANY_DESTINATIONS");
    }
    for (Object d : destinations) {
      Map<String, Object> dest = Json.object(d);
      Map<String, Object> account = Json.object(dest, "operatingAccount");
      if (account == null || Json.string(account, "accountType") == null || Json.string(account, "accountId") == null
          || Json.string(dest, "productDestinationId") == null) {
        return invalid("Each destination needs operatingAccount and productDestinationId.", "INVALID_DESTINATION");
      }
    }
    List<Object> members = Json.array(body.get("audienceMembers"));
    if (members == null || members.isEmpty()) {
      return invalid("audienceMembers is required.", "REQUIRED_FIELD_MISSING");
    }
    if (members.size() > 10_000) {
      return invalid("Maximum number of audience members allowed per request is 10,000.", "TOO_MANY_AUDIENCE_MEMBERS");
    }
    if (!"HEX".equals(body.get("encoding"))) {
      return invalid("encoding must be HEX for these uploads.", "INVALID_ENUM_VALUE");
    }
    Set<String> ids = new LinkedHashSet<>();
    for (Object m : members) {
      Map<String, Object> userData = Json.object(Json.object(m), "userData");
      List<Object> identifiers = Json.array(userData == null ? null : userData.get("userIdentifiers"));
      if (identifiers == null || identifiers.isEmpty()) {
        return invalid("Each audience member needs userData.userIdentifiers.", "INVALID_AUDIENCE_MEMBER");
      }
      if (identifiers.size() > 10) {
        return invalid("Maximum number of user identifiers allowed per audience member is 10.", "TOO_MANY_USER_IDENTIFIERS");
      }
      for (Object i : identifiers) {
        Map<String, Object> identifier = Json.object(i);
        String email = Json.string(identifier, "emailAddress");
        String phone = Json.string(identifier, "phoneNumber");
        String value = email != null ? email : phone;
        if (value == null || !FakeHttp.isSha256Hex(value)) {
          return invalid("The SHA256 encoded value is malformed.", "INVALID_SHA256_FORMAT");
        }
        ids.add((email != null ? "email:" : "phone:") + value);
      }
    }
    for (Object d : destinations) {
      String audience = Json.string(Json.object(d), "productDestinationId");
      Set<String> content = audiences.computeIfAbsent(audience, k -> new LinkedHashSet<>());
      if (ingest) {
        content.addAll(ids);
      } else {
        content.removeAll(ids);
      }
    }
    return FakeHttp.json(200, Map.of("requestId", "fake-request-" + (++requestIds)));
  }

  private MockResponse invalid(String message, String reason) {
    return error(400, "INVALID_ARGUMENT", message, reason);
  }

  private static MockResponse error(int code, String status, String message, @Nullable String reason) {
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("code", code);
    error.put("message", message);
    error.put("status", status);
    if (reason != null) {
      error.put("details", List.of(Map.of("@type", "type.googleapis.com/google.rpc.ErrorInfo", "reason", reason,
          "domain", "datamanager.googleapis.com")));
    }
    return FakeHttp.json(code, Map.of("error", error));
  }
}

package dev.outlane.ads.meta;

import com.squareup.moshi.JsonWriter;
import dev.outlane.ads.internal.Batches;
import dev.outlane.ads.internal.Form;
import dev.outlane.ads.internal.Json;
import dev.outlane.contract.AudienceAction;
import dev.outlane.destination.Channel;
import dev.outlane.destination.DeliveryItem;
import dev.outlane.destination.Destination;
import dev.outlane.destination.DestinationLimits;
import dev.outlane.destination.Outcome;
import dev.outlane.destination.Settings;
import dev.outlane.http.Exchange;
import dev.outlane.http.HttpCaller;
import dev.outlane.http.HttpDestinationBuilder;
import dev.outlane.http.HttpSettings;
import dev.outlane.http.RateLimitedDestinationBuilder;
import dev.outlane.http.HttpClassifier;
import dev.outlane.hashing.HashedIdentity;
import dev.outlane.hashing.HashingProfile;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okio.Buffer;
import org.jspecify.annotations.Nullable;

/**
 * Adds people to and removes them from a Meta Custom Audience: {@code POST /{version}/{audience_id}/users}
 * adds, {@code DELETE} on the same edge removes, and {@link #replace} swaps the whole membership
 * through {@code usersreplace}. The audience id is the {@link DeliveryItem#target()} the route gives;
 * a batch is split into one request per audience and action, each of at most 10,000 rows.
 *
 * <p><b>Payload.</b> {@code payload={"schema":["EMAIL","PHONE","EXTERN_ID"],"data":[[email_sha256,
 * phone_sha256, extern_id],…]}} with {@code ""} for an unknown key; EMAIL and PHONE are hashed with
 * {@link HashingProfile#META}, EXTERN_ID is sent unhashed (Meta's rule). Sent form-encoded with the
 * {@code access_token} in the body, not the URL, so proxies and access logs never see it; the token
 * is never logged or put in an outcome.
 *
 * <p><b>Outcomes.</b> {@code num_received} / {@code num_invalid_entries} become {@link
 * Outcome.Delivered#received()} / {@code matched} (= received − invalid), distributed over the
 * request's items so that their sums are the request's totals. Rate limits (codes 4, 17, 32, 613,
 * 80000–80014, subcodes 2446079, 1487742) are {@link Outcome.Retryable} after the {@linkplain
 * Builder#rateLimitBackoff backoff}; code 190 (invalid or expired token) is {@link Outcome.Rejected}
 * with a reason that says so; 5xx, transient errors and I/O failures are retryable, since adding or
 * removing twice is harmless; other errors are rejected with Meta's code and message.
 *
 * <p>Thread-safe; {@link #deliver} blocks the calling thread for the HTTP calls.
 */
public final class MetaCustomAudienceDestination implements Destination {
  /** Meta's per-request limit for audience users. Source: Marketing API, Custom Audience Users. */
  public static final int MAX_ROWS_PER_REQUEST = 10_000;
  /**
   * The Graph API version used unless {@link Builder#graphVersion} says otherwise. A setting, not a
   * fact: Meta retires versions about two years after release.
   */
  public static final String DEFAULT_GRAPH_VERSION = "v24.0";
  public static final String DEFAULT_BASE_URL = "https://graph.facebook.com/";
  static final List<String> SCHEMA = List.of("EMAIL", "PHONE", "EXTERN_ID");
  static final Pattern GRAPH_VERSION = Pattern.compile("v\\d+\\.\\d+");
  static final Pattern DIGITS = Pattern.compile("\\d+");
  /** A Graph API path starts with its version, {@code v24.0}; a base URL must not hold one. */
  private static final Pattern VERSION_SEGMENT = Pattern.compile("v\\d+(\\.\\d+)?");

  private final String name;
  private final String accessToken;
  private final String graphVersion;
  private final HttpUrl baseUrl;
  private final HttpCaller http;
  private final HttpClassifier classifier;
  private final int maxRows;
  private final Duration rateLimitBackoff;
  private final boolean sendExternId;
  private final LongSupplier sessionIds;
  private final Clock clock;

  private MetaCustomAudienceDestination(Builder b, HttpSettings s) {
    this.name = s.name();
    this.accessToken = Objects.requireNonNull(b.accessToken);
    this.graphVersion = b.graphVersion;
    this.baseUrl = s.baseUrl();
    this.http = s.caller(null);
    this.maxRows = b.maxRows;
    this.rateLimitBackoff = Objects.requireNonNull(s.rateLimitBackoff());
    this.sendExternId = b.sendExternId;
    this.sessionIds = b.sessionIds;
    this.clock = s.clock();
    this.classifier = s.classifier("Meta").idempotent(true)
        .resendNote("audience changes are idempotent, so safe to resend").build();
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Channel channel() {
    return Channel.ADS;
  }

  @Override
  public DestinationLimits limits() {
    return DestinationLimits.ofItems(maxRows);
  }

  /** Adding or removing the same person twice is a no-op at Meta. */
  @Override
  public boolean idempotent() {
    return true;
  }

  @Override
  public HashingProfile hashingProfile() {
    return HashingProfile.META;
  }

  @Override
  public List<Outcome> deliver(List<DeliveryItem> batch) {
    Outcome[] outcomes = new Outcome[batch.size()];
    for (int i = 0; i < batch.size(); i++) {
      DeliveryItem item = batch.get(i);
      if (item.target() == null || item.target().isBlank()) {
        outcomes[i] = Outcome.rejected(null, "target: the route names no Meta audience id");
      } else if (row(item.hashed()) == null) {
        outcomes[i] = Outcome.rejected(null, "no identifier: the item has no hashed email, phone or external id");
      }
    }
    Map<String, List<Integer>> groups = Batches.group(batch.size(),
        i -> outcomes[i] == null ? batch.get(i).target() + "\u0000" + batch.get(i).action().name() : null);
    for (List<Integer> group : groups.values()) {
      DeliveryItem first = batch.get(group.get(0));
      for (List<Integer> slice : Batches.slices(group, maxRows)) {
        List<String[]> rows = new ArrayList<>(slice.size());
        for (int i : slice) {
          rows.add(Objects.requireNonNull(row(batch.get(i).hashed())));
        }
        send(Objects.requireNonNull(first.target()), first.action(), rows, slice, outcomes);
      }
    }
    return Arrays.asList(outcomes);
  }

  private String @Nullable [] row(@Nullable HashedIdentity h) {
    if (h == null) {
      return null;
    }
    String email = h.emailSha256() == null ? "" : h.emailSha256();
    String phone = h.phoneSha256() == null ? "" : h.phoneSha256();
    String extern = sendExternId ? h.externalId().strip() : "";
    if (email.isEmpty() && phone.isEmpty() && extern.isEmpty()) {
      return null;
    }
    return new String[] {email, phone, extern};
  }

  private void send(String audienceId, AudienceAction.Action action, List<String[]> rows, List<Integer> slice,
      Outcome[] outcomes) {
    okhttp3.RequestBody body = new Form()
        .add("payload", payloadJson(rows))
        .add("access_token", accessToken)
        .build();
    Request request = new Request.Builder()
        .url(url(audienceId, "users"))
        .method(action == AudienceAction.Action.ADD ? "POST" : "DELETE", body)
        .build();
    Outcome failure;
    Exchange exchange = http.execute(request);
    if (exchange instanceof Exchange.Answered result) {
      if (result.successful()) {
        Map<String, Object> json = Json.object(Json.parse(result.body()));
        Long received = Json.longValue(json, "num_received");
        Long invalid = Json.longValue(json, "num_invalid_entries");
        String reference = Json.string(json, "session_id");
        long r = received == null ? rows.size() : received;
        long matched = r - (invalid == null ? 0 : invalid);
        for (int k = 0; k < slice.size(); k++) {
          outcomes[slice.get(k)] = new Outcome.Delivered(reference, k < r ? 1L : 0L, k < matched ? 1L : 0L);
        }
        return;
      }
      failure = classifier.withError(
          MetaErrors.classify(result, classifier.retryAfter(result), rateLimitBackoff, accessToken), result);
    } else {
      failure = classifier.classify(exchange);
    }
    for (int i : slice) {
      outcomes[i] = failure;
    }
  }

  private HttpUrl url(String objectId, String edge) {
    return baseUrl.newBuilder().addPathSegment(graphVersion).addPathSegment(objectId).addPathSegment(edge).build();
  }

  private static String payloadJson(List<String[]> rows) {
    Buffer buffer = new Buffer();
    try (JsonWriter w = JsonWriter.of(buffer)) {
      w.beginObject();
      w.name("schema").beginArray();
      for (String s : SCHEMA) {
        w.value(s);
      }
      w.endArray();
      w.name("data").beginArray();
      for (String[] row : rows) {
        w.beginArray();
        for (String v : row) {
          w.value(v);
        }
        w.endArray();
      }
      w.endArray();
      w.endObject();
    } catch (IOException e) {
      throw new IllegalStateException("writing to a Buffer cannot fail", e);
    }
    return buffer.readUtf8();
  }

  /**
   * What {@link #replace} did.
   *
   * @param sessionId the upload session id
   * @param batches requests sent
   * @param received Meta's {@code num_received} summed
   * @param invalid Meta's {@code num_invalid_entries} summed
   */
  public record ReplaceResult(long sessionId, int batches, long received, long invalid) {}

  /**
   * Replaces the audience's whole membership with {@code members} through {@code POST
   * /{version}/{audience_id}/usersreplace}, in requests of at most 10,000 rows sharing one {@code
   * session} ({@code session_id}, {@code batch_seq} from 1, {@code last_batch_flag} on the last,
   * {@code estimated_num_total}). Meta requires the whole session to finish within 90 minutes; a
   * failed session is not resumable, so call again from the start. Runs on the caller's thread.
   *
   * @param estimatedTotal the expected number of members (Meta uses it for progress), or 0 if unknown
   * @throws MetaApiException if a request fails; {@link MetaApiException#retryable()} says whether
   *     to try the whole replace again later
   * @throws IllegalArgumentException if {@code members} is empty (that would empty the audience; use
   *     removes for that)
   */
  public ReplaceResult replace(String audienceId, Iterator<HashedIdentity> members, long estimatedTotal) {
    if (audienceId.isBlank()) {
      throw new IllegalArgumentException("audienceId: must not be blank");
    }
    List<String[]> current = nextRows(members);
    if (current.isEmpty()) {
      throw new IllegalArgumentException("members: replace needs at least one member with an identifier");
    }
    long sessionId = sessionIds.getAsLong();
    int seq = 0;
    long received = 0;
    long invalid = 0;
    while (!current.isEmpty()) {
      List<String[]> next = nextRows(members);
      seq++;
      boolean last = next.isEmpty();
      String session = "{\"session_id\":" + sessionId + ",\"batch_seq\":" + seq + ",\"last_batch_flag\":" + last
          + (estimatedTotal > 0 ? ",\"estimated_num_total\":" + estimatedTotal : "") + "}";
      okhttp3.RequestBody body = new Form()
          .add("payload", payloadJson(current))
          .add("session", session)
          .add("access_token", accessToken)
          .build();
      Request request = new Request.Builder().url(url(audienceId, "usersreplace")).post(body).build();
      Exchange exchange = http.execute(request);
      if (exchange instanceof Exchange.Answered result) {
        if (!result.successful()) {
          Outcome o = MetaErrors.classify(result, classifier.retryAfter(result), rateLimitBackoff, accessToken);
          if (o instanceof Outcome.Retryable) {
            Outcome.Retryable r = (Outcome.Retryable) o;
            throw new MetaApiException("usersreplace batch " + seq + " failed: " + r.reason(), r.code(), true);
          }
          Outcome.Rejected r = (Outcome.Rejected) o;
          throw new MetaApiException("usersreplace batch " + seq + " failed: " + r.reason(), r.code(), false);
        }
        Map<String, Object> json = Json.object(Json.parse(result.body()));
        Long n = Json.longValue(json, "num_received");
        Long bad = Json.longValue(json, "num_invalid_entries");
        received += n == null ? current.size() : n;
        invalid += bad == null ? 0 : bad;
      } else {
        throw new MetaApiException("usersreplace batch " + seq + " failed: I/O error ("
            + ((Exchange.Failed) exchange).describe() + ")", null, true);
      }
      current = next;
    }
    return new ReplaceResult(sessionId, seq, received, invalid);
  }

  private List<String[]> nextRows(Iterator<HashedIdentity> members) {
    List<String[]> rows = new ArrayList<>();
    while (rows.size() < maxRows && members.hasNext()) {
      String[] row = row(members.next());
      if (row != null) {
        rows.add(row);
      }
    }
    return rows;
  }

  /**
   * Releases the OkHttp threads and connections if this destination created its own client; a
   * client passed to {@link Builder#okHttpClient} is left to its owner.
   */
  @Override
  public void close() {
    http.close();
  }

  /** The client requests go through; for tests of {@link #close()}. */
  OkHttpClient httpClient() {
    return http.client();
  }

  /** Never prints the token. */
  @Override
  public String toString() {
    return "MetaCustomAudienceDestination{name=" + name + ", graphVersion=" + graphVersion + ", baseUrl=" + baseUrl + "}";
  }

  /** The base URL check both Meta destinations share: the version and object follow its path. */
  /** Meta's base URL form, shared by both Meta destinations. */
  static final HttpDestinationBuilder.BaseUrlRule BASE_URL_RULE = new HttpDestinationBuilder.BaseUrlRule(
      DEFAULT_BASE_URL, "https://graph.facebook.com", VERSION_SEGMENT, "/v24.0/…");

  /**
   * Configures a {@link MetaCustomAudienceDestination}, following {@link Settings}' rule: setters
   * check values at once and throw {@link IllegalArgumentException} naming the setting and the reason
   * ({@code accessToken: required, was null}); {@link #build()} throws {@link IllegalStateException}
   * for a required setting never set. Messages never repeat a value. Not thread-safe.
   *
   * <p>The shared settings ({@link RateLimitedDestinationBuilder}): {@code rateLimitBackoff}
   * defaults to 1 minute; {@code name} defaults to {@code
   * meta-custom-audience}; {@code baseUrl} to {@link #DEFAULT_BASE_URL}, and the version, audience and edge follow it.
   */
  public static final class Builder extends RateLimitedDestinationBuilder<Builder> {
    private @Nullable String accessToken;
    private String graphVersion = DEFAULT_GRAPH_VERSION;
    private int maxRows = MAX_ROWS_PER_REQUEST;
    private boolean sendExternId = true;
    private LongSupplier sessionIds = () -> ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);

    private Builder() {
      super("meta-custom-audience", BASE_URL_RULE, Duration.ofMinutes(1));
    }

    /**
     * A system-user access token with {@code ads_management}. Required. Never logged.
     *
     * @throws IllegalArgumentException if null or blank
     */
    public Builder accessToken(@Nullable String accessToken) {
      this.accessToken = Settings.requireText("accessToken", accessToken);
      return this;
    }

    /**
     * The Graph API version, {@code v<major>.<minor>} (default {@link #DEFAULT_GRAPH_VERSION}).
     *
     * @throws IllegalArgumentException if null, blank or not of that form
     */
    public Builder graphVersion(@Nullable String graphVersion) {
      this.graphVersion = Settings.requireMatch("graphVersion", graphVersion, GRAPH_VERSION, "a version like v24.0");
      return this;
    }

    /**
     * Rows per request, 1–10,000 (default 10,000).
     *
     * @throws IllegalArgumentException if out of range
     */
    public Builder maxRowsPerRequest(int maxRows) {
      if (maxRows < 1 || maxRows > MAX_ROWS_PER_REQUEST) {
        throw new IllegalArgumentException("maxRowsPerRequest: must be 1–10000, was " + maxRows);
      }
      this.maxRows = maxRows;
      return this;
    }

    /** Whether to send the customer id as EXTERN_ID (default true). */
    public Builder sendExternId(boolean sendExternId) {
      this.sendExternId = sendExternId;
      return this;
    }

    /**
     * Where {@link #replace} session ids come from (default random); for tests.
     *
     * @throws IllegalArgumentException if null
     */
    public Builder sessionIds(@Nullable LongSupplier sessionIds) {
      this.sessionIds = Settings.require("sessionIds", sessionIds);
      return this;
    }

    /**
     * Builds the destination.
     *
     * @throws IllegalStateException {@code accessToken: required, was not set}
     */
    public MetaCustomAudienceDestination build() {
      Settings.requireSet("accessToken", accessToken);
      return new MetaCustomAudienceDestination(this, httpSettings());
    }
  }
}

package dev.outlane.ads.tiktok;

import com.squareup.moshi.JsonWriter;
import dev.outlane.ads.internal.Batches;
import dev.outlane.ads.internal.Http;
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
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okio.Buffer;
import org.jspecify.annotations.Nullable;

/**
 * Adds people to and removes them from TikTok audiences through the Business API's segment mapping:
 * {@code POST /open_api/v1.3/segment/mapping/} with header {@code Access-Token} and body {@code
 * {"advertiser_ids":[…],"action":"add"|"delete","id_schema":["EMAIL_SHA256","PHONE_SHA256"],
 * "batch_data":[[{"id":email_sha256,"audience_ids":[audience]},{"id":phone_sha256,…}],…]}}: one
 * inner array per person, one entry per schema column, {@code {}} for an unknown identifier (the
 * convention of Segment's TikTok Audiences destination). The audience id is the item's {@code
 * target}.
 *
 * <p><b>Success</b> is HTTP 200 <em>and</em> {@code "code": 0} in the body: TikTok reports most
 * errors with HTTP 200 and a non-zero code.
 *
 * <p><b>Unconfirmed facts, therefore configurable.</b> TikTok does not publish the per-request limit
 * of this endpoint ({@link Builder#maxItemsPerRequest}, default 1,000, what other integrations use),
 * and public sources disagree on its return codes. Defaults: {@value #DEFAULT_RATE_LIMIT_CODES_DOC}
 * are rate limits and {@value #DEFAULT_SERVER_CODES_DOC} server errors (both {@link
 * Outcome.Retryable}); {@value #DEFAULT_AUTH_CODES_DOC} are access-token problems ({@link
 * Outcome.Rejected}, clearly worded); any other non-zero code is rejected with TikTok's message.
 * Change them with {@link Builder#rateLimitCodes}, {@link Builder#serverErrorCodes} and {@link
 * Builder#authErrorCodes}.
 *
 * <p>Hashing: {@link HashingProfile#TIKTOK} (phone E.164 with {@code +}; use {@link
 * Builder#hashingProfile} with {@link HashingProfile#tiktok(boolean)} to drop it). Thread-safe;
 * {@link #deliver} blocks the calling thread.
 */
public final class TikTokAudienceDestination implements Destination {
  public static final String DEFAULT_BASE_URL = "https://business-api.tiktok.com/";
  /** What other integrations batch; TikTok's own limit is unpublished. */
  public static final int DEFAULT_MAX_ITEMS_PER_REQUEST = 1_000;
  public static final Set<Long> DEFAULT_RATE_LIMIT_CODES = Set.of(40100L, 42900L);
  public static final Set<Long> DEFAULT_SERVER_CODES = Set.of(50000L, 50002L);
  public static final Set<Long> DEFAULT_AUTH_CODES = Set.of(40001L, 40102L, 40104L, 40105L);
  /** Every Business API path starts with {@code open_api}; a base URL must not hold it. */
  private static final Pattern API_SEGMENT = Pattern.compile("open_api");
  static final String DEFAULT_RATE_LIMIT_CODES_DOC = "40100 and 42900";
  static final String DEFAULT_SERVER_CODES_DOC = "50000 and 50002";
  static final String DEFAULT_AUTH_CODES_DOC = "40001, 40102, 40104 and 40105";
  static final List<String> ID_SCHEMA = List.of("EMAIL_SHA256", "PHONE_SHA256");
  private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");

  private final String name;
  private final String accessToken;
  private final List<String> advertiserIds;
  private final HttpUrl baseUrl;
  private final HttpCaller http;
  private final HttpClassifier classifier;
  private final int maxItems;
  private final Set<Long> rateLimitCodes;
  private final Set<Long> serverCodes;
  private final Set<Long> authCodes;
  private final Duration rateLimitBackoff;
  private final HashingProfile profile;
  private final Clock clock;

  private TikTokAudienceDestination(Builder b, HttpSettings s) {
    this.name = s.name();
    this.accessToken = Objects.requireNonNull(b.accessToken);
    this.advertiserIds = List.copyOf(b.advertiserIds);
    this.baseUrl = s.baseUrl();
    this.http = s.caller(null);
    this.maxItems = b.maxItems;
    this.rateLimitCodes = b.rateLimitCodes;
    this.serverCodes = b.serverCodes;
    this.authCodes = b.authCodes;
    this.rateLimitBackoff = Objects.requireNonNull(s.rateLimitBackoff());
    this.profile = b.profile;
    this.clock = s.clock();
    this.classifier = s.classifier("TikTok").idempotent(true)
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
    return DestinationLimits.ofItems(maxItems);
  }

  /** Adding or removing the same person twice is a no-op. */
  @Override
  public boolean idempotent() {
    return true;
  }

  @Override
  public HashingProfile hashingProfile() {
    return profile;
  }

  @Override
  public List<Outcome> deliver(List<DeliveryItem> batch) {
    Outcome[] outcomes = new Outcome[batch.size()];
    for (int i = 0; i < batch.size(); i++) {
      DeliveryItem item = batch.get(i);
      HashedIdentity h = item.hashed();
      if (item.target() == null || item.target().isBlank()) {
        outcomes[i] = Outcome.rejected(null, "target: the route names no TikTok audience id");
      } else if (h == null || (h.emailSha256() == null && h.phoneSha256() == null)) {
        outcomes[i] = Outcome.rejected(null, "no identifier: TikTok audiences need a hashed email or phone");
      }
    }
    Map<String, List<Integer>> groups = Batches.group(batch.size(),
        i -> outcomes[i] == null ? batch.get(i).target() + "\u0000" + batch.get(i).action().name() : null);
    for (List<Integer> group : groups.values()) {
      DeliveryItem first = batch.get(group.get(0));
      for (List<Integer> slice : Batches.slices(group, maxItems)) {
        send(Objects.requireNonNull(first.target()), first.action(), batch, slice, outcomes);
      }
    }
    return Arrays.asList(outcomes);
  }

  private void send(String audienceId, AudienceAction.Action action, List<DeliveryItem> batch, List<Integer> slice,
      Outcome[] outcomes) {
    Request request = new Request.Builder()
        .url(baseUrl.newBuilder().addPathSegments("open_api/v1.3/segment/mapping/").build())
        .header("Access-Token", accessToken)
        .post(RequestBody.create(body(audienceId, action, batch, slice), JSON))
        .build();
    Outcome outcome;
    Exchange exchange = http.execute(request);
    if (exchange instanceof Exchange.Answered result) {
      Map<String, Object> json = Json.object(Json.parse(result.body()));
      Long code = Json.longValue(json, "code");
      String message = Http.redact(Objects.requireNonNullElse(Json.string(json, "message"), ""), accessToken);
      String requestId = Json.string(json, "request_id");
      String trace = requestId == null ? "" : " (request_id " + requestId + ")";
      if (result.status() == 200 && code != null && code == 0) {
        outcome = Outcome.delivered(requestId);
      } else if (result.status() >= 500 || result.status() == 429) {
        outcome = new Outcome.Retryable("TikTok HTTP " + result.status() + (code == null ? "" : " code " + code)
            + trace + "; audience changes are idempotent, so safe to resend", Integer.toString(result.status()),
            classifier.retryAfter(result));
      } else if (code == null) {
        outcome = new Outcome.Rejected(Integer.toString(result.status()),
            "TikTok HTTP " + result.status() + " without a Business API body", true);
      } else if (rateLimitCodes.contains(code)) {
        Duration after = classifier.retryAfter(result);
        outcome = new Outcome.Retryable("TikTok rate limit (code " + code + "): " + message + trace, code.toString(),
            after != null ? after : rateLimitBackoff);
      } else if (serverCodes.contains(code)) {
        outcome = new Outcome.Retryable("TikTok server error (code " + code + "): " + message + trace, code.toString(), null);
      } else if (authCodes.contains(code)) {
        outcome = new Outcome.Rejected(code.toString(), "TikTok rejected the access token (code " + code + "): "
            + message + trace + "; create a new token with audience permissions and update the configuration", false);
      } else {
        outcome = new Outcome.Rejected(code.toString(), "TikTok error " + code + ": " + message + trace, true);
      }
      outcome = classifier.withError(outcome, result);
    } else {
      outcome = classifier.classify(exchange);
    }
    for (int i : slice) {
      outcomes[i] = outcome;
    }
  }

  private String body(String audienceId, AudienceAction.Action action, List<DeliveryItem> batch, List<Integer> slice) {
    Buffer buffer = new Buffer();
    try (JsonWriter w = JsonWriter.of(buffer)) {
      w.beginObject();
      w.name("advertiser_ids").beginArray();
      for (String id : advertiserIds) {
        w.value(id);
      }
      w.endArray();
      w.name("action").value(action == AudienceAction.Action.ADD ? "add" : "delete");
      w.name("id_schema").beginArray();
      for (String s : ID_SCHEMA) {
        w.value(s);
      }
      w.endArray();
      w.name("batch_data").beginArray();
      for (int i : slice) {
        HashedIdentity h = Objects.requireNonNull(batch.get(i).hashed());
        w.beginArray();
        entry(w, h.emailSha256(), audienceId);
        entry(w, h.phoneSha256(), audienceId);
        w.endArray();
      }
      w.endArray();
      w.endObject();
    } catch (IOException e) {
      throw new IllegalStateException("writing to a Buffer cannot fail", e);
    }
    return buffer.readUtf8();
  }

  private static void entry(JsonWriter w, @Nullable String hash, String audienceId) throws IOException {
    w.beginObject();
    if (hash != null) {
      w.name("id").value(hash);
      w.name("audience_ids").beginArray().value(audienceId).endArray();
    }
    w.endObject();
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
    return "TikTokAudienceDestination{name=" + name + ", advertiserIds=" + advertiserIds + ", baseUrl=" + baseUrl + "}";
  }

  /**
   * Configures a {@link TikTokAudienceDestination}, following {@link Settings}' rule: setters check
   * values at once and throw {@link IllegalArgumentException} naming the setting and the reason
   * ({@code accessToken: required, was null}); {@link #build()} throws {@link IllegalStateException}
   * for a required setting never set. Messages never repeat a value. Not thread-safe.
   *
   * <p>The shared settings ({@link RateLimitedDestinationBuilder}): {@code rateLimitBackoff}
   * defaults to 30 seconds; {@code name} defaults to {@code
   * tiktok-audience}; {@code baseUrl} to {@link #DEFAULT_BASE_URL}, and {@code /open_api/v1.3/…} follows it.
   */
  public static final class Builder extends RateLimitedDestinationBuilder<Builder> {
    private @Nullable String accessToken;
    private List<String> advertiserIds = List.of();
    private int maxItems = DEFAULT_MAX_ITEMS_PER_REQUEST;
    private Set<Long> rateLimitCodes = DEFAULT_RATE_LIMIT_CODES;
    private Set<Long> serverCodes = DEFAULT_SERVER_CODES;
    private Set<Long> authCodes = DEFAULT_AUTH_CODES;
    private HashingProfile profile = HashingProfile.TIKTOK;

    private Builder() {
      super("tiktok-audience", new BaseUrlRule(DEFAULT_BASE_URL, "https://business-api.tiktok.com", API_SEGMENT,
          "/open_api/v1.3/…"), Duration.ofSeconds(30));
    }

    /**
     * The Business API access token, sent as the {@code Access-Token} header. Required. Never logged.
     *
     * @throws IllegalArgumentException if null or blank
     */
    public Builder accessToken(@Nullable String accessToken) {
      this.accessToken = Settings.requireText("accessToken", accessToken);
      return this;
    }

    /**
     * The advertiser accounts the audiences belong to. At least one is required.
     *
     * @throws IllegalArgumentException if the list is null or holds a null or blank id
     */
    public Builder advertiserIds(@Nullable List<@Nullable String> advertiserIds) {
      Settings.require("advertiserIds", advertiserIds);
      List<String> ids = new ArrayList<>(advertiserIds.size());
      for (String id : advertiserIds) {
        if (id == null || id.isBlank()) {
          throw new IllegalArgumentException("advertiserIds: must not contain a " + (id == null ? "null" : "blank") + " id");
        }
        ids.add(id);
      }
      this.advertiserIds = List.copyOf(ids);
      return this;
    }

    /**
     * As {@link #advertiserIds(List)}.
     *
     * @throws IllegalArgumentException as {@link #advertiserIds(List)}
     */
    public Builder advertiserIds(@Nullable String... advertiserIds) {
      return advertiserIds(advertiserIds == null ? null : Arrays.asList(advertiserIds));
    }

    /**
     * People per request, 1–10,000 (default 1,000; TikTok's real limit is unpublished).
     *
     * @throws IllegalArgumentException if out of range
     */
    public Builder maxItemsPerRequest(int maxItems) {
      if (maxItems < 1 || maxItems > 10_000) {
        throw new IllegalArgumentException("maxItemsPerRequest: must be 1–10000, was " + maxItems);
      }
      this.maxItems = maxItems;
      return this;
    }

    /**
     * Body codes meaning "slow down" (retryable after the backoff).
     *
     * @throws IllegalArgumentException if null
     */
    public Builder rateLimitCodes(@Nullable Set<Long> codes) {
      this.rateLimitCodes = Set.copyOf(Settings.require("rateLimitCodes", codes));
      return this;
    }

    /**
     * Body codes meaning a transient server error (retryable).
     *
     * @throws IllegalArgumentException if null
     */
    public Builder serverErrorCodes(@Nullable Set<Long> codes) {
      this.serverCodes = Set.copyOf(Settings.require("serverErrorCodes", codes));
      return this;
    }

    /**
     * Body codes meaning the access token is invalid, expired or lacks permission (rejected).
     *
     * @throws IllegalArgumentException if null
     */
    public Builder authErrorCodes(@Nullable Set<Long> codes) {
      this.authCodes = Set.copyOf(Settings.require("authErrorCodes", codes));
      return this;
    }

    /**
     * The hashing profile (default {@link HashingProfile#TIKTOK}); must be a TikTok profile.
     *
     * @throws IllegalArgumentException if null or not a TikTok profile
     */
    public Builder hashingProfile(@Nullable HashingProfile profile) {
      Settings.require("hashingProfile", profile);
      if (!profile.name().equals("tiktok")) {
        throw new IllegalArgumentException("hashingProfile: must be a tiktok profile, was " + profile.name());
      }
      this.profile = profile;
      return this;
    }

    /**
     * Builds the destination.
     *
     * @throws IllegalStateException {@code accessToken: required, was not set}, or {@code
     *     advertiserIds: required, was not set} if no advertiser id was given
     */
    public TikTokAudienceDestination build() {
      Settings.requireSet("accessToken", accessToken);
      Settings.requireSet("advertiserIds", advertiserIds.isEmpty() ? null : advertiserIds);
      return new TikTokAudienceDestination(this, httpSettings());
    }
  }
}

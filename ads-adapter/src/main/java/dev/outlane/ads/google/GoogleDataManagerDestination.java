package dev.outlane.ads.google;

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
 * Adds people to and removes them from a Google Customer Match audience through the Data Manager
 * API: {@code POST https://datamanager.googleapis.com/v1/audienceMembers:ingest} and {@code
 * …/audienceMembers:remove}, at most 10,000 members per request.
 *
 * <p><b>Request</b> (confirmed against the API reference and the "Send audience members" guide):
 * {@code {"destinations":[{"operatingAccount":{"accountType":…,"accountId":…},"loginAccount":…,
 * "productDestinationId": audience}],"audienceMembers":[{"userData":{"userIdentifiers":
 * [{"emailAddress":sha256},{"phoneNumber":sha256}]}}],"consent":{"adUserData":…,
 * "adPersonalization":…},"termsOfService":{"customerMatchTermsOfServiceStatus":"ACCEPTED"},
 * "encoding":"HEX"}}. {@code consent} and {@code termsOfService} are sent only if configured, and
 * only on ingest. The audience id is the item's {@code target}. Identifiers are hashed with {@link
 * HashingProfile#GOOGLE} (gmail canonicalization, phone E.164 with {@code +}).
 *
 * <p><b>Auth.</b> {@code Authorization: Bearer} with the token from the caller's {@link
 * AccessTokenProvider}; never logged.
 *
 * <p><b>Outcomes.</b> 429 / {@code RESOURCE_EXHAUSTED} is {@link Outcome.Retryable}, honouring
 * {@code Retry-After}; 401 is {@link Outcome.Rejected} ("access token rejected"); 5xx and I/O
 * failures are retryable (ingest and remove are idempotent); other errors are rejected with
 * Google's status and message. Thread-safe; {@link #deliver} blocks the calling thread.
 */
public final class GoogleDataManagerDestination implements Destination {
  public static final String DEFAULT_BASE_URL = "https://datamanager.googleapis.com/";
  /** Source: Data Manager API, IngestAudienceMembersRequest.audienceMembers ("At most 10000"). */
  public static final int MAX_MEMBERS_PER_REQUEST = 10_000;
  private static final Pattern ACCOUNT_ID = Pattern.compile("[0-9][0-9-]*");
  /** Every Data Manager path starts with the version segment {@code v1}; a base URL must not hold it. */
  private static final Pattern API_VERSION_SEGMENT = Pattern.compile("v\\d+");
  /** The {@code Destination.operatingAccount.accountType} values the API documents. */
  public static final Set<String> ACCOUNT_TYPES = Set.of("GOOGLE_ADS", "DISPLAY_VIDEO_PARTNER",
      "DISPLAY_VIDEO_ADVERTISER", "DATA_PARTNER");
  private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");

  private final String name;
  private final AccessTokenProvider tokens;
  private final String accountType;
  private final String accountId;
  private final @Nullable String loginAccountType;
  private final @Nullable String loginAccountId;
  private final HttpUrl baseUrl;
  private final HttpCaller http;
  private final HttpClassifier classifier;
  private final int maxItems;
  private final @Nullable String adUserData;
  private final @Nullable String adPersonalization;
  private final boolean termsAccepted;
  private final Duration rateLimitBackoff;
  private final Clock clock;

  private GoogleDataManagerDestination(Builder b, HttpSettings s) {
    this.name = s.name();
    this.tokens = Objects.requireNonNull(b.tokens);
    this.accountType = Objects.requireNonNull(b.accountType);
    this.accountId = Objects.requireNonNull(b.accountId);
    this.loginAccountType = b.loginAccountType;
    this.loginAccountId = b.loginAccountId;
    this.baseUrl = s.baseUrl();
    this.http = s.caller(null);
    this.maxItems = b.maxItems;
    this.adUserData = b.adUserData;
    this.adPersonalization = b.adPersonalization;
    this.termsAccepted = b.termsAccepted;
    this.rateLimitBackoff = Objects.requireNonNull(s.rateLimitBackoff());
    this.clock = s.clock();
    this.classifier = s.classifier("the Data Manager API").idempotent(true)
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

  @Override
  public boolean idempotent() {
    return true;
  }

  @Override
  public HashingProfile hashingProfile() {
    return HashingProfile.GOOGLE;
  }

  @Override
  public List<Outcome> deliver(List<DeliveryItem> batch) {
    Outcome[] outcomes = new Outcome[batch.size()];
    for (int i = 0; i < batch.size(); i++) {
      DeliveryItem item = batch.get(i);
      HashedIdentity h = item.hashed();
      if (item.target() == null || item.target().isBlank()) {
        outcomes[i] = Outcome.rejected(null, "target: the route names no Google audience (user list) id");
      } else if (h == null || (h.emailSha256() == null && h.phoneSha256() == null)) {
        outcomes[i] = Outcome.rejected(null, "no identifier: Customer Match needs a hashed email or phone");
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
    Outcome outcome;
    String token;
    try {
      token = tokens.accessToken();
    } catch (IOException | RuntimeException e) {
      outcome = new Outcome.Retryable("no Google access token available: " + e.getClass().getSimpleName(), null, null);
      for (int i : slice) {
        outcomes[i] = outcome;
      }
      return;
    }
    String method = action == AudienceAction.Action.ADD ? "audienceMembers:ingest" : "audienceMembers:remove";
    Request request = new Request.Builder()
        .url(baseUrl.newBuilder().addPathSegment("v1").addPathSegment(method).build())
        .header("Authorization", "Bearer " + token)
        .post(RequestBody.create(body(audienceId, action, batch, slice), JSON))
        .build();
    Exchange exchange = http.execute(request);
    if (exchange instanceof Exchange.Answered result) {
      if (result.successful()) {
        outcome = Outcome.delivered(Json.string(Json.object(Json.parse(result.body())), "requestId"));
      } else {
        outcome = classifier.withError(classify(result, token), result);
      }
    } else {
      outcome = classifier.classify(exchange);
    }
    for (int i : slice) {
      outcomes[i] = outcome;
    }
  }

  private Outcome classify(Exchange.Answered result, String token) {
    Map<String, Object> error = Json.object(Json.object(Json.parse(result.body())), "error");
    String status = Json.string(error, "status");
    String message = Http.redact(Objects.requireNonNullElse(Json.string(error, "message"), ""), token);
    int http = result.status();
    String code = status != null ? status : Integer.toString(http);
    if (http == 429 || "RESOURCE_EXHAUSTED".equals(status)) {
      Duration after = classifier.retryAfter(result);
      return new Outcome.Retryable("Data Manager API quota exhausted (HTTP " + http + " " + code + "): " + message,
          code, after != null ? after : rateLimitBackoff);
    }
    if (http == 401) {
      return new Outcome.Rejected(code, "access token rejected by the Data Manager API (HTTP 401 " + code
          + "): refresh the token your AccessTokenProvider returns; it needs the datamanager scope", false);
    }
    if (http >= 500) {
      return new Outcome.Retryable("Data Manager API HTTP " + http + " " + code + ": " + message
          + "; audience changes are idempotent, so safe to resend", code, classifier.retryAfter(result));
    }
    return new Outcome.Rejected(code, "Data Manager API HTTP " + http + " " + code + ": " + message, true);
  }

  private String body(String audienceId, AudienceAction.Action action, List<DeliveryItem> batch, List<Integer> slice) {
    Buffer buffer = new Buffer();
    try (JsonWriter w = JsonWriter.of(buffer)) {
      w.beginObject();
      w.name("destinations").beginArray().beginObject();
      w.name("operatingAccount").beginObject().name("accountType").value(accountType)
          .name("accountId").value(accountId).endObject();
      if (loginAccountType != null) {
        w.name("loginAccount").beginObject().name("accountType").value(loginAccountType)
            .name("accountId").value(loginAccountId).endObject();
      }
      w.name("productDestinationId").value(audienceId);
      w.endObject().endArray();
      w.name("audienceMembers").beginArray();
      for (int i : slice) {
        HashedIdentity h = Objects.requireNonNull(batch.get(i).hashed());
        w.beginObject().name("userData").beginObject().name("userIdentifiers").beginArray();
        if (h.emailSha256() != null) {
          w.beginObject().name("emailAddress").value(h.emailSha256()).endObject();
        }
        if (h.phoneSha256() != null) {
          w.beginObject().name("phoneNumber").value(h.phoneSha256()).endObject();
        }
        w.endArray().endObject().endObject();
      }
      w.endArray();
      if (action == AudienceAction.Action.ADD) {
        if (adUserData != null || adPersonalization != null) {
          w.name("consent").beginObject();
          if (adUserData != null) {
            w.name("adUserData").value(adUserData);
          }
          if (adPersonalization != null) {
            w.name("adPersonalization").value(adPersonalization);
          }
          w.endObject();
        }
        if (termsAccepted) {
          w.name("termsOfService").beginObject().name("customerMatchTermsOfServiceStatus").value("ACCEPTED").endObject();
        }
      }
      w.name("encoding").value("HEX");
      w.endObject();
    } catch (IOException e) {
      throw new IllegalStateException("writing to a Buffer cannot fail", e);
    }
    return buffer.readUtf8();
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

  @Override
  public String toString() {
    return "GoogleDataManagerDestination{name=" + name + ", operatingAccount=" + accountType + "/" + accountId + "}";
  }

  /**
   * Configures a {@link GoogleDataManagerDestination}, following {@link Settings}' rule: setters
   * check values at once and throw {@link IllegalArgumentException} naming the setting and the
   * reason ({@code accessTokenProvider: required, was null}); {@link #build()} throws {@link
   * IllegalStateException} for a required setting never set. Messages never repeat a value. Not
   * thread-safe.
   *
   * <p>The shared settings ({@link RateLimitedDestinationBuilder}): {@code rateLimitBackoff}
   * defaults to 30 seconds; {@code name} defaults to {@code
   * google-data-manager}; {@code baseUrl} to {@link #DEFAULT_BASE_URL}, and {@code /v1/audienceMembers:…} follows it.
   */
  public static final class Builder extends RateLimitedDestinationBuilder<Builder> {
    private @Nullable AccessTokenProvider tokens;
    private @Nullable String accountType;
    private @Nullable String accountId;
    private @Nullable String loginAccountType;
    private @Nullable String loginAccountId;
    private int maxItems = MAX_MEMBERS_PER_REQUEST;
    private @Nullable String adUserData;
    private @Nullable String adPersonalization;
    private boolean termsAccepted;

    private Builder() {
      super("google-data-manager", new BaseUrlRule(DEFAULT_BASE_URL, "https://datamanager.googleapis.com", API_VERSION_SEGMENT,
          "/v1/audienceMembers:ingest"), Duration.ofSeconds(30));
    }

    /**
     * Where OAuth access tokens come from; called before each request. Required.
     *
     * @throws IllegalArgumentException if null
     */
    public Builder accessTokenProvider(@Nullable AccessTokenProvider tokens) {
      this.tokens = Settings.require("accessTokenProvider", tokens);
      return this;
    }

    /**
     * The account that owns the audience, e.g. {@code ("GOOGLE_ADS", "1234567890")}. Required.
     *
     * @throws IllegalArgumentException naming {@code operatingAccount.accountType} or {@code
     *     operatingAccount.accountId}
     */
    public Builder operatingAccount(@Nullable String accountType, @Nullable String accountId) {
      String type = accountType("operatingAccount.accountType", accountType);
      this.accountId = accountId("operatingAccount.accountId", accountId);
      this.accountType = type;
      return this;
    }

    /**
     * The manager account the credentials belong to, if not the operating account itself.
     *
     * @throws IllegalArgumentException naming {@code loginAccount.accountType} or {@code
     *     loginAccount.accountId}
     */
    public Builder loginAccount(@Nullable String accountType, @Nullable String accountId) {
      String type = accountType("loginAccount.accountType", accountType);
      this.loginAccountId = accountId("loginAccount.accountId", accountId);
      this.loginAccountType = type;
      return this;
    }

    private static String accountType(String setting, @Nullable String type) {
      Settings.requireText(setting, type);
      if (!ACCOUNT_TYPES.contains(type)) {
        throw new IllegalArgumentException(setting + ": must be one of " + new java.util.TreeSet<>(ACCOUNT_TYPES));
      }
      return type;
    }

    private static String accountId(String setting, @Nullable String id) {
      return Settings.requireMatch(setting, id, ACCOUNT_ID, "digits (dashes allowed)").replace("-", "");
    }

    /**
     * Members per request, 1–10,000 (default 10,000).
     *
     * @throws IllegalArgumentException if out of range
     */
    public Builder maxMembersPerRequest(int maxItems) {
      if (maxItems < 1 || maxItems > MAX_MEMBERS_PER_REQUEST) {
        throw new IllegalArgumentException("maxMembersPerRequest: must be 1–10000, was " + maxItems);
      }
      this.maxItems = maxItems;
      return this;
    }

    /**
     * Request-level consent for ingests: {@code CONSENT_GRANTED} or {@code CONSENT_DENIED} for each
     * (EU user consent policy); null leaves it out.
     *
     * @throws IllegalArgumentException naming {@code consent.adUserData} or {@code
     *     consent.adPersonalization} for any other value
     */
    public Builder consent(@Nullable String adUserData, @Nullable String adPersonalization) {
      this.adUserData = consentValue(adUserData, "adUserData");
      this.adPersonalization = consentValue(adPersonalization, "adPersonalization");
      return this;
    }

    private static @Nullable String consentValue(@Nullable String v, String field) {
      if (v != null && !v.equals("CONSENT_GRANTED") && !v.equals("CONSENT_DENIED")) {
        throw new IllegalArgumentException("consent." + field + ": must be CONSENT_GRANTED or CONSENT_DENIED");
      }
      return v;
    }

    /** Declares the Customer Match terms of service accepted on every ingest (required by Google). */
    public Builder customerMatchTermsAccepted(boolean accepted) {
      this.termsAccepted = accepted;
      return this;
    }

    /**
     * Builds the destination.
     *
     * @throws IllegalStateException {@code accessTokenProvider: required, was not set} or {@code
     *     operatingAccount: required, was not set}
     */
    public GoogleDataManagerDestination build() {
      Settings.requireSet("accessTokenProvider", tokens);
      Settings.requireSet("operatingAccount", accountId);
      return new GoogleDataManagerDestination(this, httpSettings());
    }
  }
}

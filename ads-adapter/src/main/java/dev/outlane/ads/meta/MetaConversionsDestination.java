package dev.outlane.ads.meta;

import com.squareup.moshi.JsonWriter;
import dev.outlane.ads.internal.Batches;
import dev.outlane.ads.internal.Form;
import dev.outlane.ads.internal.Json;
import dev.outlane.contract.Commerce;
import dev.outlane.contract.ContractJson;
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
import dev.outlane.hashing.Sha256;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okio.Buffer;
import okio.BufferedSink;
import org.jspecify.annotations.Nullable;

/**
 * Sends conversion events to Meta's Conversions API: {@code POST /{version}/{pixel_id}/events}, at
 * most 1,000 events per request.
 *
 * <p><b>Event.</b> {@code event_name} = the event's name, {@code event_time} = its time in Unix
 * seconds, {@code event_id} = the {@linkplain DeliveryItem#idempotencyKey() idempotency key} (Meta
 * dedupes it against the Pixel, which makes resending safe), {@code action_source} = the route option
 * {@code action_source} or the {@linkplain Builder#defaultActionSource default}, {@code user_data} =
 * {@code em}/{@code ph} hashed with {@link HashingProfile#META} and {@code external_id} = SHA-256 of
 * the customer id, {@code custom_data} = {@code value}/{@code currency}/{@code order_id} from the
 * event's commerce facts. The pixel id is the item's {@code target}, else the {@linkplain
 * Builder#pixelId builder's}. A route option {@code test_event_code} (or the builder's) marks test
 * traffic.
 *
 * <p><b>The 7-day rule.</b> Meta fails the <em>whole request</em> if one event is more than 7 days
 * old, so such events are {@link Outcome.Rejected} here, per item, before anything is sent, and the
 * rest of the batch still goes out. Age is measured with the injected {@link Clock}.
 *
 * <p>Errors are classified like {@link MetaCustomAudienceDestination}'s. Thread-safe; {@link
 * #deliver} blocks the calling thread.
 */
public final class MetaConversionsDestination implements Destination {
  /** Meta's per-request limit. Source: Conversions API, "Parameters: data". */
  public static final int MAX_EVENTS_PER_REQUEST = 1_000;
  /** Meta rejects a request containing an event older than this. Source: Conversions API, event_time. */
  public static final Duration MAX_EVENT_AGE = Duration.ofDays(7);
  /**
   * The {@code action_source} values Meta accepts. Source: Conversions API "Server Event Parameters"
   * (and the Business SDK's {@code ActionSource} enum).
   */
  public static final Set<String> ACTION_SOURCES = Set.of("email", "website", "app", "phone_call", "chat",
      "physical_store", "system_generated", "business_messaging", "other");

  private final String name;
  private final String accessToken;
  private final @Nullable String pixelId;
  private final String graphVersion;
  private final HttpUrl baseUrl;
  private final HttpCaller http;
  private final HttpClassifier classifier;
  private final Clock clock;
  private final String defaultActionSource;
  private final @Nullable String testEventCode;
  private final Duration rateLimitBackoff;

  private MetaConversionsDestination(Builder b, HttpSettings s) {
    this.name = s.name();
    this.accessToken = Objects.requireNonNull(b.accessToken);
    this.pixelId = b.pixelId;
    this.graphVersion = b.graphVersion;
    this.baseUrl = s.baseUrl();
    this.http = s.caller(null);
    this.clock = s.clock();
    this.classifier = s.classifier("Meta").idempotent(true)
        .resendNote("event_id dedupe makes resending safe").build();
    this.defaultActionSource = b.defaultActionSource;
    this.testEventCode = b.testEventCode;
    this.rateLimitBackoff = Objects.requireNonNull(s.rateLimitBackoff());
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
    return DestinationLimits.ofItems(MAX_EVENTS_PER_REQUEST);
  }

  /** Meta dedupes by {@code event_id} + {@code event_name}, which is the idempotency key. */
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
    String[] pixels = new String[batch.size()];
    String[] sources = new String[batch.size()];
    Instant oldest = clock.instant().minus(MAX_EVENT_AGE);
    for (int i = 0; i < batch.size(); i++) {
      DeliveryItem item = batch.get(i);
      String pixel = item.target() != null && !item.target().isBlank() ? item.target() : pixelId;
      String source = item.option("action_source") == null ? defaultActionSource : item.option("action_source");
      if (pixel == null) {
        outcomes[i] = Outcome.rejected(null, "target: no pixel id on the route and none configured");
      } else if (item.event().eventTime().isBefore(oldest)) {
        outcomes[i] = Outcome.rejected("event_too_old", "event_time " + item.event().eventTime()
            + " is more than 7 days old; Meta would fail the whole request, so it was not sent");
      } else if (!ACTION_SOURCES.contains(source)) {
        outcomes[i] = Outcome.rejected(null, "action_source: \"" + source + "\" is not one of " + new java.util.TreeSet<>(ACTION_SOURCES));
      }
      pixels[i] = pixel;
      sources[i] = source;
    }
    Map<String, List<Integer>> groups = Batches.group(batch.size(), i -> outcomes[i] != null ? null
        : pixels[i] + "\u0000" + Objects.requireNonNullElse(testCode(batch.get(i)), ""));
    for (List<Integer> group : groups.values()) {
      for (List<Integer> slice : Batches.slices(group, MAX_EVENTS_PER_REQUEST)) {
        int first = slice.get(0);
        send(pixels[first], testCode(batch.get(first)), batch, sources, slice, outcomes);
      }
    }
    return Arrays.asList(outcomes);
  }

  private @Nullable String testCode(DeliveryItem item) {
    String code = item.option("test_event_code");
    return code != null ? code : testEventCode;
  }

  private void send(String pixel, @Nullable String testCode, List<DeliveryItem> batch, String[] sources,
      List<Integer> slice, Outcome[] outcomes) {
    Form form = new Form().add("data", eventsJson(batch, sources, slice));
    if (testCode != null) {
      form.add("test_event_code", testCode);
    }
    form.add("access_token", accessToken);
    Request request = new Request.Builder()
        .url(baseUrl.newBuilder().addPathSegment(graphVersion).addPathSegment(pixel).addPathSegment("events").build())
        .post(form.build())
        .build();
    Outcome outcome;
    Exchange exchange = http.execute(request);
    if (exchange instanceof Exchange.Answered result) {
      if (result.successful()) {
        Map<String, Object> json = Json.object(Json.parse(result.body()));
        outcome = new Outcome.Delivered(Json.string(json, "fbtrace_id"), 1L, null);
      } else {
        outcome = classifier.withError(
            MetaErrors.classify(result, classifier.retryAfter(result), rateLimitBackoff, accessToken), result);
      }
    } else {
      outcome = classifier.classify(exchange);
    }
    for (int i : slice) {
      outcomes[i] = outcome;
    }
  }

  private static String eventsJson(List<DeliveryItem> batch, String[] sources, List<Integer> slice) {
    Buffer buffer = new Buffer();
    try (JsonWriter w = JsonWriter.of(buffer)) {
      w.beginArray();
      for (int i : slice) {
        DeliveryItem item = batch.get(i);
        w.beginObject();
        w.name("event_name").value(item.event().eventName());
        w.name("event_time").value(item.event().eventTime().getEpochSecond());
        w.name("event_id").value(item.idempotencyKey());
        w.name("action_source").value(sources[i]);
        w.name("user_data").beginObject();
        HashedIdentity h = item.hashed();
        if (h != null && h.emailSha256() != null) {
          w.name("em").beginArray().value(h.emailSha256()).endArray();
        }
        if (h != null && h.phoneSha256() != null) {
          w.name("ph").beginArray().value(h.phoneSha256()).endArray();
        }
        w.name("external_id").beginArray().value(Sha256.hex(item.identity().customerId())).endArray();
        w.endObject();
        Commerce commerce = item.event().commerce();
        if (commerce != null && (commerce.cartValue() != null || commerce.orderId() != null)) {
          w.name("custom_data").beginObject();
          if (commerce.cartValue() != null) {
            // Exact digits, bounded: core's one way of writing a contract decimal.
            w.name("value");
            try (BufferedSink sink = w.valueSink()) {
              ContractJson.write(commerce.cartValue(), sink);
            }
          }
          if (commerce.currency() != null) {
            w.name("currency").value(commerce.currency());
          }
          if (commerce.orderId() != null) {
            w.name("order_id").value(commerce.orderId());
          }
          w.endObject();
        }
        w.endObject();
      }
      w.endArray();
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

  /** Never prints the token. */
  @Override
  public String toString() {
    return "MetaConversionsDestination{name=" + name + ", pixelId=" + pixelId + ", graphVersion=" + graphVersion + "}";
  }

  /**
   * Configures a {@link MetaConversionsDestination}, following {@link Settings}' rule: setters check
   * values at once and throw {@link IllegalArgumentException} naming the setting and the reason
   * ({@code accessToken: required, was null}); {@link #build()} throws {@link IllegalStateException}
   * for a required setting never set. Messages never repeat a value. Not thread-safe.
   *
   * <p>The shared settings ({@link RateLimitedDestinationBuilder}): {@code rateLimitBackoff}
   * defaults to 1 minute; {@code name} defaults to {@code
   * meta-conversions}; {@code baseUrl} to {@link MetaCustomAudienceDestination#DEFAULT_BASE_URL}, and the version and pixel follow it; the {@code clock} also measures the 7-day rule.
   */
  public static final class Builder extends RateLimitedDestinationBuilder<Builder> {
    private @Nullable String accessToken;
    private @Nullable String pixelId;
    private String graphVersion = MetaCustomAudienceDestination.DEFAULT_GRAPH_VERSION;
    private String defaultActionSource = "system_generated";
    private @Nullable String testEventCode;

    private Builder() {
      super("meta-conversions", MetaCustomAudienceDestination.BASE_URL_RULE, Duration.ofMinutes(1));
    }

    /**
     * The Conversions API access token. Required. Never logged.
     *
     * @throws IllegalArgumentException if null or blank
     */
    public Builder accessToken(@Nullable String accessToken) {
      this.accessToken = Settings.requireText("accessToken", accessToken);
      return this;
    }

    /**
     * The pixel (dataset) id used when the route gives no target.
     *
     * @throws IllegalArgumentException if null, blank or not digits
     */
    public Builder pixelId(@Nullable String pixelId) {
      this.pixelId = Settings.requireMatch("pixelId", pixelId, MetaCustomAudienceDestination.DIGITS, "digits");
      return this;
    }

    /**
     * The Graph API version (a setting; default {@link MetaCustomAudienceDestination#DEFAULT_GRAPH_VERSION}).
     *
     * @throws IllegalArgumentException if null, blank or not of the form {@code v24.0}
     */
    public Builder graphVersion(@Nullable String graphVersion) {
      this.graphVersion = Settings.requireMatch(
          "graphVersion", graphVersion, MetaCustomAudienceDestination.GRAPH_VERSION, "a version like v24.0");
      return this;
    }

    /**
     * The {@code action_source} for routes that set none (default {@code system_generated}: the
     * conversion was reported by a back-end system rather than observed on a website).
     *
     * @throws IllegalArgumentException if null or not one of {@link #ACTION_SOURCES}
     */
    public Builder defaultActionSource(@Nullable String actionSource) {
      Settings.requireText("defaultActionSource", actionSource);
      if (!ACTION_SOURCES.contains(actionSource)) {
        throw new IllegalArgumentException("defaultActionSource: must be one of " + new java.util.TreeSet<>(ACTION_SOURCES));
      }
      this.defaultActionSource = actionSource;
      return this;
    }

    /** Sends every event as test traffic under this code (Events Manager → Test events); null for none. */
    public Builder testEventCode(@Nullable String testEventCode) {
      this.testEventCode = testEventCode;
      return this;
    }

    /**
     * Builds the destination.
     *
     * @throws IllegalStateException {@code accessToken: required, was not set}
     */
    public MetaConversionsDestination build() {
      Settings.requireSet("accessToken", accessToken);
      return new MetaConversionsDestination(this, httpSettings());
    }
  }
}

package dev.outlane.customerio.track;

import dev.outlane.contract.ConsentStatus;
import dev.outlane.contract.ContractJson;
import dev.outlane.contract.RetentionEvent;
import dev.outlane.destination.Channel;
import dev.outlane.destination.DeliveryItem;
import dev.outlane.destination.Destination;
import dev.outlane.destination.DestinationLimits;
import dev.outlane.destination.Outcome;
import dev.outlane.destination.Settings;
import dev.outlane.http.Exchange;
import dev.outlane.http.HttpCaller;
import dev.outlane.http.HttpClassifier;
import dev.outlane.http.HttpSettings;
import dev.outlane.http.RateLimitedDestinationBuilder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import org.jspecify.annotations.Nullable;

/**
 * Writes a person's channel consent back to Customer.io through the Track API, so the journeys
 * there stop (or resume) messaging them: the loop-closing half of "an opt-out in one system is an
 * opt-out everywhere".
 *
 * <h2>What is written</h2>
 *
 * <p>For an event whose {@code consent.sms} or {@code consent.email} is {@code denied} or {@code
 * granted}: {@code PUT /api/v1/customers/{identifier}} with {@code
 * {"cio_subscription_preferences":{"channels":{"sms":false}}}} ({@code true} when granted). With
 * {@link Builder#globalUnsubscribe(boolean)} on, a denial also sets {@code "unsubscribed":true} (a
 * grant of every mentioned channel sets {@code false}) — a global unsubscribe is a heavier hammer
 * than an SMS STOP calls for, so it is off by default. {@code consent.ads} is not a Customer.io
 * channel and is ignored. An event that sets neither channel is rejected: there is nothing to write.
 * Source: Customer.io Track API "Add or update a customer"; {@code ../shared/docs/destinations.md}.
 *
 * <p>The person is identified by {@linkplain IdentifyBy the configured identifier}: the customer id
 * (default), the normalized email, or the Customer.io id from the event's {@code cio_id} property
 * (sent as {@code cio_<id>}). An item without that identifier is rejected.
 *
 * <h2>Answers</h2>
 *
 * <p>2xx: delivered. 429: retryable after {@code Retry-After}, else after the {@linkplain
 * RateLimitedDestinationBuilder#rateLimitBackoff rate-limit backoff} (default 1 s). 5xx and I/O
 * failures: retryable — a PUT of the same attributes is idempotent, so {@link #idempotent()} is
 * {@code true}. 401/403 and other 4xx: rejected (check the site id and API key). Customer.io asks
 * for at most about 1,000 requests per second per workspace; register the destination with {@code
 * DestinationOptions.defaults().withRateLimit(RateLimit.perSecond(CustomerIoTrackDestination.MAX_REQUESTS_PER_SECOND))}.
 *
 * <p><b>Channel.</b> {@link Channel#EVENTS}. The write-back of an opt-out must not itself be
 * stopped by that opt-out: deliver it as the engine delivers an opt-out's audience removes.
 *
 * <p>Thread-safe. {@link #close()} releases the OkHttp client it created (never one it was given).
 */
public final class CustomerIoTrackDestination implements Destination {
  /** The US Track API. */
  public static final String US_BASE_URL = "https://track.customer.io";
  /** The EU Track API. */
  public static final String EU_BASE_URL = "https://track-eu.customer.io";
  /** Customer.io's guidance: about 1,000 requests per second ("not strictly enforced"). */
  public static final int MAX_REQUESTS_PER_SECOND = 1_000;
  /** Customer.io's limit on one attribute value, in bytes. */
  public static final int MAX_ATTRIBUTE_BYTES = 1_000;

  private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");
  private static final Pattern API_SEGMENT = Pattern.compile("api");
  private static final String RESEND_NOTE = "safe to resend: the same PUT sets the same attributes";

  /** Which identifier names the person in the Track API path. */
  public enum IdentifyBy {
    /** The event's {@code customer_id} (workspaces identified by id). */
    CUSTOMER_ID,
    /** The normalized email (workspaces identified by email; Customer.io ignores its case). */
    EMAIL,
    /** The event's {@code cio_id} property, sent as {@code cio_<id>}. */
    CIO_ID
  }

  private final String name;
  private final HttpUrl baseUrl;
  private final String authorization;
  private final IdentifyBy identifyBy;
  private final boolean globalUnsubscribe;
  private final HttpCaller http;
  private final HttpClassifier classifier;

  private CustomerIoTrackDestination(Builder b, HttpSettings s) {
    this.name = s.name();
    this.baseUrl = s.baseUrl();
    this.authorization = "Basic " + Base64.getEncoder().encodeToString(
        (b.siteId + ":" + b.apiKey).getBytes(StandardCharsets.UTF_8));
    this.identifyBy = b.identifyBy;
    this.globalUnsubscribe = b.globalUnsubscribe;
    this.http = s.caller(null);
    this.classifier = s.classifier("Customer.io").idempotent(true).resendNote(RESEND_NOTE)
        .rejectsWholeBatch(false).build();
  }

  /** A builder: name {@code customerio}, {@link #US_BASE_URL}, identify by customer id. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Channel channel() {
    return Channel.EVENTS;
  }

  @Override
  public DestinationLimits limits() {
    return DestinationLimits.single();
  }

  @Override
  public boolean idempotent() {
    return true;
  }

  @Override
  public List<Outcome> deliver(List<DeliveryItem> batch) {
    Outcome[] outcomes = new Outcome[batch.size()];
    for (int i = 0; i < batch.size(); i++) {
      outcomes[i] = deliverOne(batch.get(i));
    }
    return List.of(outcomes);
  }

  private Outcome deliverOne(DeliveryItem item) {
    String identifier = identifier(item);
    if (identifier == null) {
      return Outcome.rejected("no-identifier", "no " + switch (identifyBy) {
        case CUSTOMER_ID -> "customer id";
        case EMAIL -> "email";
        case CIO_ID -> "cio_id property";
      } + " to identify the person by in Customer.io");
    }
    Map<String, Object> attributes = attributes(item.event());
    if (attributes == null) {
      return Outcome.rejected("no-consent", "nothing to write back: the event sets no sms or email consent");
    }
    Request request = new Request.Builder()
        .url(baseUrl.newBuilder().addPathSegments("api/v1/customers").addPathSegment(identifier).build())
        .header("Authorization", authorization)
        .header("User-Agent", "outlane-customerio")
        .put(RequestBody.create(ContractJson.toJson(attributes).getBytes(StandardCharsets.UTF_8), JSON))
        .build();
    Exchange exchange = http.execute(request);
    if (exchange instanceof Exchange.Answered a && a.successful()) {
      return Outcome.delivered(null);
    }
    return classifier.classify(exchange);
  }

  private @Nullable String identifier(DeliveryItem item) {
    return switch (identifyBy) {
      case CUSTOMER_ID -> item.identity().customerId();
      case EMAIL -> item.identity().email();
      case CIO_ID -> {
        Object cio = item.event().properties().get("cio_id");
        yield cio instanceof String s && !s.isBlank() ? "cio_" + s.strip() : null;
      }
    };
  }

  /** The attributes for {@code event}'s consent, or null if it sets neither SMS nor email. */
  @Nullable Map<String, Object> attributes(RetentionEvent event) {
    Map<String, Object> channels = new LinkedHashMap<>();
    put(channels, "sms", event.consent().sms());
    put(channels, "email", event.consent().email());
    if (channels.isEmpty()) {
      return null;
    }
    Map<String, Object> attributes = new LinkedHashMap<>();
    attributes.put("cio_subscription_preferences", Map.of("channels", channels));
    if (globalUnsubscribe) {
      attributes.put("unsubscribed", channels.containsValue(Boolean.FALSE));
    }
    return attributes;
  }

  private static void put(Map<String, Object> channels, String channel, ConsentStatus status) {
    if (status == ConsentStatus.DENIED) {
      channels.put(channel, Boolean.FALSE);
    } else if (status == ConsentStatus.GRANTED) {
      channels.put(channel, Boolean.TRUE);
    }
  }

  @Override
  public void close() {
    http.close();
  }

  @Override
  public String toString() {
    return "CustomerIoTrackDestination{name=" + name + ", baseUrl=" + baseUrl + ", identifyBy=" + identifyBy + "}";
  }

  /**
   * Builds a {@link CustomerIoTrackDestination}. Setters refuse unusable values at once with {@link
   * IllegalArgumentException} naming the setting (never repeating a credential); {@link #build()}
   * throws {@link IllegalStateException} naming what is missing. Not thread-safe.
   */
  public static final class Builder extends RateLimitedDestinationBuilder<Builder> {
    private @Nullable String siteId;
    private @Nullable String apiKey;
    private IdentifyBy identifyBy = IdentifyBy.CUSTOMER_ID;
    private boolean globalUnsubscribe;

    private Builder() {
      // Customer.io does not say how long to back off after a 429; one second matches its per-second limit.
      super("customerio", BaseUrlRule.of(US_BASE_URL, API_SEGMENT, "/api/v1/customers"), Duration.ofSeconds(1));
    }

    /** The workspace's site id (Settings → API credentials). */
    public Builder siteId(@Nullable String siteId) {
      this.siteId = requireCredential("siteId", siteId);
      return this;
    }

    /** The Track API key for that site id. */
    public Builder apiKey(@Nullable String apiKey) {
      this.apiKey = requireCredential("apiKey", apiKey);
      return this;
    }

    /** The EU data centre ({@link #EU_BASE_URL}) instead of the US one. */
    public Builder eu() {
      return baseUrl(EU_BASE_URL);
    }

    /** Which identifier names the person; {@link IdentifyBy#CUSTOMER_ID} by default. */
    public Builder identifyBy(@Nullable IdentifyBy identifyBy) {
      this.identifyBy = Settings.require("identifyBy", identifyBy);
      return this;
    }

    /** Whether a denial also unsubscribes the person globally ({@code unsubscribed: true}); off by default. */
    public Builder globalUnsubscribe(boolean global) {
      this.globalUnsubscribe = global;
      return this;
    }

    private static String requireCredential(String name, @Nullable String value) {
      String v = Settings.requireText(name, value);
      if (v.contains(":") || !v.equals(v.strip())) {
        throw new IllegalArgumentException(name + ": must not contain ':' or surrounding whitespace");
      }
      return v;
    }

    /**
     * The destination.
     *
     * @throws IllegalStateException if the site id or the API key is missing
     */
    public CustomerIoTrackDestination build() {
      if (siteId == null) {
        throw new IllegalStateException("siteId: required, was not set");
      }
      if (apiKey == null) {
        throw new IllegalStateException("apiKey: required, was not set");
      }
      Objects.requireNonNull(identifyBy);
      return new CustomerIoTrackDestination(this, httpSettings());
    }
  }
}

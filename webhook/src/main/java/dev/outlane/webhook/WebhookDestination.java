package dev.outlane.webhook;

import dev.outlane.contract.ContractJson;
import dev.outlane.contract.EventCodec;
import dev.outlane.contract.RetentionEvent;
import dev.outlane.destination.Channel;
import dev.outlane.destination.DeliveryItem;
import dev.outlane.destination.Destination;
import dev.outlane.destination.DestinationLimits;
import dev.outlane.destination.Outcome;
import dev.outlane.destination.Settings;
import dev.outlane.hashing.HashedIdentity;
import dev.outlane.hashing.HashingProfile;
import dev.outlane.hashing.Sha256;
import dev.outlane.http.Exchange;
import dev.outlane.http.HttpCaller;
import dev.outlane.http.HttpClassifier;
import dev.outlane.http.HttpDestinationBuilder;
import dev.outlane.http.HttpSettings;
import dev.outlane.identity.Identity;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okio.Buffer;
import com.squareup.moshi.JsonReader;
import org.jspecify.annotations.Nullable;

/**
 * Sends activations to an HTTP endpoint of the user's own — a Twilio Function, a serverless
 * function, a warehouse loader — as JSON, signed so the receiver can tell the request came from
 * this lane.
 *
 * <h2>The request</h2>
 *
 * <pre>{@code
 * POST <url>
 * Content-Type: application/json
 * Idempotency-Key: <the item's key, or for a batch the SHA-256 of its keys>
 * Outlane-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + body)>
 *
 * {"events":[{"idempotency_key":"…","schema_version":"1.0","target":null,"action":"add",
 *             "identifiers":{"customer_id":"c-1","email_sha256":"…","phone_sha256":"…"},
 *             "event":{ the v1 event }}]}
 * }</pre>
 *
 * <p>Identifiers are hashed with the {@linkplain Builder#hashing chosen profile}, and the event's
 * raw {@code email} and {@code phone} are then left out of {@code event}; only {@linkplain
 * Builder#rawIdentifiers() when explicitly enabled} are they sent as received, with the normalized
 * values in {@code identifiers}. {@code schema_version} is the version the event was written with,
 * so a receiver can tell a 1.1 event from a 1.0 one. Each event's {@code idempotency_key} is
 * stable across retries: a receiver dedupes on it (the header alone changes when a batch is split).
 * See {@link WebhookSignature} for the signature scheme.
 *
 * <h2>Answers</h2>
 *
 * <p>2xx: delivered. 429 and 5xx, and I/O failures: retryable — resending is harmless because the
 * receiver dedupes by key ({@link #idempotent()} is {@code true}); {@code Retry-After} is honoured.
 * Other 4xx: the whole batch is rejected, with the receiver's {@code message} (or {@code error})
 * string from a JSON body, shortened to 200 characters — the receiver is the user's own code, so
 * its message is shown; make sure it carries no personal data.
 *
 * <p>Thread-safe. {@link #close()} releases the OkHttp client it created (never one it was given).
 */
public final class WebhookDestination implements Destination {
  /** Items per request by default: batches amortize the receiver's cold starts. */
  public static final int DEFAULT_MAX_ITEMS = 100;

  private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");
  private static final int MESSAGE_MAX_CHARS = 200;
  private static final String RESEND_NOTE = "safe to resend: the receiver dedupes by idempotency_key";

  private final String name;
  private final Channel channel;
  private final HttpUrl url;
  private final String secret;
  private final @Nullable HashingProfile profile;
  private final DestinationLimits limits;
  private final Clock clock;
  private final HttpCaller http;
  private final HttpClassifier classifier;
  private final EventCodec codec = EventCodec.create();

  private WebhookDestination(Builder b, HttpSettings s) {
    this.name = s.name();
    this.url = s.baseUrl();
    this.channel = b.channel;
    this.secret = b.secret;
    this.profile = b.profile;
    this.limits = DestinationLimits.ofItems(b.maxItems);
    this.clock = s.clock();
    this.http = s.caller(null);
    this.classifier = s.classifier("the webhook").idempotent(true).resendNote(RESEND_NOTE)
        .vendorCodes(this::receiverMessage).build();
  }

  /** A builder: name {@code webhook}, channel {@code events}, up to 100 items per request. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Channel channel() {
    return channel;
  }

  @Override
  public DestinationLimits limits() {
    return limits;
  }

  @Override
  public boolean idempotent() {
    return true;
  }

  @Override
  public @Nullable HashingProfile hashingProfile() {
    return profile;
  }

  @Override
  public List<Outcome> deliver(List<DeliveryItem> batch) {
    if (batch.isEmpty()) {
      return List.of();
    }
    byte[] body = body(batch);
    Request request = new Request.Builder()
        .url(url)
        .header("Idempotency-Key", idempotencyKey(batch))
        .header(WebhookSignature.HEADER, WebhookSignature.sign(secret, clock.instant(), body))
        .header("User-Agent", "outlane-webhook")
        .post(RequestBody.create(body, JSON))
        .build();
    Exchange exchange = http.execute(request);
    Outcome outcome = exchange instanceof Exchange.Answered a && a.successful()
        ? Outcome.delivered(a.requestId())
        : classifier.classify(exchange);
    return Collections.nCopies(batch.size(), outcome);
  }

  /** The JSON body for {@code batch}, as documented on the class. */
  byte[] body(List<DeliveryItem> batch) {
    StringBuilder json = new StringBuilder(batch.size() * 512).append("{\"events\":[");
    for (int i = 0; i < batch.size(); i++) {
      if (i > 0) {
        json.append(',');
      }
      DeliveryItem item = batch.get(i);
      RetentionEvent event = item.event();
      Map<String, @Nullable Object> ids = new TreeMap<>();
      Identity identity = item.identity();
      ids.put("customer_id", identity.customerId());
      if (profile == null) {
        ids.put("email", identity.email());
        ids.put("phone", identity.phoneE164());
      } else {
        HashedIdentity hashed = item.hashed() != null ? item.hashed() : profile.hash(identity);
        ids.put("email_sha256", hashed.emailSha256());
        ids.put("phone_sha256", hashed.phoneSha256());
        event = event.toBuilder().email(null).phone(null).build();
      }
      json.append("{\"idempotency_key\":").append(ContractJson.toJson(item.idempotencyKey()))
          .append(",\"schema_version\":").append(ContractJson.toJson(event.schemaVersion()))
          .append(",\"target\":").append(ContractJson.toJson(item.target()))
          .append(",\"action\":").append(ContractJson.toJson(item.action().name().toLowerCase(java.util.Locale.ROOT)))
          .append(",\"identifiers\":").append(ContractJson.toJson(ids))
          .append(",\"event\":").append(codec.toJson(event))
          .append('}');
    }
    return json.append("]}").toString().getBytes(StandardCharsets.UTF_8);
  }

  private static String idempotencyKey(List<DeliveryItem> batch) {
    if (batch.size() == 1) {
      return batch.get(0).idempotencyKey();
    }
    List<String> keys = new ArrayList<>(batch.size());
    batch.forEach(item -> keys.add(item.idempotencyKey()));
    return "batch-" + Sha256.hex(String.join("\n", keys));
  }

  /** 4xx other than 429: rejected with the receiver's own message; the defaults decide the rest. */
  private @Nullable Outcome receiverMessage(Exchange.Answered a) {
    int status = a.status();
    if (status == 429 || status >= 500 || status < 400) {
      return null;
    }
    String message = message(a.body());
    return Outcome.rejected(classifier.error(a, "the webhook refused the request (HTTP " + status + ")"
        + (message.isEmpty() ? "" : ": " + message)).code(Integer.toString(status)).build(), true);
  }

  /** The {@code message} or {@code error} string of a JSON object body, shortened; else empty. */
  static String message(String body) {
    try (JsonReader reader = JsonReader.of(new Buffer().writeUtf8(body))) {
      if (reader.peek() != JsonReader.Token.BEGIN_OBJECT) {
        return "";
      }
      reader.beginObject();
      while (reader.hasNext()) {
        String field = reader.nextName();
        if ((field.equals("message") || field.equals("error"))
            && reader.peek() == JsonReader.Token.STRING) {
          String m = reader.nextString().replaceAll("\\p{Cntrl}", " ").strip();
          return m.length() > MESSAGE_MAX_CHARS ? m.substring(0, MESSAGE_MAX_CHARS) + "…" : m;
        }
        reader.skipValue();
      }
    } catch (java.io.IOException | RuntimeException e) {
      // Not JSON: the status alone is reported.
    }
    return "";
  }

  @Override
  public void close() {
    http.close();
  }

  @Override
  public String toString() {
    return "WebhookDestination{name=" + name + ", host=" + url.host() + "}";
  }

  /**
   * Builds a {@link WebhookDestination}. Setters refuse unusable values at once with {@link
   * IllegalArgumentException} naming the setting; {@link #build()} throws {@link
   * IllegalStateException} naming what is missing. Not thread-safe.
   */
  public static final class Builder extends HttpDestinationBuilder<Builder> {
    private @Nullable String secretValue;
    private String secret = "";
    private @Nullable HashingProfile profile;
    private boolean raw;
    private Channel channel = Channel.EVENTS;
    private int maxItems = DEFAULT_MAX_ITEMS;

    private Builder() {
      super("webhook", BaseUrlRule.endpoint("https://hooks.example.com/outlane"));
    }

    /**
     * The endpoint, e.g. {@code https://hooks.example.com/outlane} (path and query kept as given).
     * Same as {@link #baseUrl(String)}.
     *
     * @throws IllegalArgumentException if null, not an http or https URL, or with a fragment
     */
    public Builder url(@Nullable String url) {
      return baseUrl(url);
    }

    /**
     * The signing secret (at least 16 characters; from a secret store, never from code). Rotate by
     * letting the receiver accept the old and the new secret, then switching this one.
     *
     * @throws IllegalArgumentException if null, blank or shorter than 16 characters (the value is
     *     never repeated in the message)
     */
    public Builder secret(@Nullable String secret) {
      String s = Settings.requireText("secret", secret);
      if (s.length() < 16) {
        throw new IllegalArgumentException("secret: must be at least 16 characters");
      }
      this.secretValue = s;
      return this;
    }

    /** Sends identifiers hashed with {@code profile} ({@code HashingProfile.named("meta")}, …). */
    public Builder hashing(@Nullable HashingProfile profile) {
      this.profile = Settings.require("hashing", profile);
      this.raw = false;
      return this;
    }

    /** Sends email and phone unhashed: only for a receiver that must have them (and stores them safely). */
    public Builder rawIdentifiers() {
      this.profile = null;
      this.raw = true;
      return this;
    }

    /** The channel suppression and consent apply on; {@code events} by default. */
    public Builder channel(@Nullable Channel channel) {
      this.channel = Settings.require("channel", channel);
      return this;
    }

    /**
     * Items per request, 1 (one event per request) to 1,000.
     *
     * @throws IllegalArgumentException outside that range
     */
    public Builder maxItemsPerRequest(int maxItems) {
      if (maxItems < 1 || maxItems > 1_000) {
        throw new IllegalArgumentException("maxItemsPerRequest: must be 1..1000, was " + maxItems);
      }
      this.maxItems = maxItems;
      return this;
    }

    /**
     * The destination.
     *
     * @throws IllegalStateException if the URL or the secret is missing, or if neither {@link
     *     #hashing} nor {@link #rawIdentifiers()} was chosen
     */
    public WebhookDestination build() {
      if (httpSettings().baseUrlOrNull() == null) {
        throw new IllegalStateException("url: required, was not set");
      }
      if (secretValue == null) {
        throw new IllegalStateException("secret: required, was not set");
      }
      if (profile == null && !raw) {
        throw new IllegalStateException(
            "identifiers: choose hashing(profile) or, only if the receiver needs them, rawIdentifiers()");
      }
      this.secret = secretValue;
      return new WebhookDestination(this, httpSettings());
    }
  }
}

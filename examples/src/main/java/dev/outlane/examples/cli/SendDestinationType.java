package dev.outlane.examples.cli;

import dev.outlane.Outlane;
import dev.outlane.ValidationException;
import dev.outlane.ads.google.GoogleDataManagerDestination;
import dev.outlane.ads.meta.MetaConversionsDestination;
import dev.outlane.ads.meta.MetaCustomAudienceDestination;
import dev.outlane.ads.tiktok.TikTokAudienceDestination;
import dev.outlane.contract.AudienceAction;
import dev.outlane.hashing.HashedIdentity;
import dev.outlane.hashing.Sha256;
import dev.outlane.destination.DeliveryItem;
import dev.outlane.destination.Destination;
import dev.outlane.examples.cli.SendConfig.ConfigException;
import dev.outlane.twilio.segment.SegmentDestination;
import dev.outlane.twilio.sms.SmsTemplate;
import dev.outlane.twilio.sms.TwilioSmsDestination;
import dev.outlane.hashing.HashingProfile;
import dev.outlane.webhook.WebhookDestination;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The destination types {@code outlane send} can configure, their keys, and how each previews an
 * item for {@code --dry-run}. Every type also accepts {@code concurrency} (requests in flight at
 * once, 1–64).
 *
 * <ul>
 *   <li>{@code twilio-sms}: {@code account-sid} (required); {@code auth-token}, or {@code
 *       api-key-sid} + {@code api-key-secret}; {@code from} or {@code messaging-service-sid};
 *       optional {@code template} (the default body, else each route's {@code option.template}),
 *       {@code status-callback}, {@code region} + {@code edge}, {@code base-url} (e.g. a fake
 *       Twilio). Default concurrency 4.
 *   <li>{@code segment}: {@code write-key} (required); optional {@code endpoint} (default US,
 *       {@code https://events.eu1.segmentapis.com} for EU, or a fake's URL). Route options {@code
 *       call} ({@code track}/{@code identify}) and {@code include_pii}. Default concurrency 2.
 *   <li>{@code meta-audience}: {@code access-token}; optional {@code graph-version}, {@code
 *       base-url}. The route's {@code target} is the custom audience id.
 *   <li>{@code meta-capi}: {@code access-token}, {@code pixel-id}; optional {@code graph-version},
 *       {@code base-url}, {@code action-source} (default for routes without {@code
 *       option.action_source}), {@code test-event-code}.
 *   <li>{@code tiktok-audience}: {@code access-token}, {@code advertiser-id} (comma-separated for
 *       several); optional {@code base-url}. The route's {@code target} is the audience id.
 *   <li>{@code google-audience}: {@code access-token} (an OAuth token with the Data Manager scope),
 *       {@code account} ({@code TYPE:ID}, e.g. {@code GOOGLE_ADS:1234567890}); optional {@code
 *       base-url}. The route's {@code target} is the user list id.
 *   <li>{@code webhook}: {@code url}, {@code secret} (the signing secret), {@code hashing} ({@code
 *       meta}, {@code google}, {@code tiktok}, or {@code raw} to send email and phone unhashed);
 *       optional {@code max-items} (per request, default 100), {@code channel} (default {@code
 *       events}). Default concurrency 2.
 * </ul>
 *
 * <p>The ads types batch: a partial batch waits up to a second for more items; their default
 * concurrency is 1.
 *
 * <p>Secret keys ({@link #secrets()}) are never printed: not in errors, not in a dry run.
 */
enum SendDestinationType {
  TWILIO_SMS(
      "twilio-sms",
      List.of("account-sid", "auth-token", "api-key-sid", "api-key-secret", "from", "messaging-service-sid",
          "template", "status-callback", "region", "edge", "base-url", "concurrency"),
      Set.of("account-sid"),
      Set.of("auth-token", "api-key-secret")) {
    @Override
    Built build(String name, Map<String, String> v) throws ConfigException {
      String prefix = "destination." + name + ".";
      TwilioSmsDestination.Builder b = TwilioSmsDestination.builder().name(name);
      set(prefix, "account-sid", v, b::accountSid);
      set(prefix, "auth-token", v, b::authToken);
      if (v.containsKey("api-key-sid") != v.containsKey("api-key-secret")) {
        throw new ConfigException(prefix + (v.containsKey("api-key-sid") ? "api-key-secret" : "api-key-sid")
            + ": required with " + prefix + (v.containsKey("api-key-sid") ? "api-key-sid" : "api-key-secret"));
      }
      if (v.containsKey("api-key-sid")) {
        set(prefix, "api-key-sid", v, sid -> b.apiKey(sid, v.get("api-key-secret")));
      }
      if (v.containsKey("auth-token") == v.containsKey("api-key-sid")) {
        throw new ConfigException(prefix + "auth-token: set auth-token, or api-key-sid and api-key-secret (exactly one)");
      }
      if (v.containsKey("from") == v.containsKey("messaging-service-sid")) {
        throw new ConfigException(prefix + "from: set from or messaging-service-sid (exactly one)");
      }
      set(prefix, "from", v, b::from);
      set(prefix, "messaging-service-sid", v, b::messagingServiceSid);
      SmsTemplate template = null;
      if (v.containsKey("template")) {
        template = template(prefix + "template", v.get("template"));
        set(prefix, "template", v, b::defaultTemplate);
      }
      set(prefix, "status-callback", v, s -> b.statusCallback(URI.create(s)));
      if (v.containsKey("region") != v.containsKey("edge")) {
        throw new ConfigException(prefix + (v.containsKey("region") ? "edge" : "region") + ": required with "
            + prefix + (v.containsKey("region") ? "region" : "edge"));
      }
      set(prefix, "region", v, b::region);
      set(prefix, "edge", v, b::edge);
      set(prefix, "base-url", v, b::baseUrl);
      int concurrency = concurrency(prefix, v, 4);
      TwilioSmsDestination sms;
      try {
        sms = b.build();
      } catch (IllegalArgumentException | IllegalStateException e) {
        throw new ConfigException(prefix + "type: " + e.getMessage());
      }
      SmsTemplate fallback = template;
      return new Built(sms, Outlane.DestinationOptions.defaults().withConcurrency(concurrency),
          item -> previewSms(item, fallback));
    }
  },

  SEGMENT("segment", List.of("write-key", "endpoint", "concurrency"), Set.of("write-key"), Set.of("write-key")) {
    @Override
    Built build(String name, Map<String, String> v) throws ConfigException {
      String prefix = "destination." + name + ".";
      SegmentDestination.Builder b = SegmentDestination.builder().name(name);
      set(prefix, "write-key", v, b::writeKey);
      set(prefix, "endpoint", v, b::baseUrl);
      int concurrency = concurrency(prefix, v, 2);
      SegmentDestination segment;
      try {
        segment = b.build();
      } catch (IllegalArgumentException | IllegalStateException e) {
        throw new ConfigException(prefix + "type: " + e.getMessage());
      }
      // A short linger lets batches fill while reading a file; Segment takes up to 2,500 per request.
      return new Built(segment, Outlane.DestinationOptions.defaults().withConcurrency(concurrency)
          .withLinger(Duration.ofMillis(100)), SendDestinationType::previewSegment);
    }
  },

  META_AUDIENCE("meta-audience", List.of("access-token", "graph-version", "base-url", "concurrency"),
      Set.of("access-token"), Set.of("access-token")) {
    @Override
    Built build(String name, Map<String, String> v) throws ConfigException {
      String prefix = "destination." + name + ".";
      MetaCustomAudienceDestination.Builder b = MetaCustomAudienceDestination.builder().name(name);
      set(prefix, "access-token", v, b::accessToken);
      set(prefix, "graph-version", v, b::graphVersion);
      set(prefix, "base-url", v, b::baseUrl);
      return new Built(built(prefix, b::build), batched(prefix, v), item -> previewAudience(item, "EMAIL", "PHONE", "EXTERN_ID"));
    }
  },

  META_CAPI("meta-capi", List.of("access-token", "pixel-id", "graph-version", "base-url", "action-source",
      "test-event-code", "concurrency"), Set.of("access-token", "pixel-id"), Set.of("access-token")) {
    @Override
    Built build(String name, Map<String, String> v) throws ConfigException {
      String prefix = "destination." + name + ".";
      MetaConversionsDestination.Builder b = MetaConversionsDestination.builder().name(name);
      set(prefix, "access-token", v, b::accessToken);
      set(prefix, "pixel-id", v, b::pixelId);
      set(prefix, "graph-version", v, b::graphVersion);
      set(prefix, "base-url", v, b::baseUrl);
      set(prefix, "action-source", v, b::defaultActionSource);
      set(prefix, "test-event-code", v, b::testEventCode);
      return new Built(built(prefix, b::build), batched(prefix, v), SendDestinationType::previewCapi);
    }
  },

  TIKTOK_AUDIENCE("tiktok-audience", List.of("access-token", "advertiser-id", "base-url", "concurrency"),
      Set.of("access-token", "advertiser-id"), Set.of("access-token")) {
    @Override
    Built build(String name, Map<String, String> v) throws ConfigException {
      String prefix = "destination." + name + ".";
      TikTokAudienceDestination.Builder b = TikTokAudienceDestination.builder().name(name);
      set(prefix, "access-token", v, b::accessToken);
      set(prefix, "advertiser-id", v, id -> b.advertiserIds(id.split("\\s*,\\s*")));
      set(prefix, "base-url", v, b::baseUrl);
      return new Built(built(prefix, b::build), batched(prefix, v),
          item -> previewAudience(item, "EMAIL_SHA256", "PHONE_SHA256", null));
    }
  },

  GOOGLE_AUDIENCE("google-audience", List.of("access-token", "account", "base-url", "concurrency"),
      Set.of("access-token", "account"), Set.of("access-token")) {
    @Override
    Built build(String name, Map<String, String> v) throws ConfigException {
      String prefix = "destination." + name + ".";
      GoogleDataManagerDestination.Builder b = GoogleDataManagerDestination.builder().name(name);
      String token = v.get("access-token");
      b.accessTokenProvider(() -> token);
      set(prefix, "account", v, account -> {
        int colon = account.indexOf(':');
        if (colon < 0) {
          throw new IllegalArgumentException("account: must be TYPE:ID, e.g. GOOGLE_ADS:1234567890");
        }
        b.operatingAccount(account.substring(0, colon), account.substring(colon + 1));
      });
      set(prefix, "base-url", v, b::baseUrl);
      return new Built(built(prefix, b::build), batched(prefix, v), item -> previewAudience(item, "emailAddress", "phoneNumber", null));
    }
  },

  WEBHOOK("webhook", List.of("url", "secret", "hashing", "max-items", "channel", "concurrency"),
      Set.of("url", "secret", "hashing"), Set.of("secret")) {
    @Override
    Built build(String name, Map<String, String> v) throws ConfigException {
      String prefix = "destination." + name + ".";
      WebhookDestination.Builder b = WebhookDestination.builder().name(name);
      set(prefix, "url", v, b::url);
      set(prefix, "secret", v, b::secret);
      String hashing = v.get("hashing");
      set(prefix, "hashing", v, h -> {
        if (h.strip().equalsIgnoreCase("raw")) {
          b.rawIdentifiers();
        } else {
          b.hashing(HashingProfile.named(h).withPassThroughHashed(true));
        }
      });
      set(prefix, "max-items", v, n -> b.maxItemsPerRequest(integer(n, "max-items")));
      set(prefix, "channel", v, c -> b.channel(dev.outlane.destination.Channel.fromWireName(c)));
      String identifiers = hashing.strip().equalsIgnoreCase("raw") ? "raw" : "sha256(" + hashing.strip() + ")";
      return new Built(built(prefix, b::build), Outlane.DestinationOptions.defaults()
          .withConcurrency(concurrency(prefix, v, 2)).withLinger(Duration.ofMillis(100)),
          item -> "post event " + quote(item.event().eventName()) + " idempotency_key=" + item.idempotencyKey()
              + " schema_version=" + item.event().schemaVersion() + " identifiers=" + identifiers);
    }
  };

  private static int integer(String value, String key) {
    try {
      return Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + ": must be a whole number");
    }
  }

  /**
   * A destination built from configuration.
   *
   * @param destination the destination
   * @param options how the client drives it
   * @param preview what {@code --dry-run} prints for one item (no secret; the phone masked)
   */
  record Built(Destination destination, Outlane.DestinationOptions options, Function<DeliveryItem, String> preview) {}

  /** How a preview starts when the destination would refuse the item without sending it. */
  static final String WOULD_BE_REJECTED = "would be rejected: ";

  private final String typeName;
  private final List<String> keys;
  private final Set<String> required;
  private final Set<String> secrets;

  SendDestinationType(String typeName, List<String> keys, Set<String> required, Set<String> secrets) {
    this.typeName = typeName;
    this.keys = keys;
    this.required = required;
    this.secrets = secrets;
  }

  /** The name used in {@code destination.NAME.type}. */
  String typeName() {
    return typeName;
  }

  /** Every key this type accepts after {@code destination.NAME.}, {@code type} excluded. */
  List<String> keys() {
    return keys;
  }

  Set<String> required() {
    return required;
  }

  /** Keys whose values are credentials. */
  Set<String> secrets() {
    return secrets;
  }

  /**
   * Builds the destination from resolved values.
   *
   * @throws ConfigException naming the key whose value does not fit (never a secret's value)
   */
  abstract Built build(String name, Map<String, String> values) throws ConfigException;

  static @Nullable SendDestinationType named(String typeName) {
    for (SendDestinationType t : values()) {
      if (t.typeName.equals(typeName)) {
        return t;
      }
    }
    return null;
  }

  static List<String> names() {
    List<String> names = new ArrayList<>();
    for (SendDestinationType t : values()) {
      names.add(t.typeName);
    }
    return names;
  }

  /** A setter that validates; its {@link IllegalArgumentException} message names the builder field. */
  interface Setter {
    void set(String value);
  }

  /** Calls {@code setter} if {@code key} is configured; a refusal becomes a ConfigException naming the key. */
  static void set(String prefix, String key, Map<String, String> values, Setter setter) throws ConfigException {
    String value = values.get(key);
    if (value == null) {
      return;
    }
    try {
      setter.set(value);
    } catch (IllegalArgumentException | ValidationException e) {
      String message = e.getMessage() == null ? "invalid value" : e.getMessage();
      // Builder messages start with their field name ("accountSid: …"); the key replaces it.
      int colon = message.indexOf(": ");
      throw new ConfigException(prefix + key + ": " + (colon >= 0 ? message.substring(colon + 2) : message));
    }
  }

  static int concurrency(String prefix, Map<String, String> values, int fallback) throws ConfigException {
    String value = values.get("concurrency");
    if (value == null) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(value);
      if (n >= 1 && n <= 64) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new ConfigException(prefix + "concurrency: must be a whole number 1–64, was \"" + value + "\"");
  }

  /** Runs an adapter builder's {@code build()}; what it refuses becomes a ConfigException. */
  static Destination built(String prefix, java.util.function.Supplier<? extends Destination> build) throws ConfigException {
    try {
      return build.get();
    } catch (IllegalArgumentException | IllegalStateException | NullPointerException e) {
      throw new ConfigException(prefix + "type: " + e.getMessage());
    }
  }

  /** Ads APIs take large batches: let them fill for up to a second while the file is read. */
  static Outlane.DestinationOptions batched(String prefix, Map<String, String> values) throws ConfigException {
    return Outlane.DestinationOptions.defaults().withConcurrency(concurrency(prefix, values, 1))
        .withLinger(Duration.ofSeconds(1));
  }

  /**
   * {@code add audience=ID EMAIL=<sha256> PHONE=<sha256> EXTERN_ID=cust-1}: the identifiers exactly as
   * the destination receives them (hashed with its profile), under its own field names.
   */
  static String previewAudience(DeliveryItem item, String emailKey, String phoneKey, @Nullable String externKey) {
    HashedIdentity h = item.hashed();
    StringBuilder b = new StringBuilder(item.action() == AudienceAction.Action.REMOVE ? "remove" : "add");
    b.append(" audience=").append(item.target() == null ? "(none: set route.N.target)" : item.target());
    b.append(' ').append(emailKey).append('=').append(h == null || h.emailSha256() == null ? "" : h.emailSha256());
    b.append(' ').append(phoneKey).append('=').append(h == null || h.phoneSha256() == null ? "" : h.phoneSha256());
    if (externKey != null) {
      b.append(' ').append(externKey).append('=').append(item.identity().customerId());
    }
    return b.toString();
  }

  /** {@code event "purchase" event_id=… event_time=<unix s> em=<sha256> ph=<sha256> external_id=<sha256>}. */
  static String previewCapi(DeliveryItem item) {
    HashedIdentity h = item.hashed();
    return "event " + quote(item.event().eventName()) + " event_id=" + item.idempotencyKey()
        + " event_time=" + item.event().eventTime().getEpochSecond()
        + " em=" + (h == null || h.emailSha256() == null ? "" : h.emailSha256())
        + " ph=" + (h == null || h.phoneSha256() == null ? "" : h.phoneSha256())
        + " external_id=" + Sha256.hex(item.identity().customerId());
  }

  private static SmsTemplate template(String key, String source) throws ConfigException {
    try {
      return SmsTemplate.parse(source);
    } catch (ValidationException e) {
      throw new ConfigException(key + ": " + e.problems().get(0).reason());
    }
  }

  /** {@code To=+1******0123 Body="…"}: the phone masked, the body as rendered. */
  static String previewSms(DeliveryItem item, @Nullable SmsTemplate fallback) {
    String to = item.identity().phoneE164();
    if (to == null) {
      return WOULD_BE_REJECTED + "no phone number";
    }
    String source = item.option("template");
    try {
      SmsTemplate template = source != null ? SmsTemplate.parse(source) : fallback;
      if (template == null) {
        return WOULD_BE_REJECTED + "the route sets no option.template and the destination has no template";
      }
      return "To=" + maskPhone(to) + " Body=" + quote(template.render(item.event()));
    } catch (ValidationException e) {
      return WOULD_BE_REJECTED + "template: " + e.problems().get(0).reason();
    }
  }

  /** {@code track "cart_abandoned" userId=… messageId=… timestamp=…}; identifiers by name only. */
  static String previewSegment(DeliveryItem item) {
    String call = item.option("call") == null ? "track" : item.option("call");
    StringBuilder b = new StringBuilder(call);
    if ("track".equals(call)) {
      b.append(' ').append(quote(item.event().eventName()));
    }
    b.append(" userId=").append(item.identity().customerId());
    b.append(" messageId=").append(item.idempotencyKey());
    b.append(" timestamp=").append(item.event().eventTime());
    if ("true".equals(item.option("include_pii"))) {
      List<String> traits = new ArrayList<>();
      if (item.identity().email() != null) {
        traits.add("email");
      }
      if (item.identity().phoneE164() != null) {
        traits.add("phone");
      }
      if (!traits.isEmpty()) {
        b.append(" traits=").append(String.join(",", traits));
      }
    }
    return b.toString();
  }

  /** {@code +14155550123} → {@code +1******0123}: the first two and last four characters kept. */
  static String maskPhone(String e164) {
    if (e164.length() <= 6) {
      return "*".repeat(e164.length());
    }
    return e164.substring(0, 2) + "*".repeat(e164.length() - 6) + e164.substring(e164.length() - 4);
  }

  static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
  }
}

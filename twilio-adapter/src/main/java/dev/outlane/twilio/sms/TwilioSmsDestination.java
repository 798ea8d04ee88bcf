package dev.outlane.twilio.sms;

import com.twilio.http.TwilioRestClient;
import com.twilio.rest.api.v2010.account.Message;
import com.twilio.rest.api.v2010.account.MessageCreator;
import com.twilio.type.PhoneNumber;
import dev.outlane.ValidationException;
import dev.outlane.destination.Channel;
import dev.outlane.destination.DeliveryItem;
import dev.outlane.destination.Destination;
import dev.outlane.destination.DestinationLimits;
import dev.outlane.destination.Outcome;
import dev.outlane.destination.Settings;
import dev.outlane.http.Exchange;
import dev.outlane.http.HttpDestinationBuilder;
import dev.outlane.http.HttpSettings;
import dev.outlane.http.HttpClassifier;
import dev.outlane.http.HttpClients;
import dev.outlane.twilio.internal.OkHttpTwilioHttpClient;
import dev.outlane.twilio.internal.TwilioCallException;
import dev.outlane.twilio.internal.TwilioErrorBody;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.regex.Pattern;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one SMS per activation through Twilio Messaging ({@code POST
 * /2010-04-01/Accounts/{AccountSid}/Messages.json}) with twilio-java, and never sends one twice.
 *
 * <pre>{@code
 * TwilioSmsDestination sms = TwilioSmsDestination.builder()
 *     .accountSid("AC…").authToken(System.getenv("TWILIO_AUTH_TOKEN"))
 *     .messagingServiceSid("MG…")
 *     .defaultTemplate("Hi {{properties.first_name}}, your cart of {{commerce.cart_value}} {{commerce.currency}} is waiting")
 *     .build();
 * }</pre>
 *
 * <p><b>No double sends.</b> Twilio has no idempotency key for {@code POST /Messages}, so this
 * destination is not {@linkplain #idempotent() idempotent}, and it never retries by itself: the
 * twilio-java client it builds sends each request exactly once (twilio-java's own client would resend
 * on any 5xx). What happened is reported as an {@link Outcome}:
 *
 * <table>
 *   <caption>Classification</caption>
 *   <tr><th>Twilio said / what failed</th><th>Outcome</th></tr>
 *   <tr><td>2xx</td><td>{@code Delivered}, reference = the message SID ({@code SM…})</td></tr>
 *   <tr><td>429, or error code 20429</td><td>{@code Retryable} with {@code Retry-After}: Twilio
 *       documents that a 429 "is never processed"</td></tr>
 *   <tr><td>connect refused, DNS failure, any failure before the request was completely written</td>
 *       <td>{@code Retryable}: Twilio never had the whole request</td></tr>
 *   <tr><td>5xx; timeout, reset or end of stream after the request was written</td><td>{@code
 *       Unknown}: the SMS may have gone out, so the engine dead-letters it for reconciliation</td></tr>
 *   <tr><td>21610 (recipient replied STOP)</td><td>{@code OptedOut}, which the engine turns into a
 *       suppression</td></tr>
 *   <tr><td>21211, 21614, 21608 and every other 4xx</td><td>{@code Rejected} with the code</td></tr>
 *   <tr><td>no phone on the identity; a template value missing in the event</td><td>{@code Rejected}
 *       with code {@code no_phone} / {@code template}, without a request</td></tr>
 * </table>
 *
 * <p>Reasons never repeat Twilio's error message, which quotes the recipient's number; they carry the
 * code, the status, the request id and the documentation link instead.
 *
 * <p><b>Templates.</b> The body comes from the route option {@code template} if the item has one,
 * else from {@link Builder#defaultTemplate}. See {@link SmsTemplate} for the syntax.
 *
 * <p><b>No global state.</b> Each destination builds its own {@link TwilioRestClient}; {@code
 * Twilio.init} and {@code createAsync} (twilio-java's static executor) are never used.
 *
 * <p>Thread-safe: {@link #deliver} may be called from several engine threads at once.
 */
public final class TwilioSmsDestination implements Destination {
  private static final Logger log = LoggerFactory.getLogger(TwilioSmsDestination.class);

  /** Twilio SIDs: two letters and 32 lower-case hex digits (Twilio's "SID" format). */
  private static final Pattern ACCOUNT_SID = Pattern.compile("AC[0-9a-fA-F]{32}");
  private static final Pattern API_KEY_SID = Pattern.compile("SK[0-9a-fA-F]{32}");
  private static final Pattern MESSAGING_SERVICE_SID = Pattern.compile("MG[0-9a-fA-F]{32}");
  private static final Pattern REGION = Pattern.compile("[a-z]{2}[0-9]");
  private static final Pattern EDGE = Pattern.compile("[a-z][a-z-]*");
  /** The first segment of every Twilio REST path twilio-java builds: the API version. */
  private static final Pattern API_VERSION_SEGMENT = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");

  /** ValidityPeriod bounds, in seconds, from Twilio's Message resource reference (1 s to 36,000 s). */
  private static final long MIN_VALIDITY_SECONDS = 1;
  private static final long MAX_VALIDITY_SECONDS = 36_000;

  /** Parsed route templates, bounded: routes are configuration, so a handful is normal. */
  private static final int MAX_CACHED_TEMPLATES = 256;

  /** Twilio error codes with their own outcome, from https://www.twilio.com/docs/api/errors. */
  static final int CODE_TOO_MANY_REQUESTS = 20429;
  static final int CODE_INVALID_TO = 21211;
  static final int CODE_OPTED_OUT = 21610;
  static final int CODE_UNVERIFIED_TRIAL = 21608;
  static final int CODE_NOT_MOBILE = 21614;

  private final String name;
  private final TwilioRestClient client;
  private final String accountSid;
  private final @Nullable String from;
  private final @Nullable String messagingServiceSid;
  private final @Nullable SmsTemplate defaultTemplate;
  private final @Nullable URI statusCallback;
  private final @Nullable Integer validityPeriodSeconds;
  private final Clock clock;
  private final ConcurrentMap<String, Object> routeTemplates = new ConcurrentHashMap<>();
  /** The OkHttp client this destination created itself, closed with it; null if the caller's is shared. */
  private final @Nullable OkHttpClient ownedClient;
  private final HttpClassifier classifier;

  private TwilioSmsDestination(
      Builder b, HttpSettings s, TwilioRestClient client, @Nullable OkHttpClient ownedClient) {
    this.name = s.name();
    this.client = client;
    this.accountSid = Objects.requireNonNull(b.accountSid);
    this.from = b.from;
    this.messagingServiceSid = b.messagingServiceSid;
    this.defaultTemplate = b.defaultTemplate;
    this.statusCallback = b.statusCallback;
    this.validityPeriodSeconds = b.validityPeriodSeconds;
    this.clock = s.clock();
    this.ownedClient = ownedClient;
    this.classifier = s.classifier("Twilio").idempotent(false)
        .unknownNote("the SMS may have been sent").vendorCodes(this::twilioCodes).build();
  }

  /** A builder with the defaults: name {@code twilio-sms}, Twilio's own host, the system UTC clock. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Channel channel() {
    return Channel.SMS;
  }

  /** One message per request: Twilio has no batch send. */
  @Override
  public DestinationLimits limits() {
    return DestinationLimits.single();
  }

  /** False: Twilio cannot dedupe {@code POST /Messages}; unknown outcomes must not be resent. */
  @Override
  public boolean idempotent() {
    return false;
  }

  /** The account the messages are sent from. */
  public String accountSid() {
    return accountSid;
  }

  /**
   * Sends each item, one request at a time, in order. Never throws for a failure it can classify.
   */
  @Override
  public List<Outcome> deliver(List<DeliveryItem> batch) {
    List<Outcome> outcomes = new ArrayList<>(batch.size());
    for (DeliveryItem item : batch) {
      outcomes.add(deliverOne(item));
    }
    return outcomes;
  }

  private Outcome deliverOne(DeliveryItem item) {
    String to = item.identity().phoneE164();
    if (to == null) {
      return Outcome.rejected("no_phone", "no phone number: the identity has no E.164 phone");
    }
    String body;
    try {
      body = templateFor(item).render(item.event());
    } catch (ValidationException e) {
      return Outcome.rejected("template", e.getMessage());
    }
    MessageCreator creator =
        from != null
            ? Message.creator(accountSid, new PhoneNumber(to), new PhoneNumber(from), body)
            : Message.creator(accountSid, new PhoneNumber(to), Objects.requireNonNull(messagingServiceSid), body);
    if (statusCallback != null) {
      creator.setStatusCallback(statusCallback);
    }
    if (validityPeriodSeconds != null) {
      creator.setValidityPeriod(validityPeriodSeconds);
    }
    try {
      Message message = creator.create(client);
      return Outcome.delivered(message.getSid());
    } catch (TwilioCallException e) {
      Outcome outcome = classifier.classify(e.exchange());
      log.debug("{}: {} for item {}: {}", name, outcome.getClass().getSimpleName(), item.idempotencyKey(), e.getMessage());
      return outcome;
    }
  }

  private SmsTemplate templateFor(DeliveryItem item) {
    String source = item.option("template");
    if (source == null) {
      if (defaultTemplate == null) {
        throw new ValidationException(
            new dev.outlane.Problem("$.template", "the route sets no template and the destination has no default"));
      }
      return defaultTemplate;
    }
    Object cached = routeTemplates.get(source);
    if (cached == null) {
      try {
        cached = SmsTemplate.parse(source);
      } catch (ValidationException e) {
        cached = e;
      }
      if (routeTemplates.size() < MAX_CACHED_TEMPLATES) {
        routeTemplates.putIfAbsent(source, cached);
      }
    }
    if (cached instanceof ValidationException e) {
      throw e;
    }
    return (SmsTemplate) cached;
  }

  /**
   * Twilio's statuses and codes, in Twilio's words; every answer is decided here. Failures without
   * an answer get {@link HttpClassifier}'s defaults: not written → retryable, written → unknown.
   */
  private Outcome twilioCodes(Exchange.Answered a) {
    int status = a.status();
    String requestId = a.requestId() == null ? "" : ", request " + a.requestId();
    TwilioErrorBody error = TwilioErrorBody.parse(a.body());
    Integer code = error.code();
    String codeText = code == null ? null : code.toString();
    String more = error.moreInfo() == null ? "" : " (" + error.moreInfo() + ")";
    if (status == 429 || (code != null && code == CODE_TOO_MANY_REQUESTS)) {
      return Outcome.retryable(classifier.error(a,
              "rate limited: HTTP " + status + ", Twilio did not process the request" + requestId)
          .code(codeText == null ? "429" : codeText).mayHaveActed(false).build(), classifier.retryAfter(a));
    }
    if (status >= 500) {
      return Outcome.unknown(classifier.error(a,
              "outcome unknown: HTTP " + status + " after the request was written; the SMS may have been sent" + requestId)
          .code(codeText == null ? Integer.toString(status) : codeText).build());
    }
    if (code != null && code == CODE_OPTED_OUT) {
      return Outcome.optedOut(codeText, "recipient opted out: replied STOP; Twilio blocks messages until START" + more);
    }
    String reason;
    if (code == null) {
      reason = "Twilio refused the message: HTTP " + status + requestId;
    } else if (code == CODE_INVALID_TO) {
      reason = "invalid To: not a valid phone number" + more;
    } else if (code == CODE_NOT_MOBILE) {
      reason = "invalid To: not a mobile number" + more;
    } else if (code == CODE_UNVERIFIED_TRIAL) {
      reason = "To is not verified for this trial account" + more;
    } else {
      reason = "Twilio refused the message: error " + code + ", HTTP " + status + requestId + more;
    }
    return Outcome.rejected(classifier.error(a, reason).code(codeText == null ? "http_" + status : codeText).build(), false);
  }

  /**
   * Releases the OkHttp threads and connections if this destination created its own client; a
   * client passed to {@link Builder#okHttpClient} is left to its owner.
   */
  @Override
  public void close() {
    if (ownedClient != null) {
      HttpClients.release(ownedClient);
    }
  }

  /** The OkHttp client this destination created, or null if it was given one; for tests of {@link #close()}. */
  @Nullable OkHttpClient ownedClient() {
    return ownedClient;
  }

  @Override
  public String toString() {
    return "TwilioSmsDestination{name=" + name + ", accountSid=" + accountSid + "}";
  }

  /**
   * Builds a {@link TwilioSmsDestination}, following {@link Settings}' rule: each setter checks its
   * value at once and throws {@link IllegalArgumentException} naming the setting and the reason
   * ({@code accountSid: required, was null} for an unset environment variable); {@link #build()}
   * throws {@link IllegalStateException} for a required setting never set ({@code accountSid:
   * required, was not set}) or a contradictory combination. Messages never contain a credential.
   * Not thread-safe.
   *
   * <p>The shared settings ({@link HttpDestinationBuilder}): {@code name} defaults to {@code
   * twilio-sms}. Without a {@code baseUrl} requests go to Twilio's own host (or the {@code region}
   * and {@code edge} one); with one, Twilio's paths follow it ({@code https://proxy.example/twilio}
   * sends to {@code https://proxy.example/twilio/2010-04-01/Accounts/…/Messages.json}). A given
   * {@code okHttpClient} is shared (pool, dispatcher, timeouts, interceptors): the destination
   * derives its own with {@code newBuilder()}, turning off {@code retryOnConnectionFailure} and
   * redirects, and leaves the given one unchanged and open.
   */
  public static final class Builder extends HttpDestinationBuilder<Builder> {
    private @Nullable String accountSid;
    private @Nullable String authToken;
    private @Nullable String apiKeySid;
    private @Nullable String apiKeySecret;
    private @Nullable String from;
    private @Nullable String messagingServiceSid;
    private @Nullable SmsTemplate defaultTemplate;
    private @Nullable URI statusCallback;
    private @Nullable Integer validityPeriodSeconds;
    private @Nullable String region;
    private @Nullable String edge;

    private Builder() {
      super("twilio-sms", new BaseUrlRule(null, "https://api.twilio.com", API_VERSION_SEGMENT, "/2010-04-01/Accounts/…"));
    }

    /**
     * The account SID, {@code AC} and 32 hex digits. Required with both kinds of credentials.
     *
     * @throws IllegalArgumentException if null, blank or not of that form
     */
    public Builder accountSid(@Nullable String accountSid) {
      this.accountSid = Settings.requireMatch("accountSid", accountSid, ACCOUNT_SID, "\"AC\" followed by 32 hex digits");
      return this;
    }

    /**
     * The account's auth token. Use either this or {@link #apiKey}.
     *
     * @throws IllegalArgumentException if null or blank
     */
    public Builder authToken(@Nullable String authToken) {
      this.authToken = Settings.requireText("authToken", authToken);
      return this;
    }

    /**
     * An API key ({@code SK} and 32 hex digits) and its secret, the credential Twilio recommends for
     * production. The account SID is still required: it is part of the request path.
     *
     * @throws IllegalArgumentException naming {@code apiKeySid} or {@code apiKeySecret}
     */
    public Builder apiKey(@Nullable String apiKeySid, @Nullable String apiKeySecret) {
      String sid = Settings.requireMatch("apiKeySid", apiKeySid, API_KEY_SID, "\"SK\" followed by 32 hex digits");
      this.apiKeySecret = Settings.requireText("apiKeySecret", apiKeySecret);
      this.apiKeySid = sid;
      return this;
    }

    /**
     * The sender: an E.164 number, a short code or an alphanumeric sender id.
     *
     * @throws IllegalArgumentException if null or blank
     */
    public Builder from(@Nullable String from) {
      this.from = Settings.requireText("from", from).strip();
      return this;
    }

    /**
     * A Messaging Service ({@code MG} and 32 hex digits) that picks the sender.
     *
     * @throws IllegalArgumentException if null, blank or not of that form
     */
    public Builder messagingServiceSid(@Nullable String messagingServiceSid) {
      this.messagingServiceSid = Settings.requireMatch(
          "messagingServiceSid", messagingServiceSid, MESSAGING_SERVICE_SID, "\"MG\" followed by 32 hex digits");
      return this;
    }

    /**
     * The body template for items whose route sets no {@code template} option; see {@link
     * SmsTemplate} for what it may contain. A typo fails here, not on the first send.
     *
     * @throws IllegalArgumentException {@code defaultTemplate: …} for a null, blank or malformed
     *     template or an unknown placeholder, naming it
     */
    public Builder defaultTemplate(@Nullable String template) {
      Settings.requireText("defaultTemplate", template);
      try {
        this.defaultTemplate = SmsTemplate.parse(template);
      } catch (ValidationException e) {
        throw new IllegalArgumentException("defaultTemplate: " + e.problems().get(0).reason(), e);
      }
      return this;
    }

    /**
     * Where Twilio POSTs status updates; see {@link TwilioSignatureValidator}.
     *
     * @throws IllegalArgumentException if null or not an absolute http or https URL
     */
    public Builder statusCallback(@Nullable URI statusCallback) {
      Settings.require("statusCallback", statusCallback);
      String scheme = statusCallback.getScheme();
      if (!statusCallback.isAbsolute() || !("https".equals(scheme) || "http".equals(scheme))) {
        throw new IllegalArgumentException("statusCallback: must be an absolute http or https URL");
      }
      this.statusCallback = statusCallback;
      return this;
    }

    /**
     * How long Twilio may queue a message before giving up, 1 s to 36,000 s (Twilio's range).
     *
     * @throws IllegalArgumentException if null, not whole seconds, or out of range
     */
    public Builder validityPeriod(@Nullable Duration validityPeriod) {
      Settings.require("validityPeriod", validityPeriod);
      long seconds = validityPeriod.getSeconds();
      if (seconds < MIN_VALIDITY_SECONDS || seconds > MAX_VALIDITY_SECONDS || validityPeriod.getNano() != 0) {
        throw new IllegalArgumentException(
            "validityPeriod: must be whole seconds between 1 and 36000, was " + validityPeriod);
      }
      this.validityPeriodSeconds = (int) seconds;
      return this;
    }

    /**
     * Twilio's processing region, e.g. {@code ie1} or {@code au1}; needs {@link #edge} too.
     *
     * @throws IllegalArgumentException if null, blank or not of that form
     */
    public Builder region(@Nullable String region) {
      this.region = Settings.requireMatch("region", region, REGION, "a region such as \"us1\", \"ie1\" or \"au1\"");
      return this;
    }

    /**
     * Twilio's edge location, e.g. {@code dublin} or {@code sydney}.
     *
     * @throws IllegalArgumentException if null, blank or not of that form
     */
    public Builder edge(@Nullable String edge) {
      this.edge = Settings.requireMatch("edge", edge, EDGE, "a lower-case edge name such as \"dublin\"");
      return this;
    }

    /**
     * Builds the destination and its own {@link TwilioRestClient}.
     *
     * @throws IllegalStateException naming what is missing ({@code accountSid: required, was not
     *     set}) or contradictory (both an auth token and an API key, both or neither of {@code from}
     *     and {@code messagingServiceSid}, a region without an edge)
     */
    public TwilioSmsDestination build() {
      String account = Settings.requireSet("accountSid", accountSid);
      if (authToken == null && apiKeySid == null) {
        throw new IllegalStateException("credentials: set authToken or apiKey");
      }
      if (authToken != null && apiKeySid != null) {
        throw new IllegalStateException("credentials: set authToken or apiKey, not both");
      }
      if ((from == null) == (messagingServiceSid == null)) {
        throw new IllegalStateException(
            "from, messagingServiceSid: set exactly one (" + (from == null ? "neither was" : "both were") + " set)");
      }
      if ((region == null) != (edge == null) && region != null) {
        throw new IllegalStateException("edge: required with region (Twilio routes by edge + region)");
      }
      HttpSettings settings = httpSettings();
      OkHttpClient given = settings.okHttpClient();
      OkHttpClient derived = OkHttpTwilioHttpClient.deriveFrom(given != null ? given : HttpClients.newDefault());
      OkHttpTwilioHttpClient http = new OkHttpTwilioHttpClient(derived, settings.baseUrlOrNull(), UserAgent.VALUE);
      TwilioRestClient.Builder rest =
          authToken != null
              ? new TwilioRestClient.Builder(account, authToken)
              : new TwilioRestClient.Builder(Objects.requireNonNull(apiKeySid), Objects.requireNonNull(apiKeySecret))
                  .accountSid(account);
      if (region != null) {
        rest.region(region);
      }
      if (edge != null) {
        rest.edge(edge);
      }
      return new TwilioSmsDestination(this, settings, rest.httpClient(http).build(), given == null ? derived : null);
    }
  }
}

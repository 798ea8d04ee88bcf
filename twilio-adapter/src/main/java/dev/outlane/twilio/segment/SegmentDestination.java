package dev.outlane.twilio.segment;

import com.squareup.moshi.JsonReader;
import dev.outlane.destination.Channel;
import dev.outlane.destination.DeliveryItem;
import dev.outlane.destination.Destination;
import dev.outlane.destination.DestinationLimits;
import dev.outlane.destination.Outcome;
import dev.outlane.destination.Settings;
import dev.outlane.http.Exchange;
import dev.outlane.http.Gzip;
import dev.outlane.http.HttpCaller;
import dev.outlane.http.HttpDestinationBuilder;
import dev.outlane.http.HttpSettings;
import dev.outlane.http.HttpClassifier;
import dev.outlane.twilio.internal.IsoInstant;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.zip.Deflater;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okio.Buffer;
import org.jspecify.annotations.Nullable;

/**
 * Sends activations to Twilio Segment as {@code track} (default) or {@code identify} calls through the
 * HTTP Tracking API's {@code POST /v1/batch}, gzipped, with Basic auth {@code writeKey:}.
 *
 * <pre>{@code
 * SegmentDestination segment = SegmentDestination.builder()
 *     .writeKey(System.getenv("SEGMENT_WRITE_KEY"))
 *     .baseUrl(SegmentDestination.EU_BASE_URL)   // default: US
 *     .build();
 * }</pre>
 *
 * <p><b>What is sent.</b> For each item:
 *
 * <ul>
 *   <li>{@code messageId} = the item's idempotency key, so Segment's dedupe (by {@code messageId},
 *       kept at least 24 h) makes resends harmless: this destination is {@linkplain #idempotent()
 *       idempotent}.
 *   <li>{@code userId} = {@code customer_id}; {@code timestamp} = {@code event_time} (ISO-8601 UTC);
 *       {@code track}: {@code event} = {@code event_name}.
 *   <li>{@code properties} ({@code track}) or {@code traits} ({@code identify}): {@code cart_value}
 *       (a JSON number with exactly the event's digits: {@code 129.90} is sent as {@code 129.90},
 *       never rounded through a double), {@code currency}, {@code order_id}, {@code skus} from
 *       commerce; then the event's properties (a property named like a commerce field is dropped:
 *       the validated commerce value wins); then {@code source} and {@code schema_version} (the contract version the event was written
 *       with), each unless a property is called so.
 *   <li>Email and phone are sent only if the route option {@code include_pii=true}: in {@code
 *       context.traits} of a {@code track}, in {@code traits} of an {@code identify}. By default no
 *       identifier but the customer id leaves.
 * </ul>
 *
 * <p>Route options: {@code call} = {@code track} | {@code identify}; {@code include_pii} = {@code
 * true} | {@code false}.
 *
 * <p><b>Limits</b> (Segment's documented limits, the same analytics-java enforces): 32 KB per event,
 * 500 KB per request, 2,500 events per request. {@link #sizeOf} is the event's serialized size in
 * bytes; {@link #limits()} reserves room for the batch envelope and the commas. An event over 32 KB is
 * rejected, naming the limit. {@link #deliver} also splits a batch over the limits into several
 * requests, so a caller that ignores {@code limits()} still never sends an oversized request.
 *
 * <p><b>Outcomes</b>: 2xx → delivered; 429 → retryable after {@code Retry-After}; 5xx and I/O errors →
 * retryable (safe: dedupe by {@code messageId}); 400 and 413 → rejected as a whole batch with
 * Segment's message; other 4xx → rejected.
 *
 * <p>Each event is serialized once: the bytes {@link #sizeOf} measures are kept (bounded, see {@code
 * SegmentEvents}) and sent by {@link #deliver}.
 *
 * <p>Thread-safe: {@link #deliver} may run on several engine threads at once; each call uses its own
 * buffers, and the gzip deflaters are pooled.
 */
public final class SegmentDestination implements Destination {
  /** Segment's US base URL, the default. */
  public static final String US_BASE_URL = "https://api.segment.io";
  /** Segment's EU base URL, for EU workspaces. */
  public static final String EU_BASE_URL = "https://events.eu1.segmentapis.com";

  /** Segment's API paths all start with the version segment {@code v1}. */
  private static final Pattern API_VERSION_SEGMENT = Pattern.compile("v1");

  /** Segment's limits, from its HTTP Tracking API reference (KB = 1,024 bytes, as analytics-java). */
  public static final int MAX_EVENTS_PER_BATCH = 2_500;

  public static final long MAX_EVENT_BYTES = 32 * 1024;
  public static final long MAX_BATCH_BYTES = 500 * 1024;

  /**
   * Bytes of a batch body that are not events: {@code {"batch":[…],"sentAt":"…","context":{…}}} is
   * under 160 bytes; the rest is margin.
   */
  static final long ENVELOPE_BYTES = 512;

  /** The longest {@code messageId} Segment accepts is 99 characters ("fewer than 100"). */
  static final int MAX_MESSAGE_ID_LENGTH = 99;

  private static final MediaType JSON = MediaType.get("application/json");
  private static final int REASON_MAX_CHARS = 200;
  private static final String RESEND_NOTE = "safe to resend: Segment dedupes by messageId";

  private final String name;
  private final HttpCaller http;
  private final HttpClassifier classifier;
  private final HttpUrl batchUrl;
  private final String authorization;
  private final Clock clock;
  private final Gzip gzip = new Gzip(Deflater.BEST_SPEED);
  private final SegmentEvents events = new SegmentEvents();
  private final DestinationLimits limits =
      new DestinationLimits(
          MAX_EVENTS_PER_BATCH,
          // Each event but the first is preceded by a comma.
          MAX_BATCH_BYTES - ENVELOPE_BYTES - (MAX_EVENTS_PER_BATCH - 1),
          MAX_EVENT_BYTES);

  private SegmentDestination(Builder b, HttpSettings s) {
    this.name = s.name();
    this.http = s.caller(null);
    this.batchUrl = Objects.requireNonNull(s.baseUrl().resolve("v1/batch"));
    String key = b.writeKey == null ? "" : b.writeKey;
    this.authorization =
        "Basic " + Base64.getEncoder().encodeToString((key + ":").getBytes(StandardCharsets.UTF_8));
    this.clock = s.clock();
    this.classifier = s.classifier("Segment").idempotent(true)
        .resendNote(RESEND_NOTE).vendorCodes(this::segmentCodes).build();
  }

  /** A builder with the defaults: name {@code segment}, {@link #US_BASE_URL}, the system UTC clock. */
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
    return limits;
  }

  /** True: Segment dedupes by {@code messageId}, which is the idempotency key. */
  @Override
  public boolean idempotent() {
    return true;
  }

  /** The batch URL requests go to. */
  public HttpUrl batchUrl() {
    return batchUrl;
  }

  /**
   * The serialized size of the item's event in bytes (UTF-8 JSON, before gzip). An item whose route
   * options are invalid measures 0: {@link #deliver} rejects it without sending.
   */
  @Override
  public long sizeOf(DeliveryItem item) {
    try {
      return events.prepare(item).length;
    } catch (SegmentEvents.BadOptionException e) {
      return 0;
    }
  }

  /**
   * Sends the batch in as few requests as the limits allow (one, if the engine batched by {@link
   * #limits()}), sequentially. Never throws for a failure it can classify.
   */
  @Override
  public List<Outcome> deliver(List<DeliveryItem> batch) {
    Outcome[] outcomes = new Outcome[batch.size()];
    Buffer body = new Buffer();
    List<Integer> members = new ArrayList<>(Math.min(batch.size(), MAX_EVENTS_PER_BATCH));
    long bytes = 0;
    for (int i = 0; i < batch.size(); i++) {
      DeliveryItem item = batch.get(i);
      byte[] json;
      try {
        json = events.take(item); // the bytes sizeOf made, if it did
      } catch (SegmentEvents.BadOptionException e) {
        outcomes[i] = Outcome.rejected("option", e.getMessage());
        continue;
      }
      long size = json.length;
      if (size > MAX_EVENT_BYTES) {
        outcomes[i] =
            Outcome.rejected("too_large", "event is " + size + " bytes, over Segment's 32 KB (32768 bytes) limit per event");
        continue;
      }
      if (!members.isEmpty()
          && (members.size() == MAX_EVENTS_PER_BATCH || bytes + size > limits.maxBytesPerRequest())) {
        send(members, body, outcomes);
        members.clear();
        body.clear();
        bytes = 0;
      }
      if (!members.isEmpty()) {
        body.writeByte(',');
      }
      body.write(json);
      members.add(i);
      bytes += size;
    }
    if (!members.isEmpty()) {
      send(members, body, outcomes);
    }
    List<Outcome> list = new ArrayList<>(outcomes.length);
    Collections.addAll(list, outcomes);
    return list;
  }

  private void send(List<Integer> members, Buffer events, Outcome[] outcomes) {
    Outcome outcome = post(events);
    for (int i : members) {
      outcomes[i] = outcome;
    }
  }

  private Outcome post(Buffer events) {
    Buffer json = new Buffer();
    json.writeUtf8("{\"batch\":[");
    json.write(events, events.size());
    json.writeUtf8("],\"sentAt\":\"");
    json.writeUtf8(IsoInstant.format(clock.instant()));
    json.writeUtf8("\",\"context\":{\"library\":{\"name\":\"outlane\"}}}");
    int length = (int) json.size();
    byte[] raw = json.readByteArray();
    byte[] gz = gzip.compress(raw, length);
    Request request =
        new Request.Builder()
            .url(batchUrl)
            .header("Authorization", authorization)
            .header("Content-Encoding", "gzip")
            .header("User-Agent", "outlane-segment")
            .post(RequestBody.create(gz, JSON))
            .build();
    Exchange exchange = http.execute(request);
    if (exchange instanceof Exchange.Answered a && a.successful()) {
      return Outcome.delivered(null);
    }
    if (exchange instanceof Exchange.Failed f && !f.acceptedBodyLost()) {
      return Outcome.retryable(classifier.error(f, "I/O error talking to Segment ("
          + f.cause().getClass().getSimpleName() + "); " + RESEND_NOTE).code("io").build(), null);
    }
    return classifier.classify(exchange);
  }

  /** Segment's statuses, in Segment's words; every status is decided here. */
  private Outcome segmentCodes(Exchange.Answered a) {
    int code = a.status();
    HttpClassifier words = classifier;
    if (code == 429) {
      return Outcome.retryable(
          words.error(a, "rate limited by Segment (HTTP 429)").code("429").build(), words.retryAfter(a));
    }
    if (code >= 500) {
      return Outcome.retryable(words.error(a, "Segment answered HTTP " + code + "; " + RESEND_NOTE)
          .code(Integer.toString(code)).build(), words.retryAfter(a));
    }
    boolean wholeBatch = code == 400 || code == 413;
    return Outcome.rejected(words.error(a, "Segment refused the batch (HTTP " + code + "): " + segmentMessage(a.body()))
        .code(Integer.toString(code)).build(), wholeBatch);
  }

  /** Segment's error JSON carries {@code message}; anything else is quoted, shortened. */
  static String segmentMessage(String body) {
    try (JsonReader reader = JsonReader.of(new Buffer().writeUtf8(body))) {
      if (reader.peek() == JsonReader.Token.BEGIN_OBJECT) {
        reader.beginObject();
        while (reader.hasNext()) {
          if (reader.nextName().equals("message") && reader.peek() == JsonReader.Token.STRING) {
            return shorten(reader.nextString());
          }
          reader.skipValue();
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not JSON: fall through to the raw text.
    }
    return body.isBlank() ? "(no message)" : shorten(body.strip());
  }

  private static String shorten(String s) {
    return s.length() <= REASON_MAX_CHARS ? s : s.substring(0, REASON_MAX_CHARS) + "…";
  }

  /**
   * Frees the pooled gzip deflaters, and the OkHttp threads and connections if this destination
   * created its own client; a client passed to {@link Builder#okHttpClient} is left to its owner.
   */
  @Override
  public void close() {
    gzip.close();
    http.close();
  }

  /** How many events' bytes sizeOf kept for deliver; for tests. */
  int keptEvents() {
    return events.keptCount();
  }

  /** The client requests go through; for tests of {@link #close()}. */
  OkHttpClient httpClient() {
    return http.client();
  }

  @Override
  public String toString() {
    return "SegmentDestination{name=" + name + ", url=" + batchUrl + "}";
  }

  /**
   * Builds a {@link SegmentDestination}, following {@link Settings}' rule: setters check values as
   * they are set and throw {@link IllegalArgumentException} naming the setting and the reason
   * ({@code writeKey: required, was null}); {@link #build()} throws {@link IllegalStateException} for
   * a required setting never set. Messages never contain the write key. Not thread-safe.
   *
   * <p>The shared settings ({@link HttpDestinationBuilder}): {@code name} defaults to {@code
   * segment}; {@code baseUrl} is {@link #US_BASE_URL} (default), {@link #EU_BASE_URL}, or a local
   * collector, proxy or fake, and requests go to {@code {baseUrl}/v1/batch}; the {@code clock} also
   * stamps {@code sentAt}.
   */
  public static final class Builder extends HttpDestinationBuilder<Builder> {
    private @Nullable String writeKey;

    private Builder() {
      super("segment", BaseUrlRule.of(US_BASE_URL, API_VERSION_SEGMENT, "/v1/batch"));
    }

    /**
     * The source's write key. Required.
     *
     * @throws IllegalArgumentException if null, blank, or holding {@code :} or surrounding whitespace
     */
    public Builder writeKey(@Nullable String writeKey) {
      Settings.requireText("writeKey", writeKey);
      if (writeKey.indexOf(':') >= 0 || !writeKey.strip().equals(writeKey)) {
        throw new IllegalArgumentException("writeKey: must not contain ':' or surrounding whitespace");
      }
      this.writeKey = writeKey;
      return this;
    }

    /**
     * Builds the destination.
     *
     * @throws IllegalStateException {@code writeKey: required, was not set}
     */
    public SegmentDestination build() {
      Settings.requireSet("writeKey", writeKey);
      return new SegmentDestination(this, httpSettings());
    }
  }
}

package dev.outlane.twilio.testing;

import dev.outlane.http.testing.FaultInjectingServer;
import dev.outlane.testing.Fault;
import com.squareup.moshi.JsonDataException;
import dev.outlane.destination.Settings;
import com.squareup.moshi.JsonReader;
import com.squareup.moshi.JsonWriter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.HttpUrl;
import okio.Buffer;
import okio.BufferedSource;
import okio.ByteString;
import okio.GzipSource;
import okio.Okio;
import org.jspecify.annotations.Nullable;

/**
 * An in-process Segment HTTP Tracking API ({@code POST /v1/batch}) on {@code
 * mockwebserver3.MockWebServer}, validating like the real one, for tests of code that sends events.
 *
 * <pre>{@code
 * try (FakeSegmentServer segment = FakeSegmentServer.start("test-write-key")) {
 *   SegmentDestination dest = SegmentDestination.builder()
 *       .writeKey("test-write-key").baseUrl(segment.url()).build();
 *   // … deliver …
 *   assertThat(segment.uniqueMessageIds()).hasSize(3);
 *   String json = FakeSegmentServer.bodyOf(segment.takeRequest());   // gunzipped
 * }
 * }</pre>
 *
 * <p><b>What it checks</b> (400 with {@code {"success":false,"message":"…"}} when a check fails, the
 * way Segment refuses payloads; the exact wording of Segment's messages is not documented, so only
 * the status is to be relied on): Basic auth with the write key as user (401 otherwise); a {@code
 * gzip} body when {@code Content-Encoding: gzip} says so; at most 500 KB (512,000 bytes, decompressed)
 * and at most 2,500 events per request, each event at most 32 KB (32,768 bytes, as sent); valid JSON
 * with a {@code batch} array; in every event a {@code type}, a {@code messageId} under 100 characters,
 * a {@code userId} or {@code anonymousId}, and an {@code event} for a {@code track}.
 *
 * <p><b>Dedupe like Segment</b>: an event whose {@code messageId} was already accepted is counted in
 * {@link #duplicateCount()} and not recorded again.
 *
 * <p><b>Failures</b>: {@link #enqueueFault} scripts the next requests' answers (5xx, 429 + {@code
 * Retry-After}, a dropped connection or stall after the batch was read and recorded, a slow answer).
 *
 * <p>Thread-safe. Recorded events are kept up to a bound (10,000 by default, see {@link
 * Builder#maxRecordedEvents}); message ids and counts are kept for all. Needs {@code
 * com.squareup.okhttp3:mockwebserver3} on the classpath.
 */
public final class FakeSegmentServer implements AutoCloseable {
  /** Segment's documented limits. */
  public static final int MAX_EVENTS = 2_500;

  public static final long MAX_BATCH_BYTES = 500 * 1024;
  public static final long MAX_EVENT_BYTES = 32 * 1024;

  private static final Set<String> TYPES = Set.of("track", "identify", "page", "screen", "group", "alias");

  private final FaultInjectingServer server;
  private final String writeKey;
  private final int maxRecordedEvents;
  private final Set<String> messageIds = ConcurrentHashMap.newKeySet();
  private final List<Map<String, @Nullable Object>> events = new CopyOnWriteArrayList<>();
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong duplicates = new AtomicLong();
  private final AtomicLong batches = new AtomicLong();

  private FakeSegmentServer(Builder b) {
    this.writeKey = b.writeKey;
    this.maxRecordedEvents = b.maxRecordedEvents;
    this.server = FaultInjectingServer.start("Segment", new SegmentAnswers());
  }

  /**
   * Starts a fake on a free loopback port accepting {@code writeKey}.
   *
   * @throws IllegalArgumentException {@code writeKey: required, was null} (or blank)
   * @throws IllegalStateException if the server cannot bind
   */
  public static FakeSegmentServer start(@Nullable String writeKey) {
    return builder(writeKey).start();
  }

  /**
   * A builder for a fake accepting {@code writeKey}, for options.
   *
   * @throws IllegalArgumentException {@code writeKey: required, was null} (or blank)
   */
  public static Builder builder(@Nullable String writeKey) {
    return new Builder(writeKey);
  }

  /** The API root ({@code http://127.0.0.1:PORT/}); pass it to {@code SegmentDestination.Builder.baseUrl}. */
  public HttpUrl url() {
    return server.url();
  }

  /** The underlying server. */
  public MockWebServer mockWebServer() {
    return server.mockWebServer();
  }

  /** Answers the next request with {@code fault}; faults are used in order. */
  public FakeSegmentServer enqueueFault(Fault fault) {
    server.enqueueFault(fault);
    return this;
  }

  /** Enqueues {@code fault} {@code times} times. */
  public FakeSegmentServer enqueueFault(Fault fault, int times) {
    for (int i = 0; i < times; i++) {
      enqueueFault(fault);
    }
    return this;
  }

  /** The accepted events (parsed; numbers as {@code Double}), first occurrence of each messageId, in order, up to the bound. */
  public List<Map<String, @Nullable Object>> events() {
    return List.copyOf(events);
  }

  /** Every distinct accepted {@code messageId}. */
  public Set<String> uniqueMessageIds() {
    return Set.copyOf(messageIds);
  }

  /** How many distinct events were accepted. */
  public long acceptedCount() {
    return accepted.get();
  }

  /** How many events repeated an already accepted {@code messageId} (dropped, as Segment does). */
  public long duplicateCount() {
    return duplicates.get();
  }

  /** How many batch requests were accepted (answered 200, or recorded before a drop). */
  public long batchCount() {
    return batches.get();
  }

  /** How many requests reached the fake, including faulted and refused ones. */
  public int requestCount() {
    return server.requestCount();
  }

  /**
   * The next request received, waiting up to 5 seconds.
   *
   * @throws IllegalStateException if none arrives in time
   */
  public RecordedRequest takeRequest() {
    return server.takeRequest();
  }

  /** The request's body as text, gunzipped if it says {@code Content-Encoding: gzip}. */
  public static String bodyOf(RecordedRequest request) {
    ByteString body = request.getBody();
    if (body == null) {
      return "";
    }
    if ("gzip".equalsIgnoreCase(request.getHeaders().get("Content-Encoding"))) {
      try (BufferedSource source = Okio.buffer(new GzipSource(new Buffer().write(body)))) {
        return source.readUtf8();
      } catch (IOException e) {
        throw new IllegalArgumentException("body: not valid gzip", e);
      }
    }
    return body.utf8();
  }

  @Override
  public void close() {
    server.close();
  }

  /** Configures a {@link FakeSegmentServer}. Not thread-safe. */
  public static final class Builder {
    private final String writeKey;
    private int maxRecordedEvents = 10_000;

    private Builder(@Nullable String writeKey) {
      this.writeKey = Settings.requireText("writeKey", writeKey);
    }

    /** Keep at most this many parsed events for {@link #events()} (ids and counts are always kept). */
    public Builder maxRecordedEvents(int max) {
      if (max < 0) {
        throw new IllegalArgumentException("maxRecordedEvents: must be ≥ 0, was " + max);
      }
      this.maxRecordedEvents = max;
      return this;
    }

    /**
     * Starts the fake on a free loopback port.
     *
     * @throws IllegalStateException if the server cannot bind
     */
    public FakeSegmentServer start() {
      FakeSegmentServer fake = new FakeSegmentServer(this);
      return fake;
    }
  }

  private final class SegmentAnswers implements FaultInjectingServer.Answers {
    @Override
    public MockResponse status(int status) {
      return answer(status, false, "Internal Server Error");
    }

    @Override
    public MockResponse tooManyRequests() {
      return answer(429, false, "Too Many Requests");
    }

    @Override
    public MockResponse handle(RecordedRequest request) {
      if (!"/v1/batch".equals(request.getUrl().encodedPath())) {
        return answer(404, false, "Not Found");
      }
      if (!"POST".equals(request.getMethod())) {
        return answer(405, false, "Method Not Allowed");
      }
      String[] auth = Forms.basic(request.getHeaders().get("Authorization"));
      if (auth == null || !auth[0].equals(writeKey)) {
        return answer(401, false, "Invalid write key");
      }
      Buffer json;
      try {
        json = new Buffer().write(bodyOf(request).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        return answer(400, false, "Invalid gzip body");
      }
      if (json.size() > MAX_BATCH_BYTES) {
        return answer(400, false, "Payload of " + json.size() + " bytes exceeds the 500KB batch limit");
      }
      List<ByteString> raw = new ArrayList<>();
      try (JsonReader reader = JsonReader.of(json)) {
        reader.beginObject();
        boolean sawBatch = false;
        while (reader.hasNext()) {
          if (reader.nextName().equals("batch")) {
            sawBatch = true;
            reader.beginArray();
            while (reader.hasNext()) {
              try (BufferedSource s = reader.nextSource()) {
                raw.add(s.readByteString());
              }
            }
            reader.endArray();
          } else {
            reader.skipValue();
          }
        }
        reader.endObject();
        if (!sawBatch) {
          return answer(400, false, "Missing batch array");
        }
      } catch (IOException | JsonDataException e) {
        return answer(400, false, "Invalid JSON");
      }
      if (raw.size() > MAX_EVENTS) {
        return answer(400, false, "Batch of " + raw.size() + " events exceeds the 2500 events limit");
      }
      List<Map<String, @Nullable Object>> parsed = new ArrayList<>(raw.size());
      for (int i = 0; i < raw.size(); i++) {
        ByteString event = raw.get(i);
        if (event.size() > MAX_EVENT_BYTES) {
          return answer(400, false, "Event at batch[" + i + "] of " + event.size() + " bytes exceeds the 32KB limit");
        }
        Map<String, @Nullable Object> map;
        try (JsonReader r = JsonReader.of(new Buffer().write(event))) {
          Object value = r.readJsonValue();
          if (!(value instanceof Map<?, ?>)) {
            return answer(400, false, "batch[" + i + "] is not an object");
          }
          @SuppressWarnings("unchecked")
          Map<String, @Nullable Object> m = (Map<String, @Nullable Object>) value;
          map = m;
        } catch (IOException | JsonDataException e) {
          return answer(400, false, "Invalid JSON");
        }
        String problem = check(map);
        if (problem != null) {
          return answer(400, false, "batch[" + i + "]: " + problem);
        }
        parsed.add(map);
      }
      batches.incrementAndGet();
      for (Map<String, @Nullable Object> event : parsed) {
        if (messageIds.add((String) Objects.requireNonNull(event.get("messageId")))) {
          accepted.incrementAndGet();
          if (events.size() < maxRecordedEvents) {
            events.add(event);
          }
        } else {
          duplicates.incrementAndGet();
        }
      }
      return answer(200, true, null);
    }

    private @Nullable String check(Map<String, @Nullable Object> event) {
      Object type = event.get("type");
      if (!(type instanceof String t) || !TYPES.contains(t)) {
        return "type must be one of track, identify, page, screen, group, alias";
      }
      Object messageId = event.get("messageId");
      if (!(messageId instanceof String id) || id.isEmpty() || id.length() >= 100) {
        return "messageId must be a string of 1 to 99 characters";
      }
      if (!(event.get("userId") instanceof String) && !(event.get("anonymousId") instanceof String)) {
        return "userId or anonymousId is required";
      }
      if (t.equals("track") && !(event.get("event") instanceof String)) {
        return "track requires event";
      }
      return null;
    }
  }

  private static MockResponse answer(int status, boolean success, @Nullable String message) {
    Buffer out = new Buffer();
    try (JsonWriter w = JsonWriter.of(out)) {
      w.beginObject();
      w.name("success").value(success);
      if (message != null) {
        w.name("message").value(message);
      }
      w.endObject();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return new MockResponse.Builder()
        .code(status)
        .setHeader("Content-Type", "application/json")
        .body(out.readUtf8())
        .build();
  }

}

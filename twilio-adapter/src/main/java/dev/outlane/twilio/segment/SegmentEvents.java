package dev.outlane.twilio.segment;

import com.squareup.moshi.JsonWriter;
import dev.outlane.contract.Commerce;
import dev.outlane.contract.ContractJson;
import dev.outlane.contract.RetentionEvent;
import dev.outlane.destination.DeliveryItem;
import dev.outlane.twilio.internal.IsoInstant;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import okio.Buffer;
import okio.BufferedSink;
import org.jspecify.annotations.Nullable;

/**
 * One item's Segment JSON ({@code track} or {@code identify}, see {@link SegmentDestination}), and
 * the bytes {@link SegmentDestination#sizeOf} measured, kept until {@link SegmentDestination#deliver}
 * sends them, so each event is serialized once (issue 12: it was serialized for {@code sizeOf} on
 * the submitting thread and again for {@code deliver}).
 *
 * <p>The kept bytes are found again by idempotency key and used only for an item with the same
 * event, identity and options (a retry's new {@link DeliveryItem} qualifies; an item an interceptor
 * replaced does not and is serialized afresh). They are dropped as they are taken. Items measured
 * but never sent (deduplicated, suppressed, dead-lettered at close) would stay, so the kept bytes
 * are bounded: past {@link #MAX_KEPT_BYTES} everything kept is dropped and later items are simply
 * serialized again. Memory: at most about {@code MAX_KEPT_BYTES} plus ~100 bytes of map entry per
 * kept event.
 *
 * <p>Thread-safe: {@code sizeOf} runs on submitting threads, {@code deliver} on delivery threads.
 */
final class SegmentEvents {
  /**
   * The most serialized bytes kept between {@code sizeOf} and {@code deliver}: 32 MiB, above what
   * the client's default queue holds at -Xmx1g (65,536 events of ≈ 270 B = 17 MB; with 8 MiB the
   * final profile showed the cache overflowing and a fifth of the delivery thread re-serializing).
   */
  static final long MAX_KEPT_BYTES = 32L << 20;

  private final ConcurrentHashMap<String, Kept> kept = new ConcurrentHashMap<>();
  private final AtomicLong keptBytes = new AtomicLong();

  private record Kept(DeliveryItem item, byte[] json) {
    boolean fits(DeliveryItem other) {
      return other.event() == item.event() && other.identity() == item.identity()
          && other.options().equals(item.options());
    }
  }

  /**
   * Serializes {@code item} and keeps the bytes for {@link #take}.
   *
   * @throws BadOptionException if its route options cannot be sent
   */
  byte[] prepare(DeliveryItem item) {
    byte[] json = serialize(item);
    if (keptBytes.addAndGet(json.length) > MAX_KEPT_BYTES) {
      keptBytes.addAndGet(-json.length);
      dropAll();
      return json;
    }
    Kept previous = kept.put(item.idempotencyKey(), new Kept(item, json));
    if (previous != null) {
      keptBytes.addAndGet(-previous.json.length);
    }
    return json;
  }

  /**
   * The bytes {@link #prepare} kept for {@code item}, or freshly serialized ones.
   *
   * @throws BadOptionException if its route options cannot be sent
   */
  byte[] take(DeliveryItem item) {
    Kept k = kept.remove(item.idempotencyKey());
    if (k != null) {
      keptBytes.addAndGet(-k.json.length);
      if (k.fits(item)) {
        return k.json;
      }
    }
    return serialize(item);
  }

  /** How many events' bytes are kept; for tests. */
  int keptCount() {
    return kept.size();
  }

  private void dropAll() {
    for (Iterator<Kept> it = kept.values().iterator(); it.hasNext(); ) {
      Kept k = it.next();
      it.remove();
      keptBytes.addAndGet(-k.json.length);
    }
  }

  /** The item's event as UTF-8 JSON. */
  static byte[] serialize(DeliveryItem item) {
    Buffer out = new Buffer();
    writeEvent(item, writer(out));
    return out.readByteArray();
  }

  static JsonWriter writer(Buffer out) {
    JsonWriter w = JsonWriter.of(out);
    w.setSerializeNulls(true);
    // Lenient only to allow one top-level value per event on a reused writer; values are unchanged.
    w.setLenient(true);
    return w;
  }

  /** Writes one event as a complete JSON object; validates the options before writing anything. */
  private static void writeEvent(DeliveryItem item, JsonWriter w) {
    String call = item.option("call");
    boolean identify;
    if (call == null || call.equals("track")) {
      identify = false;
    } else if (call.equals("identify")) {
      identify = true;
    } else {
      throw new BadOptionException("call: must be \"track\" or \"identify\"");
    }
    String includePii = item.option("include_pii");
    if (includePii != null && !includePii.equals("true") && !includePii.equals("false")) {
      throw new BadOptionException("include_pii: must be \"true\" or \"false\"");
    }
    if (item.idempotencyKey().length() > SegmentDestination.MAX_MESSAGE_ID_LENGTH) {
      throw new BadOptionException(
          "messageId: the idempotency key has " + item.idempotencyKey().length()
              + " characters; Segment accepts fewer than 100");
    }
    boolean pii = "true".equals(includePii);
    RetentionEvent event = item.event();
    try {
      w.beginObject();
      w.name("type").value(identify ? "identify" : "track");
      w.name("messageId").value(item.idempotencyKey());
      w.name("userId").value(item.identity().customerId());
      w.name("timestamp").value(IsoInstant.format(event.eventTime()));
      if (identify) {
        w.name("traits");
        writeProperties(w, event, pii ? item : null);
      } else {
        w.name("event").value(event.eventName());
        w.name("properties");
        writeProperties(w, event, null);
        if (pii && (item.identity().email() != null || item.identity().phoneE164() != null)) {
          w.name("context").beginObject().name("traits");
          w.beginObject();
          writeIdentifiers(w, item);
          w.endObject();
          w.endObject();
        }
      }
      w.endObject();
      w.flush();
    } catch (IOException e) {
      // A Buffer never fails to accept bytes.
      throw new IllegalStateException(e);
    }
  }

  private static void writeIdentifiers(JsonWriter w, DeliveryItem item) throws IOException {
    if (item.identity().email() != null) {
      w.name("email").value(item.identity().email());
    }
    if (item.identity().phoneE164() != null) {
      w.name("phone").value(item.identity().phoneE164());
    }
  }

  /** A contract value, digit for digit and bounded, the way core writes it. */
  private static void writeValue(JsonWriter w, @Nullable Object value) throws IOException {
    try (BufferedSink sink = w.valueSink()) {
      ContractJson.write(value, sink);
    }
  }

  private static void writeProperties(JsonWriter w, RetentionEvent event, @Nullable DeliveryItem identifiersOf)
      throws IOException {
    w.beginObject();
    Commerce c = event.commerce();
    boolean cartValue = false;
    boolean currency = false;
    boolean orderId = false;
    boolean skus = false;
    if (c != null) {
      if (c.cartValue() != null) {
        w.name("cart_value");
        writeValue(w, c.cartValue());
        cartValue = true;
      }
      if (c.currency() != null) {
        w.name("currency").value(c.currency());
        currency = true;
      }
      if (c.orderId() != null) {
        w.name("order_id").value(c.orderId());
        orderId = true;
      }
      if (!c.skus().isEmpty()) {
        w.name("skus").beginArray();
        for (String sku : c.skus()) {
          w.value(sku);
        }
        w.endArray();
        skus = true;
      }
    }
    boolean pii = identifiersOf != null;
    for (Map.Entry<String, @Nullable Object> e : event.properties().entrySet()) {
      String key = e.getKey();
      boolean taken =
          switch (key) {
            case "cart_value" -> cartValue;
            case "currency" -> currency;
            case "order_id" -> orderId;
            case "skus" -> skus;
            case "email", "phone" -> pii;
            default -> false;
          };
      if (!taken) {
        w.name(key);
        writeValue(w, e.getValue());
      }
    }
    if (!event.properties().containsKey("source")) {
      w.name("source").value(event.source());
    }
    // The contract version the event was written with travels with it, so a downstream function
    // can tell a 1.1 event from a 1.0 one (see the v1 compatibility policy).
    if (!event.properties().containsKey("schema_version")) {
      w.name("schema_version").value(event.schemaVersion());
    }
    if (identifiersOf != null) {
      writeIdentifiers(w, identifiersOf);
    }
    w.endObject();
  }


  /** An item whose route options cannot be sent; rejected without a request. */
  static final class BadOptionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadOptionException(String message) {
      super(message, null, false, false);
    }
  }
}

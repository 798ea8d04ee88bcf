package dev.outlane.journal;

import dev.outlane.contract.EventCodec;
import dev.outlane.contract.RetentionEvent;
import dev.outlane.identity.IdentityNormalizer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.jspecify.annotations.Nullable;

/**
 * Turns an event into the bytes a durable store keeps, and back. The stores treat the bytes as
 * opaque; the serializer decides the encoding (the contract's JSON form, in production).
 *
 * <p>Implementations must be thread-safe and must round-trip every valid event exactly:
 * {@code read(write(e)).equals(e)}, whatever the configuration of the process that reads.
 */
public interface EventSerializer {
  /** The bytes to store for {@code event}. */
  byte[] write(RetentionEvent event);

  /**
   * The event stored as {@code bytes}.
   *
   * @throws RuntimeException if the bytes are not an event this serializer can read; stores keep
   *     such records on disk and report them as unreadable instead of failing to open
   */
  RetentionEvent read(byte[] bytes);

  /**
   * The identity rules (default region, lenient phones) the event in {@code bytes} was accepted
   * under, if the bytes record them; {@code null} if they do not (a serializer that does not record
   * them, or a record written before they were recorded). A store uses them so that a recovered
   * event's email and phone normalize exactly as when it was accepted, even after the client's
   * region changed.
   *
   * @throws RuntimeException if the bytes are not a record this serializer wrote
   */
  default @Nullable IdentityNormalizer identityRules(byte[] bytes) {
    return null;
  }

  /**
   * The production serializer: the contract's own JSON form ({@link EventCodec#toJson}), prefixed
   * with the identity rules of {@code codec}, so a record re-reads identically whatever region the
   * reading process is configured with.
   *
   * <h4>Payload format</h4>
   *
   * <pre>
   * version 2 (written): 0x02 (1) | region length R (1) | region, ASCII (R) | flags (1)
   *                      | the event's v1 JSON, UTF-8 (rest)
   *          flags: bit 0 = lenient phone validation; other bits 0
   * version 1 (read)   : the event's v1 JSON, UTF-8 (starts with '{')
   * </pre>
   *
   * A version-2 record is read with a codec built for its recorded region and flags (the same
   * identity rules it was accepted under, and {@code codec}'s size limit); a version-1 record, written before the rules were recorded, with {@code codec}. A
   * version-1 record whose phone does not fit {@code codec}'s region is unreadable under it and
   * readable again under the region it was written with.
   */
  static EventSerializer json(EventCodec codec) {
    return new JsonEventSerializer(Objects.requireNonNull(codec, "codec"));
  }
}

/** The implementation behind {@link EventSerializer#json}. */
final class JsonEventSerializer implements EventSerializer {
  static final byte VERSION_2 = 0x02;
  private static final int LENIENT_PHONE = 1;

  private final EventCodec codec;
  private final byte[] header;
  /** Codecs for the identity rules found in records, by region and flags: at most a few. */
  private final ConcurrentMap<String, EventCodec> readers = new ConcurrentHashMap<>();

  JsonEventSerializer(EventCodec codec) {
    this.codec = codec;
    IdentityNormalizer rules = codec.identityNormalizer();
    byte[] region = rules.defaultRegion().getBytes(StandardCharsets.US_ASCII);
    header = new byte[3 + region.length];
    header[0] = VERSION_2;
    header[1] = (byte) region.length;
    System.arraycopy(region, 0, header, 2, region.length);
    header[2 + region.length] = (byte) (rules.lenientPhone() ? LENIENT_PHONE : 0);
  }

  @Override
  public byte[] write(RetentionEvent event) {
    byte[] json = codec.toJson(event).getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[header.length + json.length];
    System.arraycopy(header, 0, out, 0, header.length);
    System.arraycopy(json, 0, out, header.length, json.length);
    return out;
  }

  @Override
  public RetentionEvent read(byte[] bytes) {
    if (bytes.length > 0 && bytes[0] == VERSION_2) {
      int start = jsonStart(bytes);
      return reader(bytes).read(new String(bytes, start, bytes.length - start,
          StandardCharsets.UTF_8));
    }
    if (bytes.length > 0 && bytes[0] == '{') {
      return codec.read(new String(bytes, StandardCharsets.UTF_8));
    }
    throw new IllegalArgumentException("unknown event payload version "
        + (bytes.length == 0 ? "(empty)" : String.valueOf(bytes[0] & 0xFF)));
  }

  @Override
  public @Nullable IdentityNormalizer identityRules(byte[] bytes) {
    if (bytes.length > 0 && bytes[0] == VERSION_2) {
      return reader(bytes).identityNormalizer();
    }
    return null;
  }

  private static int jsonStart(byte[] bytes) {
    if (bytes.length < 2 || bytes.length < 3 + (bytes[1] & 0xFF)) {
      throw new IllegalArgumentException("event payload header cut short");
    }
    return 3 + (bytes[1] & 0xFF);
  }

  private EventCodec reader(byte[] bytes) {
    int start = jsonStart(bytes);
    String region = new String(bytes, 2, bytes[1] & 0xFF, StandardCharsets.US_ASCII);
    int flags = bytes[start - 1] & 0xFF;
    if ((flags & ~LENIENT_PHONE) != 0) {
      throw new IllegalArgumentException("unknown event payload flags " + flags);
    }
    return readers.computeIfAbsent(region + "/" + flags, k -> {
      IdentityNormalizer current = codec.identityNormalizer();
      if (current.defaultRegion().equals(region)
          && current.lenientPhone() == ((flags & LENIENT_PHONE) != 0)) {
        return codec;
      }
      // Throws IllegalArgumentException for a region this release's metadata does not know.
      IdentityNormalizer recorded = IdentityNormalizer.builder().defaultRegion(region)
          .lenientPhone((flags & LENIENT_PHONE) != 0).build();
      return EventCodec.builder().identityNormalizer(recorded)
          .maxEventBytes(codec.maxEventBytes()).build();
    });
  }

  @Override
  public String toString() {
    return "EventSerializer.json";
  }
}

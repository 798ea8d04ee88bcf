package dev.outlane.journal;

import dev.outlane.contract.EventCodec;
import dev.outlane.contract.RetentionEvent;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Turns an event into the bytes a durable store keeps, and back. The stores treat the bytes as
 * opaque; the serializer decides the encoding (the contract's JSON form, in production).
 *
 * <p>Implementations must be thread-safe and must round-trip every valid event exactly:
 * {@code read(write(e)).equals(e)}.
 */
public interface EventSerializer {
  /** The bytes to store for {@code event}. */
  byte[] write(RetentionEvent event);

  /**
   * The event stored as {@code bytes}.
   *
   * @throws RuntimeException if the bytes are not an event this serializer wrote; stores report
   *     such records as unreadable instead of failing to open
   */
  RetentionEvent read(byte[] bytes);

  /**
   * The production serializer: the contract's own JSON form ({@link EventCodec#toJson}), read back
   * with {@code codec}, so a journal is readable with the same tools as any v1 payload.
   *
   * <p>Use the codec the client validates with: an event is re-read with the same identity rules it
   * was accepted under. A journal written under one default region and re-opened under another may
   * report events as unreadable.
   */
  static EventSerializer json(EventCodec codec) {
    Objects.requireNonNull(codec, "codec");
    return new EventSerializer() {
      @Override
      public byte[] write(RetentionEvent event) {
        return codec.toJson(event).getBytes(StandardCharsets.UTF_8);
      }

      @Override
      public RetentionEvent read(byte[] bytes) {
        return codec.read(new String(bytes, StandardCharsets.UTF_8));
      }

      @Override
      public String toString() {
        return "EventSerializer.json";
      }
    };
  }
}

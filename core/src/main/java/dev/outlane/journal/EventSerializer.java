package dev.outlane.journal;

import dev.outlane.contract.RetentionEvent;

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
}

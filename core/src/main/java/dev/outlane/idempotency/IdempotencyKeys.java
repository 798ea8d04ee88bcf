package dev.outlane.idempotency;

import dev.outlane.contract.AudienceAction;
import dev.outlane.contract.RetentionEvent;
import dev.outlane.hashing.Sha256;
import java.time.Duration;
import java.util.Objects;

/**
 * Derives deterministic idempotency keys: two signals that are "the same" for a destination get the
 * same key in any JVM and any release that keeps derivation version {@code 1}.
 *
 * <p><b>Derivation v1.</b> The key is {@code "ol1-"} followed by the lower-case hex SHA-256 of a
 * canonical string whose parts are each written as {@code <length>:<value>;} (so no choice of values
 * can make two different part lists collide):
 *
 * <ul>
 *   <li>{@link Mode#WINDOW} (default): {@code "v1"}, {@code "window"}, destination, customer id,
 *       event name, audience name (empty if none), audience action ({@code add}/{@code remove}, empty
 *       if none), the window length in seconds, and the bucket {@code floor(eventTimeEpochSeconds /
 *       windowSeconds)}. Two triggers of the same person in the same bucket dedupe.
 *   <li>{@link Mode#PER_OCCURRENCE}: {@code "v1"}, {@code "occurrence"}, destination, source, event id.
 * </ul>
 *
 * <p>Keys are 68 ASCII characters (within Segment's {@code messageId} limit of fewer than 100) and
 * contain no PII: only a hash of the parts. Immutable and thread-safe.
 */
public final class IdempotencyKeys {
  /** The derivation version, part of every key's prefix. */
  public static final String VERSION = "1";

  /** Default dedupe window. */
  public static final Duration DEFAULT_WINDOW = Duration.ofHours(24);

  private static final String PREFIX = "ol" + VERSION + "-";

  /** What makes two signals the same. */
  public enum Mode {
    /** Same destination, person, event name, audience and action within one time bucket. */
    WINDOW,
    /** Same destination and producer event id. */
    PER_OCCURRENCE
  }

  private final Mode mode;
  private final long windowSeconds;

  private IdempotencyKeys(Mode mode, Duration window) {
    this.mode = mode;
    this.windowSeconds = window.getSeconds();
  }

  /** Window mode with the default 24 h window. */
  public static IdempotencyKeys create() {
    return windowed(DEFAULT_WINDOW);
  }

  /**
   * Window mode with the given window.
   *
   * @throws IllegalArgumentException if the window is shorter than one second
   */
  public static IdempotencyKeys windowed(Duration window) {
    if (window.getSeconds() < 1) {
      throw new IllegalArgumentException("window: must be at least 1 second, was " + window);
    }
    return new IdempotencyKeys(Mode.WINDOW, window);
  }

  /** Per-occurrence mode: the producer's {@code event_id} decides. */
  public static IdempotencyKeys perOccurrence() {
    return new IdempotencyKeys(Mode.PER_OCCURRENCE, DEFAULT_WINDOW);
  }

  public Mode mode() {
    return mode;
  }

  /** The dedupe window (meaningful in {@link Mode#WINDOW}). */
  public Duration window() {
    return Duration.ofSeconds(windowSeconds);
  }

  /**
   * The key of {@code event} for {@code destination}.
   *
   * @param destination the destination's name
   * @param event the event; its customer id should already be normalized (trimmed)
   */
  public String keyFor(String destination, RetentionEvent event) {
    Objects.requireNonNull(destination, "destination");
    Objects.requireNonNull(event, "event");
    StringBuilder canonical = new StringBuilder(128);
    part(canonical, "v" + VERSION);
    if (mode == Mode.PER_OCCURRENCE) {
      part(canonical, "occurrence");
      part(canonical, destination);
      part(canonical, event.source());
      part(canonical, event.eventId());
    } else {
      AudienceAction audience = event.audience();
      part(canonical, "window");
      part(canonical, destination);
      part(canonical, event.customerId().strip());
      part(canonical, event.eventName());
      part(canonical, audience == null ? "" : audience.name());
      part(canonical, audience == null ? "" : audience.action().wireName());
      part(canonical, Long.toString(windowSeconds));
      part(canonical, Long.toString(Math.floorDiv(event.eventTime().getEpochSecond(), windowSeconds)));
    }
    return PREFIX + Sha256.hex(canonical.toString());
  }

  private static void part(StringBuilder b, String value) {
    b.append(value.length()).append(':').append(value).append(';');
  }

  @Override
  public String toString() {
    return "IdempotencyKeys{mode=" + mode + ", windowSeconds=" + windowSeconds + "}";
  }
}

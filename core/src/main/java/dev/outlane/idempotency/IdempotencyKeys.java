package dev.outlane.idempotency;

import dev.outlane.contract.AudienceAction;
import dev.outlane.contract.RetentionEvent;
import dev.outlane.hashing.Sha256;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Derives deterministic idempotency keys: two signals that are "the same" for a destination get the
 * same key in any JVM and any release that keeps derivation version {@code 1}.
 *
 * <p><b>Derivation v1.</b> The key is {@code "ol1-"} followed by the lower-case hex SHA-256 of a
 * canonical string whose parts are each written as {@code <length>:<value>;} (so no choice of values
 * can make two different part lists collide):
 *
 * <ul>
 *   <li>{@link Mode#WINDOW} (default): {@code "v1"}, {@code "window"}, destination, customer id
 *       (surrounding whitespace stripped),
 *       event name, audience name (empty if none), audience action ({@code add}/{@code remove}, empty
 *       if none), the window length in seconds, and the bucket {@code floor(eventTimeEpochSeconds /
 *       windowSeconds)}. Two triggers of the same person in the same bucket dedupe.
 *   <li>{@link Mode#PER_OCCURRENCE}: {@code "v1"}, {@code "occurrence"}, destination, source, event id.
 * </ul>
 *
 * <p>Example: destination {@code meta}, customer {@code cust-42}, event {@code cart_abandoned},
 * audience {@code high_aov_abandoners}/{@code add}, 24 h window, event time 2026-11-29T12:00:00Z
 * (bucket 20786) give the canonical string {@code
 * 2:v1;6:window;4:meta;7:cust-42;14:cart_abandoned;19:high_aov_abandoners;3:add;5:86400;5:20786;}
 * and the key {@code ol1-3de5c11c9890a7026535eac179411df7f64609b8e533329b01f62a89f92b054e}; a test
 * pins this, so a change of derivation cannot ship without a new version.
 *
 * <p>Strings enter the canonical form as UTF-16 {@code String}s and are hashed as UTF-8; lengths are
 * counted in UTF-16 code units ({@link String#length()}). The window length is part of the key, so
 * changing the window changes every key (a deliberate choice: a new window is a new dedupe policy).
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
   * @throws IllegalArgumentException if the window is shorter than one second or not a whole
   *     number of seconds
   */
  public static IdempotencyKeys windowed(Duration window) {
    return new IdempotencyKeys(Mode.WINDOW, checkWindow(window));
  }

  /** A builder preset to {@link Mode#WINDOW} and {@link #DEFAULT_WINDOW}. */
  public static Builder builder() {
    return new Builder();
  }

  private static Duration checkWindow(Duration window) {
    Objects.requireNonNull(window, "window");
    if (window.getSeconds() < 1) {
      throw new IllegalArgumentException("window: must be at least 1 second, was " + window);
    }
    if (window.getNano() != 0) {
      // Buckets are counted in whole epoch seconds; a fraction would silently be dropped.
      throw new IllegalArgumentException("window: must be a whole number of seconds, was " + window);
    }
    return window;
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
    Objects.requireNonNull(event, "event");
    if (mode == Mode.PER_OCCURRENCE) {
      return occurrenceKey(destination, event.source(), event.eventId());
    }
    return windowKey(
        destination, event.customerId(), event.eventName(), event.audience(), event.eventTime());
  }

  /**
   * The {@link Mode#WINDOW} key of a signal given by its parts, whatever this instance's mode: for
   * callers that have no {@link RetentionEvent}. Equal to {@link #keyFor} of an event with these
   * parts.
   *
   * @param destination the destination's name
   * @param customerId the customer id (surrounding whitespace is ignored)
   * @param eventName the event name
   * @param audience the audience and action, or null
   * @param eventTime when the signal happened
   * @throws IllegalArgumentException if {@code destination} is blank
   */
  public String windowKey(
      String destination,
      String customerId,
      String eventName,
      @Nullable AudienceAction audience,
      Instant eventTime) {
    checkDestination(destination);
    Objects.requireNonNull(customerId, "customerId");
    Objects.requireNonNull(eventName, "eventName");
    Objects.requireNonNull(eventTime, "eventTime");
    StringBuilder canonical = new StringBuilder(128);
    part(canonical, "v" + VERSION);
    part(canonical, "window");
    part(canonical, destination);
    part(canonical, customerId.strip());
    part(canonical, eventName);
    part(canonical, audience == null ? "" : audience.name());
    part(canonical, audience == null ? "" : audience.action().wireName());
    part(canonical, Long.toString(windowSeconds));
    // floorDiv, not '/': times before 1970 must land in the bucket below, not in bucket 0.
    part(canonical, Long.toString(Math.floorDiv(eventTime.getEpochSecond(), windowSeconds)));
    return PREFIX + Sha256.hex(canonical.toString());
  }

  /**
   * The {@link Mode#PER_OCCURRENCE} key of a signal, whatever this instance's mode. Equal to
   * {@link #keyFor} of an event with this source and event id, in per-occurrence mode.
   *
   * @throws IllegalArgumentException if {@code destination} is blank
   */
  public String occurrenceKey(String destination, String source, String eventId) {
    checkDestination(destination);
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(eventId, "eventId");
    StringBuilder canonical = new StringBuilder(128);
    part(canonical, "v" + VERSION);
    part(canonical, "occurrence");
    part(canonical, destination);
    part(canonical, source);
    part(canonical, eventId);
    return PREFIX + Sha256.hex(canonical.toString());
  }

  private static void checkDestination(String destination) {
    Objects.requireNonNull(destination, "destination");
    if (destination.isBlank()) {
      throw new IllegalArgumentException("destination: must not be blank");
    }
  }

  private static void part(StringBuilder b, String value) {
    b.append(value.length()).append(':').append(value).append(';');
  }

  @Override
  public String toString() {
    return "IdempotencyKeys{mode=" + mode + ", windowSeconds=" + windowSeconds + "}";
  }

  /**
   * Configures {@link IdempotencyKeys}. Each setter validates at once and throws {@link
   * IllegalArgumentException} naming the setting and the reason. Not thread-safe.
   */
  public static final class Builder {
    private Mode mode = Mode.WINDOW;
    private Duration window = DEFAULT_WINDOW;

    private Builder() {}

    /** What makes two signals the same; {@link Mode#WINDOW} by default. */
    public Builder mode(Mode mode) {
      this.mode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /**
     * The dedupe window of {@link Mode#WINDOW}; 24 h by default.
     *
     * @throws IllegalArgumentException if shorter than one second or not a whole number of seconds
     */
    public Builder window(Duration window) {
      this.window = checkWindow(window);
      return this;
    }

    public IdempotencyKeys build() {
      return new IdempotencyKeys(mode, window);
    }
  }
}

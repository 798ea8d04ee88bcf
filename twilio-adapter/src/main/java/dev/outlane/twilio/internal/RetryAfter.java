package dev.outlane.twilio.internal;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import org.jspecify.annotations.Nullable;

/**
 * Parses an HTTP {@code Retry-After} header (RFC 9110 §10.2.3): either delay-seconds or an HTTP-date.
 * Stateless and thread-safe.
 */
public final class RetryAfter {
  /**
   * A server asking for more than this is treated as asking for this: a typo'd or hostile header
   * must not park a delivery thread for days. One hour is far above anything Twilio or Segment send.
   */
  public static final Duration MAX = Duration.ofHours(1);

  private RetryAfter() {}

  /**
   * The delay the header asks for, measured from {@code clock}'s now for an HTTP-date; {@link
   * Duration#ZERO} for a date in the past; capped at {@link #MAX}; null if the header is absent or
   * malformed (a malformed header is ignored rather than failing the delivery).
   */
  public static @Nullable Duration parse(@Nullable String header, Clock clock) {
    if (header == null) {
      return null;
    }
    String value = header.strip();
    if (value.isEmpty()) {
      return null;
    }
    if (value.chars().allMatch(c -> c >= '0' && c <= '9')) {
      if (value.length() > 9) {
        return MAX;
      }
      return cap(Duration.ofSeconds(Long.parseLong(value)));
    }
    try {
      Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      Duration delay = Duration.between(clock.instant(), at);
      return delay.isNegative() ? Duration.ZERO : cap(delay);
    } catch (DateTimeException e) {
      return null;
    }
  }

  private static Duration cap(Duration d) {
    return d.compareTo(MAX) > 0 ? MAX : d;
  }
}

package dev.outlane.retry;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import org.jspecify.annotations.Nullable;

/**
 * Parses an HTTP {@code Retry-After} header (RFC 9110 §10.2.3): either delay-seconds ({@code 3}) or an
 * HTTP-date ({@code Wed, 21 Oct 2015 07:28:00 GMT}). Adapters use it to fill {@link
 * dev.outlane.destination.Outcome.Retryable#retryAfter()}; the {@link RetryPolicy} caps it. Stateless.
 */
public final class RetryAfter {
  private RetryAfter() {}

  /**
   * A cap for adapters that want one before the policy applies its own: a typo'd or hostile header
   * must not park a delivery for days. One hour is far above anything Twilio, Segment or the ad APIs
   * send.
   */
  public static final Duration DEFAULT_MAX = Duration.ofHours(1);

  /**
   * The delay the header asks for, measured from {@code clock}'s now; a date in the past is zero.
   *
   * @return the delay, or null if the header is absent or malformed (then the policy's backoff
   *     applies); a number of seconds too large for a {@code long} counts as malformed
   */
  public static @Nullable Duration parse(@Nullable String header, Clock clock) {
    return parse(header, clock, null);
  }

  /**
   * Like {@link #parse(String, Clock)}, but never more than {@code max}: a delay above it, including
   * a number of seconds too large for a {@code long}, is {@code max}.
   */
  public static @Nullable Duration parse(@Nullable String header, Clock clock, @Nullable Duration max) {
    if (header == null) {
      return null;
    }
    String v = header.strip();
    if (v.isEmpty()) {
      return null;
    }
    if (v.chars().allMatch(c -> c >= '0' && c <= '9')) {
      try {
        return cap(Duration.ofSeconds(Long.parseLong(v)), max);
      } catch (NumberFormatException e) {
        return max; // more digits than a long: malformed without a cap, the cap with one
      }
    }
    try {
      Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      Duration d = Duration.between(clock.instant(), at);
      return d.isNegative() ? Duration.ZERO : cap(d, max);
    } catch (DateTimeException e) {
      return null;
    }
  }

  private static Duration cap(Duration d, @Nullable Duration max) {
    return max != null && d.compareTo(max) > 0 ? max : d;
  }
}

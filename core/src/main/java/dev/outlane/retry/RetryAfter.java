package dev.outlane.retry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import org.jspecify.annotations.Nullable;

/**
 * Parses an HTTP {@code Retry-After} header (RFC 9110 §10.2.3): either delay-seconds ({@code 3}) or an
 * HTTP-date ({@code Wed, 21 Oct 2015 07:28:00 GMT}). Adapters use it to fill {@link
 * dev.outlane.destination.Outcome.Retryable#retryAfter()}; the {@link RetryPolicy} caps it. Stateless.
 */
public final class RetryAfter {
  private RetryAfter() {}

  /**
   * The delay the header asks for, measured from {@code clock}'s now; a date in the past is zero.
   *
   * @return the delay, or null if the header is absent or malformed (then the policy's backoff applies)
   */
  public static @Nullable Duration parse(@Nullable String header, Clock clock) {
    if (header == null) {
      return null;
    }
    String v = header.strip();
    if (v.isEmpty()) {
      return null;
    }
    if (v.chars().allMatch(Character::isDigit)) {
      try {
        return Duration.ofSeconds(Long.parseLong(v));
      } catch (NumberFormatException e) {
        return null; // more digits than a long: treat as malformed
      }
    }
    try {
      Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      Duration d = Duration.between(clock.instant(), at);
      return d.isNegative() ? Duration.ZERO : d;
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}

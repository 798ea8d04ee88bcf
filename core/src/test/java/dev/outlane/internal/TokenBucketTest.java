package dev.outlane.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.outlane.ratelimit.RateLimit;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TokenBucketTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void aFullBucketGivesItsWholeBurstBackToBackThenSaysHowLongUntilTheNextToken() {
    TokenBucket bucket = new TokenBucket(new RateLimit(2, 3), T0);

    assertThat(bucket.tryAcquire(T0)).isEqualTo(Duration.ZERO);
    assertThat(bucket.tryAcquire(T0)).isEqualTo(Duration.ZERO);
    assertThat(bucket.tryAcquire(T0)).isEqualTo(Duration.ZERO);
    assertWaits(bucket.tryAcquire(T0), Duration.ofMillis(500));
  }

  @Test
  void tokensRefillAtTheSustainedRateAndTheWaitShrinksAsTimePasses() {
    TokenBucket bucket = new TokenBucket(new RateLimit(2, 1), T0);
    assertThat(bucket.tryAcquire(T0)).isEqualTo(Duration.ZERO);

    assertWaits(bucket.tryAcquire(T0.plusMillis(200)), Duration.ofMillis(300));
    // 600 ms after the first token would make 1.2 tokens, but a burst of 1 keeps only one.
    assertThat(bucket.tryAcquire(T0.plusMillis(600))).isEqualTo(Duration.ZERO);
    assertWaits(bucket.tryAcquire(T0.plusMillis(600)), Duration.ofMillis(500));
  }

  @Test
  void anIdlePeriodRefillsNoMoreThanTheBurst() {
    TokenBucket bucket = new TokenBucket(new RateLimit(10, 2), T0);
    bucket.tryAcquire(T0);
    bucket.tryAcquire(T0);

    Instant later = T0.plus(Duration.ofHours(1));
    assertThat(bucket.tryAcquire(later)).isEqualTo(Duration.ZERO);
    assertThat(bucket.tryAcquire(later)).isEqualTo(Duration.ZERO);
    assertWaits(bucket.tryAcquire(later), Duration.ofMillis(100));
  }

  @Test
  void aClockThatStepsBackwardsNeitherAddsNorRemovesTokens() {
    TokenBucket bucket = new TokenBucket(new RateLimit(1, 1), T0);
    assertThat(bucket.tryAcquire(T0)).isEqualTo(Duration.ZERO);

    assertWaits(bucket.tryAcquire(T0.minusSeconds(10)), Duration.ofSeconds(1));
    assertThat(bucket.tryAcquire(T0.plusMillis(1001))).isEqualTo(Duration.ZERO);
  }

  /** Token arithmetic is in doubles: a wait may round up by a few nanoseconds, never more. */
  private static void assertWaits(Duration actual, Duration expected) {
    assertThat(actual).isBetween(expected.minusNanos(10), expected.plusNanos(10));
  }
}

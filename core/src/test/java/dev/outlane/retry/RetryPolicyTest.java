package dev.outlane.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  private final RetryPolicy noJitter = RetryPolicy.builder().initialBackoff(Duration.ofMillis(500))
      .maxBackoff(Duration.ofSeconds(3)).jitter(() -> 1.0).build();

  @Test
  void backoffDoublesFromTheInitialDelayUpToTheCap() {
    assertThat(noJitter.delay(1, null)).isEqualTo(Duration.ofMillis(500));
    assertThat(noJitter.delay(2, null)).isEqualTo(Duration.ofSeconds(1));
    assertThat(noJitter.delay(3, null)).isEqualTo(Duration.ofSeconds(2));
    assertThat(noJitter.delay(4, null)).isEqualTo(Duration.ofSeconds(3));
    assertThat(noJitter.delay(200, null)).isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void fullJitterScalesTheDelayByTheJitterFactor() {
    RetryPolicy half = noJitter.toBuilder().jitter(() -> 0.5).build();
    assertThat(half.delay(3, null)).isEqualTo(Duration.ofSeconds(1));
    RetryPolicy zero = noJitter.toBuilder().jitter(() -> 0.0).build();
    assertThat(zero.delay(3, null)).isEqualTo(Duration.ZERO);
  }

  @Test
  void retryAfterIsHonouredExactlyAndCapped() {
    RetryPolicy p = noJitter.toBuilder().maxRetryAfter(Duration.ofSeconds(60)).build();
    assertThat(p.delay(1, Duration.ofSeconds(3))).isEqualTo(Duration.ofSeconds(3));
    assertThat(p.delay(1, Duration.ofHours(2))).isEqualTo(Duration.ofSeconds(60));
    assertThat(p.delay(1, Duration.ofSeconds(-5))).isEqualTo(Duration.ZERO);
  }

  @Test
  void maxAttemptsCountsTheFirstAttempt() {
    RetryPolicy p = RetryPolicy.builder().maxAttempts(3).build();
    assertThat(p.canRetry(1)).isTrue();
    assertThat(p.canRetry(2)).isTrue();
    assertThat(p.canRetry(3)).isFalse();
    assertThat(RetryPolicy.noRetries().canRetry(1)).isFalse();
  }

  @Test
  void theBuilderNamesTheFieldOfEveryBadValue() {
    assertThatThrownBy(() -> RetryPolicy.builder().maxAttempts(0))
        .hasMessage("maxAttempts: must be ≥ 1, was 0");
    assertThatThrownBy(() -> RetryPolicy.builder().initialBackoff(Duration.ofMillis(-1)))
        .hasMessage("initialBackoff: must not be negative, was PT-0.001S");
    assertThatThrownBy(() -> RetryPolicy.builder().initialBackoff(Duration.ofSeconds(5))
            .maxBackoff(Duration.ofSeconds(1)).build())
        .hasMessage("maxBackoff: must be ≥ initialBackoff (PT5S), was PT1S");
  }

  @Test
  void retryAfterParsesSecondsAndHttpDates() {
    Clock clock = Clock.fixed(Instant.parse("2015-10-21T07:28:00Z"), ZoneOffset.UTC);
    assertThat(RetryAfter.parse("3", clock)).isEqualTo(Duration.ofSeconds(3));
    assertThat(RetryAfter.parse(" 120 ", clock)).isEqualTo(Duration.ofSeconds(120));
    assertThat(RetryAfter.parse("Wed, 21 Oct 2015 07:28:30 GMT", clock)).isEqualTo(Duration.ofSeconds(30));
    assertThat(RetryAfter.parse("Wed, 21 Oct 2015 07:00:00 GMT", clock)).isEqualTo(Duration.ZERO);
    assertThat(RetryAfter.parse("soon", clock)).isNull();
    assertThat(RetryAfter.parse("", clock)).isNull();
    assertThat(RetryAfter.parse(null, clock)).isNull();
    assertThat(RetryAfter.parse("99999999999999999999999", clock)).isNull();
  }

  @Test
  void retryingIsBoundedByTheWindowSinceTheFirstFailureAndByNoCountUnlessOneIsSet() {
    RetryPolicy p = RetryPolicy.builder().retryWindow(Duration.ofMinutes(10)).build();
    assertThat(p.canRetry(1_000, Duration.ofSeconds(599))).isTrue();
    assertThat(p.canRetry(2, Duration.ofMinutes(10))).isFalse();
    assertThat(RetryPolicy.defaults().maxAttempts()).isEqualTo(Integer.MAX_VALUE);
    assertThat(RetryPolicy.defaults().canRetry(1_000, RetryPolicy.DEFAULT_RETRY_WINDOW.minusMillis(1)))
        .isTrue();
    RetryPolicy capped = p.toBuilder().maxAttempts(3).build();
    assertThat(capped.canRetry(3, Duration.ZERO)).isFalse();
  }

  @Test
  void theClientsDefaultWindowAppliesOnlyWhenThePolicySetsNone() {
    assertThat(RetryPolicy.defaults().retryWindow()).isNull();
    assertThat(RetryPolicy.defaults().withDefaultRetryWindow(Duration.ofHours(1)).retryWindow())
        .isEqualTo(Duration.ofHours(1));
    RetryPolicy own = RetryPolicy.builder().retryWindow(Duration.ofMinutes(2)).build();
    assertThat(own.withDefaultRetryWindow(Duration.ofHours(1)).retryWindow())
        .isEqualTo(Duration.ofMinutes(2));
    assertThatThrownBy(() -> RetryPolicy.builder().retryWindow(Duration.ZERO))
        .hasMessage("retryWindow: must be positive, was PT0S");
  }

  @Test
  void aLanesProbeDelayFollowsTheBackoffButIsCappedAtTheProbeInterval() {
    RetryPolicy fastStart = noJitter.toBuilder().initialBackoff(Duration.ofMillis(100)).build();
    assertThat(fastStart.probeDelay(1, null)).isEqualTo(Duration.ofMillis(100));
    assertThat(fastStart.probeDelay(2, null)).isEqualTo(Duration.ofMillis(200));
    assertThat(fastStart.probeDelay(50, null)).isEqualTo(RetryPolicy.DEFAULT_MAX_PROBE_INTERVAL);
    assertThat(noJitter.probeDelay(1, null)).isEqualTo(Duration.ofMillis(500));
    assertThat(noJitter.probeDelay(50, Duration.ofSeconds(2))).isEqualTo(Duration.ofSeconds(2));
    RetryPolicy slow = noJitter.toBuilder().maxProbeInterval(Duration.ofMinutes(1)).build();
    assertThat(slow.probeDelay(50, null)).isEqualTo(Duration.ofSeconds(3)); // maxBackoff still caps
  }
}

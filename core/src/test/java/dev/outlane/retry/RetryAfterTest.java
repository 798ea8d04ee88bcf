package dev.outlane.retry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The capped form adapters use ({@link RetryAfter#DEFAULT_MAX}); the uncapped one is in RetryPolicyTest. */
class RetryAfterTest {
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-29T18:00:00Z"), ZoneOffset.UTC);
  private static final Duration MAX = RetryAfter.DEFAULT_MAX;

  @Test
  void delaySecondsAreParsed() {
    assertThat(RetryAfter.parse("7", CLOCK, MAX)).isEqualTo(Duration.ofSeconds(7));
    assertThat(RetryAfter.parse(" 0 ", CLOCK, MAX)).isEqualTo(Duration.ZERO);
  }

  @Test
  void anHttpDateIsMeasuredFromTheInjectedClock() {
    // CLOCK is 2026-11-29T18:00:00Z.
    assertThat(RetryAfter.parse("Sun, 29 Nov 2026 18:00:42 GMT", CLOCK, MAX)).isEqualTo(Duration.ofSeconds(42));
  }

  @Test
  void aDateInThePastMeansNow() {
    assertThat(RetryAfter.parse("Sun, 29 Nov 2026 17:00:00 GMT", CLOCK, MAX)).isEqualTo(Duration.ZERO);
  }

  @Test
  void absurdDelaysAreCappedAtOneHour() {
    assertThat(RetryAfter.parse("86400", CLOCK, MAX)).isEqualTo(Duration.ofHours(1));
    assertThat(RetryAfter.parse("99999999999999999999", CLOCK, MAX)).isEqualTo(Duration.ofHours(1));
    assertThat(RetryAfter.parse("Mon, 30 Nov 2026 18:00:00 GMT", CLOCK, MAX)).isEqualTo(Duration.ofHours(1));
  }

  @Test
  void aMissingOrMalformedHeaderIsIgnored() {
    assertThat(RetryAfter.parse(null, CLOCK, MAX)).isNull();
    assertThat(RetryAfter.parse("", CLOCK, MAX)).isNull();
    assertThat(RetryAfter.parse("-5", CLOCK, MAX)).isNull();
    assertThat(RetryAfter.parse("soon", CLOCK, MAX)).isNull();
    assertThat(RetryAfter.parse("1.5", CLOCK, MAX)).isNull();
  }
}

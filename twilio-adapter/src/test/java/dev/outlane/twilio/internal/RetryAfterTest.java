package dev.outlane.twilio.internal;

import static dev.outlane.twilio.Fixtures.CLOCK;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryAfterTest {
  @Test
  void delaySecondsAreParsed() {
    assertThat(RetryAfter.parse("7", CLOCK)).isEqualTo(Duration.ofSeconds(7));
    assertThat(RetryAfter.parse(" 0 ", CLOCK)).isEqualTo(Duration.ZERO);
  }

  @Test
  void anHttpDateIsMeasuredFromTheInjectedClock() {
    // CLOCK is 2026-11-29T18:00:00Z.
    assertThat(RetryAfter.parse("Sun, 29 Nov 2026 18:00:42 GMT", CLOCK)).isEqualTo(Duration.ofSeconds(42));
  }

  @Test
  void aDateInThePastMeansNow() {
    assertThat(RetryAfter.parse("Sun, 29 Nov 2026 17:00:00 GMT", CLOCK)).isEqualTo(Duration.ZERO);
  }

  @Test
  void absurdDelaysAreCappedAtOneHour() {
    assertThat(RetryAfter.parse("86400", CLOCK)).isEqualTo(Duration.ofHours(1));
    assertThat(RetryAfter.parse("99999999999999999999", CLOCK)).isEqualTo(Duration.ofHours(1));
    assertThat(RetryAfter.parse("Mon, 30 Nov 2026 18:00:00 GMT", CLOCK)).isEqualTo(Duration.ofHours(1));
  }

  @Test
  void aMissingOrMalformedHeaderIsIgnored() {
    assertThat(RetryAfter.parse(null, CLOCK)).isNull();
    assertThat(RetryAfter.parse("", CLOCK)).isNull();
    assertThat(RetryAfter.parse("-5", CLOCK)).isNull();
    assertThat(RetryAfter.parse("soon", CLOCK)).isNull();
    assertThat(RetryAfter.parse("1.5", CLOCK)).isNull();
  }
}

package dev.outlane.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.outlane.guardrail.FrequencyCap;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class FrequencyLimiterTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void aPersonGetsAtMostTheCapWithinTheWindowAndASlotAgainOnceTheOldestLeavesIt() {
    FrequencyLimiter limiter =
        new FrequencyLimiter(FrequencyCap.perDestination(2, Duration.ofHours(1)), 100);
    String key = limiter.key("c-1", "sms");

    assertThat(limiter.tryAcquire(key, T0)).isEqualTo(T0);
    assertThat(limiter.tryAcquire(key, T0.plusSeconds(60))).isEqualTo(T0.plusSeconds(60));
    assertThat(limiter.tryAcquire(key, T0.plusSeconds(120))).isNull();
    // The window is half-open: the first activation leaves it exactly one hour later.
    assertThat(limiter.tryAcquire(key, T0.plus(Duration.ofHours(1)))).isEqualTo(T0.plus(Duration.ofHours(1)));
  }

  @Test
  void aReleasedSlotIsGivenToTheNextActivation() {
    FrequencyLimiter limiter =
        new FrequencyLimiter(FrequencyCap.perDestination(1, Duration.ofHours(1)), 100);
    String key = limiter.key("c-1", "sms");
    Instant slot = limiter.tryAcquire(key, T0);
    assertThat(limiter.tryAcquire(key, T0.plusSeconds(1))).isNull();

    limiter.release(key, slot);

    assertThat(limiter.tryAcquire(key, T0.plusSeconds(2))).isEqualTo(T0.plusSeconds(2));
  }

  @Test
  void aPerDestinationCapCountsEachDestinationApartAndACrossDestinationCapCountsThemTogether() {
    FrequencyLimiter apart =
        new FrequencyLimiter(FrequencyCap.perDestination(1, Duration.ofHours(1)), 100);
    FrequencyLimiter together =
        new FrequencyLimiter(FrequencyCap.acrossDestinations(1, Duration.ofHours(1)), 100);

    assertThat(apart.tryAcquire(apart.key("c-1", "sms"), T0)).isNotNull();
    assertThat(apart.tryAcquire(apart.key("c-1", "email"), T0)).isNotNull();
    assertThat(together.tryAcquire(together.key("c-1", "sms"), T0)).isNotNull();
    assertThat(together.tryAcquire(together.key("c-1", "email"), T0)).isNull();
  }

  @Test
  void beyondMaxPeopleTheLeastRecentlyUsedPersonIsForgottenAndTheirCountRestarts() {
    FrequencyLimiter limiter =
        new FrequencyLimiter(FrequencyCap.perDestination(1, Duration.ofHours(1)), 2);
    String a = limiter.key("a", "sms");
    String b = limiter.key("b", "sms");
    String c = limiter.key("c", "sms");
    limiter.tryAcquire(a, T0);
    limiter.tryAcquire(b, T0);
    limiter.tryAcquire(c, T0); // evicts a

    assertThat(limiter.tryAcquire(b, T0.plusSeconds(1))).isNull();
    assertThat(limiter.tryAcquire(a, T0.plusSeconds(1))).isEqualTo(T0.plusSeconds(1));
  }
}

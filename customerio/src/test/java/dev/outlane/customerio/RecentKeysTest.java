package dev.outlane.customerio;

import static org.assertj.core.api.Assertions.assertThat;

import dev.outlane.customerio.internal.RecentKeys;
import dev.outlane.customerio.internal.RecentKeys.State;
import dev.outlane.testing.ManualScheduler;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RecentKeysTest {
  final ManualScheduler time = new ManualScheduler(Instant.parse("2026-12-01T18:00:00Z"));

  @Test
  void anAcceptedKeyIsRememberedForItsTtlThenActsAgain() {
    RecentKeys keys = new RecentKeys(10, Duration.ofMinutes(5), time.clock());

    assertThat(keys.reserve("a")).isEqualTo(State.NEW);
    assertThat(keys.reserve("a")).isEqualTo(State.IN_FLIGHT);
    keys.accept("a");
    assertThat(keys.reserve("a")).isEqualTo(State.ACCEPTED);
    time.advance(Duration.ofMinutes(5));
    assertThat(keys.reserve("a")).isEqualTo(State.NEW);
  }

  @Test
  void aReleasedReservationIsForgotten() {
    RecentKeys keys = new RecentKeys(10, Duration.ofMinutes(5), time.clock());

    keys.reserve("a");
    keys.release("a");

    assertThat(keys.size()).isZero();
    assertThat(keys.reserve("a")).isEqualTo(State.NEW);
  }

  @Test
  void pastCapacityTheOldestKeyIsForgottenFirst() {
    RecentKeys keys = new RecentKeys(2, Duration.ofHours(1), time.clock());
    for (String k : new String[] {"a", "b", "c"}) {
      keys.reserve(k);
      keys.accept(k);
    }

    assertThat(keys.size()).isEqualTo(2);
    assertThat(keys.reserve("b")).isEqualTo(State.ACCEPTED);
    assertThat(keys.reserve("a")).isEqualTo(State.NEW);
  }
}

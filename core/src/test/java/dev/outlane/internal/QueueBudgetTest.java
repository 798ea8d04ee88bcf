package dev.outlane.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class QueueBudgetTest {
  @Test
  void theDefaultCapacityIsAnEighthOfTheHeapAtTwoKilobytesPerEventWithinItsFloorAndCeiling() {
    assertThat(QueueBudget.defaultCapacity(1L << 30)).isEqualTo(65_536);
    assertThat(QueueBudget.defaultCapacity(64L << 20)).isEqualTo(10_000);
    assertThat(QueueBudget.defaultCapacity(1L << 40)).isEqualTo(1_000_000);
  }
}

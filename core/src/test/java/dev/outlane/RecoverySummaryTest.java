package dev.outlane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.outlane.deadletter.DeadLetterReason;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecoverySummaryTest {
  @Test
  void nothingRecoveredIsCompleteWithNoDeadLetters() {
    RecoverySummary none = RecoverySummary.none();
    assertThat(none.recovered()).isZero();
    assertThat(none.complete()).isTrue();
    assertThat(none.deadLettered()).isEmpty();
    assertThat(none).hasToString("recovered 0 events, 0 finished; dead-lettered 0");
  }

  @Test
  void reasonsAreListedInEnumOrderWithoutZeros() {
    RecoverySummary s = new RecoverySummary(5, 4, Map.of(DeadLetterReason.UNDELIVERABLE, 1,
        DeadLetterReason.NEEDS_RECONCILIATION, 2, DeadLetterReason.REJECTED, 0));
    assertThat(s.complete()).isFalse();
    assertThat(s.deadLetteredTotal()).isEqualTo(3);
    assertThat(s.deadLettered(DeadLetterReason.REJECTED)).isZero();
    assertThat(s).hasToString("recovered 5 events, 4 finished; dead-lettered 3"
        + " (needs-reconciliation 2, undeliverable 1)");
  }

  @Test
  void badCountsNameTheField() {
    assertThatThrownBy(() -> new RecoverySummary(1, 2, Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("finished: must be between 0 and recovered (1), was 2");
    assertThatThrownBy(() -> new RecoverySummary(1, 1, Map.of(DeadLetterReason.REJECTED, -1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("deadLettered: rejected must not be negative, was -1");
  }
}

package dev.outlane.audience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SyncReportTest {
  private static SyncReport.Builder report() {
    return SyncReport.builder("cart-recovery", "meta-test").complete(true).members(10).normalized(3).adds(2)
        .removes(1).unchanged(7).invalid(1).invalidByReason(Map.of("$.email: missing '@'", 1L)).batchesSent(2)
        .matchCounts(2L, 1L).previousSize(8).audienceSize(9).targetSize(9).elapsed(Duration.ofMillis(5));
  }

  @Test
  void aBuiltReportReadsBackThroughTheSameAccessorsTheRecordHad() {
    SyncReport r = report().build();

    assertThat(r.audience()).isEqualTo("cart-recovery");
    assertThat(r.destination()).isEqualTo("meta-test");
    assertThat(r.complete()).isTrue();
    assertThat(r.dryRun()).isFalse();
    assertThat(r.adds()).isEqualTo(2);
    assertThat(r.invalidByReason()).containsExactly(Map.entry("$.email: missing '@'", 1L));
    assertThat(r.received()).isEqualTo(2L);
    assertThat(r.matchRate()).isEqualTo(0.5);
    assertThat(r.drift()).isEqualTo(1);
    assertThat(r.failure()).isNull();
    assertThat(r.elapsed()).isEqualTo(Duration.ofMillis(5));
  }

  @Test
  void toBuilderMakesAnEqualCopyThatCanDiffer() {
    SyncReport r = report().build();

    assertThat(r.toBuilder().build()).isEqualTo(r).hasSameHashCodeAs(r);
    assertThat(r.toBuilder().failure("stopped").build()).isNotEqualTo(r);
  }

  @Test
  void theSummaryReadsAsBefore() {
    assertThat(report().build().summary()).isEqualTo("synced audience cart-recovery → meta-test\n"
        + "  members 10 (normalized 3)\n"
        + "  adds 2, removes 1, unchanged 7, changed 0\n"
        + "  suppressed 0, duplicates 0, invalid 1\n"
        + "    1 × $.email: missing '@'\n"
        + "  batches sent 2, skipped (already accepted) 0\n"
        + "  received 2, matched 1 (match rate 50.0%)\n"
        + "  audience size 9 (previous 8, drift +1)\n");
  }

  @Test
  void theBuilderNamesTheFieldAndTheReason() {
    assertThatThrownBy(() -> SyncReport.builder(" ", "d")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("audience: must not be blank");
    assertThatThrownBy(() -> report().adds(-1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("adds: must not be negative, was -1");
    assertThatThrownBy(() -> report().matchCounts(1L, null)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("matchCounts: received and matched are both set or both null");
  }
}

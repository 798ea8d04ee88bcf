package dev.outlane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.outlane.contract.AudienceAction;
import dev.outlane.deadletter.DeadLetterReason;
import org.junit.jupiter.api.Test;

class DestinationResultTest {
  @Test
  void aBuilderWithOnlyDestinationAndStateDefaultsEverythingElseToNone() {
    DestinationResult r = DestinationResult.builder("sms", FinalState.DELIVERED).build();

    assertThat(r.target()).isNull();
    assertThat(r.action()).isEqualTo(AudienceAction.Action.ADD);
    assertThat(r.origin()).isEqualTo(DestinationResult.Origin.ROUTE);
    assertThat(r.deadLetterReason()).isNull();
    assertThat(r.reference()).isNull();
    assertThat(r.code()).isNull();
    assertThat(r.detail()).isEmpty();
    assertThat(r.attempts()).isZero();
  }

  @Test
  void resultsWithTheSameValuesAreEqualAndPrintLikeTheRecordTheyWere() {
    DestinationResult a = DestinationResult.builder("sms", FinalState.DEAD_LETTERED)
        .deadLetterReason(DeadLetterReason.NEEDS_RECONCILIATION).code("30003").detail("x")
        .attempts(1).build();
    DestinationResult b = DestinationResult.builder("sms", FinalState.DEAD_LETTERED)
        .deadLetterReason(DeadLetterReason.NEEDS_RECONCILIATION).code("30003").detail("x")
        .attempts(1).build();

    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(a).isNotEqualTo(DestinationResult.builder("sms", FinalState.DEAD_LETTERED).build());
    assertThat(a).hasToString("DestinationResult[destination=sms, target=null, action=ADD,"
        + " origin=ROUTE, state=DEAD_LETTERED, deadLetterReason=NEEDS_RECONCILIATION,"
        + " reference=null, code=30003, detail=x, attempts=1]");
  }

  @Test
  void negativeAttemptsAreRefusedWithTheFieldNamed() {
    assertThatThrownBy(() -> DestinationResult.builder("sms", FinalState.DELIVERED).attempts(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("attempts: must be ≥ 0, was -1");
  }
}

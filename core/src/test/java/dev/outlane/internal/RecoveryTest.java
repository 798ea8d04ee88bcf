package dev.outlane.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.outlane.DestinationResult;
import dev.outlane.FinalState;
import dev.outlane.Problem;
import dev.outlane.RecoverySummary;
import dev.outlane.contract.RetentionEvent;
import dev.outlane.deadletter.DeadLetterReason;
import dev.outlane.identity.IdentityNormalizer;
import dev.outlane.journal.EventJournal;
import dev.outlane.metrics.InMemoryMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Crash recovery alone: a journal holding records, the intake that re-validates them, recording hooks. */
class RecoveryTest {
  private final TestWork t = new TestWork();
  private final List<String> calls = new ArrayList<>();

  /** A journal whose pending records are given; appends and completions are not expected. */
  private record PendingJournal(List<Pending> pending) implements EventJournal {
    @Override
    public long append(RetentionEvent event) {
      throw new AssertionError("recovery never appends");
    }

    @Override
    public void complete(long sequence) {
      throw new AssertionError("recovery never completes");
    }

    @Override
    public void close() {}
  }

  private Recovery recovery(List<EventJournal.Pending> pending, Intake intake) {
    return new Recovery(new PendingJournal(pending), intake, t.time.clock(), new Recovery.Hooks() {
      @Override
      public void accept(Submission sub) {
        calls.add("accept " + sub.event.eventId() + " seq " + sub.seq);
      }

      @Override
      public void fail(Submission sub, String detail) {
        calls.add("fail " + sub.event.eventId() + ": " + detail);
      }

      @Override
      public void recoverOptOut(EventJournal.Pending p) {
        calls.add("opt-out " + p.event().eventId() + " seq " + p.sequence());
      }
    });
  }

  private Intake intake(int capacity) {
    // The contract check flags an event id starting with "bad" at $.email, never showing its value.
    return new Intake(event -> event.eventId().startsWith("bad")
        ? List.of(new Problem("$.email", "not an email"))
        : List.of(), IdentityNormalizer.create(), EventJournal.none(), new InMemoryMetrics(),
        t.time.clock(), capacity);
  }

  @Test
  void eachPendingRecordIsResubmittedAndOneNoLongerValidIsDeadLetteredWithoutStoppingTheRest() {
    Intake intake = intake(1);
    List<EventJournal.Pending> pending = List.of(
        new EventJournal.Pending(7, TestWork.event("bad-1").build(), null),
        new EventJournal.Pending(8, TestWork.event("e2").build(), null),
        new EventJournal.Pending(9, TestWork.event("e3").build(), TestWork.PERSON));

    int n = recovery(pending, intake).recover();

    assertThat(n).isEqualTo(3);
    assertThat(calls).containsExactly(
        "fail bad-1: the journaled event is no longer valid: 1 problem(s) at $.email",
        "accept e2 seq 8",
        "accept e3 seq 9");
    assertThat(intake.outstanding()).as("accepted before: over the capacity of 1").isEqualTo(3);
  }

  @Test
  void theSummaryCountsRecoveredEventsAsTheyFinishAndTheirDeadLettersByReason() {
    Recovery recovery = recovery(List.of(
        new EventJournal.Pending(1, TestWork.event("e1").build(), null),
        new EventJournal.Pending(2, TestWork.event("e2").build(), null)), intake(10));
    assertThat(recovery.summary()).isEqualTo(RecoverySummary.none());
    recovery.recover();

    Submission recovered = new Submission(TestWork.event("e1").build(), TestWork.PERSON, 1,
        TestWork.T0, true);
    recovery.completed(recovered, List.of(
        DestinationResult.builder("sms", FinalState.DEAD_LETTERED)
            .deadLetterReason(DeadLetterReason.NEEDS_RECONCILIATION).build()));
    recovery.completed(new Submission(TestWork.event("new").build(), TestWork.PERSON, 3,
        TestWork.T0, false), List.of(DestinationResult.builder("sms", FinalState.DELIVERED).build()));

    assertThat(recovery.summary()).isEqualTo(
        new RecoverySummary(2, 1, Map.of(DeadLetterReason.NEEDS_RECONCILIATION, 1)));
  }
}

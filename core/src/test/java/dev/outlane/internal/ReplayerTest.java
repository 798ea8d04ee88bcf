package dev.outlane.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.outlane.deadletter.DeadLetter;
import dev.outlane.deadletter.DeadLetterQuery;
import dev.outlane.deadletter.DeadLetterReason;
import dev.outlane.deadletter.InMemoryDeadLetterStore;
import dev.outlane.deadletter.ReplayReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Dead-letter replay alone: which records it sends back and which it skips, and why. */
class ReplayerTest {
  private final TestWork t = new TestWork();
  private final InMemoryDeadLetterStore store = new InMemoryDeadLetterStore();
  private final List<Work> started = new ArrayList<>();

  private Replayer replayer() {
    Lane sms = t.sms();
    EngineConfig config = TestWork.config().deadLetters(store).build();
    Intake intake = new Intake(config.validator(), config.normalizer(), config.journal(),
        config.metrics(), config.clock(), config.queueCapacity());
    return new Replayer(config, Map.of("sms", sms), intake, t.works, new Replayer.Hooks() {
      @Override
      public void admitted(Submission sub) {}

      @Override
      public void start(Work w) {
        started.add(w);
      }

      @Override
      public boolean closed() {
        return false;
      }
    });
  }

  private void add(String id, String destination, DeadLetterReason reason) {
    store.add(new DeadLetter(id, TestWork.event("e-" + id).build(), destination, "ol1-" + id, reason,
        "detail", null, 1, TestWork.T0, TestWork.T0, false));
  }

  private static List<String> outcomes(ReplayReport report) {
    return report.items().stream().map(i -> i.deadLetterId() + " " + i.outcome()).toList();
  }

  @Test
  void aDryRunNamesWhatItWouldReplayAndWhatItSkipsAndStartsNothing() {
    add("a", "sms", DeadLetterReason.RETRIES_EXHAUSTED);
    add("b", "gone", DeadLetterReason.REJECTED);
    add("c", "sms", DeadLetterReason.NEEDS_RECONCILIATION);

    ReplayReport report = replayer().replay(DeadLetterQuery.unresolved(), true, false);

    assertThat(outcomes(report)).containsExactly(
        "a would-replay",
        "b skipped: destination \"gone\" is not registered",
        "c skipped: needs-reconciliation (it may have been sent; check the destination, then"
            + " resend explicitly)");
    assertThat(report.replayed()).isEqualTo(1);
    assertThat(report.skipped()).isEqualTo(2);
    assertThat(started).isEmpty();
  }

  @Test
  void aNeedsReconciliationRecordIsReplayedOnlyWhenTheOperatorAsksToResendIt() {
    add("c", "sms", DeadLetterReason.NEEDS_RECONCILIATION);

    ReplayReport report = replayer().replay(DeadLetterQuery.unresolved(), true, true);

    assertThat(outcomes(report)).containsExactly("c would-replay");
  }
}

package dev.outlane.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bounded crash loop of issue 10 ({@link CrashLoop}): {@code outlane send --dir} SIGKILLed three
 * times at seeded points while it sends {@value #EVENTS} events to a fake Twilio and a fake Segment,
 * restarted on the same directory each time, then run to completion. The long version (≥ 20 kills)
 * is {@code dev.outlane.examples.bench.CrashLoopHarness} in the bench profile.
 *
 * <p>{@value #EVENTS} events: one SMS request each, and five CLI JVM starts must stay well under 20 s
 * on a shared two-core machine. The seed is fixed so a failure can be replayed; the kill points still
 * vary in what they hit, because the child's timing does.
 */
class CrashLoopTest {
  static final int EVENTS = 300;
  static final long SEED = 20261201L;

  @TempDir Path work;

  @Test
  void threeSigkillsOfSendDirLoseNothingAndNeverSendAnSmsTwice() {
    CrashLoop.Summary s = CrashLoop.run(new CrashLoop.Settings(3, EVENTS, SEED, work, Duration.ofSeconds(60)));
    System.out.println(s.line());

    assertThat(s.kills()).as(s.line()).isEqualTo(3);
    assertThat(s.doubleSms()).as(s.line()).isZero();
    assertThat(s.lost()).as(s.line()).isZero();
    assertThat(s.otherDeadLetters()).as(s.line()).isZero();
    assertThat(s.pendingAfter()).as(s.line()).isZero();
    assertThat(s.segmentDelivered()).as(s.line()).isEqualTo(EVENTS);
    assertThat(s.smsSent() + s.needsReconciliation()).as(s.line()).isGreaterThanOrEqualTo(EVENTS);
    // 1 when its recovery dead-lettered an SMS in flight at the last kill, else 0; never 2.
    assertThat(s.finalExit()).as(s.line()).isIn(0, 1);
  }
}

package dev.outlane.journal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.outlane.storage.RecoveryReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Kills a child JVM that is appending to a journal ({@link CrashingAppender}) with SIGKILL, and
 * proves that every append it acknowledged survives: the odd events it never completed are pending,
 * the journal reopens without skipping anything, and a second reopen finds it clean.
 */
class JournalCrashTest {
  @TempDir Path dir;

  @ParameterizedTest(name = "killed after {0}..{1} acknowledged appends")
  @CsvSource({"1, 200", "200, 1500", "1500, 4000"})
  void everyAcknowledgedAppendSurvivesASigkill(int from, int to) throws IOException {
    long seed = System.nanoTime();
    int killAfter = from + new Random(seed).nextInt(to - from);
    String context = "kill after " + killAfter + " ACKs (seed " + seed + ")";

    Map<Long, Long> acked = new HashMap<>();
    try (ChildJvm child = ChildJvm.start(CrashingAppender.class, List.of("-Xmx128m"),
        dir.toString(), "8")) {
      child.awaitLines(line -> line.startsWith("ACK "), killAfter, Duration.ofSeconds(60));
      child.kill();
      for (String line : child.lines(l -> l.startsWith("ACK "))) {
        String[] parts = line.split(" ");
        acked.put(Long.parseLong(parts[1]), Long.parseLong(parts[2]));
      }
    }
    assertThat(acked).as(context).hasSizeGreaterThanOrEqualTo(killAfter);

    try (FileEventJournal reopened =
        FileEventJournal.builder().directory(dir).serializer(TestEventSerializer.INSTANCE).open()) {
      Map<Long, Long> pending = new HashMap<>();
      for (EventJournal.Pending p : reopened.pending()) {
        long n = Long.parseLong(p.event().eventId().substring("evt-".length()));
        assertThat(p.event()).as(context).isEqualTo(TestEvents.event(n));
        assertThat(pending.put(n, p.sequence())).as(context + ": evt-" + n + " twice").isNull();
      }
      for (Map.Entry<Long, Long> a : acked.entrySet()) {
        if (a.getKey() % 2 == 1) {
          assertThat(pending).as(context + ": acknowledged evt-" + a.getKey())
              .containsEntry(a.getKey(), a.getValue());
        } else if (pending.containsKey(a.getKey())) {
          // Completed but the completion was still queued at the kill: pending again, same seq.
          assertThat(pending.get(a.getKey())).as(context).isEqualTo(a.getValue());
        }
      }
      // Only events the child had started to append can be pending (a few were written but not
      // yet acknowledged when it died).
      Set<Long> unacked = new HashSet<>(pending.keySet());
      unacked.removeAll(acked.keySet());
      assertThat(unacked).as(context).hasSizeLessThanOrEqualTo(64);
      RecoveryReport report = reopened.recoveryReport();
      assertThat(report.bytesSkipped()).as(context + ": " + report).isZero();
      reopened.append(TestEvents.event(1_000_000));
    }
    try (FileEventJournal again =
        FileEventJournal.builder().directory(dir).serializer(TestEventSerializer.INSTANCE).open()) {
      assertThat(again.recoveryReport().clean()).as(context).isTrue();
    }
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .as(context).noneMatch(name -> name.endsWith(".corrupt"));
    }
  }
}

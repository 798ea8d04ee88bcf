package dev.outlane.journal;

import dev.outlane.testing.DiskBytes;

import static dev.outlane.journal.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 10.7: delivered events' raw emails and phones leave the disk within a documented bound. */
class JournalPiiRetentionTest {
  @TempDir Path dir;
  private final AtomicLong nanos = new AtomicLong();

  private FileEventJournal open() {
    return FileEventJournal.builder().directory(dir).serializer(TestEventSerializer.INSTANCE)
        .fsync(false).ticker(nanos::get).open();
  }

  private void advance(Duration d) {
    nanos.addAndGet(d.toNanos());
  }
  private List<String> segments() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("segment-"))
          .sorted().toList();
    }
  }

  @Test
  void theDefaultsAreFourMebibyteSegmentsThatCloseAfterSixtySeconds() {
    assertThat(FileEventJournal.DEFAULT_SEGMENT_SIZE).isEqualTo(4L * 1024 * 1024);
    assertThat(FileEventJournal.DEFAULT_SEGMENT_MAX_AGE).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void deliveredEventsLeaveTheDiskOnceTheirSegmentIsSixtySecondsOldWithoutAnotherWrite()
      throws IOException {
    try (FileEventJournal j = open()) {
      for (int i = 0; i < 10; i++) {
        j.complete(j.append(event(i)));
      }
      j.wakeForTesting();
      assertThat(DiskBytes.of(dir)).contains("person3@example.com");

      advance(Duration.ofSeconds(59));
      j.wakeForTesting();
      assertThat(DiskBytes.of(dir)).as("younger than 60 s").contains("person3@example.com");

      advance(Duration.ofSeconds(1));
      j.wakeForTesting();
      assertThat(DiskBytes.of(dir)).doesNotContain("@example.com").doesNotContain("+1415555");
      assertThat(segments()).containsExactly("segment-00000000000000000002.log");
      assertThat(Files.size(dir.resolve("segment-00000000000000000002.log"))).isEqualTo(24);
    }
  }

  @Test
  void aPendingEventKeepsItsSegmentUntilItCompletes() throws IOException {
    try (FileEventJournal j = open()) {
      long pending = j.append(event(1));
      j.complete(j.append(event(2)));
      advance(Duration.ofSeconds(61));
      j.wakeForTesting();
      assertThat(DiskBytes.of(dir)).contains("person1@example.com", "person2@example.com");

      j.complete(pending);
      j.wakeForTesting();
      assertThat(DiskBytes.of(dir)).doesNotContain("@example.com");
    }
  }

  @Test
  void aHundredDeliveredEventsLeaveNoEmailOnDiskThroughACloseAndReopen() throws IOException {
    try (FileEventJournal j = open()) {
      for (int i = 0; i < 100; i++) {
        j.complete(j.append(event(i)));
      }
    }
    assertThat(DiskBytes.of(dir)).doesNotContain("@example.com");
    try (FileEventJournal reopened = open()) {
      assertThat(reopened.pending()).isEmpty();
      assertThat(DiskBytes.of(dir)).doesNotContain("@example.com");
    }
  }

  @Test
  void aDirectoryAnOlderReleaseClosedWithDeliveredEventsIsClearedWhenOpened() throws IOException {
    try (FileEventJournal old = FileEventJournal.builder().directory(dir)
        .serializer(TestEventSerializer.INSTANCE).fsync(false).segmentMaxAge(Duration.ZERO)
        .open()) {
      List<Long> seqs = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        seqs.add(old.append(event(i)));
      }
      seqs.forEach(old::complete);
    }
    assertThat(DiskBytes.of(dir)).contains("person4@example.com");
    try (FileEventJournal reopened = open()) {
      reopened.wakeForTesting();
      assertThat(DiskBytes.of(dir)).doesNotContain("@example.com");
      assertThat(reopened.pending()).isEmpty();
    }
  }

  @Test
  void segmentsStillCloseBySizeAndSequencesKeepIncreasingAcrossAgeRolls() {
    long last;
    try (FileEventJournal j = open()) {
      long first = j.append(event(1));
      advance(Duration.ofSeconds(61));
      j.wakeForTesting();
      last = j.append(event(2));
      assertThat(last).isGreaterThan(first);
    }
    try (FileEventJournal reopened = open()) {
      assertThat(reopened.pending()).extracting(EventJournal.Pending::sequence)
          .containsExactly(1L, last);
      assertThat(reopened.append(event(3))).isGreaterThan(last);
    }
  }
}

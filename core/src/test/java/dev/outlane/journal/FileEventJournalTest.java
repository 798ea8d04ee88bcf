package dev.outlane.journal;

import static dev.outlane.journal.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.outlane.contract.RetentionEvent;
import dev.outlane.storage.StorageException;
import dev.outlane.storage.internal.RecordingLogIo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileEventJournalTest {
  @TempDir Path dir;

  private FileEventJournal.Builder journal() {
    return FileEventJournal.builder().directory(dir).serializer(TestEventSerializer.INSTANCE);
  }

  private static List<String> pendingIds(FileEventJournal j) {
    return j.pending().stream().map(p -> p.event().eventId()).toList();
  }

  @Test
  void aFreshDirectoryOpensCleanWithNothingPending() {
    try (FileEventJournal j = journal().open()) {
      assertThat(j.pending()).isEmpty();
      assertThat(j.recoveryReport().clean()).isTrue();
      assertThat(j.recoveryReport().segmentsScanned()).isZero();
    }
  }

  @Test
  void eventsAppendedAndNotCompletedArePendingAfterACrashInOrder() {
    FileEventJournal j = journal().open();
    List<Long> seqs = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      seqs.add(j.append(event(i)));
    }
    for (int i = 0; i < 5; i++) {
      j.complete(seqs.get(i));
    }
    // A durable append queued after the completions proves they were written before the crash.
    j.append(event(10));
    j.haltForTesting();

    try (FileEventJournal reopened = journal().open()) {
      assertThat(pendingIds(reopened))
          .containsExactly("evt-5", "evt-6", "evt-7", "evt-8", "evt-9", "evt-10");
      assertThat(reopened.pending().get(0).sequence()).isEqualTo(seqs.get(5));
      assertThat(reopened.pending().get(0).event()).isEqualTo(event(5));
      assertThat(reopened.recoveryReport().clean()).isTrue();
    }
  }

  @Test
  void reopeningAfterACleanCloseFindsNoPendingOnceEverythingCompleted() {
    try (FileEventJournal j = journal().open()) {
      for (int i = 0; i < 100; i++) {
        j.complete(j.append(event(i)));
      }
    }
    try (FileEventJournal reopened = journal().open()) {
      assertThat(reopened.pending()).isEmpty();
      assertThat(reopened.recoveryReport().clean()).isTrue();
      // Close retired the fully completed segment (issue 10.7), so nothing is left to read back.
      assertThat(reopened.recoveryReport().recordsRecovered()).isZero();
    }
  }

  @Test
  void completionsAreWrittenByCloseEvenThoughTheyDoNotWaitForTheDisk() {
    FileEventJournal j = journal().open();
    long a = j.append(event(1));
    long b = j.append(event(2));
    j.complete(a);
    j.close();
    try (FileEventJournal reopened = journal().open()) {
      assertThat(reopened.pending()).extracting(EventJournal.Pending::sequence).containsExactly(b);
    }
  }

  @Test
  void sequencesKeepIncreasingAcrossReopensEvenAfterEverySegmentWasDeleted() {
    long last;
    try (FileEventJournal j = journal().open()) {
      last = j.append(event(1));
      j.complete(last);
    }
    try (FileEventJournal j = journal().open()) {
      long next = j.append(event(2));
      assertThat(next).isGreaterThan(last);
      last = next;
      j.complete(next);
    }
    try (FileEventJournal j = journal().open()) {
      assertThat(j.append(event(3))).isGreaterThan(last);
    }
  }

  @Test
  void completingAnUnknownOrAlreadyCompletedSequenceChangesNothing() {
    try (FileEventJournal j = journal().open()) {
      long a = j.append(event(1));
      j.complete(a);
      j.complete(a);
      j.complete(999_999);
      j.append(event(2));
    }
    try (FileEventJournal reopened = journal().open()) {
      assertThat(pendingIds(reopened)).containsExactly("evt-2");
    }
  }

  @Test
  void aSecondOpenOfTheSameDirectoryFailsNamingTheLock() {
    try (FileEventJournal first = journal().open()) {
      assertThatThrownBy(() -> journal().open())
          .isInstanceOf(StorageException.class)
          .hasMessage("journal directory " + dir + " is already in use: another process (or another"
              + " open journal in this one) holds " + dir.resolve("outlane.lock"));
      first.append(event(1));
    }
  }

  @Test
  void appendAfterCloseFailsAndSaysTheJournalIsClosed() {
    FileEventJournal j = journal().open();
    j.close();
    assertThatThrownBy(() -> j.append(event(1)))
        .isInstanceOf(StorageException.class)
        .hasMessage("journal " + dir + " is closed");
    assertThatThrownBy(() -> j.complete(1))
        .isInstanceOf(StorageException.class)
        .hasMessage("journal " + dir + " is closed");
  }

  @Test
  void aDirectoryThatCannotBeCreatedFailsTheOpenWithTheOperatingSystemsReason() throws IOException {
    Path file = Files.writeString(dir.resolve("not-a-directory"), "x");
    Path journalDir = file.resolve("journal");
    assertThatThrownBy(() -> FileEventJournal.builder().directory(journalDir)
            .serializer(TestEventSerializer.INSTANCE).open())
        .isInstanceOf(StorageException.class)
        .hasMessage("cannot create journal directory " + journalDir
            + ": Not a directory (" + journalDir + ")");
  }

  @Test
  void concurrentAppendsShareOneFlush() throws Exception {
    RecordingLogIo io = new RecordingLogIo();
    int appenders = 16;
    try (FileEventJournal j = journal().io(io).open()) {
      j.append(event(-1)); // creates the segment, so the next flush is the first batch's
      io.forces.set(0);
      CountDownLatch firstFlushEntered = io.holdNextFlush();
      Set<Long> sequences = ConcurrentHashMap.newKeySet();
      List<Thread> threads = new ArrayList<>();
      Thread first = new Thread(() -> sequences.add(j.append(event(0))));
      first.start();
      threads.add(first);
      // The writer is now inside the first flush; everyone else queues up behind it.
      assertThat(firstFlushEntered.await(10, TimeUnit.SECONDS)).isTrue();
      for (int i = 1; i < appenders; i++) {
        int n = i;
        Thread t = new Thread(() -> sequences.add(j.append(event(n))));
        t.start();
        threads.add(t);
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (j.queuedForTesting() < appenders - 1 && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      assertThat(j.queuedForTesting()).isEqualTo(appenders - 1);
      io.releaseFlush();
      for (Thread t : threads) {
        t.join(TimeUnit.SECONDS.toMillis(10));
      }

      assertThat(sequences).hasSize(appenders);
      // One flush for the first append, one for the fifteen that queued behind it.
      assertThat(io.forces.get()).isEqualTo(2).isLessThan(appenders);
    }
    try (FileEventJournal reopened = journal().open()) {
      assertThat(reopened.pending()).hasSize(appenders + 1);
    }
  }

  @Test
  void aMaxBatchOfOneFlushesOncePerAppend() {
    RecordingLogIo io = new RecordingLogIo();
    try (FileEventJournal j = journal().io(io).groupCommitMaxBatch(1).open()) {
      j.append(event(-1));
      io.forces.set(0);
      for (int i = 0; i < 5; i++) {
        j.append(event(i));
      }
      assertThat(io.forces.get()).isEqualTo(5);
    }
  }

  @Test
  void completionsAloneNeverCauseAFlush() {
    RecordingLogIo io = new RecordingLogIo();
    try (FileEventJournal j = journal().io(io).open()) {
      long a = j.append(event(1));
      io.forces.set(0);
      j.complete(a);
      // A second append flushes once, carrying the completion with it.
      j.append(event(2));
      assertThat(io.forces.get()).isEqualTo(1);
    }
  }

  @Test
  void aFullDiskFailsTheAppendClearlyAndLosesNothingAlreadyAccepted() {
    RecordingLogIo io = new RecordingLogIo();
    FileEventJournal j = journal().io(io).open();
    for (int i = 0; i < 3; i++) {
      j.append(event(i));
    }
    io.spaceLeft(10);
    assertThatThrownBy(() -> j.append(event(3)))
        .isInstanceOf(StorageException.class)
        .hasMessage("could not write to journal " + dir
            + ": No space left on device; the record was not stored");
    // While the disk stays full, every append fails the same way, in a fresh segment.
    assertThatThrownBy(() -> j.append(event(4)))
        .isInstanceOf(StorageException.class)
        .hasMessage("could not write to journal " + dir
            + ": No space left on device; the record was not stored");
    io.heal();
    j.append(event(5));
    j.haltForTesting();

    try (FileEventJournal reopened = journal().open()) {
      assertThat(pendingIds(reopened)).containsExactly("evt-0", "evt-1", "evt-2", "evt-5");
      assertThat(reopened.recoveryReport().clean()).isTrue();
    }
  }

  @Test
  void aFailedFlushIsRolledBackSoTheRejectedEventDoesNotReappear() {
    RecordingLogIo io = new RecordingLogIo();
    FileEventJournal j = journal().io(io).open();
    j.append(event(1));
    io.failFlushes();
    assertThatThrownBy(() -> j.append(event(2)))
        .isInstanceOf(StorageException.class)
        .hasMessage("could not write to journal " + dir
            + ": Input/output error; the record was not stored");
    io.heal();
    j.append(event(3));
    j.haltForTesting();

    try (FileEventJournal reopened = journal().open()) {
      assertThat(pendingIds(reopened)).containsExactly("evt-1", "evt-3");
    }
  }

  @Test
  void diskUseStaysBoundedWhenEveryEventIsCompleted() throws IOException {
    long segmentSize = 64 * 1024;
    long maxBytes = 0;
    try (FileEventJournal j = journal().segmentSize(segmentSize).fsync(false).open()) {
      RetentionEvent e = event(1);
      for (int i = 1; i <= 100_000; i++) {
        j.complete(j.append(e));
        if (i % 5_000 == 0) {
          maxBytes = Math.max(maxBytes, directorySize());
        }
      }
    }
    // Written in total: 100k events of ~300 bytes, about 30 MB; kept: the active segment plus the
    // one whose last completions are still in the active one.
    assertThat(maxBytes).isLessThanOrEqualTo(3 * segmentSize);
    try (FileEventJournal reopened = journal().open()) {
      assertThat(reopened.pending()).isEmpty();
    }
  }

  @Test
  void anEventLeftPendingHoldsBackOnlyItsSegmentAndThoseAfterIt() throws IOException {
    long segmentSize = 8 * 1024;
    try (FileEventJournal j = journal().segmentSize(segmentSize).fsync(false).open()) {
      j.append(event(0));
      for (int i = 1; i <= 2_000; i++) {
        j.complete(j.append(event(i)));
      }
      assertThat(segments()).hasSizeGreaterThan(10);
    }
    try (FileEventJournal reopened = journal().segmentSize(segmentSize).open()) {
      assertThat(pendingIds(reopened)).containsExactly("evt-0");
      reopened.complete(reopened.pending().get(0).sequence());
      reopened.append(event(2_001));
      // The completion reached the disk with that append's batch, and the writer then deleted every
      // segment before the active one.
      assertThat(segments()).hasSize(1);
    }
  }

  @Test
  void builderRejectsNonsenseValuesNamingTheField() {
    FileEventJournal.Builder b = FileEventJournal.builder();
    assertThatThrownBy(() -> b.segmentSize(100))
        .hasMessage("segmentSize must be at least 4096 bytes, was 100");
    assertThatThrownBy(() -> b.groupCommitMaxWait(Duration.ofSeconds(2)))
        .hasMessage("groupCommitMaxWait must be between 0 and 1s, was PT2S");
    assertThatThrownBy(() -> b.groupCommitMaxBatch(0))
        .hasMessage("groupCommitMaxBatch must be between 1 and 65536, was 0");
    assertThatThrownBy(() -> b.queueCapacity(0))
        .hasMessage("queueCapacity must be at least 1, was 0");
    assertThatThrownBy(b::open).hasMessage("directory is required");
    assertThatThrownBy(() -> FileEventJournal.builder().directory(dir).open())
        .hasMessage("serializer is required");
  }

  private long directorySize() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.mapToLong(p -> p.toFile().length()).sum();
    }
  }

  private List<Path> segments() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().startsWith("segment-")).toList();
    }
  }
}

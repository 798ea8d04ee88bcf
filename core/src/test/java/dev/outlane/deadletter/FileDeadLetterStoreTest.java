package dev.outlane.deadletter;

import static dev.outlane.journal.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.outlane.deadletter.internal.DeadLetterIds;
import dev.outlane.journal.TestEventSerializer;
import dev.outlane.storage.StorageException;
import dev.outlane.storage.internal.RecordingLogIo;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileDeadLetterStoreTest {
  private static final Instant T0 = Instant.parse("2026-11-29T18:00:00.123456789Z");

  @TempDir Path dir;

  private FileDeadLetterStore.Builder store() {
    return FileDeadLetterStore.builder().directory(dir).serializer(TestEventSerializer.INSTANCE);
  }

  private static DeadLetter deadLetter(String id, String destination, DeadLetterReason reason,
      @Nullable String errorCode) {
    return DeadLetter.builder().id(id).event(event(id.hashCode() & 0xFFFF))
        .destination(destination).idempotencyKey("idem-" + id).reason(reason)
        .detail("HTTP 400 from " + destination).errorCode(errorCode).attempts(3).firstAttempt(T0)
        .lastAttempt(T0.plusSeconds(90)).build();
  }

  private static final DeadLetter SMS_REJECTED =
      deadLetter("dl-1", "twilio-sms", DeadLetterReason.REJECTED, "21211");
  private static final DeadLetter SMS_EXHAUSTED =
      deadLetter("dl-2", "twilio-sms", DeadLetterReason.RETRIES_EXHAUSTED, null);
  private static final DeadLetter META_REJECTED =
      deadLetter("dl-3", "meta-audience", DeadLetterReason.REJECTED, "2650");

  private static List<String> ids(List<DeadLetter> list) {
    return list.stream().map(DeadLetter::id).toList();
  }

  @Test
  void addedRecordsAreListedOldestFirstAndFilteredByDestinationAndReason() {
    try (FileDeadLetterStore s = store().open()) {
      s.add(SMS_REJECTED);
      s.add(SMS_EXHAUSTED);
      s.add(META_REJECTED);

      assertThat(s.list(DeadLetterQuery.unresolved()))
          .containsExactly(SMS_REJECTED, SMS_EXHAUSTED, META_REJECTED);
      assertThat(ids(s.list(new DeadLetterQuery("twilio-sms", null, false))))
          .containsExactly("dl-1", "dl-2");
      assertThat(ids(s.list(new DeadLetterQuery(null, DeadLetterReason.REJECTED, false))))
          .containsExactly("dl-1", "dl-3");
      assertThat(ids(s.list(new DeadLetterQuery("twilio-sms", DeadLetterReason.REJECTED, false))))
          .containsExactly("dl-1");
    }
  }

  @Test
  void everyFieldSurvivesAReopen() {
    try (FileDeadLetterStore s = store().open()) {
      s.add(SMS_REJECTED);
      s.add(SMS_EXHAUSTED);
    }
    try (FileDeadLetterStore s = store().open()) {
      assertThat(s.list(DeadLetterQuery.unresolved())).containsExactly(SMS_REJECTED, SMS_EXHAUSTED);
      assertThat(s.recoveryReport().clean()).isTrue();
    }
  }

  @Test
  void aResolvedRecordDropsOutOfTheDefaultListingAndStaysResolvedAfterAReopen() {
    try (FileDeadLetterStore s = store().open()) {
      s.add(SMS_REJECTED);
      s.add(SMS_EXHAUSTED);
      assertThat(s.markResolved("dl-1")).isTrue();
      assertThat(s.markResolved("dl-1")).isTrue();
      assertThat(s.markResolved("dl-unknown")).isFalse();
      assertThat(ids(s.list(DeadLetterQuery.unresolved()))).containsExactly("dl-2");
    }
    try (FileDeadLetterStore s = store().open()) {
      assertThat(ids(s.list(DeadLetterQuery.unresolved()))).containsExactly("dl-2");
      assertThat(s.list(new DeadLetterQuery(null, null, true)))
          .containsExactly(SMS_REJECTED.asResolved(), SMS_EXHAUSTED);
    }
  }

  @Test
  void addAndResolveAreOnDiskWhenTheyReturnEvenIfTheProcessDiesRightAfter() {
    FileDeadLetterStore s = store().open();
    s.add(SMS_REJECTED);
    s.add(META_REJECTED);
    s.markResolved("dl-3");
    s.haltForTesting();

    try (FileDeadLetterStore reopened = store().open()) {
      assertThat(reopened.list(new DeadLetterQuery(null, null, true)))
          .containsExactly(SMS_REJECTED, META_REJECTED.asResolved());
    }
  }

  @Test
  void addingAnIdAgainReplacesTheEarlierRecordInsteadOfListingItTwice() {
    DeadLetter again = DeadLetter.builder().id("dl-1").event(SMS_REJECTED.event())
        .destination("twilio-sms").idempotencyKey("idem-dl-1")
        .reason(DeadLetterReason.NEEDS_RECONCILIATION).detail("timeout").attempts(1)
        .firstAttempt(T0).lastAttempt(T0).build();
    try (FileDeadLetterStore s = store().open()) {
      s.add(SMS_REJECTED);
      s.add(SMS_EXHAUSTED);
      s.add(again);
      assertThat(s.list(DeadLetterQuery.unresolved())).containsExactly(SMS_EXHAUSTED, again);
    }
    try (FileDeadLetterStore s = store().open()) {
      assertThat(s.list(DeadLetterQuery.unresolved())).containsExactly(SMS_EXHAUSTED, again);
    }
  }

  @Test
  void aTornLastRecordIsTruncatedAndTheRecordsBeforeItKept() throws IOException {
    try (FileDeadLetterStore s = store().open()) {
      s.add(SMS_REJECTED);
      s.add(SMS_EXHAUSTED);
    }
    Path segment = dir.resolve("segment-00000000000000000001.log");
    try (FileChannel c = FileChannel.open(segment, StandardOpenOption.WRITE)) {
      c.truncate(c.size() - 7);
    }
    try (FileDeadLetterStore s = store().open()) {
      assertThat(s.list(DeadLetterQuery.unresolved())).containsExactly(SMS_REJECTED);
      assertThat(s.recoveryReport().bytesTruncated()).isPositive();
    }
  }

  @Test
  void aFullDiskFailsTheAddClearlyAndKeepsEverythingStoredBefore() {
    RecordingLogIo io = new RecordingLogIo();
    FileDeadLetterStore s = store().io(io).open();
    s.add(SMS_REJECTED);
    io.spaceLeft(0);
    assertThatThrownBy(() -> s.add(SMS_EXHAUSTED))
        .isInstanceOf(StorageException.class)
        .hasMessage("could not write to dead-letter store " + dir
            + ": No space left on device; the record was not stored");
    assertThat(ids(s.list(DeadLetterQuery.unresolved()))).containsExactly("dl-1");
    s.haltForTesting();

    try (FileDeadLetterStore reopened = store().open()) {
      assertThat(reopened.list(DeadLetterQuery.unresolved())).containsExactly(SMS_REJECTED);
    }
  }

  @Test
  void theDirectoryCannotBeSharedWithAnotherOpenStore() {
    try (FileDeadLetterStore s = store().open()) {
      assertThatThrownBy(() -> store().open())
          .isInstanceOf(StorageException.class)
          .hasMessage("dead-letter store directory " + dir + " is already in use: another process"
              + " (or another open dead-letter store in this one) holds "
              + dir.resolve("outlane.lock"));
    }
  }

  @Test
  void callsAfterCloseFailSayingTheStoreIsClosed() {
    FileDeadLetterStore s = store().open();
    s.add(SMS_REJECTED);
    s.close();
    assertThatThrownBy(() -> s.add(SMS_EXHAUSTED))
        .isInstanceOf(StorageException.class)
        .hasMessage("dead-letter store " + dir + " is closed");
  }

  @Test
  void toStringShowsTheDirectoryAndNoContents() {
    try (FileDeadLetterStore s = store().open()) {
      s.add(SMS_REJECTED);
      assertThat(s.toString()).isEqualTo("FileDeadLetterStore{directory=" + dir + "}");
    }
  }

  @Test
  void idsSortByTimeAndDoNotRepeat() {
    Clock clock = Clock.fixed(Instant.ofEpochMilli(1_764_403_200_000L), ZoneOffset.UTC);
    DeadLetterIds generator = new DeadLetterIds(clock, 0xFFFFFE);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ids.add(generator.next());
    }
    assertThat(ids).containsExactly(
        "dl-1764403200000-fffffe", "dl-1764403200000-ffffff", "dl-1764403200000-000000");
    assertThat(DeadLetterIds.system().next()).matches("dl-\\d{13}-[0-9a-f]{6}");
  }

  @Test
  void manyConcurrentAddsAreAllKept() throws InterruptedException {
    try (FileDeadLetterStore s = store().open()) {
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int base = t * 100;
        Thread thread = new Thread(() -> {
          for (int i = 0; i < 100; i++) {
            s.add(deadLetter("dl-" + (base + i), "segment", DeadLetterReason.REJECTED, null));
          }
        });
        thread.start();
        threads.add(thread);
      }
      for (Thread t : threads) {
        t.join();
      }
      assertThat(s.list(DeadLetterQuery.unresolved())).hasSize(800);
    }
    try (FileDeadLetterStore s = store().open()) {
      assertThat(s.list(DeadLetterQuery.unresolved())).hasSize(800);
    }
  }

  @Test
  void openingOnlyToListLeavesNoNewFileBehind() throws IOException {
    try (FileDeadLetterStore s = store().open()) {
      s.add(SMS_REJECTED);
    }
    for (int i = 0; i < 3; i++) {
      try (FileDeadLetterStore s = store().open()) {
        assertThat(s.list(DeadLetterQuery.unresolved())).hasSize(1);
      }
    }
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()).sorted())
          .containsExactly("outlane.lock", "segment-00000000000000000001.log");
    }
  }
}

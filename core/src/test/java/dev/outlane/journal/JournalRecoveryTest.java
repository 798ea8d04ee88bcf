package dev.outlane.journal;

import static dev.outlane.journal.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.outlane.storage.RecoveryReport;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What reopening finds after a crash or a disk fault damaged the journal's files. */
class JournalRecoveryTest {
  private static final int FRAME_OVERHEAD = 17;
  private static final int HEADER = 24;
  private static final String FIRST = "segment-00000000000000000001.log";

  @TempDir Path dir;

  private FileEventJournal open() {
    return FileEventJournal.builder().directory(dir).serializer(TestEventSerializer.INSTANCE)
        .open();
  }

  private static int frameSize(int n) {
    return FRAME_OVERHEAD + TestEventSerializer.INSTANCE.write(event(n)).length;
  }

  /** Five events in segment 1, left as a clean close leaves them. */
  private Path fiveEvents() {
    try (FileEventJournal j = open()) {
      for (int i = 0; i < 5; i++) {
        j.append(event(i));
      }
    }
    return dir.resolve(FIRST);
  }

  private static List<String> pendingIds(FileEventJournal j) {
    return j.pending().stream().map(p -> p.event().eventId()).toList();
  }

  @Test
  void aTornLastRecordIsTruncatedAndEveryRecordBeforeItRecovered() throws IOException {
    Path segment = fiveEvents();
    long size = Files.size(segment);
    truncate(segment, size - 3);
    long lastStart = size - frameSize(4);

    try (FileEventJournal j = open()) {
      assertThat(pendingIds(j)).containsExactly("evt-0", "evt-1", "evt-2", "evt-3");
      RecoveryReport r = j.recoveryReport();
      assertThat(r.recordsRecovered()).isEqualTo(4);
      assertThat(r.bytesTruncated()).isEqualTo(frameSize(4) - 3);
      assertThat(r.problems()).containsExactly(FIRST + ": record cut short ("
          + (frameSize(4) - FRAME_OVERHEAD - 3) + " of " + (frameSize(4) - FRAME_OVERHEAD)
          + " payload bytes) at offset " + lastStart + "; truncated " + (frameSize(4) - 3)
          + " bytes");
      assertThat(Files.size(segment)).isEqualTo(lastStart);
    }
    try (FileEventJournal again = open()) {
      assertThat(again.recoveryReport().clean()).isTrue();
      assertThat(again.pending()).hasSize(4);
    }
  }

  @Test
  void aRecordHeaderCutShortIsTruncated() throws IOException {
    Path segment = fiveEvents();
    long size = Files.size(segment);
    long lastStart = size - frameSize(4);
    truncate(segment, lastStart + 5);

    try (FileEventJournal j = open()) {
      assertThat(j.pending()).hasSize(4);
      assertThat(j.recoveryReport().problems()).containsExactly(FIRST
          + ": record header cut short (5 of 17 bytes) at offset " + lastStart
          + "; truncated 5 bytes");
    }
  }

  @Test
  void aChecksumMismatchInTheLastRecordIsTruncated() throws IOException {
    Path segment = fiveEvents();
    long size = Files.size(segment);
    flipByte(segment, size - 10);

    try (FileEventJournal j = open()) {
      assertThat(pendingIds(j)).containsExactly("evt-0", "evt-1", "evt-2", "evt-3");
      assertThat(j.recoveryReport().problems()).containsExactly(FIRST
          + ": checksum mismatch at offset " + (size - frameSize(4)) + "; truncated "
          + frameSize(4) + " bytes");
    }
  }

  @Test
  void garbageAfterTheLastRecordIsTruncatedAndEveryRecordKept() throws IOException {
    Path segment = fiveEvents();
    long size = Files.size(segment);
    byte[] garbage = new byte[100];
    new java.util.Random(42).nextBytes(garbage);
    Files.write(segment, garbage, StandardOpenOption.APPEND);

    try (FileEventJournal j = open()) {
      assertThat(j.pending()).hasSize(5);
      assertThat(j.recoveryReport().bytesTruncated()).isEqualTo(100);
      assertThat(Files.size(segment)).isEqualTo(size);
    }
  }

  @Test
  void zeroesAfterTheLastRecordAreTruncated() throws IOException {
    Path segment = fiveEvents();
    Files.write(segment, new byte[4096], StandardOpenOption.APPEND);

    try (FileEventJournal j = open()) {
      assertThat(j.pending()).hasSize(5);
      assertThat(j.recoveryReport().bytesTruncated()).isEqualTo(4096);
    }
  }

  @Test
  void aSegmentWhoseHeaderWasCutShortIsRemoved() throws IOException {
    fiveEvents();
    Path torn = dir.resolve("segment-00000000000000000009.log");
    Files.write(torn, new byte[10]);

    try (FileEventJournal j = open()) {
      assertThat(j.pending()).hasSize(5);
      assertThat(j.recoveryReport().problems()).containsExactly(
          "segment-00000000000000000009.log: header cut short (10 of 24 bytes);"
              + " removed the empty segment");
      assertThat(torn).doesNotExist();
    }
  }

  @Test
  void aSegmentWithAForeignHeaderIsSetAsideNotDeleted() throws IOException {
    fiveEvents();
    Path foreign = dir.resolve("segment-00000000000000000009.log");
    Files.write(foreign, new byte[64]);

    try (FileEventJournal j = open()) {
      assertThat(j.pending()).hasSize(5);
      assertThat(j.recoveryReport().bytesSkipped()).isEqualTo(64);
      assertThat(dir.resolve("segment-00000000000000000009.log.corrupt")).exists();
    }
  }

  @Test
  void corruptionInAnEarlierSegmentSkipsOnlyTheRestOfThatSegment() throws IOException {
    FileEventJournal j = FileEventJournal.builder().directory(dir)
        .serializer(TestEventSerializer.INSTANCE).segmentSize(4096).open();
    for (int i = 0; i < 40; i++) {
      j.append(event(i));
    }
    j.haltForTesting();
    // Frames differ in size (evt-9 is shorter than evt-10): lay segment 1 out as the writer did.
    long end = HEADER;
    int perSegment = 0;
    while (end + frameSize(perSegment) <= 4096) {
      end += frameSize(perSegment++);
    }
    long damaged = HEADER + frameSize(0) + frameSize(1);
    flipByte(dir.resolve(FIRST), damaged + 20);

    try (FileEventJournal reopened = open()) {
      List<String> ids = pendingIds(reopened);
      assertThat(ids).startsWith("evt-0", "evt-1").doesNotContain("evt-2");
      assertThat(ids).hasSize(40 - (perSegment - 2));
      assertThat(ids.get(2)).isEqualTo("evt-" + perSegment);
      RecoveryReport r = reopened.recoveryReport();
      assertThat(r.bytesTruncated()).isZero();
      assertThat(r.bytesSkipped()).isEqualTo(end - damaged);
      assertThat(r.problems()).containsExactly(FIRST + ": checksum mismatch at offset " + damaged
          + "; skipped the remaining " + (end - damaged) + " bytes of this earlier segment");
    }
  }

  @Test
  void aJournalRecoveredFromATornTailTakesNewAppendsAndReopensClean() throws IOException {
    Path segment = fiveEvents();
    truncate(segment, Files.size(segment) - 1);
    try (FileEventJournal j = open()) {
      j.append(event(100));
    }
    try (FileEventJournal j = open()) {
      assertThat(pendingIds(j)).containsExactly("evt-0", "evt-1", "evt-2", "evt-3", "evt-100");
      assertThat(j.recoveryReport().clean()).isTrue();
    }
  }

  @Test
  void anEventTheSerializerCannotReadIsReportedAndSkipped() {
    try (FileEventJournal j = open()) {
      j.append(event(1));
      j.append(event(2));
    }
    EventSerializer picky = new EventSerializer() {
      @Override
      public byte[] write(dev.outlane.contract.RetentionEvent event) {
        return TestEventSerializer.INSTANCE.write(event);
      }

      @Override
      public dev.outlane.contract.RetentionEvent read(byte[] bytes) {
        var e = TestEventSerializer.INSTANCE.read(bytes);
        if (e.eventId().equals("evt-1")) {
          throw new IllegalArgumentException("person1@example.com is not welcome");
        }
        return e;
      }
    };
    try (FileEventJournal j = FileEventJournal.builder().directory(dir).serializer(picky).open()) {
      assertThat(pendingIds(j)).containsExactly("evt-2");
      assertThat(j.recoveryReport().problems()).containsExactly(
          "segment 1, event 1: unreadable by the serializer (IllegalArgumentException); kept in"
              + " quarantine.log");
      assertThat(j.recoveryReport().unreadableRecords()).isEqualTo(1);
    }
  }

  private static void truncate(Path file, long size) throws IOException {
    try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
      c.truncate(size);
    }
  }

  private static void flipByte(Path file, long offset) throws IOException {
    try (FileChannel c =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.allocate(1);
      c.read(b, offset);
      b.put(0, (byte) (b.get(0) ^ 0x5A));
      b.rewind();
      c.write(b, offset);
    }
  }

  static List<Path> files(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.toList();
    }
  }
}

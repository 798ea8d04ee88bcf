package dev.outlane.storage.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.outlane.storage.RecoveryReport;
import dev.outlane.storage.StorageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The storage engine on its own, without any store on top: append and read back, torn-tail and
 * earlier-segment recovery, retention and group commit.
 */
class SegmentedLogTest {
  /** Every payload here is 10 bytes: a record is 17 + 10 = 27 bytes. */
  private static final int RECORD = SegmentedLog.FRAME_OVERHEAD + 10;
  /** Segments that hold exactly one record, so each record starts a new segment. */
  private static final long ONE_RECORD_PER_SEGMENT = SegmentedLog.HEADER_SIZE + RECORD;
  private static final long LARGE = 1 << 20;

  @TempDir Path dir;
  private final RecordingLogIo io = new RecordingLogIo();

  private SegmentedLog.Config config(long segmentSize) {
    return new SegmentedLog.Config(dir, RecordType.Log.JOURNAL, segmentSize, 0, 64, 64, true, io,
        0, System::nanoTime);
  }

  private record Read(long segment, byte type, long lsn, String payload) {}

  private static final class Recorder implements SegmentedLog.Replay {
    final List<Read> reads = new ArrayList<>();

    @Override
    public void record(long segmentId, byte type, long lsn, byte[] payload) {
      reads.add(new Read(segmentId, type, lsn, new String(payload, UTF_8)));
    }
  }

  private static byte[] payload(int i) {
    return String.format("payload-%02d", i).getBytes(UTF_8);
  }

  private long append(SegmentedLog log, int i) {
    return log.submit(RecordType.JOURNAL_EVENT, payload(i), true, null).await();
  }

  private Recorder reopen(long segmentSize) {
    Recorder r = new Recorder();
    try (SegmentedLog log =
        SegmentedLog.open(config(segmentSize), r, SegmentedLog.Retention.keepAll())) {
      lastReport = log.recoveryReport();
    }
    return r;
  }

  private RecoveryReport lastReport;

  private List<String> files() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void recordsAppendedAreReadBackInOrderWithTheirTypesAndIncreasingLsns() {
    long first;
    long second;
    long third;
    try (SegmentedLog log = SegmentedLog.open(config(LARGE), new Recorder(),
        SegmentedLog.Retention.keepAll())) {
      assertThat(log.recoveryReport().clean()).isTrue();
      first = append(log, 1);
      second = log.submit(RecordType.JOURNAL_COMPLETE, payload(2), false, null).await();
      third = append(log, 3);
    }
    assertThat(second).isEqualTo(first + 1);
    assertThat(third).isEqualTo(first + 2);

    Recorder r = reopen(LARGE);

    assertThat(r.reads).containsExactly(
        new Read(1, RecordType.JOURNAL_EVENT.code(), first, "payload-01"),
        new Read(1, RecordType.JOURNAL_COMPLETE.code(), second, "payload-02"),
        new Read(1, RecordType.JOURNAL_EVENT.code(), third, "payload-03"));
    assertThat(lastReport.clean()).isTrue();
    assertThat(lastReport.recordsRecovered()).isEqualTo(3);
  }

  @Test
  void openingOnlyToReadLeavesNoSegmentBehind() throws IOException {
    reopen(LARGE);

    assertThat(files()).containsExactly(SegmentedLog.LOCK_FILE);
  }

  @Test
  void aTornTailIsTruncatedAndEveryCompleteRecordBeforeItKept() throws IOException {
    try (SegmentedLog log = SegmentedLog.open(config(LARGE), new Recorder(),
        SegmentedLog.Retention.keepAll())) {
      append(log, 1);
      append(log, 2);
      append(log, 3);
    }
    Path segment = dir.resolve("segment-00000000000000000001.log");
    long full = SegmentedLog.HEADER_SIZE + 3L * RECORD;
    assertThat(Files.size(segment)).isEqualTo(full);
    try (FileChannel c = FileChannel.open(segment, StandardOpenOption.WRITE)) {
      c.truncate(full - 5); // the crash cut the third record's payload short
    }

    Recorder r = reopen(LARGE);

    assertThat(r.reads).extracting(Read::payload).containsExactly("payload-01", "payload-02");
    long third = SegmentedLog.HEADER_SIZE + 2L * RECORD;
    assertThat(lastReport.problems()).containsExactly("segment-00000000000000000001.log: record "
        + "cut short (5 of 10 payload bytes) at offset " + third + "; truncated " + (RECORD - 5)
        + " bytes");
    assertThat(lastReport.bytesTruncated()).isEqualTo(RECORD - 5);
    assertThat(lastReport.bytesSkipped()).isZero();
    assertThat(Files.size(segment)).isEqualTo(third);
  }

  @Test
  void aRecordAppendedAfterRecoveryGetsAHigherLsnThanEveryRecoveredOne() {
    long last;
    try (SegmentedLog log = SegmentedLog.open(config(LARGE), new Recorder(),
        SegmentedLog.Retention.keepAll())) {
      append(log, 1);
      last = append(log, 2);
    }
    Recorder r = new Recorder();
    try (SegmentedLog log = SegmentedLog.open(config(LARGE), r, SegmentedLog.Retention.keepAll())) {
      assertThat(append(log, 3)).isGreaterThan(last);
    }
  }

  @Test
  void damageInAnEarlierSegmentSkipsTheRestOfItAndLaterSegmentsAreStillRead() throws IOException {
    try (SegmentedLog log = SegmentedLog.open(config(ONE_RECORD_PER_SEGMENT), new Recorder(),
        SegmentedLog.Retention.keepAll())) {
      append(log, 1);
      append(log, 2);
    }
    Path first = dir.resolve("segment-00000000000000000001.log");
    try (FileChannel c = FileChannel.open(first, StandardOpenOption.WRITE)) {
      // flip one payload byte: a bad disk, not a crash
      c.write(ByteBuffer.wrap(new byte[] {'X'}), SegmentedLog.HEADER_SIZE + RECORD - 1);
    }

    Recorder r = reopen(ONE_RECORD_PER_SEGMENT);

    assertThat(r.reads).extracting(Read::payload).containsExactly("payload-02");
    assertThat(lastReport.problems()).containsExactly("segment-00000000000000000001.log: checksum "
        + "mismatch at offset 24; skipped the remaining " + RECORD
        + " bytes of this earlier segment");
    assertThat(lastReport.bytesSkipped()).isEqualTo(RECORD);
    assertThat(lastReport.bytesTruncated()).isZero();
    assertThat(first).exists(); // left on disk for inspection
  }

  @Test
  void aFileWithAForeignHeaderIsSetAsideAsCorrupt() throws IOException {
    Files.write(dir.resolve("segment-00000000000000000001.log"), new byte[64]);

    Recorder r = reopen(LARGE);

    assertThat(r.reads).isEmpty();
    assertThat(lastReport.problems()).containsExactly("segment-00000000000000000001.log: not an "
        + "Outlane segment (bad magic); renamed to segment-00000000000000000001.log.corrupt");
    assertThat(files()).containsExactly("outlane.lock", "segment-00000000000000000001.log.corrupt");
  }

  @Test
  void retentionDeletesClosedSegmentsFromTheOldestOnOnly() throws IOException {
    AtomicLong deletableUpTo = new AtomicLong(0);
    List<Long> asked = new ArrayList<>();
    SegmentedLog.Retention retention = id -> {
      asked.add(id);
      return id <= deletableUpTo.get() || id == 4; // 4 alone must not go before 3
    };
    try (SegmentedLog log = SegmentedLog.open(config(ONE_RECORD_PER_SEGMENT), new Recorder(),
        retention)) {
      for (int i = 1; i <= 5; i++) {
        append(log, i);
      }
      deletableUpTo.set(2);
      log.wake();

      assertThat(files()).containsExactly("outlane.lock", "segment-00000000000000000003.log",
          "segment-00000000000000000004.log", "segment-00000000000000000005.log");
    }
    assertThat(asked).doesNotContain(5L); // the segment being written is never asked about
  }

  @Test
  void recordsQueuedWhileAFlushIsUnderWayShareTheNextFlush() throws Exception {
    try (SegmentedLog log = SegmentedLog.open(config(LARGE), new Recorder(),
        SegmentedLog.Retention.keepAll())) {
      append(log, 0); // the segment exists: later flushes are the records' own
      CountDownLatch flushing = io.holdNextFlush();
      SegmentedLog.Ticket first = log.submit(RecordType.JOURNAL_EVENT, payload(1), true, null);
      assertThat(flushing.await(10, TimeUnit.SECONDS)).isTrue();
      List<SegmentedLog.Ticket> waiting = new ArrayList<>();
      for (int i = 2; i <= 4; i++) {
        waiting.add(log.submit(RecordType.JOURNAL_EVENT, payload(i), true, null));
      }
      assertThat(log.queued()).isEqualTo(3);
      int before = io.forces.get(); // the held flush is counted once it is released

      io.releaseFlush();
      first.await();
      for (SegmentedLog.Ticket t : waiting) {
        t.await();
      }

      assertThat(io.forces.get()).isEqualTo(before + 2); // the first's flush, then one for three
    }
  }

  @Test
  void aRecordTypeOfAnotherStoresLogIsRefused() {
    try (SegmentedLog log = SegmentedLog.open(config(LARGE), new Recorder(),
        SegmentedLog.Retention.keepAll())) {
      assertThatThrownBy(() -> log.submit(RecordType.SUPPRESSION_SUPPRESS, payload(1), true, null))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("record type SUPPRESSION_SUPPRESS belongs in the suppression store, not the "
              + "journal");
    }
  }

  @Test
  void aClosedLogRefusesRecords() {
    SegmentedLog log = SegmentedLog.open(config(LARGE), new Recorder(),
        SegmentedLog.Retention.keepAll());
    log.close();

    assertThatThrownBy(() -> append(log, 1))
        .isInstanceOf(StorageException.class)
        .hasMessage("journal " + dir + " is closed");
  }

  @Test
  void aSecondOpenOfTheSameDirectoryIsRefusedWhileTheFirstHoldsTheLock() {
    try (SegmentedLog log = SegmentedLog.open(config(LARGE), new Recorder(),
        SegmentedLog.Retention.keepAll())) {
      assertThatThrownBy(() -> SegmentedLog.open(config(LARGE), new Recorder(),
          SegmentedLog.Retention.keepAll()))
          .isInstanceOf(StorageException.class)
          .hasMessage("journal directory " + dir + " is already in use: another process (or "
              + "another open journal in this one) holds " + dir.resolve("outlane.lock"));
    }
  }
}

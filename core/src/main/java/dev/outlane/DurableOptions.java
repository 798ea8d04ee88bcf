package dev.outlane;

import dev.outlane.journal.FileEventJournal;
import dev.outlane.storage.EncryptionKey;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Where and how a durable {@link Outlane} keeps its state: {@code Outlane.builder().durable(options)}
 * opens four stores in subdirectories of {@code directory} — {@code journal/} (the write-ahead
 * {@link FileEventJournal}), {@code dead-letters/} (a {@link
 * dev.outlane.deadletter.FileDeadLetterStore}), {@code idempotency/} (a {@link
 * dev.outlane.guardrail.FileIdempotencyStore}) and {@code suppression/} (a {@link
 * dev.outlane.guardrail.FileSuppressionStore}, unless the builder was given a suppression store of
 * its own) — and closes them with the client. Immutable.
 *
 * @param directory the parent directory; created if missing. One client at a time may use it
 * @param fsync whether every store flushes to the device (true; false survives a process crash but
 *     not a power cut, for tests and benchmarks)
 * @param journalSegmentSize the journal's segment size (≥ 4 KiB; default {@link
 *     FileEventJournal#DEFAULT_SEGMENT_SIZE})
 * @param groupCommitMaxWait how long the journal waits to share one flush among concurrent submits
 *     (0..1 s; default {@link FileEventJournal#DEFAULT_GROUP_COMMIT_MAX_WAIT})
 * @param encryptionKey the key the journal and the dead-letter store encrypt their payloads with
 *     at rest (AES-256-GCM; see {@link FileEventJournal.Builder#encryptionKey}), or null (the
 *     default) to store them in the clear. The idempotency and suppression stores hold only hashes
 *     and are not encrypted. {@link #toString()} shows only the key's id
 */
public record DurableOptions(
    Path directory, boolean fsync, long journalSegmentSize, Duration groupCommitMaxWait,
    @Nullable EncryptionKey encryptionKey) {
  public DurableOptions {
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(groupCommitMaxWait, "groupCommitMaxWait");
    if (journalSegmentSize < 4096) {
      throw new IllegalArgumentException(
          "journalSegmentSize: must be at least 4096 bytes, was " + journalSegmentSize);
    }
    if (groupCommitMaxWait.isNegative() || groupCommitMaxWait.compareTo(Duration.ofSeconds(1)) > 0) {
      throw new IllegalArgumentException(
          "groupCommitMaxWait: must be between 0 and 1s, was " + groupCommitMaxWait);
    }
  }

  /** Options without encryption at rest. */
  public DurableOptions(
      Path directory, boolean fsync, long journalSegmentSize, Duration groupCommitMaxWait) {
    this(directory, fsync, journalSegmentSize, groupCommitMaxWait, null);
  }

  /** Durable state in {@code directory}, flushed to the device, with the journal's defaults. */
  public static DurableOptions at(Path directory) {
    return new DurableOptions(directory, true, FileEventJournal.DEFAULT_SEGMENT_SIZE,
        FileEventJournal.DEFAULT_GROUP_COMMIT_MAX_WAIT, null);
  }

  public DurableOptions withFsync(boolean fsync) {
    return new DurableOptions(directory, fsync, journalSegmentSize, groupCommitMaxWait,
        encryptionKey);
  }

  public DurableOptions withJournalSegmentSize(long bytes) {
    return new DurableOptions(directory, fsync, bytes, groupCommitMaxWait, encryptionKey);
  }

  public DurableOptions withGroupCommitMaxWait(Duration maxWait) {
    return new DurableOptions(directory, fsync, journalSegmentSize, maxWait, encryptionKey);
  }

  /** These options with journal and dead-letter payloads encrypted under {@code key} (or not). */
  public DurableOptions withEncryptionKey(@Nullable EncryptionKey key) {
    return new DurableOptions(directory, fsync, journalSegmentSize, groupCommitMaxWait, key);
  }

  /** {@code directory/journal}. */
  public Path journalDirectory() {
    return directory.resolve("journal");
  }

  /** {@code directory/dead-letters}. */
  public Path deadLetterDirectory() {
    return directory.resolve("dead-letters");
  }

  /** {@code directory/idempotency}. */
  public Path idempotencyDirectory() {
    return directory.resolve("idempotency");
  }

  /** {@code directory/suppression}. */
  public Path suppressionDirectory() {
    return directory.resolve("suppression");
  }
}

package dev.outlane;

import dev.outlane.deadletter.FileDeadLetterStore;
import dev.outlane.guardrail.FileIdempotencyStore;
import dev.outlane.guardrail.FileSuppressionStore;
import dev.outlane.journal.EventSerializer;
import dev.outlane.journal.FileEventJournal;
import dev.outlane.storage.RecoveryReport;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The stores a durable client opens under its directory ({@link DurableOptions}): the suppression
 * store (unless the user set one), the idempotency store, the dead-letter store and the journal, in
 * that order. {@link #open} opens all of them or, if one fails, closes what it had opened and
 * rethrows: a failed build leaves no directory locked. Not thread-safe (used by the building thread);
 * the stores it holds are.
 */
final class DurableStores {
  /** The suppression store it opened, or null if the user set their own. */
  final @Nullable FileSuppressionStore suppression;
  final FileIdempotencyStore idempotency;
  final FileDeadLetterStore deadLetters;
  final FileEventJournal journal;

  private DurableStores(@Nullable FileSuppressionStore suppression,
      FileIdempotencyStore idempotency, FileDeadLetterStore deadLetters, FileEventJournal journal) {
    this.suppression = suppression;
    this.idempotency = idempotency;
    this.deadLetters = deadLetters;
    this.journal = journal;
  }

  /**
   * @param openSuppression whether to open the suppression store (false if the user set one)
   * @param dedupeWindow how long the idempotency store keeps a key
   * @throws dev.outlane.storage.StorageException if a store cannot be opened (what was opened is
   *     closed first; a failure to close is added as suppressed)
   */
  static DurableStores open(DurableOptions durable, EventSerializer serializer,
      boolean openSuppression, Duration dedupeWindow, Clock clock) {
    List<AutoCloseable> opened = new ArrayList<>(4);
    try {
      FileSuppressionStore fss = null;
      if (openSuppression) {
        fss = FileSuppressionStore.builder()
            .directory(durable.suppressionDirectory())
            .fsync(durable.fsync())
            .open();
        opened.add(fss);
      }
      FileIdempotencyStore idem = FileIdempotencyStore.builder()
          .directory(durable.idempotencyDirectory())
          .ttl(dedupeWindow)
          .fsync(durable.fsync())
          .clock(clock)
          .open();
      opened.add(idem);
      FileDeadLetterStore dls = FileDeadLetterStore.builder()
          .directory(durable.deadLetterDirectory())
          .serializer(serializer)
          .encryptionKey(durable.encryptionKey())
          .fsync(durable.fsync())
          .open();
      opened.add(dls);
      FileEventJournal fej = FileEventJournal.builder()
          .directory(durable.journalDirectory())
          .serializer(serializer)
          .encryptionKey(durable.encryptionKey())
          .segmentSize(durable.journalSegmentSize())
          .groupCommitMaxWait(durable.groupCommitMaxWait())
          .fsync(durable.fsync())
          .open();
      return new DurableStores(fss, idem, dls, fej);
    } catch (RuntimeException e) {
      for (AutoCloseable c : opened) {
        try {
          c.close();
        } catch (Exception suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
  }

  /** What the journal found when it was opened. */
  RecoveryReport recoveryReport() {
    return journal.recoveryReport();
  }

  /**
   * The stores the client closes itself when it closes, in opening order; the journal is not among
   * them, as the engine closes it after its last completion.
   */
  List<AutoCloseable> closedByClient() {
    List<AutoCloseable> owned = new ArrayList<>(3);
    if (suppression != null) {
      owned.add(suppression);
    }
    owned.add(idempotency);
    owned.add(deadLetters);
    return owned;
  }
}

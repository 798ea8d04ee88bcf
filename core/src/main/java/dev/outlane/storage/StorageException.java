package dev.outlane.storage;

import dev.outlane.OutlaneException;

/**
 * A durable store could not do what was asked: the disk is full, the directory cannot be created or
 * written, another process holds it, a record could not be read back under the key it was written
 * with, or the store was closed. Every file-backed store throws it: the event journal, the
 * dead-letter store, the idempotency store and the suppression store, all built on the same
 * storage engine.
 *
 * <p>When {@link dev.outlane.journal.EventJournal#append} throws this, the event was <em>not</em>
 * accepted: the caller must not acknowledge it. Messages name the directory and the operating
 * system's reason, never a record's contents (no email or phone).
 */
public class StorageException extends OutlaneException {
  private static final long serialVersionUID = 1L;

  public StorageException(String message) {
    super(message);
  }

  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }
}

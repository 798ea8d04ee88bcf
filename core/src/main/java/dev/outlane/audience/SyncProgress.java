package dev.outlane.audience;

/**
 * Receives progress of an {@link AudienceSync} call, e.g. for a CLI progress bar. Called on the
 * thread that called the sync, between units of work; keep it fast and do not throw.
 */
@FunctionalInterface
public interface SyncProgress {
  /** The phases a sync goes through. */
  enum Phase {
    /** Reading and keying members; {@code total} is unknown (-1). */
    READ,
    /** Merging with the previous snapshot; reported once at its start and end. */
    DIFF,
    /** Sending batches; {@code done}/{@code total} count batches, skipped ones included. */
    SEND
  }

  /**
   * @param phase the current phase
   * @param done units done so far in this phase
   * @param total units in this phase, or -1 if unknown
   */
  void progress(Phase phase, long done, long total);

  /** A listener that ignores everything. */
  static SyncProgress none() {
    return (phase, done, total) -> {};
  }
}

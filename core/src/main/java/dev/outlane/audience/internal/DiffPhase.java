package dev.outlane.audience.internal;

/**
 * The timed phases of a diff, for the debug log. {@link #READ} runs on the caller's thread and
 * overlaps the others when there are worker threads.
 */
public enum DiffPhase {
  /** Reading the source into chunks. */
  READ,
  /** SHA-256 of each customer id and the fingerprint of its raw values. */
  KEY,
  /** Radix sort of a chunk by key. */
  SORT,
  /** Fingerprint lookups in the previous snapshot. */
  LOOKUP,
  /** Normalizing, hashing and suppression checks. */
  NORMALIZE,
  /** Writing a sorted run. */
  WRITE,
  /** Merging the runs with the previous snapshot. */
  MERGE;

  /**
   * Wall time per phase. Not thread-safe: each phase is timed by one thread at a time (reading on
   * the caller's, the rest on the run writer's), and read after those threads are joined.
   */
  public static final class Times {
    private final long[] nanos = new long[values().length];

    /** Adds the time from {@code since} to now to {@code phase} and returns now. */
    public long lap(DiffPhase phase, long since) {
      long now = System.nanoTime();
      nanos[phase.ordinal()] += now - since;
      return now;
    }

    /** Milliseconds spent in {@code phase}. */
    public long millis(DiffPhase phase) {
      return nanos[phase.ordinal()] / 1_000_000;
    }

    /** {@code " read=12ms key=3ms …"}, in phase order. */
    @Override
    public String toString() {
      StringBuilder b = new StringBuilder();
      for (DiffPhase p : values()) {
        b.append(' ').append(p.name().toLowerCase(java.util.Locale.ROOT)).append('=').append(millis(p)).append("ms");
      }
      return b.toString();
    }
  }
}

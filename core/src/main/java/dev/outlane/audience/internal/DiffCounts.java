package dev.outlane.audience.internal;

import java.util.HashMap;
import java.util.Map;

/**
 * The counters of one diff: what reading, writing the runs and merging found. Mutable, not
 * thread-safe: during a sync the caller's thread counts {@link #members} while the run writer's
 * thread counts the rest, and neither reads the other's fields until the runs are written (a {@code
 * Future.get} orders them).
 */
public final class DiffCounts {
  /** Rows read from the source. */
  public long members;
  /** Members normalized and hashed again (their raw values changed or are new). */
  public long normalized;
  public long adds;
  public long removes;
  public long unchanged;
  public long changed;
  public long suppressed;
  public long duplicates;
  public long invalid;
  /** Members in the previous snapshot. */
  public long previousSize;
  /** Members in the next snapshot. */
  public long targetSize;
  /** {@link #invalid} by reason. */
  public final Map<String, Long> reasons = new HashMap<>();

  /** Counts one invalid member and its reason. */
  public void invalid(String reason) {
    invalid(reason, 1);
  }

  /** Counts {@code n} invalid members with the same reason. */
  public void invalid(String reason, long n) {
    if (n > 0) {
      invalid += n;
      reasons.merge(reason, n, Long::sum);
    }
  }
}

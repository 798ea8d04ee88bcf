package dev.outlane;

import dev.outlane.deadletter.DeadLetterReason;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * What recovery did when the client was built: how many unfinished events the journal gave back,
 * how many of them have reached a final state since, and how many of their deliveries went to the
 * dead-letter store, by reason. After a crash, {@code needs-reconciliation} here means an SMS may
 * have gone out before the crash without its outcome being recorded: an operator must check it.
 *
 * <p>A snapshot, taken by {@link Outlane#recovery()}: call it again (e.g. after {@link
 * Outlane#flush}) for later figures. Immutable and thread-safe. Contains no PII.
 */
public final class RecoverySummary {
  private static final RecoverySummary NONE = new RecoverySummary(0, 0, Map.of());

  private final int recovered;
  private final int finished;
  private final Map<DeadLetterReason, Integer> deadLettered;

  /**
   * Built by the client; public so tests can build expected values.
   *
   * @param recovered journal records re-submitted when the client was built
   * @param finished how many of them reached a final state everywhere so far
   * @param deadLettered dead-lettered deliveries of those events, by reason (zero counts may be
   *     left out)
   * @throws IllegalArgumentException if a count is negative or {@code finished > recovered}
   */
  public RecoverySummary(int recovered, int finished, Map<DeadLetterReason, Integer> deadLettered) {
    if (recovered < 0 || finished < 0 || finished > recovered) {
      throw new IllegalArgumentException("finished: must be between 0 and recovered (" + recovered
          + "), was " + finished);
    }
    EnumMap<DeadLetterReason, Integer> copy = new EnumMap<>(DeadLetterReason.class);
    for (Map.Entry<DeadLetterReason, Integer> e : deadLettered.entrySet()) {
      int n = Objects.requireNonNull(e.getValue(), "deadLettered count");
      if (n < 0) {
        throw new IllegalArgumentException("deadLettered: " + e.getKey().wireName()
            + " must not be negative, was " + n);
      }
      if (n > 0) {
        copy.put(Objects.requireNonNull(e.getKey(), "deadLettered reason"), n);
      }
    }
    this.recovered = recovered;
    this.finished = finished;
    this.deadLettered = Collections.unmodifiableMap(copy);
  }

  /** Nothing was recovered: a clean start, or no journal (in-memory mode). */
  public static RecoverySummary none() {
    return NONE;
  }

  /** Journal records re-submitted when the client was built (records that could not be processed included). */
  public int recovered() {
    return recovered;
  }

  /** How many recovered events reached a final state at every destination so far. */
  public int finished() {
    return finished;
  }

  /** Whether every recovered event reached a final state (true when nothing was recovered). */
  public boolean complete() {
    return finished == recovered;
  }

  /** Dead-lettered deliveries of recovered events so far, by reason, in enum order; no zeros. */
  public Map<DeadLetterReason, Integer> deadLettered() {
    return deadLettered;
  }

  /** Dead-lettered deliveries of recovered events so far with this reason. */
  public int deadLettered(DeadLetterReason reason) {
    return deadLettered.getOrDefault(Objects.requireNonNull(reason, "reason"), 0);
  }

  /** All dead-lettered deliveries of recovered events so far. */
  public int deadLetteredTotal() {
    int n = 0;
    for (int v : deadLettered.values()) {
      n += v;
    }
    return n;
  }

  /** For example {@code recovered 3 events, 3 finished; dead-lettered 1 (needs-reconciliation 1)}. */
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("recovered ").append(recovered).append(" events, ")
        .append(finished).append(" finished; dead-lettered ").append(deadLetteredTotal());
    if (!deadLettered.isEmpty()) {
      b.append(" (");
      String sep = "";
      for (Map.Entry<DeadLetterReason, Integer> e : deadLettered.entrySet()) {
        b.append(sep).append(e.getKey().wireName()).append(' ').append(e.getValue());
        sep = ", ";
      }
      b.append(')');
    }
    return b.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RecoverySummary r && r.recovered == recovered && r.finished == finished
        && r.deadLettered.equals(deadLettered);
  }

  @Override
  public int hashCode() {
    return Objects.hash(recovered, finished, deadLettered);
  }
}

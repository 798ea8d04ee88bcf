package dev.outlane.audience;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * What one audience sync (or dry run) found and did. Immutable; contains counts only, never PII.
 *
 * @param audience the audience name
 * @param destination the destination name (as reported to metrics)
 * @param dryRun true if nothing was sent and no state was written
 * @param complete true if every batch was accepted and the new snapshot committed (always false
 *     for a dry run)
 * @param members rows read from the source
 * @param normalized members whose raw identifiers were normalized and hashed this time; the others
 *     had the same raw values as in the last snapshot and reused its hashes
 * @param adds members to add (new members, and the new identifiers of changed members)
 * @param removes members to remove (gone, suppressed, now invalid, and the old identifiers of
 *     changed members)
 * @param unchanged members already in the audience with the same identifiers
 * @param changed members present before and now whose hashed identifiers changed (each is counted
 *     in both adds and removes)
 * @param suppressed members left out because they are suppressed on the ads channel
 * @param duplicates rows whose customer id appeared earlier in the source (the last row wins)
 * @param invalid members left out because no identifier could be normalized
 * @param invalidByReason {@code invalid} broken down by reason (e.g. {@code "$.email: missing '@'"})
 * @param batchesSent batches the sink accepted during this call
 * @param batchesSkipped batches accepted by an earlier, interrupted call and not sent again
 * @param received the destination's received count summed over accepted batches, or null if it
 *     reports none
 * @param matched the destination's matched count summed over accepted batches, or null
 * @param previousSize the audience size after the last completed sync (0 for the first)
 * @param audienceSize the audience size now: the new size if complete, else {@code previousSize}
 * @param targetSize the size the audience has once this sync completes
 * @param failure why the sync stopped before completing, or null
 * @param elapsed wall time of the call
 */
public record SyncReport(
    String audience,
    String destination,
    boolean dryRun,
    boolean complete,
    long members,
    long normalized,
    long adds,
    long removes,
    long unchanged,
    long changed,
    long suppressed,
    long duplicates,
    long invalid,
    Map<String, Long> invalidByReason,
    long batchesSent,
    long batchesSkipped,
    @Nullable Long received,
    @Nullable Long matched,
    long previousSize,
    long audienceSize,
    long targetSize,
    @Nullable String failure,
    Duration elapsed) {

  public SyncReport {
    invalidByReason = java.util.Collections.unmodifiableMap(new TreeMap<>(invalidByReason));
  }

  /** matched / received, or null if the destination reported no counts. */
  public @Nullable Double matchRate() {
    if (received == null || matched == null || received == 0) {
      return null;
    }
    return (double) matched / received;
  }

  /** audienceSize - previousSize. */
  public long drift() {
    return audienceSize - previousSize;
  }

  /** A multi-line summary for a CLI. */
  public String summary() {
    StringBuilder b = new StringBuilder();
    b.append(dryRun ? "dry run" : complete ? "synced" : "incomplete").append(" audience ").append(audience)
        .append(" → ").append(destination).append('\n');
    b.append("  members ").append(members).append(" (normalized ").append(normalized).append(")\n");
    b.append("  adds ").append(adds).append(", removes ").append(removes).append(", unchanged ")
        .append(unchanged).append(", changed ").append(changed).append('\n');
    b.append("  suppressed ").append(suppressed).append(", duplicates ").append(duplicates)
        .append(", invalid ").append(invalid).append('\n');
    invalidByReason.forEach((r, n) -> b.append("    ").append(n).append(" × ").append(r).append('\n'));
    if (!dryRun) {
      b.append("  batches sent ").append(batchesSent).append(", skipped (already accepted) ")
          .append(batchesSkipped).append('\n');
    }
    Double rate = matchRate();
    if (rate != null) {
      b.append("  received ").append(received).append(", matched ").append(matched)
          .append(String.format(java.util.Locale.ROOT, " (match rate %.1f%%)", rate * 100)).append('\n');
    }
    b.append("  audience size ").append(audienceSize).append(" (previous ").append(previousSize)
        .append(", drift ").append(drift() >= 0 ? "+" : "").append(drift()).append(")\n");
    if (failure != null) {
      b.append("  stopped: ").append(failure).append('\n');
    }
    return b.toString();
  }
}

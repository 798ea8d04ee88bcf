package dev.outlane.deadletter;

import java.util.List;
import java.util.Objects;

/**
 * What a dead-letter replay ({@code Outlane.replayDeadLetters}) did, record by record. Immutable.
 *
 * @param dryRun whether nothing was sent (the items say what would have been)
 * @param matched records matching the query, resolved ones included
 * @param skippedResolved matching records already resolved: never replayed again
 * @param skipped unresolved records not replayed: a {@code needs-reconciliation} record without the
 *     explicit resend decision, or a destination this client does not have
 * @param replayed records re-submitted through the pipeline (in a dry run: that would be)
 * @param resolved replayed records that reached DELIVERED or DEDUPLICATED and are now resolved
 * @param stillFailing replayed records that did not (dead-lettered again, suppressed, skipped…);
 *     they stay unresolved, with their record updated
 * @param items one entry per unresolved matching record, in store order
 */
public record ReplayReport(
    boolean dryRun,
    int matched,
    int skippedResolved,
    int skipped,
    int replayed,
    int resolved,
    int stillFailing,
    List<Item> items) {
  public ReplayReport {
    items = List.copyOf(items);
  }

  /** Whether every replayed record is resolved and none was skipped. */
  public boolean allResolved() {
    return stillFailing == 0 && skipped == 0 && (dryRun || resolved == replayed);
  }

  /**
   * One record's fate.
   *
   * @param deadLetterId the record's id
   * @param line the record as {@code outlane dead-letters list} prints it (no raw PII)
   * @param outcome {@code would-replay}, {@code resolved: delivered}, {@code resolved:
   *     deduplicated}, {@code still-failing: <final state>}, or {@code skipped: <why>}
   */
  public record Item(String deadLetterId, String line, String outcome) {
    public Item {
      Objects.requireNonNull(deadLetterId, "deadLetterId");
      Objects.requireNonNull(line, "line");
      Objects.requireNonNull(outcome, "outcome");
    }
  }
}

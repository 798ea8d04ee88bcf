package dev.outlane.deadletter;

import java.util.List;
import java.util.Objects;

/**
 * What {@link FileDeadLetterStore#readSnapshot} found in a dead-letter directory without opening
 * it: the matching records, and how many records it could not decode. Those are never dropped from
 * the directory (the store keeps every segment); they are reported here so a caller can say so.
 *
 * <p>Immutable and thread-safe. {@link #problems()} never holds record contents.
 */
public final class DeadLetterSnapshot {
  private final List<DeadLetter> records;
  private final long unreadableRecords;
  private final List<String> problems;

  DeadLetterSnapshot(List<DeadLetter> records, long unreadableRecords, List<String> problems) {
    this.records = List.copyOf(records);
    this.unreadableRecords = unreadableRecords;
    this.problems = List.copyOf(Objects.requireNonNull(problems, "problems"));
  }

  /** The records matching the query, oldest first. */
  public List<DeadLetter> records() {
    return records;
  }

  /**
   * Checksum-valid records that could not be decoded (an event written under identity rules this
   * configuration cannot rebuild, a newer release's encoding, a wrong encryption key), left on disk.
   */
  public long unreadableRecords() {
    return unreadableRecords;
  }

  /** One line per unreadable record: segment, record number and the reason, never its contents. */
  public List<String> problems() {
    return problems;
  }

  @Override
  public String toString() {
    return "DeadLetterSnapshot{records=" + records.size() + ", unreadableRecords="
        + unreadableRecords + "}";
  }
}

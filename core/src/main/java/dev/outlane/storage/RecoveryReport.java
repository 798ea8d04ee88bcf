package dev.outlane.storage;

import java.util.List;

/**
 * What opening a journal directory found: how many records were read back, and how much damage from
 * a crash or a bad disk was cut off. A torn tail (the last record half-written when the process
 * died) is normal after a crash and is truncated; every complete record before it is kept.
 *
 * <p>Immutable and thread-safe; {@code problems} never holds record contents (no email or phone).
 *
 * @param segmentsScanned segment files read
 * @param recordsRecovered complete, checksum-valid records read
 * @param bytesTruncated bytes cut from the end of the last segment (a torn or corrupt tail)
 * @param bytesSkipped bytes left unread in earlier segments after a corrupt record there
 * @param problems one line per problem found (file, offset, what was wrong), never record contents
 * @param unreadableRecords checksum-valid records the store could not decode (an event its
 *     serializer cannot read, a record of an unknown type, an unknown payload version). They are
 *     never dropped: the journal keeps them in its {@code quarantine.log} and the dead-letter store
 *     in its segments, and each open tries them again; one line each is in {@code problems}
 */
public record RecoveryReport(
    int segmentsScanned,
    long recordsRecovered,
    long bytesTruncated,
    long bytesSkipped,
    List<String> problems,
    long unreadableRecords) {
  public RecoveryReport {
    problems = List.copyOf(problems);
    if (unreadableRecords < 0) {
      throw new IllegalArgumentException(
          "unreadableRecords must not be negative, was " + unreadableRecords);
    }
  }

  /** A report with no unreadable records. */
  public RecoveryReport(int segmentsScanned, long recordsRecovered, long bytesTruncated,
      long bytesSkipped, List<String> problems) {
    this(segmentsScanned, recordsRecovered, bytesTruncated, bytesSkipped, problems, 0);
  }

  /** Whether the directory was found exactly as a clean shutdown leaves it. */
  public boolean clean() {
    return bytesTruncated == 0 && bytesSkipped == 0 && problems.isEmpty()
        && unreadableRecords == 0;
  }
}

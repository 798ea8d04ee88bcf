package dev.outlane.journal;

import java.util.List;

/**
 * What opening a journal directory found: how many records were read back, and how much damage from
 * a crash or a bad disk was cut off. A torn tail (the last record half-written when the process
 * died) is normal after a crash and is truncated; every complete record before it is kept.
 *
 * @param segmentsScanned segment files read
 * @param recordsRecovered complete, checksum-valid records read
 * @param bytesTruncated bytes cut from the end of the last segment (a torn or corrupt tail)
 * @param bytesSkipped bytes left unread in earlier segments after a corrupt record there
 * @param problems one line per problem found (file, offset, what was wrong), never record contents
 */
public record RecoveryReport(
    int segmentsScanned,
    long recordsRecovered,
    long bytesTruncated,
    long bytesSkipped,
    List<String> problems) {
  public RecoveryReport {
    problems = List.copyOf(problems);
  }

  /** Whether the directory was found exactly as a clean shutdown leaves it. */
  public boolean clean() {
    return bytesTruncated == 0 && bytesSkipped == 0 && problems.isEmpty();
  }
}

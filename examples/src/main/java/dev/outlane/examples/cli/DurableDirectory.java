package dev.outlane.examples.cli;

import dev.outlane.Outlane;
import dev.outlane.storage.RecoveryReport;
import java.io.PrintWriter;
import java.nio.file.Path;

/**
 * What the CLI tells about a durable directory beyond the run's own results: the events crash
 * recovery re-delivered and what became of them, and records the stores could not read back.
 *
 * <p>What recovery re-delivered comes from the client ({@link Outlane#recovery()}); the unreadable
 * records from the stores' recovery reports ({@link RecoveryReport#unreadableRecords()}).
 *
 * <p>Stateless; not for concurrent use on one directory (the journal's lock refuses that anyway).
 */
final class DurableDirectory {
  private DurableDirectory() {}

  /** Unreadable records of the journal and the dead-letter store of a durable {@code client}. */
  static long unreadable(Outlane client) {
    return client.journalRecovery().map(RecoveryReport::unreadableRecords).orElse(0L)
        + client.deadLetterRecovery().map(RecoveryReport::unreadableRecords).orElse(0L);
  }

  /**
   * Prints {@code warning: N unreadable records kept in DIR (…)} on {@code err} if {@code n > 0}.
   * The records stay on disk: a change of configuration (e.g. {@code region}) back to what they
   * were written under may make them readable again.
   */
  static void warnUnreadable(PrintWriter err, Path dir, long n) {
    if (n > 0) {
      err.println("warning: " + n + " unreadable record" + (n == 1 ? "" : "s") + " kept in " + dir
          + " (not delivered, listed or replayed; was it written under another configuration, e.g."
          + " another region? see the WARN log)");
      err.flush();
    }
  }
}

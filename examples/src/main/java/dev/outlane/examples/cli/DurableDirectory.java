package dev.outlane.examples.cli;

import dev.outlane.DurableOptions;
import dev.outlane.Outlane;
import dev.outlane.contract.RetentionEvent;
import dev.outlane.deadletter.DeadLetter;
import dev.outlane.deadletter.DeadLetterQuery;
import dev.outlane.deadletter.FileDeadLetterStore;
import dev.outlane.journal.EventSerializer;
import dev.outlane.journal.FileEventJournal;
import dev.outlane.journal.RecoveryReport;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the CLI tells about a durable directory beyond the run's own results: the events crash
 * recovery re-delivered and what became of them, and records the stores could not read back.
 *
 * <p><b>Interim.</b> The client does not yet report these itself, so they are derived from what is
 * visible from outside: {@link #recoveredEvents} opens the journal briefly before the client does
 * and counts its pending events; {@link #deadLetterIds} snapshots the dead-letter store before and
 * after, and the new records the run's own results do not account for are recovery's; {@link
 * #unreadable(RecoveryReport)} counts the problems that name an unreadable record. Each is one
 * method, to switch to the client's own recovery report and unreadable-record counts once they
 * exist.
 *
 * <p>Stateless; not for concurrent use on one directory (the journal's lock refuses that anyway).
 */
final class DurableDirectory {
  private DurableDirectory() {}

  /**
   * How many events the journal in {@code dir} holds as pending, i.e. how many the next client built
   * on {@code dir} re-delivers; 0 if there is no journal yet. Opens and closes the journal.
   *
   * @throws dev.outlane.journal.JournalException if the journal cannot be opened (locked, not readable)
   */
  static int recoveredEvents(Path dir, EventSerializer serializer) {
    Path journal = DurableOptions.at(dir).journalDirectory();
    if (!Files.isDirectory(journal)) {
      return 0;
    }
    try (FileEventJournal j = FileEventJournal.builder().directory(journal).serializer(serializer).open()) {
      return j.pending().size();
    }
  }

  /** The ids of every dead letter in {@code dir} (resolved too); empty if there is no store yet. */
  static Set<String> deadLetterIds(Path dir, EventSerializer serializer) {
    Set<String> ids = new HashSet<>();
    for (DeadLetter d : deadLetters(dir, serializer)) {
      ids.add(d.id());
    }
    return ids;
  }

  /** Every dead letter in {@code dir}, read without the store's lock; empty if there is none. */
  static List<DeadLetter> deadLetters(Path dir, EventSerializer serializer) {
    Path store = DurableOptions.at(dir).deadLetterDirectory();
    if (!Files.isDirectory(store)) {
      return List.of();
    }
    return FileDeadLetterStore.snapshot(store, serializer, new DeadLetterQuery(null, null, true));
  }

  /** Dead letters in {@code dir} that are not in {@code before}, by reason's wire name. */
  static Map<String, Integer> newDeadLetters(Path dir, EventSerializer serializer, Set<String> before) {
    Map<String, Integer> byReason = new TreeMap<>();
    for (DeadLetter d : deadLetters(dir, serializer)) {
      if (!before.contains(d.id())) {
        byReason.merge(d.reason().wireName(), 1, Integer::sum);
      }
    }
    return byReason;
  }

  /**
   * How many records {@code report} says could not be read back (they are not delivered, listed or
   * replayed). Counts the problem lines that say "unreadable": torn tails and skipped bytes are
   * crash damage, not records.
   */
  static int unreadable(RecoveryReport report) {
    int n = 0;
    for (String p : report.problems()) {
      if (p.contains("unreadable")) {
        n++;
      }
    }
    return n;
  }

  /** Unreadable records of the journal and the dead-letter store of a durable {@code client}. */
  static int unreadable(Outlane client) {
    int n = client.journalRecovery().map(DurableDirectory::unreadable).orElse(0);
    if (client.deadLetters() instanceof FileDeadLetterStore store) {
      n += unreadable(store.recoveryReport());
    }
    return n;
  }

  /**
   * A serializer that counts the records {@code serializer} cannot read, for a snapshot (which
   * leaves them out without a report). Thread-safe.
   */
  static final class Counting implements EventSerializer {
    private final EventSerializer serializer;
    private final AtomicInteger failures = new AtomicInteger();

    Counting(EventSerializer serializer) {
      this.serializer = serializer;
    }

    @Override
    public byte[] write(RetentionEvent event) {
      return serializer.write(event);
    }

    @Override
    public RetentionEvent read(byte[] bytes) {
      try {
        return serializer.read(bytes);
      } catch (RuntimeException e) {
        failures.incrementAndGet();
        throw e;
      }
    }

    /** Records that failed to read so far. */
    int failures() {
      return failures.get();
    }
  }

  /**
   * Prints {@code warning: N unreadable records kept in DIR (…)} on {@code err} if {@code n > 0}.
   * The records stay on disk: a change of configuration (e.g. {@code region}) back to what they
   * were written under may make them readable again.
   */
  static void warnUnreadable(PrintWriter err, Path dir, int n) {
    if (n > 0) {
      err.println("warning: " + n + " unreadable record" + (n == 1 ? "" : "s") + " kept in " + dir
          + " (not delivered, listed or replayed; was it written under another configuration, e.g."
          + " another region? see the WARN log)");
      err.flush();
    }
  }
}

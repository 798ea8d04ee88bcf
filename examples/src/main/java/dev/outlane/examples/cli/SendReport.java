package dev.outlane.examples.cli;

import dev.outlane.DestinationResult;
import dev.outlane.FinalState;
import dev.outlane.SubmitResult;
import dev.outlane.contract.AudienceAction;
import dev.outlane.deadletter.DeadLetterReason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Final states per destination, filled from delivery threads. Thread-safe. */
final class SendReport {
  static final List<FinalState> COLUMNS = List.of(FinalState.DELIVERED, FinalState.DEDUPLICATED,
      FinalState.SUPPRESSED, FinalState.STALE, FinalState.REJECTED, FinalState.OPTED_OUT,
      FinalState.DEAD_LETTERED);

  private final Map<String, EnumMap<FinalState, Integer>> counts = new LinkedHashMap<>();
  private final Map<String, Map<String, Integer>> codes = new LinkedHashMap<>();
  private final Map<String, Integer> removes = new LinkedHashMap<>();
  private long lines;
  private long invalid;
  private long submitted;
  private long accepted;
  private long unrouted;
  private final Map<String, Integer> deadLetterReasons = new TreeMap<>();
  private long notAcceptedLine;
  private String notAcceptedCause = "";

  SendReport(List<String> destinations) {
    for (String d : destinations) {
      counts.put(d, new EnumMap<>(FinalState.class));
      codes.put(d, new TreeMap<>());
      removes.put(d, 0);
    }
  }

  synchronized void line() {
    lines++;
  }

  synchronized long lines() {
    return lines;
  }

  synchronized void invalid() {
    invalid++;
  }

  synchronized void submitted() {
    submitted++;
  }

  /** The line whose event the client refused to accept (journal failure); reading stopped there. */
  synchronized void notAccepted(long line, String cause) {
    notAcceptedLine = line;
    notAcceptedCause = cause;
  }

  /** This run's own results that went to the dead-letter store, by reason's wire name. */
  synchronized Map<String, Integer> deadLettersByReason() {
    return new TreeMap<>(deadLetterReasons);
  }

  synchronized long notAcceptedLine() {
    return notAcceptedLine;
  }

  synchronized String notAcceptedCause() {
    return notAcceptedCause;
  }

  /** Waits until every submitted event's result was added; false if {@code timeout} passed first. */
  synchronized boolean awaitResults(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (accepted < submitted) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return true;
  }

  synchronized void add(SubmitResult result) {
    accepted++;
    notifyAll();
    if (result.results().isEmpty()) {
      unrouted++;
    }
    for (DestinationResult r : result.results()) {
      if (r.action() == AudienceAction.Action.REMOVE && r.state() == FinalState.DELIVERED) {
        // An audience remove (asked for by the event, or after an opt-out): its own column.
        removes.merge(r.destination(), 1, Integer::sum);
        continue;
      }
      counts.computeIfAbsent(r.destination(), k -> new EnumMap<>(FinalState.class)).merge(r.state(), 1, Integer::sum);
      // Rejected and opted-out results are dead-lettered too, without a deadLetterReason.
      DeadLetterReason reason = r.deadLetterReason() != null ? r.deadLetterReason()
          : r.state() == FinalState.REJECTED ? DeadLetterReason.REJECTED
          : r.state() == FinalState.OPTED_OUT ? DeadLetterReason.OPTED_OUT : null;
      if (reason != null) {
        deadLetterReasons.merge(reason.wireName(), 1, Integer::sum);
      }
      if (r.code() != null && r.state() != FinalState.DELIVERED) {
        codes.computeIfAbsent(r.destination(), k -> new TreeMap<>()).merge(r.code(), 1, Integer::sum);
      }
    }
  }

  synchronized int count(String destination, FinalState state) {
    return counts.getOrDefault(destination, new EnumMap<>(FinalState.class)).getOrDefault(state, 0);
  }

  /** Activations that ended rejected, opted out or dead-lettered: what the dead-letter store got. */
  synchronized long deadLettered() {
    long n = 0;
    for (EnumMap<FinalState, Integer> m : counts.values()) {
      n += m.getOrDefault(FinalState.REJECTED, 0) + m.getOrDefault(FinalState.OPTED_OUT, 0)
          + m.getOrDefault(FinalState.DEAD_LETTERED, 0);
    }
    return n;
  }

  /** No invalid line, nothing rejected or dead-lettered. */
  synchronized boolean clean() {
    if (invalid > 0 || notAcceptedLine > 0) {
      return false;
    }
    for (EnumMap<FinalState, Integer> m : counts.values()) {
      if (m.getOrDefault(FinalState.REJECTED, 0) > 0 || m.getOrDefault(FinalState.DEAD_LETTERED, 0) > 0) {
        return false;
      }
    }
    return true;
  }

  synchronized String render(boolean dryRun) {
    StringBuilder b = new StringBuilder();
    b.append(String.format("%-18s", "destination"));
    for (FinalState s : COLUMNS) {
      String name = s == FinalState.DELIVERED && dryRun ? "would-send" : s.metricName().replace('_', '-');
      b.append(String.format("%14s", name));
    }
    b.append(String.format("%10s%n", "removes"));
    for (Map.Entry<String, EnumMap<FinalState, Integer>> e : counts.entrySet()) {
      b.append(String.format("%-18s", e.getKey()));
      for (FinalState s : COLUMNS) {
        b.append(String.format("%14d", e.getValue().getOrDefault(s, 0)));
      }
      b.append(String.format("%10d%n", removes.getOrDefault(e.getKey(), 0)));
    }
    List<String> errorParts = new ArrayList<>();
    for (Map.Entry<String, Map<String, Integer>> e : codes.entrySet()) {
      e.getValue().forEach((code, n) -> errorParts.add(e.getKey() + " " + code + " ×" + n));
    }
    if (!errorParts.isEmpty()) {
      b.append("error codes: ").append(String.join(", ", errorParts)).append(String.format("%n"));
    }
    b.append(String.format("lines: %d read, %d invalid; events: %d accepted, %d not routed%n",
        lines, invalid, accepted, unrouted));
    if (notAcceptedLine > 0) {
      b.append(String.format("stopped at line %d: not accepted (%s); later lines were not read%n",
          notAcceptedLine, notAcceptedCause));
    }
    if (dryRun) {
      b.append(String.format("dry run: nothing was sent%n"));
    }
    return b.toString();
  }
}

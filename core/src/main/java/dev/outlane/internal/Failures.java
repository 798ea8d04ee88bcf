package dev.outlane.internal;

import dev.outlane.metrics.MetricsSink;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports a Throwable from a destination or another plug-in: counts it and logs it at ERROR the
 * first time each destination throws that class from that call, at DEBUG after. A missing class
 * fails every item of every batch, and one line per item would bury the cause. Thread-safe.
 */
final class Failures {
  private static final Logger log = LoggerFactory.getLogger("dev.outlane.engine");

  /** How many distinct (destination, call, exception class) triples are logged at ERROR at most. */
  private static final int MAX_REPORTED_CAUSES = 1_000;

  private final MetricsSink metrics;
  /** Destination, call and exception class already logged at ERROR. */
  private final Set<String> reportedCauses = ConcurrentHashMap.newKeySet();

  Failures(MetricsSink metrics) {
    this.metrics = metrics;
  }

  /**
   * The message of a {@link LinkageError} or {@link VirtualMachineError} is logged (it names a
   * class, a method or the JVM's limit); any other message is not, as it may carry an item's data.
   */
  void report(Lane lane, String call, Throwable e) {
    try {
      metrics.count(lane.name, "destination_error", e.getClass().getSimpleName(), 1);
    } catch (Throwable ignored) {
      // A failing sink must not stop the item reaching a final state.
    }
    String cause = e.getClass().getName();
    if (e instanceof LinkageError || e instanceof VirtualMachineError) {
      String message = e.getMessage();
      if (message != null) {
        cause += ": " + message;
      }
    }
    StackTraceElement[] trace = e.getStackTrace();
    String at = trace.length == 0 ? "" : " at " + trace[0];
    boolean first = reportedCauses.size() < MAX_REPORTED_CAUSES
        && reportedCauses.add(lane.name + '\u0000' + call + '\u0000' + e.getClass().getName());
    if (first) {
      log.error("{}: {} threw {}{}; the items concerned are retried or dead-lettered"
          + " (further {} from {} in {} are logged at DEBUG)", lane.name, call, cause, at,
          e.getClass().getSimpleName(), lane.name, call);
    } else {
      log.debug("{}: {} threw {}{}", lane.name, call, cause, at);
    }
  }
}

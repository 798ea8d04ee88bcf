package dev.outlane.examples.demo;

import dev.outlane.DestinationResult;
import dev.outlane.FinalState;
import dev.outlane.SubmitResult;
import dev.outlane.contract.AudienceAction;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Counts of final states per destination, built from the client's own {@link SubmitResult}s, and
 * rendered as a fixed-width table. Not thread-safe: fill it from one thread, after the run.
 */
public final class DemoReport {
  /** The table's columns, in order. */
  static final List<FinalState> COLUMNS = List.of(FinalState.DELIVERED, FinalState.DEDUPLICATED,
      FinalState.SUPPRESSED, FinalState.STALE, FinalState.REJECTED, FinalState.OPTED_OUT,
      FinalState.SKIPPED, FinalState.DEAD_LETTERED);

  private final Map<String, EnumMap<FinalState, Integer>> counts = new LinkedHashMap<>();
  private final Map<String, Integer> removes = new LinkedHashMap<>();
  private int generated;
  private int accepted;
  private int invalid;
  private int queueFullRetries;
  private long millis;
  private Map<String, Integer> deadLetters = Map.of();
  private long retried;

  DemoReport(List<String> destinations) {
    for (String d : destinations) {
      counts.put(d, new EnumMap<>(FinalState.class));
      removes.put(d, 0);
    }
  }

  void add(SubmitResult result) {
    for (DestinationResult r : result.results()) {
      if (r.action() == AudienceAction.Action.REMOVE) {
        if (r.state() == FinalState.DELIVERED) {
          removes.merge(r.destination(), 1, Integer::sum);
        }
        continue;
      }
      counts.computeIfAbsent(r.destination(), k -> new EnumMap<>(FinalState.class))
          .merge(r.state(), 1, Integer::sum);
    }
  }

  void totals(int generated, int accepted, int invalid, int queueFullRetries, long millis) {
    this.generated = generated;
    this.accepted = accepted;
    this.invalid = invalid;
    this.queueFullRetries = queueFullRetries;
    this.millis = millis;
  }

  void deadLetters(Map<String, Integer> byReason) {
    this.deadLetters = Map.copyOf(byReason);
  }

  void retried(long retried) {
    this.retried = retried;
  }

  /** Dead-letter records by reason ({@code rejected}, {@code opted-out}, …), as the store holds them. */
  public Map<String, Integer> deadLettersByReason() {
    return deadLetters;
  }

  /** How many activations of {@code destination} ended in {@code state}. */
  public int count(String destination, FinalState state) {
    EnumMap<FinalState, Integer> m = counts.get(destination);
    return m == null ? 0 : m.getOrDefault(state, 0);
  }

  /** How many audience removes (after opt-outs) {@code destination} received. */
  public int removes(String destination) {
    return removes.getOrDefault(destination, 0);
  }

  public int generated() {
    return generated;
  }

  public int accepted() {
    return accepted;
  }

  public int invalid() {
    return invalid;
  }

  /** The table and the totals, as printed (the duration line last). */
  public String render() {
    StringBuilder b = new StringBuilder();
    b.append(String.format("%-18s", "destination"));
    for (FinalState s : COLUMNS) {
      b.append(String.format("%14s", s.metricName().replace('_', '-')));
    }
    b.append(String.format("%10s%n", "removes"));
    for (Map.Entry<String, EnumMap<FinalState, Integer>> e : counts.entrySet()) {
      b.append(String.format("%-18s", e.getKey()));
      for (FinalState s : COLUMNS) {
        b.append(String.format("%14d", e.getValue().getOrDefault(s, 0)));
      }
      b.append(String.format("%10d%n", removes.getOrDefault(e.getKey(), 0)));
    }
    b.append(String.format("%nevents generated: %d, accepted: %d, refused as invalid: %d, queue-full retries: %d%n",
        generated, accepted, invalid, queueFullRetries));
    b.append("dead-letter store: ");
    if (deadLetters.isEmpty()) {
      b.append("empty");
    } else {
      List<String> parts = new java.util.ArrayList<>();
      new java.util.TreeMap<>(deadLetters).forEach((k, v) -> parts.add(k + " " + v));
      b.append(String.join(", ", parts));
    }
    b.append(String.format("%ntransient failures retried: %d%n", retried));
    b.append(String.format("took %d ms%n", millis));
    return b.toString();
  }
}

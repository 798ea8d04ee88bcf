package dev.outlane.examples.demo;

import dev.outlane.DestinationResult;
import dev.outlane.FinalState;
import dev.outlane.SubmitResult;
import dev.outlane.contract.AudienceAction;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts of final states per destination, built from the client's own {@link SubmitResult}s, with the
 * HTTP requests each destination's server received and the error codes the destinations reported,
 * rendered as a fixed-width table. Not thread-safe: fill it from one thread, after the run.
 */
public final class DemoReport {
  /** The table's columns, in order. */
  static final List<FinalState> COLUMNS = List.of(FinalState.DELIVERED, FinalState.DEDUPLICATED,
      FinalState.SUPPRESSED, FinalState.STALE, FinalState.REJECTED, FinalState.OPTED_OUT,
      FinalState.SKIPPED, FinalState.DEAD_LETTERED);

  private final Map<String, EnumMap<FinalState, Integer>> counts = new LinkedHashMap<>();
  private final Map<String, Integer> removes = new LinkedHashMap<>();
  private final Map<String, Map<String, Integer>> codes = new LinkedHashMap<>();
  private Map<String, Integer> requests = Map.of();
  private Map<String, Integer> audienceSizes = Map.of();
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
      codes.put(d, new TreeMap<>());
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
      if (r.code() != null && r.state() != FinalState.DELIVERED) {
        codes.computeIfAbsent(r.destination(), k -> new TreeMap<>()).merge(r.code(), 1, Integer::sum);
      }
    }
  }

  void totals(int generated, int accepted, int invalid, int queueFullRetries) {
    this.generated = generated;
    this.accepted = accepted;
    this.invalid = invalid;
    this.queueFullRetries = queueFullRetries;
  }

  void duration(long millis) {
    this.millis = millis;
  }

  /** HTTP requests each destination's server received; destinations without a server are absent. */
  void requests(Map<String, Integer> byDestination) {
    this.requests = Map.copyOf(byDestination);
  }

  /** How many people each audience destination's server holds at the end. */
  void audienceSizes(Map<String, Integer> byDestination) {
    this.audienceSizes = new LinkedHashMap<>(byDestination);
  }

  /** How many people {@code destination}'s audience holds at the end, or -1 if unknown. */
  public int audienceSize(String destination) {
    return audienceSizes.getOrDefault(destination, -1);
  }

  /** HTTP requests {@code destination}'s server received, or -1 if it has no server. */
  public int requests(String destination) {
    return requests.getOrDefault(destination, -1);
  }

  /** The error codes {@code destination} reported for activations that were not delivered, with counts. */
  public Map<String, Integer> errorCodes(String destination) {
    return Map.copyOf(codes.getOrDefault(destination, Map.of()));
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

  /** How many audience removes (after opt-outs and purchases) {@code destination} accepted. */
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
    b.append(String.format("%10s%10s%n", "removes", "requests"));
    for (Map.Entry<String, EnumMap<FinalState, Integer>> e : counts.entrySet()) {
      b.append(String.format("%-18s", e.getKey()));
      for (FinalState s : COLUMNS) {
        b.append(String.format("%14d", e.getValue().getOrDefault(s, 0)));
      }
      Integer sent = requests.get(e.getKey());
      b.append(String.format("%10d%10s%n", removes.getOrDefault(e.getKey(), 0), sent == null ? "-" : sent));
    }
    b.append(String.format("%nerror codes:%n"));
    for (Map.Entry<String, Map<String, Integer>> e : codes.entrySet()) {
      List<String> parts = new java.util.ArrayList<>();
      e.getValue().forEach((code, n) -> parts.add(code + " ×" + n));
      b.append(String.format("  %-18s%s%n", e.getKey(), parts.isEmpty() ? "none" : String.join(", ", parts)));
    }
    if (!audienceSizes.isEmpty()) {
      List<String> parts = new java.util.ArrayList<>();
      audienceSizes.forEach((d, n) -> parts.add(d + " " + n));
      b.append(String.format("final audience sizes: %s%n", String.join(", ", parts)));
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
    b.append(String.format("took %d ms (wall clock)%n", millis));
    return b.toString();
  }
}

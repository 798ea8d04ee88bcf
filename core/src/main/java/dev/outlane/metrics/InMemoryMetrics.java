package dev.outlane.metrics;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A {@link MetricsSink} that keeps every count in memory so tests, the demo and small deployments can
 * read them back: {@code metrics.count("twilio-sms", "delivered")}.
 *
 * <p>Thread-safe and lock-free on the write path. Memory is bounded by the number of distinct
 * (destination, outcome, reason) triples, which the engine keeps small (reasons are error codes).
 */
public final class InMemoryMetrics implements MetricsSink {
  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> inbound = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> latencyCount = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> latencyNanos = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> queueDepth = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> received = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> matched = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> audienceSize = new ConcurrentHashMap<>();

  @Override
  public void count(String destination, String outcome, String reason, long amount) {
    counts.computeIfAbsent(destination + '\u0000' + outcome + '\u0000' + reason, k -> new LongAdder())
        .add(amount);
  }

  @Override
  public void inbound(String endpoint, String outcome) {
    inbound.computeIfAbsent(endpoint + '\u0000' + outcome, k -> new LongAdder()).increment();
  }

  /** How many requests {@code endpoint} answered with {@code outcome}. */
  public long inboundCount(String endpoint, String outcome) {
    LongAdder a = inbound.get(endpoint + '\u0000' + outcome);
    return a == null ? 0 : a.sum();
  }

  @Override
  public void latency(String destination, Duration latency) {
    latencyCount.computeIfAbsent(destination, k -> new LongAdder()).increment();
    latencyNanos.computeIfAbsent(destination, k -> new LongAdder()).add(latency.toNanos());
  }

  @Override
  public void queueDepth(String destination, long depth) {
    queueDepth.computeIfAbsent(destination, k -> new AtomicLong()).set(depth);
  }

  @Override
  public void matchCounts(String destination, long receivedCount, long matchedCount) {
    received.computeIfAbsent(destination, k -> new LongAdder()).add(receivedCount);
    matched.computeIfAbsent(destination, k -> new LongAdder()).add(matchedCount);
  }

  @Override
  public void audienceSize(String destination, String audience, long size, long previous) {
    audienceSize.computeIfAbsent(destination + '\u0000' + audience, k -> new AtomicLong()).set(size);
  }

  /** The total of {@code outcome} for {@code destination}, over all reasons. */
  public long count(String destination, String outcome) {
    String prefix = destination + '\u0000' + outcome + '\u0000';
    long sum = 0;
    for (Map.Entry<String, LongAdder> e : counts.entrySet()) {
      if (e.getKey().startsWith(prefix)) {
        sum += e.getValue().sum();
      }
    }
    return sum;
  }

  /** The count of {@code outcome} with exactly {@code reason} for {@code destination}. */
  public long count(String destination, String outcome, String reason) {
    LongAdder a = counts.get(destination + '\u0000' + outcome + '\u0000' + reason);
    return a == null ? 0 : a.sum();
  }

  /** The total of {@code outcome} over all destinations and reasons. */
  public long total(String outcome) {
    long sum = 0;
    for (Map.Entry<String, LongAdder> e : counts.entrySet()) {
      String[] parts = e.getKey().split("\u0000", -1);
      if (parts[1].equals(outcome)) {
        sum += e.getValue().sum();
      }
    }
    return sum;
  }

  /** How many latencies were recorded for {@code destination}. */
  public long latencyCount(String destination) {
    LongAdder a = latencyCount.get(destination);
    return a == null ? 0 : a.sum();
  }

  /** The last queue depth reported for {@code destination}. */
  public long queueDepth(String destination) {
    AtomicLong a = queueDepth.get(destination);
    return a == null ? 0 : a.get();
  }

  /** The sum of received counts reported by {@code destination}. */
  public long received(String destination) {
    LongAdder a = received.get(destination);
    return a == null ? 0 : a.sum();
  }

  /** The sum of matched counts reported by {@code destination}. */
  public long matched(String destination) {
    LongAdder a = matched.get(destination);
    return a == null ? 0 : a.sum();
  }

  /** Every non-zero counter as {@code destination/outcome[/reason]} → count, sorted. */
  public Map<String, Long> snapshot() {
    Map<String, Long> out = new TreeMap<>();
    counts.forEach((k, v) -> {
      String[] p = k.split("\u0000", -1);
      out.put(p[0] + "/" + p[1] + (p[2].isEmpty() ? "" : "/" + p[2]), v.sum());
    });
    return out;
  }

  @Override
  public String toString() {
    return "InMemoryMetrics" + snapshot();
  }
}

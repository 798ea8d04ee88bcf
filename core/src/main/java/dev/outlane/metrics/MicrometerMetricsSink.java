package dev.outlane.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Publishes Outlane's measurements as Micrometer meters, so Spring Boot / Micrometer users see them
 * next to their own. Needs {@code io.micrometer:micrometer-core} on the classpath (an optional
 * dependency of outlane-core).
 *
 * <ul>
 *   <li>{@code outlane.deliveries} counter, tags {@code destination}, {@code outcome}, {@code reason}
 *       (outcomes as listed on {@link MetricsSink});
 *   <li>{@code outlane.delivery.latency} timer, tag {@code destination}: acceptance to final state;
 *   <li>{@code outlane.queue.depth} gauge, tag {@code destination};
 *   <li>{@code outlane.match.received} and {@code outlane.match.matched} summaries, tag {@code
 *       destination} (match rate = matched / received);
 *   <li>{@code outlane.audience.size} gauge, tags {@code destination}, {@code audience}.
 * </ul>
 *
 * <p>Thread-safe; meters are created once and cached.
 */
public final class MicrometerMetricsSink implements MetricsSink {
  private final MeterRegistry registry;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> gauges = new ConcurrentHashMap<>();
  private final Map<String, DistributionSummary> summaries = new ConcurrentHashMap<>();

  public MicrometerMetricsSink(MeterRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  @Override
  public void count(String destination, String outcome, String reason, long amount) {
    counters.computeIfAbsent(destination + '\u0000' + outcome + '\u0000' + reason,
            k -> Counter.builder("outlane.deliveries")
                .description("Outlane delivery outcomes")
                .tag("destination", destination)
                .tag("outcome", outcome)
                .tag("reason", reason)
                .register(registry))
        .increment(amount);
  }

  @Override
  public void inbound(String endpoint, String outcome) {
    counters.computeIfAbsent("inbound\u0000" + endpoint + '\u0000' + outcome,
            k -> Counter.builder("outlane.inbound")
                .description("Requests answered by Outlane's inbound receivers")
                .tag("endpoint", endpoint)
                .tag("outcome", outcome)
                .register(registry))
        .increment();
  }

  @Override
  public void latency(String destination, Duration latency) {
    timers.computeIfAbsent(destination,
            k -> Timer.builder("outlane.delivery.latency")
                .description("Time from acceptance to final state")
                .tag("destination", destination)
                .register(registry))
        .record(latency);
  }

  @Override
  public void queueDepth(String destination, long depth) {
    gauge("outlane.queue.depth", "q\u0000" + destination, destination, null).set(depth);
  }

  @Override
  public void matchCounts(String destination, long received, long matched) {
    summary("outlane.match.received", destination).record(received);
    summary("outlane.match.matched", destination).record(matched);
  }

  @Override
  public void audienceSize(String destination, String audience, long size, long previous) {
    gauge("outlane.audience.size", "a\u0000" + destination + '\u0000' + audience, destination, audience)
        .set(size);
  }

  private DistributionSummary summary(String name, String destination) {
    return summaries.computeIfAbsent(name + '\u0000' + destination,
        k -> DistributionSummary.builder(name).tag("destination", destination).register(registry));
  }

  private AtomicLong gauge(String name, String key, String destination, @Nullable String audience) {
    return gauges.computeIfAbsent(key, k -> {
      AtomicLong value = new AtomicLong();
      Gauge.Builder<AtomicLong> b = Gauge.builder(name, value, AtomicLong::get).tag("destination", destination);
      if (audience != null) {
        b = b.tag("audience", audience);
      }
      b.register(registry);
      return value;
    });
  }
}

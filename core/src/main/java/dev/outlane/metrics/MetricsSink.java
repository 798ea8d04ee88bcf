package dev.outlane.metrics;

import java.time.Duration;

/**
 * Receives Outlane's measurements. Implementations must be thread-safe and fast: the engine calls
 * them from its delivery threads and from {@code submit}. A Micrometer binding and a no-op ship with
 * core.
 *
 * <p>Counter names ({@code outcome}): {@code submitted}, {@code delivered}, {@code rejected}, {@code
 * opted_out}, {@code retried}, {@code deduplicated}, {@code suppressed}, {@code stale}, {@code
 * skipped} (pre-activation check), {@code frequency_capped}, {@code dead_lettered}, and {@code
 * destination_error} (a destination or check threw; the reason is the exception's simple class
 * name, counted once per call, not per item). {@code reason} is a short, bounded-cardinality code
 * (an error code, a dead-letter reason) or {@code ""}.
 *
 * <p>Every method has a no-op default, so an implementation writes only the measurements it records
 * (a sink that only counts outcomes overrides {@link #count} alone). A default never throws.
 */
public interface MetricsSink {
  /** Counts {@code amount} items of {@code outcome} for {@code destination}. */
  default void count(String destination, String outcome, String reason, long amount) {}

  /** Time from acceptance to the final state of one item. */
  default void latency(String destination, Duration latency) {}

  /** How many items are waiting for {@code destination} right now. */
  default void queueDepth(String destination, long depth) {}

  /** Records a destination's reported received/matched counts (match rate = matched / received). */
  default void matchCounts(String destination, long received, long matched) {}

  /** The size of an audience after a sync, and before it (drift = size - previous). */
  default void audienceSize(String destination, String audience, long size, long previous) {}

  /**
   * Counts one request answered by an inbound receiver. {@code endpoint} is the receiver's fixed
   * name (e.g. {@code customerio-webhook}); {@code outcome} a short code from the receiver's
   * documented list (e.g. {@code accepted}, {@code duplicate}, {@code unauthorized}). Both are
   * bounded, never request data.
   */
  default void inbound(String endpoint, String outcome) {}

  /** A sink that discards everything. */
  static MetricsSink noop() {
    return NoopMetricsSink.INSTANCE;
  }
}

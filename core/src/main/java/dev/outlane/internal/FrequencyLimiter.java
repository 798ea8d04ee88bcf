package dev.outlane.internal;

import dev.outlane.guardrail.FrequencyCap;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Counts activations per person (and destination) in a sliding window. Bounded: at most {@code
 * maxPeople} keys are tracked, least recently used evicted first (an evicted person's count restarts,
 * which can let one extra activation through; size it above the people active per window).
 * Thread-safe (one lock).
 */
final class FrequencyLimiter {
  private final FrequencyCap cap;
  private final long windowNanos;
  private final LinkedHashMap<String, ArrayDeque<Instant>> byKey;

  FrequencyLimiter(FrequencyCap cap, int maxPeople) {
    this.cap = cap;
    this.windowNanos = cap.window().toNanos();
    this.byKey = new LinkedHashMap<>(16, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<String, ArrayDeque<Instant>> eldest) {
        return size() > maxPeople;
      }
    };
  }

  /** The key this cap counts under. */
  String key(String customerId, String destination) {
    return cap.acrossDestinations() ? customerId : destination + '\u0000' + customerId;
  }

  /** Reserves a slot at {@code now}; returns it (for {@link #release}), or null if the cap is reached. */
  synchronized @Nullable Instant tryAcquire(String key, Instant now) {
    ArrayDeque<Instant> times = byKey.computeIfAbsent(key, k -> new ArrayDeque<>());
    Instant horizon = now.minusNanos(windowNanos);
    while (!times.isEmpty() && !times.peekFirst().isAfter(horizon)) {
      times.pollFirst();
    }
    if (times.size() >= cap.maxActivations()) {
      return null;
    }
    times.addLast(now);
    return now;
  }

  /** Gives back a slot whose activation did not happen. */
  synchronized void release(String key, Instant slot) {
    ArrayDeque<Instant> times = byKey.get(key);
    if (times != null) {
      times.removeFirstOccurrence(slot);
    }
  }
}

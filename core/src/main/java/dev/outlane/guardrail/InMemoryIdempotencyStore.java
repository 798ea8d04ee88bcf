package dev.outlane.guardrail;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A bounded in-memory {@link IdempotencyStore}: keys expire after the TTL (the dedupe window), and when
 * {@code maxEntries} keys are live the oldest is evicted first — after which a duplicate of that
 * oldest key would be delivered again, so size it above the number of deliveries per window.
 *
 * <p>Thread-safe (one lock; operations are O(1) amortized). Keys are SHA-256 based and contain no PII.
 */
public final class InMemoryIdempotencyStore implements IdempotencyStore {
  /** The default bound: one million keys of ~68 chars is roughly 200 MB at worst; plenty per day. */
  public static final int DEFAULT_MAX_ENTRIES = 1_000_000;

  private final long ttlNanos;
  private final int maxEntries;
  // Insertion order == expiry order, because every entry lives exactly ttl.
  private final LinkedHashMap<String, Instant> expiries = new LinkedHashMap<>();
  /** The subset of keys marked with an unknown outcome (see {@link #markUnknown}). */
  private final Set<String> unknown = new HashSet<>();

  /**
   * @throws IllegalArgumentException if {@code ttl} is not positive or {@code maxEntries < 1}
   */
  public InMemoryIdempotencyStore(Duration ttl, int maxEntries) {
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.isZero() || ttl.isNegative()) {
      throw new IllegalArgumentException("ttl: must be positive, was " + ttl);
    }
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries: must be ≥ 1, was " + maxEntries);
    }
    this.ttlNanos = ttl.toNanos();
    this.maxEntries = maxEntries;
  }

  @Override
  public synchronized boolean isDone(String key, Instant now) {
    Instant expiry = expiries.get(key);
    return expiry != null && now.isBefore(expiry);
  }

  @Override
  public synchronized void markDone(String key, Instant now) {
    unknown.remove(key);
    put(key, now);
  }

  @Override
  public synchronized void markUnknown(String key, Instant now) {
    put(key, now);
    unknown.add(key);
  }

  @Override
  public synchronized boolean forgetUnknown(String key) {
    if (!unknown.remove(key)) {
      return false;
    }
    expiries.remove(key);
    return true;
  }

  private void put(String key, Instant now) {
    expiries.remove(key);
    expiries.put(key, now.plusNanos(ttlNanos));
    Iterator<Map.Entry<String, Instant>> it = expiries.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<String, Instant> eldest = it.next();
      if (expiries.size() > maxEntries || !now.isBefore(eldest.getValue())) {
        unknown.remove(eldest.getKey());
        it.remove();
      } else {
        break;
      }
    }
  }

  /** How many keys are held (live or not yet pruned). */
  public synchronized int size() {
    return expiries.size();
  }
}

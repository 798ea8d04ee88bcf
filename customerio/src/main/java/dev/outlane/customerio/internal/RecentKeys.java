package dev.outlane.customerio.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A bounded memory of keys seen recently (Customer.io delivery keys, reporting-webhook signatures),
 * so a retry of something already acted on is acknowledged without acting twice.
 *
 * <p>A key is first <em>reserved</em> ({@link #reserve}), then either {@linkplain #accept accepted}
 * (remembered for {@code ttl}) or {@linkplain #release released} (forgotten: the request failed and
 * its retry must act). A second reservation while the first is unresolved is {@link
 * State#IN_FLIGHT}. At most {@code capacity} keys are held; past that the oldest is forgotten first
 * (a retry older than that is then acted on again, and downstream dedupe by {@code event_id} is the
 * next line of defence). Memory: about 150 bytes per key. Thread-safe (one lock; every operation is
 * O(1) amortized).
 */
public final class RecentKeys {
  /** What {@link #reserve} found. */
  public enum State {
    /** Not seen (or expired): the caller now holds the reservation and must accept or release it. */
    NEW,
    /** Accepted within the window: acknowledge, do not act. */
    ACCEPTED,
    /** Reserved by a request still being handled. */
    IN_FLIGHT
  }

  private static final long IN_FLIGHT_MARK = Long.MIN_VALUE;

  private final int capacity;
  private final Duration ttl;
  private final Clock clock;
  /** Key → expiry epoch millis, or {@link #IN_FLIGHT_MARK}; insertion order = age order. */
  private final LinkedHashMap<String, Long> keys = new LinkedHashMap<>();

  public RecentKeys(int capacity, Duration ttl, Clock clock) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity: must be >= 1 but was " + capacity);
    }
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("ttl: must be positive but was " + ttl);
    }
    this.capacity = capacity;
    this.ttl = ttl;
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  public synchronized State reserve(String key) {
    long now = clock.millis();
    expire(now);
    Long expiry = keys.get(key);
    if (expiry != null) {
      if (expiry == IN_FLIGHT_MARK) {
        return State.IN_FLIGHT;
      }
      if (expiry > now) {
        return State.ACCEPTED;
      }
      keys.remove(key);
    }
    keys.put(key, IN_FLIGHT_MARK);
    trim();
    return State.NEW;
  }

  /** Remembers {@code key} as acted on, for {@code ttl} from now. */
  public synchronized void accept(String key) {
    keys.remove(key);
    keys.put(key, clock.millis() + ttl.toMillis());
    trim();
  }

  /** Forgets a reservation whose request did not act, so its retry will. */
  public synchronized void release(String key) {
    Long expiry = keys.get(key);
    if (expiry != null && expiry == IN_FLIGHT_MARK) {
      keys.remove(key);
    }
  }

  public synchronized int size() {
    return keys.size();
  }

  /** Drops expired keys from the oldest end (accepted keys expire in insertion order). */
  private void expire(long now) {
    Iterator<Map.Entry<String, Long>> it = keys.entrySet().iterator();
    while (it.hasNext()) {
      long expiry = it.next().getValue();
      if (expiry == IN_FLIGHT_MARK) {
        continue;
      }
      if (expiry > now) {
        return;
      }
      it.remove();
    }
  }

  private void trim() {
    Iterator<String> it = keys.keySet().iterator();
    while (keys.size() > capacity && it.hasNext()) {
      it.next();
      it.remove();
    }
  }
}

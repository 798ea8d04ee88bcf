package dev.outlane.deadletter.internal;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Makes dead-letter ids: {@code dl-<epoch millis, 13 digits>-<6 hex digits>}, e.g.
 * {@code dl-1764403200000-00002a}. Ids sort by creation time, and stay unique across restarts: the
 * counter starts at a random point so two processes (or one restarted within the same millisecond)
 * do not repeat each other. Thread-safe.
 */
public final class DeadLetterIds {
  private final Clock clock;
  private final AtomicLong counter;

  public DeadLetterIds(Clock clock, long seed) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.counter = new AtomicLong(seed & 0xFFFFFF);
  }

  /** Ids from the system clock with a random starting counter. */
  public static DeadLetterIds system() {
    return new DeadLetterIds(Clock.systemUTC(), new SecureRandom().nextLong());
  }

  /** The next id. */
  public String next() {
    long n = counter.getAndIncrement() & 0xFFFFFF;
    return String.format("dl-%013d-%06x", clock.millis(), n);
  }
}

package dev.outlane.internal;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Lets a submitting thread wait, for at most a bounded time, until the client has room for one more
 * unfinished event ({@code Outlane.submit(event, maxWait)}), instead of writing its own back-off
 * loop around {@code QueueFullException}.
 *
 * <p>The waiting is in real time ({@link System#nanoTime}), not on the client's injected clock: it
 * blocks a real thread. A waiter wakes when an event finishes ({@link #released}) and, at the
 * latest, every {@link #SLICE_MILLIS} ms to look at {@code stop} (the client closing), so nothing
 * else needs to signal it.
 *
 * <p>Thread-safe. {@link #released} costs one volatile read when no thread waits.
 */
final class CapacityWait {
  /** The longest a waiter sleeps without looking whether it should stop. */
  static final long SLICE_MILLIS = 50;

  private final Object lock = new Object();
  private volatile int waiters;

  /**
   * Calls {@code tryReserve} until it succeeds or {@code maxWait} has passed, waiting between tries
   * for an event to finish.
   *
   * @param stop true once waiting is pointless (the client is closing); checked before every try
   * @return whether a reservation was made; false on timeout, on {@code stop} or if interrupted
   *     (the interrupt status is then set again)
   */
  boolean await(BooleanSupplier tryReserve, Duration maxWait, BooleanSupplier stop) {
    if (tryReserve.getAsBoolean()) {
      return true;
    }
    long deadline = System.nanoTime() + Math.max(0, Math.min(maxWait.toNanos(), Long.MAX_VALUE / 4));
    synchronized (lock) {
      waiters++;
      try {
        while (true) {
          if (stop.getAsBoolean()) {
            return false;
          }
          if (tryReserve.getAsBoolean()) {
            return true;
          }
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            return false;
          }
          long millis = Math.min(SLICE_MILLIS, Math.max(1, left / 1_000_000));
          try {
            lock.wait(millis);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
          }
        }
      } finally {
        waiters--;
      }
    }
  }

  /** An event finished: wakes one waiter, if any. */
  void released() {
    if (waiters == 0) {
      return;
    }
    synchronized (lock) {
      lock.notify();
    }
  }
}

package dev.outlane.internal;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The engine's open/closed state and the submits and replays running right now, which close waits
 * for before it flushes. A call {@link #enter}s before reading {@link #isClosed} (while {@link
 * #close} sets the flag before reading the count), so either the call sees the client closed and
 * refuses, or close sees the call and waits for it: an event accepted while close runs is always in
 * its flush. Thread-safe.
 */
final class CallGate {
  private final AtomicBoolean closed = new AtomicBoolean();
  /** Calls running right now (also the monitor {@link #await} waits on). */
  private final AtomicInteger active = new AtomicInteger();

  /** Counts a call that must finish before close flushes; pair with {@link #exit} in a finally. */
  void enter() {
    active.incrementAndGet();
  }

  void exit() {
    if (active.decrementAndGet() == 0 && closed.get()) {
      synchronized (active) {
        active.notifyAll();
      }
    }
  }

  boolean isClosed() {
    return closed.get();
  }

  /** Closes the gate; true only for the first caller. */
  boolean close() {
    return closed.compareAndSet(false, true);
  }

  /** Waits until no call is running; false if {@code timeout} passed first or it was interrupted. */
  boolean await(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (active) {
      while (active.get() > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(active, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
    }
    return true;
  }
}

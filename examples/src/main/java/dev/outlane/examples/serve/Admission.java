package dev.outlane.examples.serve;

import dev.outlane.inbound.InboundHandler;
import dev.outlane.inbound.InboundResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Whether the service takes requests now, and how many it is answering: {@code outlane serve}'s
 * lifecycle. It starts {@link State#RECOVERING} (the durable client is replaying its journal), is
 * made {@link State#READY}, and on SIGTERM {@link State#DRAINING}: a request {@link #admit admitted}
 * before the drain runs to its answer, every later one is answered {@code 503} with {@code
 * Retry-After}, so a sender retries it elsewhere or later and nothing it was told was accepted is
 * lost.
 *
 * <p>Thread-safe: the state and the count of requests in flight move under one lock, so {@link
 * #drain} followed by {@link #awaitIdle} sees every admitted request finish.
 */
public final class Admission {
  /** The lifecycle of the service. */
  public enum State {
    /** Started, the client not yet built (crash recovery running): nothing admitted. */
    RECOVERING,
    /** Taking requests. */
    READY,
    /** Shutting down: nothing new admitted; those in flight finish. */
    DRAINING
  }

  /** Retry-After while recovering: recovery usually takes seconds. */
  static final String RETRY_RECOVERING = "1";
  /** Retry-After while draining: another instance, or this one restarted, will take it. */
  static final String RETRY_DRAINING = "5";

  private State state = State.RECOVERING;
  private int inFlight;

  public synchronized State state() {
    return state;
  }

  /** Recovery is over: admit requests. Does nothing once draining. */
  public synchronized void ready() {
    if (state == State.RECOVERING) {
      state = State.READY;
    }
  }

  /** Admits nothing from now on. Idempotent. */
  public synchronized void drain() {
    state = State.DRAINING;
    notifyAll();
  }

  /**
   * Waits until no admitted request is in flight.
   *
   * @return false if {@code timeout} passed first
   * @throws InterruptedException if interrupted while waiting
   */
  public synchronized boolean awaitIdle(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (inFlight > 0) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return true;
  }

  /** Requests admitted and not yet answered. */
  public synchronized int inFlight() {
    return inFlight;
  }

  /**
   * {@code handler}, behind this admission: answered {@code 503} with {@code Retry-After} unless
   * {@link State#READY}. The wrapper is thread-safe if {@code handler} is.
   */
  public InboundHandler admit(InboundHandler handler) {
    return request -> {
      String retryAfter = enter();
      if (retryAfter != null) {
        return InboundResponse.of(503).withHeader("Retry-After", retryAfter);
      }
      try {
        return handler.handle(request);
      } finally {
        exit();
      }
    };
  }

  /** Null if admitted (and counted), else the Retry-After to answer. */
  private synchronized @org.jspecify.annotations.Nullable String enter() {
    return switch (state) {
      case READY -> {
        inFlight++;
        yield null;
      }
      case RECOVERING -> RETRY_RECOVERING;
      case DRAINING -> RETRY_DRAINING;
    };
  }

  private synchronized void exit() {
    inFlight--;
    notifyAll();
  }
}

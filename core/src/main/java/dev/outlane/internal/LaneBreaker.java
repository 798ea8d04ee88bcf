package dev.outlane.internal;

import dev.outlane.destination.Outcome;
import dev.outlane.retry.RetryPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A lane's circuit breaker: when a batch fails as a whole (items retryable, or unknown on an
 * idempotent destination, and none delivered or refused), the destination is taken to be down and the lane pauses as a whole, so the
 * queued items do not spend their attempts (and their retry windows) on requests that would fail
 * too. After the pause ({@code Retry-After} when the destination gave one, else {@link
 * RetryPolicy#probeDelay}) exactly one request goes out as a probe, holding one item (the
 * dispatcher's choice: a probe should cost the failing destination nothing); nothing else is sent
 * until it returns. A probe that reaches the destination closes the breaker; one that fails re-opens it with
 * the next, longer pause; one that ends without a verdict (every item finished before sending, for
 * example suppressed) lets the next batch probe.
 *
 * <pre>
 *   CLOSED --batch failed--> OPEN --pause over--> HALF_OPEN --probe reached--> CLOSED
 *                              ^                      |
 *                              +-----probe failed-----+
 * </pre>
 *
 * <p>Not thread-safe: {@link Dispatcher} calls it under its own lock.
 */
final class LaneBreaker {
  /** The breaker's states; see the class comment. */
  enum State {
    CLOSED,
    OPEN,
    HALF_OPEN
  }

  /** What {@link #admit} answers when only an in-flight batch's return can change the decision. */
  static final Instant UNTIL_A_BATCH_RETURNS = Instant.MAX;

  private final RetryPolicy policy;
  private State state = State.CLOSED;
  private int failures; // consecutive batches that failed as a whole
  private Instant openUntil = Instant.MIN;
  private boolean probeInFlight;

  LaneBreaker(RetryPolicy policy) {
    this.policy = policy;
  }

  /** Whether any of a batch's outcomes shows the destination answering: delivered, rejected, opted out. */
  static boolean reached(List<Outcome> outcomes) {
    for (Outcome o : outcomes) {
      if (o instanceof Outcome.Delivered || o instanceof Outcome.Rejected
          || o instanceof Outcome.OptedOut) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether any of a batch's outcomes will be retried: retryable, or unknown on an idempotent
   * destination (a failure of the lane, if none reached). An unknown outcome on a destination that
   * is not idempotent is never resent, so it does not hold back the rest of the lane either.
   */
  static boolean failed(List<Outcome> outcomes, boolean idempotent) {
    for (Outcome o : outcomes) {
      if (o instanceof Outcome.Retryable || (idempotent && o instanceof Outcome.Unknown)) {
        return true;
      }
    }
    return false;
  }

  State state() {
    return state;
  }

  /** Consecutive batches that failed as a whole; 0 once one reaches the destination. */
  int failures() {
    return failures;
  }

  /**
   * Whether one more batch may go out at {@code now}, with {@code inFlight} batches out: null if it
   * may (call {@link #sent} when it goes), else the instant to look again ({@link
   * #UNTIL_A_BATCH_RETURNS} if no timer is needed, because a batch out will report back).
   */
  @Nullable Instant admit(Instant now, int inFlight) {
    if (state == State.CLOSED) {
      return null;
    }
    if (state == State.OPEN) {
      if (now.isBefore(openUntil)) {
        return openUntil;
      }
      state = State.HALF_OPEN;
    }
    // Half open: one probe, and only once the batches sent before the pause have returned.
    return probeInFlight || inFlight > 0 ? UNTIL_A_BATCH_RETURNS : null;
  }

  /** A batch admitted by {@link #admit} goes out; returns whether it is the probe. */
  boolean sent() {
    if (state == State.HALF_OPEN) {
      probeInFlight = true;
      return true;
    }
    return false;
  }

  /** A batch reached the destination (an item was delivered, rejected or opted out). */
  void reached() {
    state = State.CLOSED;
    failures = 0;
    openUntil = Instant.MIN;
  }

  /**
   * A batch failed as a whole at {@code now}.
   *
   * @param retryAfter the pause the destination asked for (already capped by the policy), or null
   * @return true if this opened (or re-opened) the breaker, false if it was open already
   */
  boolean failed(Instant now, @Nullable Duration retryAfter) {
    failures++;
    Instant until = now.plus(policy.probeDelay(failures, retryAfter));
    if (state == State.OPEN) {
      // A batch sent before the pause began: it only ever lengthens the pause.
      if (until.isAfter(openUntil)) {
        openUntil = until;
      }
      return false;
    }
    state = State.OPEN;
    openUntil = until;
    return true;
  }

  /** The probe returned, whatever it found ({@link #reached} or {@link #failed} came first if any). */
  void probeReturned() {
    probeInFlight = false;
  }

  /** Until when the lane is paused; {@link Instant#MIN} unless open. */
  Instant openUntil() {
    return state == State.OPEN ? openUntil : Instant.MIN;
  }
}

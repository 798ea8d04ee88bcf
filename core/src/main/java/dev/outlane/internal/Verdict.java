package dev.outlane.internal;

import java.util.Objects;

/**
 * What an {@link ItemGuard} decided for one item. Immutable.
 *
 * <ul>
 *   <li>{@link Proceed}: the next guard, then the dispatcher (at intake) or the destination (at
 *       delivery), gets the item.
 *   <li>{@link Finish}: the item ends here, as the {@link Completion} says.
 *   <li>{@link RetryLater}: the check could not be made (a store or plug-in failed); the item is
 *       not sent now and is retried by the retry policy, which also decides the delay and ends it
 *       once its attempts are exhausted. Fail closed: never contact someone who could not be checked.
 *   <li>{@link Wait}: another item is delivering the same idempotency key; this one waits as its
 *       follower and is ended or restarted when the leader is final.
 * </ul>
 */
sealed interface Verdict {
  /** The one {@link Proceed}; a verdict on the hot path allocates nothing. */
  Verdict PROCEED = new Proceed();
  /** The one {@link Wait}. */
  Verdict WAIT = new Wait();

  static Verdict finish(Completion completion) {
    return new Finish(completion);
  }

  static Verdict retryLater(String reason) {
    return new RetryLater(reason);
  }

  /** Go on. */
  record Proceed() implements Verdict {}

  /** End the item as {@code completion} says. */
  record Finish(Completion completion) implements Verdict {
    public Finish {
      Objects.requireNonNull(completion, "completion");
    }
  }

  /**
   * Retry the item later; {@code reason} is what its dead letter says if the attempts run out.
   * Consumes one attempt.
   */
  record RetryLater(String reason) implements Verdict {
    public RetryLater {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** Wait for the item delivering the same key. */
  record Wait() implements Verdict {}
}

package dev.outlane.guardrail;

import java.time.Instant;
import java.util.List;

/**
 * Remembers which idempotency keys were delivered, so a duplicate is not delivered again. The engine
 * marks a key only after its delivery succeeded: a failed first attempt never blocks a later one.
 * Duplicates that arrive while the first is still in flight are held by the engine itself, not here.
 *
 * <p>Implementations are thread-safe. Time is passed in by the engine (its injected clock), so
 * expiry is testable without sleeping.
 */
public interface IdempotencyStore {
  /** Whether {@code key} was marked done and has not expired at {@code now}. */
  boolean isDone(String key, Instant now);

  /** Marks {@code key} delivered at {@code now}. */
  void markDone(String key, Instant now);

  /**
   * Marks {@code key} as sent with an <em>unknown</em> outcome on a non-idempotent destination (it
   * was dead-lettered {@code needs-reconciliation}). It blocks duplicates exactly like {@link
   * #markDone}, but {@link #forgetUnknown} can lift it when an operator decides to resend. The
   * default treats it as delivered.
   */
  default void markUnknown(String key, Instant now) {
    markDone(key, now);
  }

  /**
   * Lifts an {@link #markUnknown unknown} mark, so an explicit replay may send the key again. A key
   * marked delivered is left alone: a replay then finds it deduplicated.
   *
   * @return whether an unknown mark was lifted
   */
  default boolean forgetUnknown(String key) {
    return false;
  }

  /**
   * Records that {@code keys} are about to be sent to a non-idempotent destination, and returns
   * only once that record would survive a crash. Its outcome is recorded later by {@link #markDone},
   * {@link #markUnknown} or {@link #clearAttempt}; a key found with an attempt but no outcome after
   * a restart ({@link #attemptUnresolved}) may have acted, so the engine dead-letters it {@code
   * needs-reconciliation} instead of sending it again. Stores that do not survive a restart need
   * not record anything (the default).
   *
   * @throws dev.outlane.OutlaneException if the record could not be made durable; the engine then
   *     does not send
   */
  default void recordAttempts(List<String> keys, Instant now) {}

  /** The attempt on {@code key} ended without acting (rejected, retryable): it may be sent again. */
  default void clearAttempt(String key) {}

  /** Whether {@code key} has an attempt recorded (by an earlier run) and no outcome. */
  default boolean attemptUnresolved(String key) {
    return false;
  }

  /**
   * The in-memory default: at most {@code maxEntries} keys, each kept for {@code ttl} (the dedupe
   * window).
   */
  static IdempotencyStore inMemory(java.time.Duration ttl, int maxEntries) {
    return new InMemoryIdempotencyStore(ttl, maxEntries);
  }
}

package dev.outlane.guardrail;

import java.time.Instant;

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
   * The in-memory default: at most {@code maxEntries} keys, each kept for {@code ttl} (the dedupe
   * window).
   */
  static IdempotencyStore inMemory(java.time.Duration ttl, int maxEntries) {
    return new InMemoryIdempotencyStore(ttl, maxEntries);
  }
}

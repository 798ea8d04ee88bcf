package dev.outlane.internal;

import java.time.Clock;
import java.time.Instant;

/**
 * Takes a slot of the person's frequency cap right before sending, or ends the item {@code
 * FREQUENCY_CAPPED}. The slot is kept on the work ({@link Work#frequencySlot}) so that an outcome
 * that did not act (rejected, retryable, unknown) gives it back ({@link
 * OutcomeHandler#releaseFrequency}). Audience removes are never capped. Thread-safe.
 */
final class FrequencyGuard implements ItemGuard {
  private final FrequencyLimiter limiter;
  private final Clock clock;

  FrequencyGuard(FrequencyLimiter limiter, Clock clock) {
    this.limiter = limiter;
    this.clock = clock;
  }

  @Override
  public Verdict check(Work w) {
    if (w.isRemove()) {
      return Verdict.PROCEED;
    }
    String fk = limiter.key(w.sub.identity.customerId(), w.lane.name);
    Instant slot = limiter.tryAcquire(fk, clock.instant());
    if (slot == null) {
      return Verdict.finish(Completion.frequencyCapped());
    }
    w.frequencyKey = fk;
    w.frequencySlot = slot;
    return Verdict.PROCEED;
  }
}

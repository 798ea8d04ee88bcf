package dev.outlane.internal;

/**
 * Refuses an item the destination could not size ({@code UNDELIVERABLE}) or that is larger than
 * the destination accepts in one item or one request ({@code TOO_LARGE}): it could never be sent,
 * so it is dead-lettered before it takes a place in the queue. Stateless, thread-safe.
 */
final class SizeGuard implements ItemGuard {
  @Override
  public Verdict check(Work w) {
    if (w.unsizable != null) {
      return Verdict.finish(Completion.undeliverable(w.unsizable));
    }
    long maxItem = Math.min(w.lane.limits.maxBytesPerItem(), w.lane.limits.maxBytesPerRequest());
    if (w.size > maxItem) {
      return Verdict.finish(Completion.tooLarge(w.size, maxItem));
    }
    return Verdict.PROCEED;
  }
}

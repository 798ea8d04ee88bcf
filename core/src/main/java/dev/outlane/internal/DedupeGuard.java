package dev.outlane.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Claims the item's idempotency key ({@link InFlightKeys#claim}): a key delivered before ends the
 * item {@code DEDUPLICATED}; a key in flight makes it {@link Verdict#WAIT} as the leader's
 * follower; a key with an attempt an earlier run recorded but never resolved (non-idempotent
 * destinations) ends it for reconciliation, never a second send. Runs last at intake, since a
 * claim must be released by whatever ends the item. Thread-safe.
 */
final class DedupeGuard implements ItemGuard {
  private static final Logger log = LoggerFactory.getLogger("dev.outlane.engine");

  private final InFlightKeys inFlight;

  DedupeGuard(InFlightKeys inFlight) {
    this.inFlight = inFlight;
  }

  @Override
  public Verdict check(Work w) {
    return switch (inFlight.claim(w)) {
      case DUPLICATE -> Verdict.finish(Completion.alreadyDelivered());
      case LEAD_UNRESOLVED -> Verdict.finish(Completion.sentBeforeTheProcessStopped());
      case FOLLOW -> {
        log.debug("{} customer_id={} key={}: duplicate waits for the delivery in flight",
            w.lane.name, w.sub.identity.customerId(), w.key);
        yield Verdict.WAIT;
      }
      case LEAD -> Verdict.PROCEED;
    };
  }
}

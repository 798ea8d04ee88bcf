package dev.outlane.internal;

import dev.outlane.guardrail.SuppressionStore;
import dev.outlane.identity.Identity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses an item whose person is suppressed on the destination's channel. Two instances run: one
 * at intake ({@link #atIntake}: suppressed → {@code SUPPRESSED}; a failing store lets the item be
 * queued, as the delivery-time check decides) and one right before sending ({@link
 * #beforeDelivery}: suppressed meanwhile → {@code SUPPRESSED}; a failing store → retry later, fail
 * closed). Audience removes always proceed. Thread-safe if the store is.
 */
final class SuppressionGuard implements ItemGuard {
  private static final Logger log = LoggerFactory.getLogger("dev.outlane.engine");

  /** What the suppression store says about one person on one channel. */
  enum Suppression {
    CLEAR,
    SUPPRESSED,
    /** The store failed (logged): the caller decides whether to fail closed. */
    UNKNOWN
  }

  private final SuppressionStore store;
  private final boolean beforeDelivery;

  private SuppressionGuard(SuppressionStore store, boolean beforeDelivery) {
    this.store = store;
    this.beforeDelivery = beforeDelivery;
  }

  static SuppressionGuard atIntake(SuppressionStore store) {
    return new SuppressionGuard(store, false);
  }

  static SuppressionGuard beforeDelivery(SuppressionStore store) {
    return new SuppressionGuard(store, true);
  }

  @Override
  public Verdict check(Work w) {
    if (w.isRemove()) {
      return Verdict.PROCEED;
    }
    Suppression s = lookUp(w.sub.identity, w.lane);
    if (s == Suppression.SUPPRESSED) {
      return Verdict.finish(beforeDelivery
          ? Completion.suppressedBeforeDelivery(w.lane.destination.channel())
          : Completion.suppressed(w.lane.destination.channel()));
    }
    if (s == Suppression.UNKNOWN && beforeDelivery) {
      // Fail closed: never contact someone whose suppression could not be checked.
      return Verdict.retryLater("suppression check failed");
    }
    return Verdict.PROCEED;
  }

  private Suppression lookUp(Identity identity, Lane lane) {
    try {
      return store.isSuppressed(identity, lane.destination.channel())
          ? Suppression.SUPPRESSED : Suppression.CLEAR;
    } catch (RuntimeException e) {
      log.error("{} customer_id={}: suppression store failed ({})", lane.name, identity.customerId(),
          e.getClass().getName());
      return Suppression.UNKNOWN;
    }
  }
}

package dev.outlane.internal;

import dev.outlane.contract.Consent;
import dev.outlane.contract.ConsentStatus;

/**
 * Refuses an item whose own event denies consent for the destination's channel. It holds even if
 * the suppression store failed to record that denial at intake. Audience removes always proceed
 * (taking someone out of an audience is what a denial asks for). Stateless, thread-safe.
 */
final class ConsentGuard implements ItemGuard {
  @Override
  public Verdict check(Work w) {
    if (!w.isRemove() && deniedByEvent(w)) {
      return Verdict.finish(Completion.suppressed(w.lane.destination.channel()));
    }
    return Verdict.PROCEED;
  }

  /** Whether the event itself denies consent for the lane's channel. */
  static boolean deniedByEvent(Work w) {
    Consent c = w.sub.event.consent();
    switch (w.lane.destination.channel()) {
      case SMS:
        return c.sms() == ConsentStatus.DENIED;
      case EMAIL:
        return c.email() == ConsentStatus.DENIED;
      case ADS:
        return c.ads() == ConsentStatus.DENIED;
      default:
        return false;
    }
  }
}

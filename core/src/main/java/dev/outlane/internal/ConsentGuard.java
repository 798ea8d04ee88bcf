package dev.outlane.internal;

import dev.outlane.guardrail.SuppressionSource;
import dev.outlane.contract.Consent;
import dev.outlane.contract.ConsentStatus;
import dev.outlane.destination.Channel;
import dev.outlane.guardrail.SuppressionStore;
import dev.outlane.identity.Identity;
import java.util.EnumSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses an item whose own event denies consent for the destination's channel. It holds even if
 * the suppression store failed to record that denial at intake. Audience removes always proceed
 * (taking someone out of an audience is what a denial asks for). Before routing, {@link
 * #recordDenials} turns the event's denials into suppressions, so later events are refused too.
 * Stateless, thread-safe.
 */
final class ConsentGuard implements ItemGuard {
  private static final Logger log = LoggerFactory.getLogger("dev.outlane.engine");

  /** Records each channel {@code consent} denies as a suppression; a store failure is logged. */
  static void recordDenials(SuppressionStore suppression, Identity identity, Consent consent) {
    EnumSet<Channel> denied = EnumSet.noneOf(Channel.class);
    if (consent.sms() == ConsentStatus.DENIED) {
      denied.add(Channel.SMS);
    }
    if (consent.email() == ConsentStatus.DENIED) {
      denied.add(Channel.EMAIL);
    }
    if (consent.ads() == ConsentStatus.DENIED) {
      denied.add(Channel.ADS);
    }
    if (!denied.isEmpty()) {
      try {
        suppression.suppress(identity, denied, SuppressionSource.CONSENT_DENIED);
      } catch (RuntimeException | Error e) {
        // The event is already journaled: keep going. This event's own denied channels are still
        // refused (check() reads the event itself), and the re-check before sending fails closed.
        log.error("customer_id={}: could not record denied consent in the suppression store ({})",
            identity.customerId(), e.getClass().getName());
      }
      log.debug("customer_id={} suppressed on {}: consent denied", identity.customerId(), denied);
    }
  }
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

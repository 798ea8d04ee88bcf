package dev.outlane.internal;

import dev.outlane.guardrail.PreActivationCheck;

/**
 * Asks the user's {@link PreActivationCheck} right before sending whether to skip the item ({@code
 * SKIPPED}: the cart was bought meanwhile). A check that throws, even an {@link Error}, does not
 * let the item through: it is reported once per cause and the item retried later. Audience
 * removes are never skipped. Thread-safe if the check is.
 */
final class PreActivationGuard implements ItemGuard {
  private final PreActivationCheck check;
  private final Failures failures;

  PreActivationGuard(PreActivationCheck check, Failures failures) {
    this.check = check;
    this.failures = failures;
  }

  @Override
  public Verdict check(Work w) {
    if (w.isRemove()) {
      return Verdict.PROCEED;
    }
    boolean skip;
    try {
      skip = check.shouldSkip(w.sub.event, w.sub.identity, w.lane.name);
    } catch (Throwable e) {
      failures.report(w.lane, "the pre-activation check", e);
      return Verdict.retryLater("pre-activation check failed: " + e.getClass().getSimpleName());
    }
    return skip ? Verdict.finish(Completion.skipped()) : Verdict.PROCEED;
  }
}

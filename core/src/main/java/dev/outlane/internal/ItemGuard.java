package dev.outlane.internal;

/**
 * One check on one item, at intake (before it is queued: consent, suppression, size, dedupe) or
 * right before its batch is sent (suppression again, pre-activation check, frequency cap). A guard
 * does one thing and can be tested alone; the engine runs them in order and acts on the first
 * verdict other than {@link Verdict#PROCEED}.
 *
 * <p>A guard runs on the submitting thread (intake) or the destination's delivery thread, one item
 * at a time per item; implementations are thread-safe. It must not throw for a failure it can
 * classify (a store that fails is a {@link Verdict.RetryLater} or, at intake, a {@code Proceed}
 * that the delivery-time re-check fails closed on); anything it does throw ends the item as
 * undeliverable (intake) or as an unknown outcome (delivery).
 */
interface ItemGuard {
  Verdict check(Work w);
}

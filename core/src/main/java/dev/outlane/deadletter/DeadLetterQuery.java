package dev.outlane.deadletter;

import org.jspecify.annotations.Nullable;

/**
 * A filter over dead letters. Null fields match everything.
 *
 * @param destination only this destination
 * @param reason only this reason
 * @param includeResolved whether resolved records are included
 */
public record DeadLetterQuery(
    @Nullable String destination, @Nullable DeadLetterReason reason, boolean includeResolved) {
  /** Every unresolved record. */
  public static DeadLetterQuery unresolved() {
    return new DeadLetterQuery(null, null, false);
  }

  /** Whether {@code d} matches. */
  public boolean matches(DeadLetter d) {
    return (destination == null || destination.equals(d.destination()))
        && (reason == null || reason == d.reason())
        && (includeResolved || !d.resolved());
  }
}

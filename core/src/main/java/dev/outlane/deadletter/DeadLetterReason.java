package dev.outlane.deadletter;

import java.util.Locale;

/** Why a delivery ended in the dead-letter store. The wire form is kebab-case. */
public enum DeadLetterReason {
  /** A non-idempotent destination gave an unknown outcome: check before resending. */
  NEEDS_RECONCILIATION,
  /** Every retry allowed by the retry policy failed. */
  RETRIES_EXHAUSTED,
  /** The destination refused it permanently (invalid number, payload too large…). */
  REJECTED,
  /** The recipient opted out at the destination. */
  OPTED_OUT,
  /** The item could not be sent for a local reason (it exceeds the destination's size limit…). */
  UNDELIVERABLE;

  /** {@code needs-reconciliation}, {@code retries-exhausted}, … */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /**
   * Parses the wire form (or the enum name), any case.
   *
   * @throws IllegalArgumentException naming the reasons that exist
   */
  public static DeadLetterReason fromWireName(String name) {
    String n = name.strip().toUpperCase(Locale.ROOT).replace('-', '_');
    for (DeadLetterReason r : values()) {
      if (r.name().equals(n)) {
        return r;
      }
    }
    throw new IllegalArgumentException("reason: unknown dead-letter reason \"" + name
        + "\" (known: needs-reconciliation, retries-exhausted, rejected, opted-out, undeliverable)");
  }
}

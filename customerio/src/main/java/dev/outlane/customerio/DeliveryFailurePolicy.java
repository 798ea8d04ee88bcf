package dev.outlane.customerio;

/**
 * What {@link CustomerIoReportingReceiver} does with {@code email.bounced}, {@code email.spammed}
 * and {@code sms.undeliverable}.
 */
public enum DeliveryFailurePolicy {
  /**
   * Suppress that channel for the person, source {@code BOUNCE_OR_COMPLAINT} (the default: a hard
   * bounce or a spam complaint means the next send harms the sender's reputation, and a complaint
   * is a withdrawal of consent in all but name). Lifted only by an operator, never by a Customer.io
   * re-subscribe.
   */
  SUPPRESS,
  /** Acknowledge and count, do nothing (for workspaces whose own suppression already covers it). */
  IGNORE
}

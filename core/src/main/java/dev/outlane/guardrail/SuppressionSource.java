package dev.outlane.guardrail;

import java.util.Locale;

/**
 * What caused a suppression. Lifting is scoped by it: a source lifts only what it caused, so a
 * Customer.io re-subscribe never lifts a Twilio STOP, and a Twilio START never lifts a consent
 * denial or an operator's suppression.
 *
 * <p>{@link #code()} is the stable short code kept on disk and shown by the CLI.
 */
public enum SuppressionSource {
  /** The person replied STOP (or another opt-out keyword) to an SMS, reported by Twilio inbound. */
  TWILIO_STOP("twilio-stop"),
  /** A destination answered that the person opted out (e.g. Twilio error 21610 on a send). */
  DESTINATION_OPT_OUT("opted-out"),
  /** Customer.io reported an unsubscribe or a subscription-preference change. */
  CUSTOMERIO("customerio"),
  /** An event carried {@code consent: denied} for the channel. */
  CONSENT_DENIED("consent-denied"),
  /** An email bounce, a spam complaint or an undeliverable SMS, when configured to suppress. */
  BOUNCE_OR_COMPLAINT("bounce-or-complaint"),
  /** An operator or a loaded suppression list. */
  OPERATOR("operator");

  private final String code;

  SuppressionSource(String code) {
    this.code = code;
  }

  /** The stable short code, e.g. {@code twilio-stop}. */
  public String code() {
    return code;
  }

  /**
   * The source a stored reason code stands for. Reasons written before sources were typed map by
   * their code ({@code opted-out}, {@code consent-denied}); any other free-form reason was an
   * operator's.
   */
  public static SuppressionSource fromCode(String code) {
    String c = code.strip().toLowerCase(Locale.ROOT);
    for (SuppressionSource s : values()) {
      if (s.code.equals(c)) {
        return s;
      }
    }
    return OPERATOR;
  }
}

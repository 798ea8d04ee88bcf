package dev.outlane.contract;

import java.util.Objects;

/**
 * Per-channel consent carried by a signal ({@code consent} on the wire). A channel that the payload
 * does not mention is {@link ConsentStatus#UNKNOWN}.
 *
 * @param sms consent for SMS
 * @param email consent for email
 * @param ads consent for paid-media audiences and conversion events
 */
public record Consent(ConsentStatus sms, ConsentStatus email, ConsentStatus ads) {
  /** Consent that says nothing about any channel. */
  public static final Consent UNKNOWN =
      new Consent(ConsentStatus.UNKNOWN, ConsentStatus.UNKNOWN, ConsentStatus.UNKNOWN);

  public Consent {
    Objects.requireNonNull(sms, "sms");
    Objects.requireNonNull(email, "email");
    Objects.requireNonNull(ads, "ads");
  }
}

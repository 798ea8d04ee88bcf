package dev.outlane.destination;

import java.util.Locale;

/**
 * The channel a destination acts on. Suppression and consent are per channel: {@code consent.sms =
 * denied} suppresses {@link #SMS}, {@code consent.ads = denied} suppresses {@link #ADS}.
 */
public enum Channel {
  /** Text messages (Twilio Messaging). */
  SMS,
  /** Email (reserved; no email destination ships yet). */
  EMAIL,
  /** Analytics events (Segment track/identify, conversion events are {@link #ADS}). */
  EVENTS,
  /** Paid-media audiences and conversion APIs (Meta, TikTok, Google). */
  ADS;

  /** The wire and CLI form, lower case. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses {@code sms}, {@code email}, {@code events} or {@code ads}, any case.
   *
   * @throws IllegalArgumentException naming the channels that exist
   */
  public static Channel fromWireName(String name) {
    for (Channel c : values()) {
      if (c.wireName().equalsIgnoreCase(name.strip())) {
        return c;
      }
    }
    throw new IllegalArgumentException(
        "channel: unknown channel \"" + name + "\" (known: sms, email, events, ads)");
  }
}

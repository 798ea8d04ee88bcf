package dev.outlane.contract;

import java.util.Locale;

/** A person's consent for one channel: {@code granted}, {@code denied} or {@code unknown}. */
public enum ConsentStatus {
  GRANTED,
  DENIED,
  UNKNOWN;

  /** The wire form, lower case. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}

package dev.outlane.identity;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A normalized identity: a stable customer id, and optionally an email (NFC, trimmed, lower case)
 * and a phone number in E.164 ({@code +14155551212}).
 *
 * <p>Immutable and thread-safe. {@link #toString()} never prints the email or phone.
 *
 * @param customerId the stable customer id, trimmed and non-blank
 * @param email the normalized email, or null
 * @param phoneE164 the phone in E.164 with a leading {@code +}, or null
 */
public record Identity(String customerId, @Nullable String email, @Nullable String phoneE164) {
  public Identity {
    Objects.requireNonNull(customerId, "customerId");
  }

  /** Redacts email and phone. */
  @Override
  public String toString() {
    return "Identity{customerId="
        + customerId
        + ", email="
        + (email == null ? "null" : "<redacted>")
        + ", phone="
        + (phoneE164 == null ? "null" : "<redacted>")
        + "}";
  }
}

package dev.outlane.audience;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One member of a segment as the source gives it: raw, not yet normalized.
 *
 * <p>Immutable. {@link #toString()} redacts the email and phone.
 *
 * @param customerId the stable customer id (the member's key across syncs)
 * @param email the raw email, or null
 * @param phone the raw phone, or null
 */
public record RawMember(String customerId, @Nullable String email, @Nullable String phone) {
  public RawMember {
    Objects.requireNonNull(customerId, "customerId");
  }

  @Override
  public String toString() {
    return "RawMember{customerId=" + customerId
        + ", email=" + (email == null ? "null" : "<redacted>")
        + ", phone=" + (phone == null ? "null" : "<redacted>") + "}";
  }
}

package dev.outlane.hashing;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Identifiers exactly as one destination must receive them: SHA-256 lower-case hex of the profile's
 * normalized email and phone, plus the customer id as the external id (not hashed; destinations that
 * want it hashed call {@link Sha256#hex}).
 *
 * @param profile the name of the profile that produced these values
 * @param externalId the customer id, unhashed
 * @param emailSha256 64 lower-case hex chars, or null
 * @param phoneSha256 64 lower-case hex chars, or null
 */
public record HashedIdentity(
    String profile, String externalId, @Nullable String emailSha256, @Nullable String phoneSha256) {
  public HashedIdentity {
    Objects.requireNonNull(profile, "profile");
    Objects.requireNonNull(externalId, "externalId");
  }
}

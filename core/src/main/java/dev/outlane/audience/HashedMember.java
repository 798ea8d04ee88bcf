package dev.outlane.audience;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One member as an audience sink sends it: identifiers hashed with the sync's hashing profile.
 *
 * <p>The sync sends email and phone hashes only, never the customer id, so that a remove carries
 * exactly the identifiers the matching add carried (the snapshot keeps hashes, not customer ids).
 *
 * @param key 32 hex chars identifying the member across syncs (a prefix of SHA-256 of the customer id)
 * @param emailSha256 64 lower-case hex chars, or null
 * @param phoneSha256 64 lower-case hex chars, or null
 */
public record HashedMember(String key, @Nullable String emailSha256, @Nullable String phoneSha256) {
  public HashedMember {
    Objects.requireNonNull(key, "key");
  }
}

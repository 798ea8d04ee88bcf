package dev.outlane.guardrail;

import dev.outlane.destination.Channel;
import dev.outlane.identity.Identity;
import java.util.Set;

/**
 * Who must not be activated on which channel. A person matches a suppression if their customer id,
 * email or phone matches a suppressed one, so an opt-out reported for a phone number also stops an
 * event that carries only the same phone under another customer id.
 *
 * <p>Implementations are thread-safe. Stores keep hashes of email and phone, never raw values.
 */
public interface SuppressionStore {
  /** Whether {@code identity} is suppressed on {@code channel}. */
  boolean isSuppressed(Identity identity, Channel channel);

  /**
   * Suppresses {@code identity} on each of {@code channels} from now on.
   *
   * @param reason a short code such as {@code opted-out} or {@code consent-denied}
   */
  void suppress(Identity identity, Set<Channel> channels, String reason);

  /** Suppresses {@code identity} on every channel. */
  default void suppressEverywhere(Identity identity, String reason) {
    suppress(identity, Set.of(Channel.values()), reason);
  }
}

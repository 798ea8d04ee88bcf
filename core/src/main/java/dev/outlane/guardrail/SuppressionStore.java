package dev.outlane.guardrail;

import dev.outlane.destination.Channel;
import dev.outlane.identity.Identity;
import java.util.List;
import java.util.Set;

/**
 * Who must not be activated on which channel. A person matches a suppression if their customer id,
 * email or phone matches a suppressed one, so an opt-out reported for a phone number also stops an
 * event that carries only the same phone under another customer id.
 *
 * <p>Each suppression records its {@link SuppressionSource}; {@link #lift} is scoped by it (a source
 * lifts only what it caused). An {@link Identity} whose customer id is empty stands for a person
 * known only by email or phone (an inbound Twilio STOP): it is matched by those alone.
 *
 * <p>Implementations are thread-safe. Stores keep hashes of email and phone, never raw values.
 */
public interface SuppressionStore {
  /** Whether {@code identity} is suppressed on {@code channel}. */
  boolean isSuppressed(Identity identity, Channel channel);

  /**
   * Suppresses {@code identity} on each of {@code channels} from now on.
   *
   * @param reason a short code such as {@code opted-out} or {@code consent-denied}; the stores that
   *     ship read it as {@link SuppressionSource#fromCode}
   */
  void suppress(Identity identity, Set<Channel> channels, String reason);

  /**
   * Suppresses {@code identity} on each of {@code channels}, recording {@code source} as the cause
   * so that only the same source can {@linkplain #lift lift} it. The default records {@code
   * source.code()} as the reason.
   */
  default void suppress(Identity identity, Set<Channel> channels, SuppressionSource source) {
    suppress(identity, channels, source.code());
  }

  /**
   * Lifts the suppressions {@code source} caused on {@code channels} for {@code identity}; a
   * suppression another source caused on the same channel stays (a Customer.io re-subscribe never
   * lifts a Twilio STOP).
   *
   * @return the channels on which a suppression by {@code source} was lifted (empty if none)
   * @throws UnsupportedOperationException if this store cannot lift (the default)
   */
  default Set<Channel> lift(Identity identity, Set<Channel> channels, SuppressionSource source) {
    throw new UnsupportedOperationException(
        getClass().getSimpleName() + " cannot lift suppressions");
  }

  /**
   * Every suppressed identifier, hashed, with what suppressed it: for an operator's listing. A
   * weakly consistent snapshot (a suppression added meanwhile may or may not appear).
   *
   * @throws UnsupportedOperationException if this store cannot list (the default)
   */
  default List<SuppressionEntry> list() {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot list suppressions");
  }

  /** Suppresses {@code identity} on every channel. */
  default void suppressEverywhere(Identity identity, String reason) {
    suppress(identity, Set.of(Channel.values()), reason);
  }
}

package dev.outlane.guardrail;

import dev.outlane.destination.Channel;
import dev.outlane.identity.Identity;
import java.util.List;
import java.util.Set;

/**
 * The in-memory {@link SuppressionStore}: suppressions by SHA-256 of the customer id, of the
 * normalized email and of the E.164 phone (raw values are never kept), so a person matches if any
 * of the three matches. Forgotten when the process ends; {@link FileSuppressionStore} keeps the same
 * keys on disk.
 *
 * <p>Deliberately not size-bounded: it is a list of people who must not be contacted, and evicting an
 * entry would contact them. It grows by about 100 bytes per suppressed identifier (up to three per
 * person); use a durable store for large lists. Thread-safe.
 */
public final class InMemorySuppressionStore implements SuppressionStore {
  private final SuppressionIndex index = new SuppressionIndex();

  @Override
  public boolean isSuppressed(Identity identity, Channel channel) {
    return index.matches(SuppressionIndex.keysOf(identity), channel);
  }

  @Override
  public void suppress(Identity identity, Set<Channel> channels, String reason) {
    index.add(SuppressionIndex.keysOf(identity), SuppressionIndex.mask(channels));
  }

  /** Suppresses a customer id on {@code channels} (e.g. loading a suppression list at start-up). */
  public void suppressCustomer(String customerId, Set<Channel> channels) {
    index.add(List.of(SuppressionIndex.customerKey(customerId)), SuppressionIndex.mask(channels));
  }

  /** How many identifiers (customer ids, email hashes, phone hashes) carry a suppression. */
  public int size() {
    return index.size();
  }
}

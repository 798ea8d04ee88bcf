package dev.outlane.guardrail;

import dev.outlane.destination.Channel;
import dev.outlane.identity.Identity;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The in-memory {@link SuppressionStore}: suppressions by SHA-256 of the customer id, of the
 * normalized email and of the E.164 phone (raw values are never kept), so a person matches if any
 * of the three matches. Each suppression remembers its {@link SuppressionSource}, and {@link #lift}
 * clears only that source's. Forgotten when the process ends; {@link FileSuppressionStore} keeps the
 * same keys on disk.
 *
 * <p>Deliberately not size-bounded: it is a list of people who must not be contacted, and evicting an
 * entry would contact them. It grows by about 116 bytes per suppressed identifier (up to three per
 * person); use a durable store for large lists. Thread-safe.
 */
public final class InMemorySuppressionStore implements SuppressionStore {
  private final SuppressionIndex index = new SuppressionIndex();

  @Override
  public boolean isSuppressed(Identity identity, Channel channel) {
    return index.matches(SuppressionIndex.keysOf(identity), channel);
  }

  /** Suppresses with the source {@link SuppressionSource#fromCode reason} stands for. */
  @Override
  public void suppress(Identity identity, Set<Channel> channels, String reason) {
    suppress(identity, channels, SuppressionSource.fromCode(reason));
  }

  @Override
  public void suppress(Identity identity, Set<Channel> channels, SuppressionSource source) {
    Objects.requireNonNull(source, "source");
    index.add(SuppressionIndex.keysOf(identity), SuppressionIndex.bits(channels, source));
  }

  @Override
  public Set<Channel> lift(Identity identity, Set<Channel> channels, SuppressionSource source) {
    Objects.requireNonNull(source, "source");
    int lifted = index.lift(SuppressionIndex.keysOf(identity), SuppressionIndex.bits(channels, source));
    return SuppressionIndex.channelsOf(lifted);
  }

  /** Suppresses a customer id on {@code channels} (e.g. loading a suppression list at start-up). */
  public void suppressCustomer(String customerId, Set<Channel> channels) {
    index.add(List.of(SuppressionIndex.customerKey(customerId)),
        SuppressionIndex.bits(channels, SuppressionSource.OPERATOR));
  }

  @Override
  public List<SuppressionEntry> list() {
    List<SuppressionEntry> entries = new ArrayList<>();
    index.forEach((k, bits) -> entries.add(SuppressionEntry.of(k, bits)));
    return entries;
  }

  /** How many identifiers (customer ids, email hashes, phone hashes) carry a suppression. */
  public int size() {
    return index.size();
  }
}

package dev.outlane.guardrail;

import dev.outlane.destination.Channel;
import dev.outlane.hashing.Sha256;
import dev.outlane.identity.Identity;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The in-memory {@link SuppressionStore}: suppressions by customer id, by SHA-256 of the normalized
 * email and by SHA-256 of the E.164 phone (raw values are never kept), so a person matches if any of
 * the three matches.
 *
 * <p>Deliberately not size-bounded: it is a list of people who must not be contacted, and evicting an
 * entry would contact them. It grows with the number of suppressed people; use a durable store for
 * large lists. Thread-safe.
 */
public final class InMemorySuppressionStore implements SuppressionStore {
  private final Map<String, Set<Channel>> byKey = new ConcurrentHashMap<>();

  @Override
  public boolean isSuppressed(Identity identity, Channel channel) {
    return has("c:" + identity.customerId(), channel)
        || has(emailKey(identity.email()), channel)
        || has(phoneKey(identity.phoneE164()), channel);
  }

  @Override
  public void suppress(Identity identity, Set<Channel> channels, String reason) {
    if (channels.isEmpty()) {
      return;
    }
    add("c:" + identity.customerId(), channels);
    add(emailKey(identity.email()), channels);
    add(phoneKey(identity.phoneE164()), channels);
  }

  /** Suppresses a customer id on {@code channels} (e.g. loading a suppression list at start-up). */
  public void suppressCustomer(String customerId, Set<Channel> channels) {
    add("c:" + customerId.strip(), channels);
  }

  /** How many identifiers (customer ids, email hashes, phone hashes) carry a suppression. */
  public int size() {
    return byKey.size();
  }

  private boolean has(@Nullable String key, Channel channel) {
    if (key == null) {
      return false;
    }
    Set<Channel> set = byKey.get(key);
    return set != null && set.contains(channel);
  }

  private void add(@Nullable String key, Set<Channel> channels) {
    if (key == null) {
      return;
    }
    byKey.compute(key, (k, old) -> {
      EnumSet<Channel> merged = old == null ? EnumSet.noneOf(Channel.class) : EnumSet.copyOf(old);
      merged.addAll(channels);
      return Set.copyOf(merged);
    });
  }

  private static @Nullable String emailKey(@Nullable String email) {
    return email == null ? null : "e:" + Sha256.hex(email);
  }

  private static @Nullable String phoneKey(@Nullable String phone) {
    return phone == null ? null : "p:" + Sha256.hex(phone);
  }
}

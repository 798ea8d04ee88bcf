package dev.outlane.guardrail;

import dev.outlane.destination.Channel;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One suppressed identifier as {@link SuppressionStore#list()} reports it: which kind of identifier,
 * its SHA-256 (never the raw value: the store does not have it) and, per {@link SuppressionSource},
 * the channels that source suppressed. What an operator's {@code outlane suppressions list} shows.
 *
 * <p>Immutable and thread-safe.
 */
public final class SuppressionEntry {
  /** What the hashed identifier was. */
  public enum Kind {
    /** A customer id (SHA-256 of the trimmed id). */
    CUSTOMER_ID,
    /** A normalized email (SHA-256 of it). */
    EMAIL,
    /** An E.164 phone (SHA-256 of it). */
    PHONE
  }

  private final Kind kind;
  private final String sha256;
  private final Map<SuppressionSource, Set<Channel>> channelsBySource;

  private SuppressionEntry(Kind kind, String sha256, Map<SuppressionSource, Set<Channel>> bySource) {
    this.kind = kind;
    this.sha256 = sha256;
    this.channelsBySource = Collections.unmodifiableMap(bySource);
  }

  static SuppressionEntry of(SuppressionIndex.Key key, int bits) {
    Kind kind = switch (key.kind()) {
      case SuppressionIndex.EMAIL -> Kind.EMAIL;
      case SuppressionIndex.PHONE -> Kind.PHONE;
      default -> Kind.CUSTOMER_ID;
    };
    String hex = String.format(Locale.ROOT, "%016x%016x%016x%016x", key.h0(), key.h1(), key.h2(), key.h3());
    EnumMap<SuppressionSource, Set<Channel>> bySource = new EnumMap<>(SuppressionSource.class);
    for (SuppressionSource s : SuppressionIndex.sourcesOf(bits)) {
      bySource.put(s, Collections.unmodifiableSet(SuppressionIndex.channelsOf(bits, s)));
    }
    return new SuppressionEntry(kind, hex, bySource);
  }

  /** What the identifier was. */
  public Kind kind() {
    return kind;
  }

  /** The identifier's SHA-256, 64 lower-case hex digits. */
  public String sha256() {
    return sha256;
  }

  /** Per source, the channels it suppressed; never empty. */
  public Map<SuppressionSource, Set<Channel>> channelsBySource() {
    return channelsBySource;
  }

  /** Every channel suppressed, by any source. */
  public Set<Channel> channels() {
    java.util.EnumSet<Channel> all = java.util.EnumSet.noneOf(Channel.class);
    channelsBySource.values().forEach(all::addAll);
    return all;
  }

  @Override
  public String toString() {
    return "SuppressionEntry{" + kind + " " + sha256.substring(0, 16) + "…, " + channelsBySource + "}";
  }
}

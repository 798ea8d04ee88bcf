package dev.outlane.postgres;

import dev.outlane.destination.Channel;
import dev.outlane.guardrail.SuppressionSource;
import dev.outlane.guardrail.SuppressionStore;
import dev.outlane.identity.Identity;
import dev.outlane.storage.StorageException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.StringJoiner;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * A {@link SuppressionStore} shared by every Outlane instance on one PostgreSQL database: a STOP
 * seen by one instance is honoured by all, at once (every check reads the table; nothing is cached).
 * One row per hashed identifier, channel and source in {@code outlane_suppression} (see {@code
 * V1__shared_state.sql}).
 *
 * <pre>{@code
 * SuppressionStore store = PostgresSuppressionStore.builder().dataSource(dataSource).build();
 * Outlane.builder().suppressionStore(store)...
 * }</pre>
 *
 * <h2>Keys: hashes only</h2>
 *
 * A person is keyed exactly as core's in-memory and file stores key them: the SHA-256 of the UTF-8
 * customer id, of the normalized email and of the E.164 phone, each tagged with its kind ({@code c},
 * {@code e}, {@code p}), so a person matches if any of the three matches and no raw value ever
 * reaches the database. The same person gives the same 1 + 32 bytes here as in a {@code
 * FileSuppressionStore} record.
 *
 * <h2>Typed and scoped</h2>
 *
 * Each row records its {@link SuppressionSource} ({@code source}, by {@link SuppressionSource#code()})
 * and the reason given. {@link #lift} removes only the rows of the lifting source: a Customer.io
 * re-subscribe never lifts a Twilio STOP, which stays as its own row on the same channel. A free-form
 * reason passed to {@link #suppress(Identity, Set, String)} is typed by {@link
 * SuppressionSource#fromCode} (an unknown reason is an operator's).
 *
 * <p>Never evicts: a row is removed only by a lift. Thread-safe; each call borrows one connection.
 * Failures throw {@link StorageException} without any identifier in the message; the engine treats
 * a failed check as it treats any store failure.
 */
public final class PostgresSuppressionStore implements SuppressionStore {
  /** The longest reason kept, as in the file store; reasons are short codes. */
  static final int MAX_REASON_CHARS = 255;

  private static final char CUSTOMER = 'c';
  private static final char EMAIL = 'e';
  private static final char PHONE = 'p';

  private final DataSource dataSource;

  private PostgresSuppressionStore(Builder b) {
    this.dataSource = Objects.requireNonNull(b.dataSource, "dataSource is required");
  }

  /** A builder; {@code dataSource} is required. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public boolean isSuppressed(Identity identity, Channel channel) {
    List<Key> keys = keysOf(identity);
    String sql = "SELECT 1 FROM outlane_suppression WHERE channel = ? AND (key_hash, key_kind) IN ("
        + placeholders(keys.size()) + ") LIMIT 1";
    return Jdbc.run(dataSource, "check a suppression", c -> {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setString(1, channel.wireName());
        bindKeys(ps, 2, keys);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next();
        }
      }
    });
  }

  /** Suppresses with the source {@link SuppressionSource#fromCode} gives {@code reason}. */
  @Override
  public void suppress(Identity identity, Set<Channel> channels, String reason) {
    insert(keysOf(identity), channels, SuppressionSource.fromCode(reason), reason);
  }

  @Override
  public void suppress(Identity identity, Set<Channel> channels, SuppressionSource source) {
    insert(keysOf(identity), channels, source, source.code());
  }

  /**
   * Suppresses a customer id on {@code channels} for {@code source} (e.g. loading a suppression
   * list at start-up); the id is stripped first, as in the in-memory store.
   */
  public void suppressCustomer(String customerId, Set<Channel> channels, SuppressionSource source) {
    insert(List.of(Key.of(CUSTOMER, customerId.strip())), channels, source, source.code());
  }

  private void insert(List<Key> keys, Set<Channel> channels, SuppressionSource source, String reason) {
    Objects.requireNonNull(source, "source");
    if (channels.isEmpty()) {
      return;
    }
    String kept = reason.length() > MAX_REASON_CHARS ? reason.substring(0, MAX_REASON_CHARS) : reason;
    Jdbc.inTransaction(dataSource, "record a suppression", c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO outlane_suppression"
          + " (key_kind, key_hash, channel, source, reason) VALUES (?, ?, ?, ?, ?)"
          + " ON CONFLICT DO NOTHING")) {
        for (Key k : keys) {
          for (Channel ch : channels) {
            ps.setString(1, String.valueOf(k.kind));
            ps.setBytes(2, k.hash);
            ps.setString(3, ch.wireName());
            ps.setString(4, source.code());
            ps.setString(5, kept);
            ps.addBatch();
          }
        }
        return ps.executeBatch();
      }
    });
  }

  /**
   * Lifts what {@code source} caused on {@code channels} for any of {@code identity}'s keys; rows of
   * other sources stay.
   *
   * @return the channels on which a row of {@code source} was removed
   */
  @Override
  public Set<Channel> lift(Identity identity, Set<Channel> channels, SuppressionSource source) {
    Objects.requireNonNull(source, "source");
    if (channels.isEmpty()) {
      return Set.of();
    }
    List<Key> keys = keysOf(identity);
    List<Channel> asked = List.copyOf(channels);
    String sql = "DELETE FROM outlane_suppression WHERE source = ? AND channel IN ("
        + String.join(", ", java.util.Collections.nCopies(asked.size(), "?"))
        + ") AND (key_hash, key_kind) IN (" + placeholders(keys.size()) + ") RETURNING channel";
    return Jdbc.run(dataSource, "lift a suppression", c -> {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        int i = 1;
        ps.setString(i++, source.code());
        for (Channel ch : asked) {
          ps.setString(i++, ch.wireName());
        }
        bindKeys(ps, i, keys);
        Set<Channel> lifted = EnumSet.noneOf(Channel.class);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            lifted.add(Channel.fromWireName(rs.getString(1)));
          }
        }
        return Set.copyOf(lifted);
      }
    });
  }

  @Override
  public String toString() {
    return "PostgresSuppressionStore";
  }

  private static String placeholders(int keys) {
    StringJoiner j = new StringJoiner(", ");
    for (int i = 0; i < keys; i++) {
      j.add("(?, ?)");
    }
    return j.toString();
  }

  private static void bindKeys(PreparedStatement ps, int from, List<Key> keys)
      throws java.sql.SQLException {
    int i = from;
    for (Key k : keys) {
      ps.setBytes(i++, k.hash);
      ps.setString(i++, String.valueOf(k.kind));
    }
  }

  /** The keys of {@code identity}: customer id always, email and phone when present. */
  static List<Key> keysOf(Identity identity) {
    List<Key> keys = new ArrayList<>(3);
    keys.add(Key.of(CUSTOMER, identity.customerId())); // already stripped by the normalizer
    String email = identity.email();
    if (email != null) {
      keys.add(Key.of(EMAIL, email));
    }
    String phone = identity.phoneE164();
    if (phone != null) {
      keys.add(Key.of(PHONE, phone));
    }
    return keys;
  }

  /** A hashed identifier: its kind and the SHA-256 of its UTF-8 value. */
  static final class Key {
    final char kind;
    final byte[] hash;

    private Key(char kind, byte[] hash) {
      this.kind = kind;
      this.hash = hash;
    }

    static Key of(char kind, String value) {
      try {
        return new Key(kind, MessageDigest.getInstance("SHA-256")
            .digest(value.getBytes(StandardCharsets.UTF_8)));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("every JVM has SHA-256", e);
      }
    }

    @Override
    public String toString() {
      return kind + ":" + String.format("%02x%02x%02x%02x", hash[0], hash[1], hash[2], hash[3]) + "…";
    }
  }

  /** Builds a {@link PostgresSuppressionStore}. Not thread-safe. */
  public static final class Builder {
    private @Nullable DataSource dataSource;

    private Builder() {}

    /** Where {@code outlane_suppression} lives (required; migrated, see {@link OutlaneSchema}). */
    public Builder dataSource(DataSource dataSource) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
      return this;
    }

    /**
     * The store.
     *
     * @throws IllegalStateException if no data source was set
     */
    public PostgresSuppressionStore build() {
      if (dataSource == null) {
        throw new IllegalStateException("dataSource is required");
      }
      return new PostgresSuppressionStore(this);
    }
  }
}

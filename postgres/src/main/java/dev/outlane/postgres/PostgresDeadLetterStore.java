package dev.outlane.postgres;

import dev.outlane.deadletter.DeadLetter;
import dev.outlane.deadletter.DeadLetterQuery;
import dev.outlane.deadletter.DeadLetterReason;
import dev.outlane.deadletter.DeadLetterStore;
import dev.outlane.journal.EventSerializer;
import dev.outlane.storage.StorageException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link DeadLetterStore} shared by every Outlane instance on one PostgreSQL database: any
 * instance lists and replays what any instance dead-lettered, and replays claim records so that two
 * operators replaying at once send each record once. One row per record in {@code
 * outlane_dead_letter} (see {@code V1__shared_state.sql}); nothing is ever deleted.
 *
 * <pre>{@code
 * PostgresDeadLetterStore deadLetters = PostgresDeadLetterStore.builder()
 *     .dataSource(dataSource)
 *     .serializer(EventSerializer.json(codec))
 *     .build();
 * Outlane serving = Outlane.builder().deadLetterStore(deadLetters)...;            // adds
 * Outlane replaying = Outlane.builder().deadLetterStore(deadLetters.claimingReplays())...;
 * replaying.replayDeadLetters(DeadLetterQuery.unresolved());                       // claims
 * }</pre>
 *
 * <h2>Replay claims</h2>
 *
 * The engine replays what its store's {@code list} returns, and resolves each record it delivered.
 * {@link #claimingReplays()} is this store as a replaying client should see it: its {@code list}
 * <em>claims</em> the matching unresolved records ({@code UPDATE … WHERE id IN (SELECT … FOR UPDATE
 * SKIP LOCKED)}) for {@link Builder#replayLease} and returns only those, so a record claimed by
 * another replay in progress is not seen at all. A claim ends when the record is resolved or
 * dead-lettered again (the engine re-adds a record whose replay failed, which releases it), or
 * when its lease runs out (its replaying process died). {@link #claim} and {@link #release} are the
 * same mechanism for callers that drive a replay themselves.
 *
 * <h2>Contents</h2>
 *
 * The event is kept in the {@link EventSerializer}'s bytes, which carry the raw email and phone
 * (like the file store, unencrypted): restrict the table like the events themselves. Every other
 * column is free of PII. Times are kept to the microsecond (PostgreSQL's precision). A record whose
 * event the serializer cannot read stays in the table; {@code list} skips it and logs its id.
 *
 * <p>Thread-safe; each call borrows one connection. Failures throw {@link StorageException}, whose
 * messages never hold record contents.
 */
public final class PostgresDeadLetterStore implements DeadLetterStore {
  private static final Logger log = LoggerFactory.getLogger(PostgresDeadLetterStore.class);

  /** How long a replay's claim keeps other replays off a record: far above one replay chunk. */
  public static final Duration DEFAULT_REPLAY_LEASE = Duration.ofMinutes(10);

  private static final String COLUMNS = "id, destination, reason, idempotency_key, detail,"
      + " error_code, attempts, first_attempt, last_attempt, resolved, event";

  private static final String UPSERT = "INSERT INTO outlane_dead_letter (" + COLUMNS + ")"
      + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
      + " ON CONFLICT (id) DO UPDATE SET destination = EXCLUDED.destination,"
      + " reason = EXCLUDED.reason, idempotency_key = EXCLUDED.idempotency_key,"
      + " detail = EXCLUDED.detail, error_code = EXCLUDED.error_code, attempts = EXCLUDED.attempts,"
      + " first_attempt = EXCLUDED.first_attempt, last_attempt = EXCLUDED.last_attempt,"
      + " resolved = EXCLUDED.resolved, event = EXCLUDED.event,"
      + " claimed_by = NULL, claimed_until = NULL";

  private final DataSource dataSource;
  private final EventSerializer serializer;
  private final Duration replayLease;
  private final Clock clock;
  private final String claimant;

  private PostgresDeadLetterStore(Builder b) {
    this.dataSource = Objects.requireNonNull(b.dataSource, "dataSource is required");
    this.serializer = Objects.requireNonNull(b.serializer, "serializer is required");
    this.replayLease = b.replayLease;
    this.clock = b.clock;
    this.claimant = "replay-" + UUID.randomUUID();
  }

  /** A builder; {@code dataSource} and {@code serializer} are required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Stores {@code deadLetter}, replacing a record with the same id (a replay that failed again)
   * and releasing any replay claim on it. Returns once committed.
   *
   * @throws StorageException if it could not be stored
   */
  @Override
  public void add(DeadLetter deadLetter) {
    byte[] event = serializer.write(deadLetter.event());
    Jdbc.run(dataSource, "store a dead letter", c -> {
      try (PreparedStatement ps = c.prepareStatement(UPSERT)) {
        ps.setString(1, deadLetter.id());
        ps.setString(2, deadLetter.destination());
        ps.setString(3, deadLetter.reason().wireName());
        ps.setString(4, deadLetter.idempotencyKey());
        ps.setString(5, deadLetter.detail());
        ps.setString(6, deadLetter.errorCode());
        ps.setInt(7, deadLetter.attempts());
        ps.setObject(8, Jdbc.at(deadLetter.firstAttempt()));
        ps.setObject(9, Jdbc.at(deadLetter.lastAttempt()));
        ps.setBoolean(10, deadLetter.resolved());
        ps.setBytes(11, event);
        return ps.executeUpdate();
      }
    });
  }

  /** The matching records, oldest first; claims are ignored (listing is not replaying). */
  @Override
  public List<DeadLetter> list(DeadLetterQuery query) {
    Filter f = Filter.of(query);
    String sql = "SELECT " + COLUMNS + " FROM outlane_dead_letter WHERE " + f.where + " ORDER BY seq";
    return Jdbc.run(dataSource, "list dead letters", c -> {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        f.bind(ps, 1);
        return read(ps);
      }
    });
  }

  /**
   * Marks a record resolved and ends any claim on it.
   *
   * @return false if no record has that id
   */
  @Override
  public boolean markResolved(String id) {
    return Jdbc.run(dataSource, "resolve a dead letter", c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE outlane_dead_letter SET resolved ="
          + " true, claimed_by = NULL, claimed_until = NULL WHERE id = ?")) {
        ps.setString(1, id);
        return ps.executeUpdate() > 0;
      }
    });
  }

  /**
   * Claims the unresolved records matching {@code query} that no other live claim holds, for
   * {@link Builder#replayLease} from {@code now}, and returns them oldest first. Records another
   * replay holds are skipped without waiting ({@code SKIP LOCKED}), so concurrent claimers get
   * disjoint sets. Records this store already holds are not returned again (so claiming in batches
   * makes progress); they come back once resolved-or-re-added, released, or their lease ran out.
   *
   * @param limit at most this many records
   * @throws IllegalArgumentException if {@code limit < 1}
   * @throws StorageException if the database failed
   */
  public List<DeadLetter> claim(DeadLetterQuery query, int limit, Instant now) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit: must be ≥ 1, was " + limit);
    }
    Filter f = Filter.of(new DeadLetterQuery(query.destination(), query.reason(), false));
    String sql = "UPDATE outlane_dead_letter SET claimed_by = ?, claimed_until = ? WHERE id IN ("
        + "SELECT id FROM outlane_dead_letter WHERE " + f.where
        + " AND (claimed_until IS NULL OR claimed_until <= ?)"
        + " ORDER BY seq LIMIT ? FOR UPDATE SKIP LOCKED) RETURNING seq, " + COLUMNS;
    return Jdbc.run(dataSource, "claim dead letters", c -> {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setString(1, claimant);
        ps.setObject(2, Jdbc.at(now.plus(replayLease)));
        int i = f.bind(ps, 3);
        ps.setObject(i++, Jdbc.at(now));
        ps.setInt(i, limit);
        List<Claimed> claimed = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            DeadLetter d = row(rs, 2);
            if (d != null) {
              claimed.add(new Claimed(rs.getLong(1), d));
            }
          }
        }
        claimed.sort(Comparator.comparingLong(Claimed::seq)); // RETURNING has no order
        List<DeadLetter> out = new ArrayList<>(claimed.size());
        for (Claimed x : claimed) {
          out.add(x.deadLetter);
        }
        return out;
      }
    });
  }

  /**
   * Ends this store's claim on record {@code id} without resolving it, so another replay may take
   * it at once.
   *
   * @return false if this store held no claim on it
   */
  public boolean release(String id) {
    return Jdbc.run(dataSource, "release a dead-letter claim", c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE outlane_dead_letter SET claimed_by ="
          + " NULL, claimed_until = NULL WHERE id = ? AND claimed_by = ?")) {
        ps.setString(1, id);
        ps.setString(2, claimant);
        return ps.executeUpdate() > 0;
      }
    });
  }

  /**
   * This store as a replaying client should see it: {@code list} {@linkplain #claim claims} what it
   * returns (every matching unresolved record no other replay holds; resolved records are not
   * returned), {@code add} and {@code markResolved} are this store's. Give it to the {@code Outlane}
   * that runs {@code replayDeadLetters}. Records the engine lists but skips (a {@code
   * needs-reconciliation} record without {@code resendUnknownOutcomes}, an unregistered
   * destination) stay claimed until their lease runs out.
   */
  public DeadLetterStore claimingReplays() {
    return new DeadLetterStore() {
      @Override
      public void add(DeadLetter deadLetter) {
        PostgresDeadLetterStore.this.add(deadLetter);
      }

      @Override
      public List<DeadLetter> list(DeadLetterQuery query) {
        return claim(query, Integer.MAX_VALUE, clock.instant());
      }

      @Override
      public boolean markResolved(String id) {
        return PostgresDeadLetterStore.this.markResolved(id);
      }

      @Override
      public String toString() {
        return "PostgresDeadLetterStore.claimingReplays";
      }
    };
  }

  @Override
  public String toString() {
    return "PostgresDeadLetterStore{replayLease=" + replayLease + "}";
  }

  private List<DeadLetter> read(PreparedStatement ps) throws SQLException {
    List<DeadLetter> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        DeadLetter d = row(rs, 1);
        if (d != null) {
          out.add(d);
        }
      }
    }
    return out;
  }

  private @Nullable DeadLetter row(ResultSet rs, int from) throws SQLException {
    int i = from;
    String id = rs.getString(i++);
    DeadLetter.Builder b = DeadLetter.builder().id(id)
        .destination(rs.getString(i++))
        .reason(DeadLetterReason.fromWireName(rs.getString(i++)))
        .idempotencyKey(rs.getString(i++))
        .detail(rs.getString(i++))
        .errorCode(rs.getString(i++))
        .attempts(rs.getInt(i++))
        .firstAttempt(rs.getObject(i++, OffsetDateTime.class).toInstant())
        .lastAttempt(rs.getObject(i++, OffsetDateTime.class).toInstant())
        .resolved(rs.getBoolean(i++));
    byte[] event = rs.getBytes(i);
    try {
      return b.event(serializer.read(event)).build();
    } catch (RuntimeException e) {
      // Kept in the table (nothing is dropped); reported by id and exception type, never contents.
      log.warn("dead letter {}: its event cannot be read by this serializer ({}); skipped", id,
          e.getClass().getName());
      return null;
    }
  }

  private record Claimed(long seq, DeadLetter deadLetter) {}

  /** A {@link DeadLetterQuery} as a WHERE clause with its parameters. */
  private record Filter(String where, @Nullable String destination, @Nullable String reason) {
    static Filter of(DeadLetterQuery q) {
      StringBuilder w = new StringBuilder("true");
      if (q.destination() != null) {
        w.append(" AND destination = ?");
      }
      if (q.reason() != null) {
        w.append(" AND reason = ?");
      }
      if (!q.includeResolved()) {
        w.append(" AND NOT resolved");
      }
      return new Filter(w.toString(), q.destination(),
          q.reason() == null ? null : q.reason().wireName());
    }

    /** Binds the parameters from {@code index}; returns the next free index. */
    int bind(PreparedStatement ps, int index) throws SQLException {
      int i = index;
      if (destination != null) {
        ps.setString(i++, destination);
      }
      if (reason != null) {
        ps.setString(i++, reason);
      }
      return i;
    }
  }

  /** Builds a {@link PostgresDeadLetterStore}; validates each value as it is set. Not thread-safe. */
  public static final class Builder {
    private @Nullable DataSource dataSource;
    private @Nullable EventSerializer serializer;
    private Duration replayLease = DEFAULT_REPLAY_LEASE;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /** Where {@code outlane_dead_letter} lives (required; migrated, see {@link OutlaneSchema}). */
    public Builder dataSource(DataSource dataSource) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
      return this;
    }

    /** How events are stored (required): {@code EventSerializer.json(codec)} in production. */
    public Builder serializer(EventSerializer serializer) {
      this.serializer = Objects.requireNonNull(serializer, "serializer");
      return this;
    }

    /**
     * How long a replay's claim holds a record (default {@link #DEFAULT_REPLAY_LEASE}).
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder replayLease(Duration lease) {
      Objects.requireNonNull(lease, "replayLease");
      if (lease.isZero() || lease.isNegative()) {
        throw new IllegalArgumentException("replayLease: must be positive, was " + lease);
      }
      this.replayLease = lease;
      return this;
    }

    /** The clock {@link #claimingReplays()} claims by (default: the system clock, UTC). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * The store.
     *
     * @throws IllegalStateException naming the first required value not set
     */
    public PostgresDeadLetterStore build() {
      if (dataSource == null) {
        throw new IllegalStateException("dataSource is required");
      }
      if (serializer == null) {
        throw new IllegalStateException("serializer is required");
      }
      return new PostgresDeadLetterStore(this);
    }
  }
}

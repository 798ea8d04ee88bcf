package dev.outlane.postgres;

import dev.outlane.guardrail.IdempotencyStore;
import dev.outlane.idempotency.IdempotencyKeys;
import dev.outlane.storage.StorageException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * An {@link IdempotencyStore} shared by every Outlane instance on one PostgreSQL database: a key is
 * delivered by one instance, whichever receives it, and the SMS attempt ledger is the same for all.
 * One row per key in {@code outlane_idempotency} (see {@code V1__shared_state.sql}).
 *
 * <pre>{@code
 * PostgresIdempotencyStore store = PostgresIdempotencyStore.builder()
 *     .dataSource(dataSource)
 *     .instanceId(System.getenv("HOSTNAME")) // stable across restarts of this instance
 *     .build();
 * Outlane.builder().idempotencyStore(store)...
 * }</pre>
 *
 * <h2>The claim of a key</h2>
 *
 * The engine asks {@link #isDone} once per key before it delivers it, and that question is the
 * claim: one statement ({@code INSERT … ON CONFLICT DO UPDATE … WHERE}) either makes this instance
 * the key's holder (the answer is "not done": deliver it) or finds it done, unknown, or held by
 * another instance whose claim lease has not run out (the answer is "done": the engine reports the
 * duplicate {@code DEDUPLICATED}). Row locking makes it atomic: of two instances receiving the same
 * Customer.io retry at once, exactly one delivers. A claim by this instance (the same {@link
 * Builder#instanceId}) is taken again, so a retry after a failed attempt, or a restarted instance
 * recovering its own journal, still sends. A claim whose lease ran out (its instance died) is taken
 * over by the next instance that asks.
 *
 * <p>Unlike duplicates within one instance, which wait for the delivery in flight and try again if
 * it fails, a duplicate held by another instance is reported deduplicated at once: the holder's
 * outcome (delivered, or a dead letter any instance can replay) is the record. A lease shorter than
 * a delivery with all its retries lets another instance deliver the key too (an idempotent
 * destination dedupes it; on a non-idempotent one the holder's next {@link #recordAttempts} fails,
 * so it never sends twice).
 *
 * <h2>The SMS attempt ledger</h2>
 *
 * {@link #recordAttempts} turns the holder's rows into {@code attempted} before the SMS goes out
 * (committed, so it survives any crash), and only for keys this instance holds; {@link #markDone},
 * {@link #markUnknown} or {@link #clearAttempt} record the outcome after. An attempt left without
 * outcome (its instance died mid-send) is never lost by a takeover: the instance that next claims
 * the key finds {@link #attemptUnresolved} and the engine dead-letters it {@code
 * needs-reconciliation} instead of sending it again, whichever instance that is.
 *
 * <h2>Bounds</h2>
 *
 * Every row expires {@link Builder#ttl} (the dedupe window) after it was last marked; expired rows
 * are deleted in bounded batches ({@link #prune}, also run every {@value #PRUNE_EVERY} marks), so
 * the table holds about one window of keys (~150 bytes per row with its index).
 *
 * <p>Thread-safe; every call borrows one connection from the {@link DataSource} and returns it.
 * Calls block on the database. Failures throw {@link StorageException} (the engine then retries, or
 * logs and treats the outcome conservatively); messages never hold a key's source data (keys are
 * SHA-256 based) nor anything the driver quoted.
 */
public final class PostgresIdempotencyStore implements IdempotencyStore {
  /**
   * How long a claim blocks other instances: above the default retry policy's worst case (five
   * attempts, each waiting up to a five-minute {@code Retry-After}).
   */
  public static final Duration DEFAULT_CLAIM_LEASE = Duration.ofMinutes(30);

  /** Marks between two automatic {@link #prune} runs. */
  static final int PRUNE_EVERY = 1_000;
  /** Rows one automatic prune deletes at most: a bounded statement, never a table scan lock. */
  static final int PRUNE_BATCH = 5_000;

  private static final String CLAIM = """
      INSERT INTO outlane_idempotency AS t
          (idempotency_key, state, owner, lease_until, expires_at, updated_at)
      VALUES (?, 'claimed', ?, ?, ?, ?)
      ON CONFLICT (idempotency_key) DO UPDATE
      SET owner = EXCLUDED.owner, lease_until = EXCLUDED.lease_until,
          updated_at = EXCLUDED.updated_at,
          -- A live attempt stays an attempt: whoever takes the key over must reconcile it.
          state = CASE WHEN t.state = 'attempted' AND t.expires_at > EXCLUDED.updated_at
                       THEN 'attempted' ELSE 'claimed' END,
          expires_at = CASE WHEN t.state = 'attempted' AND t.expires_at > EXCLUDED.updated_at
                            THEN t.expires_at ELSE EXCLUDED.expires_at END
      WHERE t.expires_at <= EXCLUDED.updated_at
         OR (t.state IN ('claimed', 'attempted')
             AND (t.owner = EXCLUDED.owner OR t.lease_until <= EXCLUDED.updated_at))
      RETURNING 1
      """;

  private static final String RECORD_ATTEMPT = """
      INSERT INTO outlane_idempotency AS t
          (idempotency_key, state, owner, lease_until, expires_at, updated_at)
      VALUES (?, 'attempted', ?, ?, ?, ?)
      ON CONFLICT (idempotency_key) DO UPDATE
      SET state = 'attempted', lease_until = EXCLUDED.lease_until, updated_at = EXCLUDED.updated_at
      WHERE t.owner = EXCLUDED.owner AND t.state IN ('claimed', 'attempted')
      """;

  private static final String MARK = """
      INSERT INTO outlane_idempotency AS t
          (idempotency_key, state, owner, lease_until, expires_at, updated_at)
      VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (idempotency_key) DO UPDATE
      SET state = EXCLUDED.state, owner = EXCLUDED.owner, lease_until = EXCLUDED.lease_until,
          expires_at = EXCLUDED.expires_at, updated_at = EXCLUDED.updated_at
      """;

  private static final String PRUNE = """
      DELETE FROM outlane_idempotency WHERE ctid = ANY (ARRAY(
          SELECT ctid FROM outlane_idempotency WHERE expires_at <= ? ORDER BY expires_at LIMIT ?))
      """;

  private final DataSource dataSource;
  private final Duration ttl;
  private final Duration claimLease;
  private final String instanceId;
  private final AtomicLong marks = new AtomicLong();

  private PostgresIdempotencyStore(Builder b) {
    this.dataSource = Objects.requireNonNull(b.dataSource, "dataSource is required");
    this.ttl = b.ttl;
    this.claimLease = b.claimLease;
    this.instanceId = b.instanceId != null ? b.instanceId : "outlane-" + UUID.randomUUID();
  }

  /** A builder; {@code dataSource} is required. */
  public static Builder builder() {
    return new Builder();
  }

  /** The name this store claims keys under. */
  public String instanceId() {
    return instanceId;
  }

  /**
   * Claims {@code key} for this instance unless it was delivered (or marked unknown) within the
   * window, or another instance holds a live claim on it; see the class description.
   *
   * @return false if this instance now holds the key and should deliver it
   * @throws StorageException if the database could not be asked
   */
  @Override
  public boolean isDone(String key, Instant now) {
    return Jdbc.run(dataSource, "claim an idempotency key", c -> {
      try (PreparedStatement ps = c.prepareStatement(CLAIM)) {
        ps.setString(1, key);
        ps.setString(2, instanceId);
        ps.setObject(3, Jdbc.at(now.plus(claimLease)));
        ps.setObject(4, Jdbc.at(now.plus(ttl)));
        ps.setObject(5, Jdbc.at(now));
        try (ResultSet rs = ps.executeQuery()) {
          return !rs.next();
        }
      }
    });
  }

  @Override
  public void markDone(String key, Instant now) {
    mark(key, "done", now);
  }

  @Override
  public void markUnknown(String key, Instant now) {
    mark(key, "unknown", now);
  }

  private void mark(String key, String state, Instant now) {
    Jdbc.run(dataSource, "mark an idempotency key " + state, c -> {
      try (PreparedStatement ps = c.prepareStatement(MARK)) {
        ps.setString(1, key);
        ps.setString(2, state);
        ps.setString(3, instanceId);
        ps.setObject(4, Jdbc.at(now));
        ps.setObject(5, Jdbc.at(now.plus(ttl)));
        ps.setObject(6, Jdbc.at(now));
        return ps.executeUpdate();
      }
    });
    if (marks.incrementAndGet() % PRUNE_EVERY == 0) {
      prune(now, PRUNE_BATCH);
    }
  }

  @Override
  public boolean forgetUnknown(String key) {
    return Jdbc.run(dataSource, "lift an unknown mark", c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "DELETE FROM outlane_idempotency WHERE idempotency_key = ? AND state = 'unknown'")) {
        ps.setString(1, key);
        return ps.executeUpdate() > 0;
      }
    });
  }

  /**
   * Records the attempts in one transaction, only on keys this instance holds (or no one does).
   *
   * @throws StorageException if any key is now held by another instance (this instance's claim
   *     lease ran out and someone took it over), then nothing is recorded and the engine does not
   *     send; or if the database failed
   */
  @Override
  public void recordAttempts(List<String> keys, Instant now) {
    if (keys.isEmpty()) {
      return;
    }
    int notHeld = Jdbc.inTransaction(dataSource, "record send attempts", c -> {
      try (PreparedStatement ps = c.prepareStatement(RECORD_ATTEMPT)) {
        for (String key : keys) {
          ps.setString(1, key);
          ps.setString(2, instanceId);
          ps.setObject(3, Jdbc.at(now.plus(claimLease)));
          ps.setObject(4, Jdbc.at(now.plus(ttl)));
          ps.setObject(5, Jdbc.at(now));
          ps.addBatch();
        }
        int missing = 0;
        for (int n : ps.executeBatch()) {
          if (n == 0) {
            missing++;
          }
        }
        if (missing > 0) {
          c.rollback();
        }
        return missing;
      }
    });
    if (notHeld > 0) {
      throw new StorageException("postgres: " + notHeld + " of " + keys.size()
          + " send attempts not recorded: another instance holds their keys (this instance's claim"
          + " lease ran out); nothing recorded, not sent");
    }
  }

  @Override
  public void clearAttempt(String key) {
    Jdbc.run(dataSource, "clear a send attempt", c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE outlane_idempotency SET state ="
          + " 'claimed' WHERE idempotency_key = ? AND state = 'attempted' AND owner = ?")) {
        ps.setString(1, key);
        ps.setString(2, instanceId);
        return ps.executeUpdate();
      }
    });
  }

  /**
   * Whether {@code key}'s row is an attempt without outcome. The engine asks right after this
   * instance claimed the key, so any attempt found was made by an instance that stopped (or by this
   * instance before a restart): it may have sent.
   */
  @Override
  public boolean attemptUnresolved(String key) {
    return Jdbc.run(dataSource, "read a send attempt", c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT 1 FROM outlane_idempotency WHERE idempotency_key = ? AND state = 'attempted'")) {
        ps.setString(1, key);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next();
        }
      }
    });
  }

  /**
   * Deletes up to {@code limit} rows that expired at {@code now}, oldest first.
   *
   * @return how many rows were deleted
   * @throws IllegalArgumentException if {@code limit < 1}
   * @throws StorageException if the database failed
   */
  public int prune(Instant now, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit: must be ≥ 1, was " + limit);
    }
    return Jdbc.run(dataSource, "prune expired idempotency keys", c -> {
      try (PreparedStatement ps = c.prepareStatement(PRUNE)) {
        ps.setObject(1, Jdbc.at(now));
        ps.setInt(2, limit);
        return ps.executeUpdate();
      }
    });
  }

  @Override
  public String toString() {
    return "PostgresIdempotencyStore{instanceId=" + instanceId + ", ttl=" + ttl + ", claimLease="
        + claimLease + "}";
  }

  /** Builds a {@link PostgresIdempotencyStore}; validates each value as it is set. Not thread-safe. */
  public static final class Builder {
    private @Nullable DataSource dataSource;
    private Duration ttl = IdempotencyKeys.DEFAULT_WINDOW;
    private Duration claimLease = DEFAULT_CLAIM_LEASE;
    private @Nullable String instanceId;

    private Builder() {}

    /** Where the {@code outlane_idempotency} table lives (required; migrated, see {@link OutlaneSchema}). */
    public Builder dataSource(DataSource dataSource) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
      return this;
    }

    /**
     * How long a delivered (or unknown) key blocks duplicates: the dedupe window (default 24 h,
     * {@link IdempotencyKeys#DEFAULT_WINDOW}).
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder ttl(Duration ttl) {
      this.ttl = positive(ttl, "ttl");
      return this;
    }

    /**
     * How long a claim keeps other instances from delivering the key (default {@link
     * #DEFAULT_CLAIM_LEASE}); set it above the longest delivery with all its retries.
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder claimLease(Duration lease) {
      this.claimLease = positive(lease, "claimLease");
      return this;
    }

    /**
     * The name this instance claims keys under (default: random per store). Give each instance a
     * stable, unique name (its pod or host name) so that after a restart it takes its own claims
     * back at once instead of waiting for their lease.
     *
     * @throws IllegalArgumentException if blank
     */
    public Builder instanceId(String instanceId) {
      Objects.requireNonNull(instanceId, "instanceId");
      if (instanceId.isBlank()) {
        throw new IllegalArgumentException("instanceId: must not be blank");
      }
      this.instanceId = instanceId.strip();
      return this;
    }

    /**
     * The store.
     *
     * @throws IllegalStateException if no data source was set
     */
    public PostgresIdempotencyStore build() {
      if (dataSource == null) {
        throw new IllegalStateException("dataSource is required");
      }
      return new PostgresIdempotencyStore(this);
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isZero() || d.isNegative()) {
        throw new IllegalArgumentException(name + ": must be positive, was " + d);
      }
      return d;
    }
  }
}

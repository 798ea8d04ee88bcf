package dev.outlane.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.outlane.postgres.testing.PostgresExtension;
import dev.outlane.postgres.testing.TestDatabase;
import dev.outlane.storage.StorageException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
class PostgresIdempotencyStoreTest {
  private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
  private static final Duration TTL = Duration.ofHours(24);
  private static final Duration LEASE = Duration.ofMinutes(10);

  private final TestDatabase db;
  private final AtomicInteger schemas = new AtomicInteger();
  private DataSource ds;

  PostgresIdempotencyStoreTest(TestDatabase db) {
    this.db = db;
  }

  @BeforeEach
  void freshSchema() throws Exception {
    ds = db.newSchema("idem_" + System.nanoTime(), 4);
    OutlaneSchema.migrate(ds);
  }

  private PostgresIdempotencyStore instance(String id) {
    return PostgresIdempotencyStore.builder().dataSource(ds).instanceId(id).ttl(TTL)
        .claimLease(LEASE).build();
  }

  @Test
  void aKeyIsClaimedByExactlyOneOfTwoInstances() {
    PostgresIdempotencyStore a = instance("a");
    PostgresIdempotencyStore b = instance("b");

    assertThat(a.isDone("ol1-k", T0)).isFalse();
    assertThat(b.isDone("ol1-k", T0)).isTrue();
  }

  @Test
  void theHolderTakesItsOwnClaimAgainSoARetryOrAFollowerStillSends() {
    PostgresIdempotencyStore a = instance("a");

    assertThat(a.isDone("ol1-k", T0)).isFalse();
    assertThat(a.isDone("ol1-k", T0.plusSeconds(1))).isFalse();
  }

  @Test
  void aRestartedInstanceWithTheSameIdTakesItsClaimsBackAtOnce() {
    instance("pod-1").isDone("ol1-k", T0);

    assertThat(instance("pod-1").isDone("ol1-k", T0.plusSeconds(1))).isFalse();
    assertThat(instance("pod-2").isDone("ol1-k", T0.plusSeconds(1))).isTrue();
  }

  @Test
  void aDeliveredKeyIsDoneForEveryInstanceUntilTheWindowEnds() {
    PostgresIdempotencyStore a = instance("a");
    PostgresIdempotencyStore b = instance("b");
    a.isDone("ol1-k", T0);
    a.markDone("ol1-k", T0);

    assertThat(a.isDone("ol1-k", T0.plusSeconds(1))).isTrue();
    assertThat(b.isDone("ol1-k", T0.plus(TTL).minusSeconds(1))).isTrue();
    assertThat(b.isDone("ol1-k", T0.plus(TTL))).isFalse(); // the window ended: b delivers it anew
    assertThat(a.isDone("ol1-k", T0.plus(TTL))).isTrue(); // and now holds it
  }

  @Test
  void aClaimWhoseLeaseRanOutIsTakenOverByTheNextInstanceThatAsks() {
    PostgresIdempotencyStore a = instance("a");
    PostgresIdempotencyStore b = instance("b");
    PostgresIdempotencyStore c = instance("c");
    a.isDone("ol1-k", T0);

    assertThat(b.isDone("ol1-k", T0.plus(LEASE).minusMillis(1))).isTrue();
    assertThat(b.isDone("ol1-k", T0.plus(LEASE))).isFalse();
    assertThat(c.isDone("ol1-k", T0.plus(LEASE))).isTrue();
  }

  @Test
  void anAttemptWithoutOutcomeIsReportedForReconciliationByWhicheverInstanceTakesTheKeyOver() {
    PostgresIdempotencyStore a = instance("a");
    PostgresIdempotencyStore b = instance("b");
    PostgresIdempotencyStore c = instance("c");
    a.isDone("ol1-sms", T0);
    a.recordAttempts(List.of("ol1-sms"), T0);
    // a dies before the outcome.

    assertThat(b.isDone("ol1-sms", T0.plus(LEASE).minusMillis(1))).isTrue();
    assertThat(b.isDone("ol1-sms", T0.plus(LEASE))).isFalse();
    assertThat(b.attemptUnresolved("ol1-sms")).isTrue();
    // The engine dead-letters it needs-reconciliation and marks it unknown: no one sends it again.
    b.markUnknown("ol1-sms", T0.plus(LEASE));
    assertThat(c.isDone("ol1-sms", T0.plus(LEASE).plus(LEASE))).isTrue();
    assertThat(b.isDone("ol1-sms", T0.plus(LEASE).plus(LEASE))).isTrue();
  }

  @Test
  void anAttemptIsRecordedOnlyOnKeysThisInstanceStillHolds() {
    PostgresIdempotencyStore a = instance("a");
    PostgresIdempotencyStore b = instance("b");
    a.isDone("ol1-mine", T0);
    a.isDone("ol1-lost", T0);
    assertThat(b.isDone("ol1-lost", T0.plus(LEASE))).isFalse(); // a's lease ran out: b holds it

    assertThatThrownBy(() -> a.recordAttempts(List.of("ol1-mine", "ol1-lost"), T0.plus(LEASE)))
        .isInstanceOf(StorageException.class)
        .hasMessage("postgres: 1 of 2 send attempts not recorded: another instance holds their keys"
            + " (this instance's claim lease ran out); nothing recorded, not sent");
    assertThat(a.attemptUnresolved("ol1-mine")).isFalse();
    assertThat(b.attemptUnresolved("ol1-lost")).isFalse();
  }

  @Test
  void aClearedAttemptDidNotActSoTheKeyMaySendAgain() {
    PostgresIdempotencyStore a = instance("a");
    a.isDone("ol1-sms", T0);
    a.recordAttempts(List.of("ol1-sms"), T0);
    assertThat(a.attemptUnresolved("ol1-sms")).isTrue();

    a.clearAttempt("ol1-sms");

    assertThat(a.attemptUnresolved("ol1-sms")).isFalse();
    assertThat(a.isDone("ol1-sms", T0.plusSeconds(1))).isFalse();
  }

  @Test
  void forgetUnknownLiftsAnUnknownMarkButNeverADeliveredOne() {
    PostgresIdempotencyStore a = instance("a");
    PostgresIdempotencyStore b = instance("b");
    a.markUnknown("ol1-unknown", T0);
    a.markDone("ol1-done", T0);

    assertThat(b.forgetUnknown("ol1-unknown")).isTrue();
    assertThat(b.forgetUnknown("ol1-done")).isFalse();
    assertThat(b.forgetUnknown("ol1-never")).isFalse();
    assertThat(b.isDone("ol1-unknown", T0.plusSeconds(1))).isFalse();
    assertThat(b.isDone("ol1-done", T0.plusSeconds(1))).isTrue();
  }

  @Test
  void manyThreadsOnFourInstancesClaimEachKeyExactlyOnce() throws Exception {
    List<PostgresIdempotencyStore> stores = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      stores.add(PostgresIdempotencyStore.builder().dataSource(db.newInstanceOnSchema(schema(), 2))
          .instanceId("i" + i).ttl(TTL).claimLease(LEASE).build());
    }
    int keys = 500;
    Map<String, AtomicInteger> claims = new ConcurrentHashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      PostgresIdempotencyStore store = stores.get(t % 4);
      done.add(pool.submit(() -> {
        go.await();
        for (int k = 0; k < keys; k++) {
          if (!store.isDone("ol1-" + k, T0)) {
            claims.computeIfAbsent("ol1-" + k, x -> new AtomicInteger()).incrementAndGet();
          }
        }
        return null;
      }));
    }
    go.countDown();
    for (Future<?> f : done) {
      f.get();
    }
    pool.shutdown();

    // Two threads of one instance may both "claim" (the engine's in-flight map keeps them apart);
    // across instances a key has one holder.
    assertThat(claims).hasSize(keys);
    assertThat(claims.values()).allMatch(n -> n.get() >= 1 && n.get() <= 2);
    assertThat(count("SELECT count(DISTINCT owner) FROM outlane_idempotency")).isBetween(1L, 4L);
    assertThat(count("SELECT count(*) FROM outlane_idempotency")).isEqualTo(keys);
  }

  @Test
  void pruneDeletesOnlyExpiredRowsAndAtMostTheLimit() throws Exception {
    PostgresIdempotencyStore a = instance("a");
    for (int i = 0; i < 5; i++) {
      a.markDone("ol1-old-" + i, T0);
    }
    a.markDone("ol1-new", T0.plusSeconds(60));

    assertThat(a.prune(T0.plus(TTL), 3)).isEqualTo(3);
    assertThat(a.prune(T0.plus(TTL), 3)).isEqualTo(2);
    assertThat(a.prune(T0.plus(TTL), 3)).isZero();
    assertThat(count("SELECT count(*) FROM outlane_idempotency")).isEqualTo(1);
    assertThatThrownBy(() -> a.prune(T0, 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("limit: must be ≥ 1, was 0");
  }

  @Test
  void withoutTheSchemaTheErrorSaysHowToCreateIt() throws Exception {
    DataSource empty = db.newSchema("empty_" + System.nanoTime(), 1);
    PostgresIdempotencyStore store = PostgresIdempotencyStore.builder().dataSource(empty).build();

    assertThatThrownBy(() -> store.isDone("ol1-k", T0))
        .isInstanceOf(StorageException.class)
        .hasMessage("postgres: could not claim an idempotency key (SQLState 42P01); outlane's"
            + " tables are missing: run OutlaneSchema.migrate(dataSource) or Flyway with"
            + " classpath:db/migration/outlane");
  }

  @Test
  void theBuilderRejectsBadValuesAsTheyAreSet() {
    assertThatThrownBy(() -> PostgresIdempotencyStore.builder().build())
        .isInstanceOf(IllegalStateException.class).hasMessage("dataSource is required");
    assertThatThrownBy(() -> PostgresIdempotencyStore.builder().claimLease(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("claimLease: must be positive, was PT0S");
    assertThatThrownBy(() -> PostgresIdempotencyStore.builder().instanceId(" "))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("instanceId: must not be blank");
  }

  private String schema() throws Exception {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT current_schema()")) {
      rs.next();
      return rs.getString(1);
    }
  }

  private long count(String sql) throws Exception {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}

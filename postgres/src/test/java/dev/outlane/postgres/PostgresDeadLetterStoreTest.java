package dev.outlane.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.outlane.contract.EventCodec;
import dev.outlane.contract.RetentionEvent;
import dev.outlane.deadletter.DeadLetter;
import dev.outlane.deadletter.DeadLetterQuery;
import dev.outlane.deadletter.DeadLetterReason;
import dev.outlane.journal.EventSerializer;
import dev.outlane.postgres.testing.PostgresExtension;
import dev.outlane.postgres.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
class PostgresDeadLetterStoreTest {
  static final Instant T0 = Instant.parse("2026-03-01T12:00:00.123456Z");
  static final EventSerializer SERIALIZER = EventSerializer.json(EventCodec.create());
  private static final Duration LEASE = Duration.ofMinutes(10);

  private final TestDatabase db;
  private DataSource ds;

  PostgresDeadLetterStoreTest(TestDatabase db) {
    this.db = db;
  }

  @BeforeEach
  void freshSchema() throws Exception {
    ds = db.newSchema("dl_" + System.nanoTime(), 4);
    OutlaneSchema.migrate(ds);
  }

  private PostgresDeadLetterStore instance() {
    return PostgresDeadLetterStore.builder().dataSource(ds).serializer(SERIALIZER)
        .replayLease(LEASE).build();
  }

  static RetentionEvent event(int n) {
    return RetentionEvent.builder().eventId("e" + n).eventName("cart_abandoned").source("customerio")
        .customerId("c" + n).eventTime(T0).email("person" + n + "@example.com")
        .phone("+1415555" + (2000 + n)).build();
  }

  static DeadLetter deadLetter(int n, String destination, DeadLetterReason reason) {
    return DeadLetter.builder().id("dl-" + n).event(event(n)).destination(destination)
        .idempotencyKey("ol1-key-" + n).reason(reason).detail("503 from the destination")
        .errorCode(n % 2 == 0 ? "20429" : null).attempts(3).firstAttempt(T0)
        .lastAttempt(T0.plusSeconds(90)).build();
  }

  @Test
  void aRecordAddedByOneInstanceIsListedByAnotherExactlyAsItWasAdded() {
    DeadLetter d = deadLetter(1, "sms", DeadLetterReason.RETRIES_EXHAUSTED);
    instance().add(d);

    assertThat(instance().list(DeadLetterQuery.unresolved())).containsExactly(d);
  }

  @Test
  void listFiltersByDestinationReasonAndResolutionOldestFirst() {
    PostgresDeadLetterStore store = instance();
    store.add(deadLetter(3, "sms", DeadLetterReason.NEEDS_RECONCILIATION));
    store.add(deadLetter(1, "sms", DeadLetterReason.REJECTED));
    store.add(deadLetter(2, "meta", DeadLetterReason.REJECTED));
    assertThat(store.markResolved("dl-1")).isTrue();

    assertThat(ids(store.list(DeadLetterQuery.unresolved()))).containsExactly("dl-3", "dl-2");
    assertThat(ids(store.list(new DeadLetterQuery("sms", null, true)))).containsExactly("dl-3", "dl-1");
    assertThat(ids(store.list(new DeadLetterQuery(null, DeadLetterReason.REJECTED, false))))
        .containsExactly("dl-2");
    assertThat(store.list(new DeadLetterQuery("sms", null, true)).get(1).resolved()).isTrue();
    assertThat(store.markResolved("dl-missing")).isFalse();
  }

  @Test
  void concurrentClaimersGetDisjointRecordsAndTogetherAll() throws Exception {
    PostgresDeadLetterStore seed = instance();
    for (int i = 0; i < 120; i++) {
      seed.add(deadLetter(i, "sms", DeadLetterReason.RETRIES_EXHAUSTED));
    }
    int claimers = 4;
    CyclicBarrier start = new CyclicBarrier(claimers);
    List<CompletableFuture<List<String>>> all = new ArrayList<>();
    for (int t = 0; t < claimers; t++) {
      PostgresDeadLetterStore mine = PostgresDeadLetterStore.builder()
          .dataSource(db.newInstanceOnSchema(schema(), 1)).serializer(SERIALIZER).build();
      all.add(CompletableFuture.supplyAsync(() -> {
        await(start);
        List<String> got = new ArrayList<>();
        List<DeadLetter> batch;
        while (!(batch = mine.claim(DeadLetterQuery.unresolved(), 7, T0)).isEmpty()) {
          got.addAll(ids(batch));
        }
        return got;
      }));
    }

    List<String> union = new ArrayList<>();
    for (CompletableFuture<List<String>> f : all) {
      union.addAll(f.get());
    }
    assertThat(union).hasSize(120).doesNotHaveDuplicates();
  }

  @Test
  void aClaimKeepsOtherClaimersOffUntilReleasedOrItsLeaseRunsOut() {
    PostgresDeadLetterStore a = instance();
    PostgresDeadLetterStore b = instance();
    a.add(deadLetter(1, "sms", DeadLetterReason.RETRIES_EXHAUSTED));
    a.add(deadLetter(2, "sms", DeadLetterReason.RETRIES_EXHAUSTED));

    assertThat(ids(a.claim(DeadLetterQuery.unresolved(), 10, T0))).containsExactly("dl-1", "dl-2");
    assertThat(b.claim(DeadLetterQuery.unresolved(), 10, T0.plus(LEASE).minusMillis(1))).isEmpty();
    assertThat(b.release("dl-1")).isFalse(); // not b's claim
    assertThat(a.release("dl-1")).isTrue();
    assertThat(ids(b.claim(DeadLetterQuery.unresolved(), 10, T0.plusSeconds(1)))).containsExactly("dl-1");
    // a's lease on dl-2 ran out; dl-1 is b's own live claim, so it is not handed out again.
    assertThat(ids(b.claim(DeadLetterQuery.unresolved(), 10, T0.plus(LEASE))))
        .containsExactly("dl-2");
    // Listing ignores claims.
    assertThat(ids(a.list(DeadLetterQuery.unresolved()))).containsExactly("dl-1", "dl-2");
  }

  @Test
  void addingTheSameIdAgainReplacesTheRecordAndEndsItsClaim() {
    PostgresDeadLetterStore a = instance();
    PostgresDeadLetterStore b = instance();
    a.add(deadLetter(1, "sms", DeadLetterReason.RETRIES_EXHAUSTED));
    a.claim(DeadLetterQuery.unresolved(), 10, T0);
    DeadLetter again = deadLetter(1, "sms", DeadLetterReason.RETRIES_EXHAUSTED).toBuilder()
        .attempts(4).lastAttempt(T0.plusSeconds(600)).build();

    a.add(again); // the replay failed again

    assertThat(a.list(DeadLetterQuery.unresolved())).containsExactly(again);
    assertThat(b.claim(DeadLetterQuery.unresolved(), 10, T0.plusSeconds(1))).containsExactly(again);
  }

  @Test
  void aRecordWhoseEventCannotBeReadIsSkippedAndKept() throws Exception {
    PostgresDeadLetterStore store = instance();
    store.add(deadLetter(1, "sms", DeadLetterReason.REJECTED));
    store.add(deadLetter(2, "sms", DeadLetterReason.REJECTED));
    try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
      s.executeUpdate("UPDATE outlane_dead_letter SET event = '\\x7f00'::bytea WHERE id = 'dl-1'");
    }

    assertThat(ids(store.list(DeadLetterQuery.unresolved()))).containsExactly("dl-2");
    try (Connection c = ds.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM outlane_dead_letter")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(2);
    }
  }

  @Test
  void theBuilderNamesWhatIsMissing() {
    assertThatThrownBy(() -> PostgresDeadLetterStore.builder().dataSource(ds).build())
        .isInstanceOf(IllegalStateException.class).hasMessage("serializer is required");
    assertThatThrownBy(() -> PostgresDeadLetterStore.builder().replayLease(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("replayLease: must be positive, was PT-1S");
    assertThatThrownBy(() -> instance().claim(DeadLetterQuery.unresolved(), 0, T0))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("limit: must be ≥ 1, was 0");
  }

  private String schema() throws Exception {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT current_schema()")) {
      rs.next();
      return rs.getString(1);
    }
  }

  static List<String> ids(List<DeadLetter> records) {
    List<String> ids = new ArrayList<>();
    for (DeadLetter d : records) {
      ids.add(d.id());
    }
    return ids;
  }

  private static void await(CyclicBarrier barrier) {
    try {
      barrier.await();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}

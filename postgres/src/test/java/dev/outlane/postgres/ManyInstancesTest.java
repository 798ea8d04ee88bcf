package dev.outlane.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.outlane.FinalState;
import dev.outlane.Outlane;
import dev.outlane.SubmitResult;
import dev.outlane.contract.RetentionEvent;
import dev.outlane.deadletter.DeadLetter;
import dev.outlane.deadletter.DeadLetterQuery;
import dev.outlane.deadletter.ReplayReport;
import dev.outlane.deadletter.DeadLetterReason;
import dev.outlane.deadletter.InMemoryDeadLetterStore;
import dev.outlane.idempotency.IdempotencyKeys;
import dev.outlane.destination.Channel;
import dev.outlane.destination.DeliveryItem;
import dev.outlane.destination.DestinationLimits;
import dev.outlane.destination.Outcome;
import dev.outlane.postgres.testing.PostgresExtension;
import dev.outlane.postgres.testing.TestDatabase;
import dev.outlane.routing.Route;
import dev.outlane.testing.FakeDestination;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Several Outlane instances (each its own client, pool, store objects and destination clients) on
 * one database, as replicas behind a load balancer would be.
 */
@ExtendWith(PostgresExtension.class)
class ManyInstancesTest {
  private static final int INSTANCES = 4;
  private static final int EVENTS = 20_000;
  private static final int DUPLICATES = EVENTS * 30 / 100;
  private static final int UNIQUE = EVENTS - DUPLICATES;

  private final TestDatabase db;

  ManyInstancesTest(TestDatabase db) {
    this.db = db;
    OutlaneSchema.migrate(db.dataSource());
  }

  @Test
  void twentyThousandEventsWithThirtyPercentDuplicatesAcrossFourInstancesDeliverEachKeyExactlyOnce()
      throws Exception {
    Instant eventTime = Instant.now().minusSeconds(60);
    // 14,000 distinct signals, then 6,000 repeats of randomly chosen ones, all shuffled and dealt
    // to the four instances at random: most duplicates arrive at another instance than the first.
    Random random = new Random(15);
    List<RetentionEvent> events = new ArrayList<>(EVENTS);
    for (int i = 0; i < UNIQUE; i++) {
      events.add(event(i, eventTime));
    }
    for (int i = 0; i < DUPLICATES; i++) {
      events.add(events.get(random.nextInt(UNIQUE)));
    }
    Collections.shuffle(events, random);

    List<Outlane> instances = new ArrayList<>();
    List<FakeDestination> eventsFakes = new ArrayList<>();
    List<FakeDestination> smsFakes = new ArrayList<>();
    for (int i = 0; i < INSTANCES; i++) {
      DataSource pool = db.newInstance(6);
      FakeDestination ev = FakeDestination.builder("events").limits(DestinationLimits.ofItems(100)).build();
      FakeDestination sms = FakeDestination.builder("sms").channel(Channel.SMS).idempotent(false)
          .limits(DestinationLimits.single()).build();
      eventsFakes.add(ev);
      smsFakes.add(sms);
      instances.add(Outlane.builder()
          .idempotencyStore(PostgresIdempotencyStore.builder().dataSource(pool)
              .instanceId("instance-" + i).build())
          .destination(ev, Outlane.DestinationOptions.defaults().withConcurrency(2))
          .destination(sms, Outlane.DestinationOptions.defaults().withConcurrency(2))
          .route(Route.builder().event("cart_abandoned").to("events").to("sms").build())
          .queueCapacity(EVENTS)
          .closeTimeout(Duration.ofMinutes(2))
          .build());
    }

    List<List<CompletableFuture<SubmitResult>>> results = new ArrayList<>();
    List<Thread> submitters = new ArrayList<>();
    CountDownLatch go = new CountDownLatch(1);
    for (int i = 0; i < INSTANCES; i++) {
      List<CompletableFuture<SubmitResult>> mine = Collections.synchronizedList(new ArrayList<>());
      results.add(mine);
      Outlane outlane = instances.get(i);
      int instance = i;
      Thread t = new Thread(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        for (int e = instance; e < EVENTS; e += INSTANCES) {
          mine.add(outlane.submit(events.get(e)).toCompletableFuture());
        }
      });
      submitters.add(t);
      t.start();
    }
    go.countDown();
    for (Thread t : submitters) {
      t.join();
    }
    Map<FinalState, Integer> states = new HashMap<>();
    for (List<CompletableFuture<SubmitResult>> mine : results) {
      for (CompletableFuture<SubmitResult> f : mine) {
        SubmitResult r = f.get();
        for (String destination : List.of("events", "sms")) {
          states.merge(r.state(destination), 1, Integer::sum);
        }
      }
    }
    for (Outlane o : instances) {
      o.close();
    }

    assertThat(states).containsOnlyKeys(FinalState.DELIVERED, FinalState.DEDUPLICATED);
    assertThat(states.get(FinalState.DELIVERED)).isEqualTo(2 * UNIQUE);
    assertThat(states.get(FinalState.DEDUPLICATED)).isEqualTo(2 * DUPLICATES);
    assertDeliveredOnce(eventsFakes);
    assertDeliveredOnce(smsFakes);
    assertThat(smsFakes).allSatisfy(f -> assertThat(f.deliveredItems()).isNotEmpty());
  }

  @Test
  void anSmsAttemptLeftWithoutOutcomeByAnInstanceThatDiedIsReconciledByAnotherAndNeverResent()
      throws Exception {
    Instant now = Instant.now();
    RetentionEvent event = event(90_001, now.minusSeconds(60));
    String key = IdempotencyKeys.create().keyFor("sms", event);
    // Instance "gone" claimed the key and recorded its attempt an hour ago, then died mid-send.
    PostgresIdempotencyStore gone = PostgresIdempotencyStore.builder().dataSource(db.newInstance(1))
        .instanceId("gone").claimLease(Duration.ofMinutes(30)).build();
    assertThat(gone.isDone(key, now.minus(Duration.ofHours(1)))).isFalse();
    gone.recordAttempts(List.of(key), now.minus(Duration.ofHours(1)));

    InMemoryDeadLetterStore deadLetters = new InMemoryDeadLetterStore();
    FakeDestination sms = FakeDestination.builder("sms").channel(Channel.SMS).idempotent(false)
        .limits(DestinationLimits.single()).build();
    FakeDestination laterSms = FakeDestination.builder("sms").channel(Channel.SMS).idempotent(false)
        .limits(DestinationLimits.single()).build();
    try (Outlane b = smsInstance("b", sms, deadLetters);
        Outlane c = smsInstance("c", laterSms, new InMemoryDeadLetterStore())) {
      SubmitResult found = b.submit(event).toCompletableFuture().get();
      SubmitResult again = c.submit(event).toCompletableFuture().get();

      assertThat(found.state("sms")).isEqualTo(FinalState.DEAD_LETTERED);
      assertThat(deadLetters.list(DeadLetterQuery.unresolved()))
          .singleElement()
          .satisfies(d -> {
            assertThat(d.reason()).isEqualTo(DeadLetterReason.NEEDS_RECONCILIATION);
            assertThat(d.idempotencyKey()).isEqualTo(key);
          });
      assertThat(again.state("sms")).isEqualTo(FinalState.DEDUPLICATED);
      assertThat(sms.calls()).isZero();
      assertThat(laterSms.calls()).isZero();
    }
  }

  @Test
  void anOptOutLearnedByOneInstanceSuppressesThatPersonOnAnother() throws Exception {
    DataSource shared = db.newInstance(2);
    RetentionEvent first = event(90_100, Instant.now().minusSeconds(60));
    RetentionEvent later = RetentionEvent.builder().eventId("e-later").eventName("cart_abandoned")
        .source("customerio").customerId("another-id-same-phone").eventTime(first.eventTime())
        .phone(first.phone()).build();
    FakeDestination optsOut = FakeDestination.builder("sms").channel(Channel.SMS).idempotent(false)
        .limits(DestinationLimits.single()).rule(item -> Outcome.optedOut("21610", "unsubscribed"))
        .build();
    FakeDestination sms = FakeDestination.builder("sms").channel(Channel.SMS).idempotent(false)
        .limits(DestinationLimits.single()).build();
    try (Outlane a = suppressingInstance(optsOut, shared);
        Outlane b = suppressingInstance(sms, db.newInstance(2))) {
      assertThat(a.submit(first).toCompletableFuture().get().state("sms"))
          .isEqualTo(FinalState.OPTED_OUT);

      assertThat(b.submit(later).toCompletableFuture().get().state("sms"))
          .isEqualTo(FinalState.SUPPRESSED);
      assertThat(sms.calls()).isZero();
    }
  }

  @Test
  void twoOperatorsReplayingAtOnceFromTwoInstancesSendEachDeadLetterOnce() throws Exception {
    PostgresDeadLetterStore seed = PostgresDeadLetterStore.builder().dataSource(db.newInstance(1))
        .serializer(PostgresDeadLetterStoreTest.SERIALIZER).build();
    Instant now = Instant.now();
    int records = 300;
    for (int i = 0; i < records; i++) {
      seed.add(DeadLetter.builder().id("dl-replay-" + i).event(event(50_000 + i, now.minusSeconds(60)))
          .destination("events").idempotencyKey("ol1-replay-" + i)
          .reason(DeadLetterReason.RETRIES_EXHAUSTED).detail("503").attempts(5)
          .firstAttempt(now.minusSeconds(30)).lastAttempt(now.minusSeconds(10)).build());
    }
    List<FakeDestination> fakes = new ArrayList<>();
    List<Outlane> operators = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      FakeDestination events = FakeDestination.builder("events").build();
      fakes.add(events);
      PostgresDeadLetterStore store = PostgresDeadLetterStore.builder()
          .dataSource(db.newInstance(2)).serializer(PostgresDeadLetterStoreTest.SERIALIZER).build();
      operators.add(Outlane.builder().deadLetterStore(store.claimingReplays()).destination(events)
          .route(Route.builder().event("cart_abandoned").to("events").build()).build());
    }
    CountDownLatch go = new CountDownLatch(1);
    List<CompletableFuture<ReplayReport>> reports = new ArrayList<>();
    for (Outlane o : operators) {
      reports.add(CompletableFuture.supplyAsync(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
        return o.replayDeadLetters(DeadLetterQuery.unresolved());
      }));
    }
    go.countDown();
    int resolved = 0;
    for (CompletableFuture<ReplayReport> r : reports) {
      resolved += r.get().resolved();
    }
    for (Outlane o : operators) {
      o.close();
    }

    assertThat(resolved).isEqualTo(records);
    Map<String, Integer> perKey = new HashMap<>();
    for (FakeDestination f : fakes) {
      for (DeliveryItem item : f.deliveredItems()) {
        perKey.merge(item.idempotencyKey(), 1, Integer::sum);
      }
    }
    assertThat(perKey).hasSize(records);
    assertThat(perKey.values()).containsOnly(1);
    assertThat(seed.list(DeadLetterQuery.unresolved())).isEmpty();
  }

  private static Outlane suppressingInstance(FakeDestination sms, DataSource pool) {
    return Outlane.builder()
        .suppressionStore(PostgresSuppressionStore.builder().dataSource(pool).build())
        .destination(sms)
        .route(Route.builder().event("cart_abandoned").to("sms").build())
        .build();
  }

  private Outlane smsInstance(String id, FakeDestination sms, InMemoryDeadLetterStore deadLetters) {
    return Outlane.builder()
        .idempotencyStore(PostgresIdempotencyStore.builder().dataSource(db.newInstance(2))
            .instanceId(id).build())
        .deadLetterStore(deadLetters)
        .destination(sms)
        .route(Route.builder().event("cart_abandoned").to("sms").build())
        .build();
  }

  private static void assertDeliveredOnce(List<FakeDestination> fakes) {
    Map<String, Integer> perKey = new HashMap<>();
    for (FakeDestination f : fakes) {
      assertThat(f.limitViolations()).isEmpty();
      for (DeliveryItem item : f.deliveredItems()) {
        perKey.merge(item.idempotencyKey(), 1, Integer::sum);
      }
    }
    assertThat(perKey).hasSize(UNIQUE);
    assertThat(perKey.values()).containsOnly(1);
  }

  private static RetentionEvent event(int person, Instant at) {
    return RetentionEvent.builder().eventId("e" + person).eventName("cart_abandoned")
        .source("customerio").customerId("c" + person).eventTime(at)
        .phone("+1415555" + String.format("%04d", person % 10_000)).build();
  }
}

package dev.outlane.durable;

import static dev.outlane.durable.DurableCrashClient.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.outlane.DurableOptions;
import dev.outlane.Outlane;
import dev.outlane.RecoverySummary;
import dev.outlane.contract.EventCodec;
import dev.outlane.contract.RetentionEvent;
import dev.outlane.deadletter.DeadLetter;
import dev.outlane.deadletter.DeadLetterQuery;
import dev.outlane.deadletter.DeadLetterReason;
import dev.outlane.deadletter.InMemoryDeadLetterStore;
import dev.outlane.destination.Channel;
import dev.outlane.destination.DestinationLimits;
import dev.outlane.guardrail.FileIdempotencyStore;
import dev.outlane.idempotency.IdempotencyKeys;
import dev.outlane.journal.EventJournal;
import dev.outlane.journal.EventSerializer;
import dev.outlane.journal.FileEventJournal;
import dev.outlane.retry.RetryPolicy;
import dev.outlane.routing.Route;
import dev.outlane.testing.FakeDestination;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Recovery processes each journaled record alone: one bad record never blocks the others. */
class RecoveryIsolationTest {
  private static final EventSerializer SERIALIZER = EventSerializer.json(EventCodec.builder().build());

  @TempDir Path dir;

  private DurableOptions options() {
    return DurableOptions.at(dir).withFsync(false);
  }

  /** A Segment-like destination whose sizeOf blows up on events marked {@code poison}. */
  private static FakeDestination segment() {
    return FakeDestination.builder("segment").channel(Channel.EVENTS)
        .limits(DestinationLimits.ofItems(100))
        .sizeOf(item -> {
          if (item.event().properties().containsKey("poison")) {
            throw new OutOfMemoryError("Requested array size exceeds VM limit");
          }
          return 200;
        })
        .build();
  }

  private static FakeDestination sms() {
    return FakeDestination.builder("sms").channel(Channel.SMS).idempotent(false)
        .limits(DestinationLimits.single()).build();
  }

  private static Outlane.Builder client(FakeDestination... destinations) {
    Outlane.Builder b = Outlane.builder().retryPolicy(RetryPolicy.noRetries());
    Route.Builder route = Route.builder().event("cart_abandoned");
    for (FakeDestination d : destinations) {
      b.destination(d);
      route.to(d.name());
    }
    return b.route(route.build());
  }

  private static RetentionEvent poison(int i) {
    return event(i).toBuilder().property("poison", true).build();
  }

  @Test
  void aRecordWhoseSizeOfThrowsIsDeadLetteredAndTheRecordsAroundItAreDelivered() {
    try (FileEventJournal journal = FileEventJournal.builder()
        .directory(options().journalDirectory()).serializer(SERIALIZER).fsync(false).open()) {
      journal.append(event(1));
      journal.append(poison(2));
      journal.append(event(3));
    }
    FakeDestination segment = segment();
    FakeDestination sms = sms();
    try (Outlane outlane = client(segment, sms).durable(options()).build()) {
      assertThat(outlane.flush(Duration.ofSeconds(10))).isTrue();

      assertThat(segment.deliveredItems()).extracting(i -> i.event().eventId())
          .containsExactlyInAnyOrder("e-1", "e-3");
      assertThat(sms.deliveredItems()).extracting(i -> i.event().eventId())
          .as("the poison record's other destination proceeds")
          .containsExactlyInAnyOrder("e-1", "e-2", "e-3");
      assertThat(outlane.deadLetters().list(DeadLetterQuery.unresolved())).singleElement()
          .satisfies(d -> {
            assertThat(d.event().eventId()).isEqualTo("e-2");
            assertThat(d.destination()).isEqualTo("segment");
            assertThat(d.reason()).isEqualTo(DeadLetterReason.UNDELIVERABLE);
            assertThat(d.detail()).isEqualTo("the destination could not size the item: sizeOf"
                + " threw java.lang.OutOfMemoryError");
          });
      RecoverySummary recovery = outlane.recovery();
      assertThat(recovery.recovered()).isEqualTo(3);
      assertThat(recovery.complete()).isTrue();
      assertThat(recovery.deadLettered()).containsExactly(entry(DeadLetterReason.UNDELIVERABLE, 1));
      assertThat(recovery).hasToString(
          "recovered 3 events, 3 finished; dead-lettered 1 (undeliverable 1)");
    }
    // The next start finds nothing pending: the poison record no longer stops anything.
    FakeDestination again = segment();
    try (Outlane outlane = client(again, sms()).durable(options()).build()) {
      assertThat(outlane.outstanding()).isZero();
      assertThat(outlane.recovery()).isEqualTo(RecoverySummary.none());
      assertThat(outlane.flush(Duration.ofSeconds(10))).isTrue();
      assertThat(again.calls()).isZero();
      assertThat(outlane.deadLetters().list(DeadLetterQuery.unresolved())).hasSize(1);
    }
  }

  /** A journal that holds {@code pending} on open and records completions. */
  static final class HeldJournal implements EventJournal {
    final List<Pending> held = new ArrayList<>();
    final List<Long> completed = new ArrayList<>();

    @Override
    public synchronized long append(RetentionEvent event) {
      throw new UnsupportedOperationException("recovery only");
    }

    @Override
    public synchronized void complete(long sequence) {
      completed.add(sequence);
    }

    @Override
    public List<Pending> pending() {
      return held;
    }

    @Override
    public void close() {}
  }

  @Test
  void aRecordNoLongerValidIsDeadLetteredAtEachRoutedDestinationNotDropped() {
    HeldJournal journal = new HeldJournal();
    journal.held.add(new EventJournal.Pending(1, event(1)));
    // Valid when it was accepted (under another configuration); refused by this one.
    journal.held.add(new EventJournal.Pending(2, event(2).toBuilder().phone("12").build()));
    journal.held.add(new EventJournal.Pending(3, event(3)));
    InMemoryDeadLetterStore deadLetters = new InMemoryDeadLetterStore();
    FakeDestination segment = segment();
    FakeDestination sms = sms();

    try (Outlane outlane = client(segment, sms).journal(journal).deadLetterStore(deadLetters)
        .build()) {
      assertThat(outlane.flush(Duration.ofSeconds(10))).isTrue();

      assertThat(segment.deliveredItems()).extracting(i -> i.event().eventId())
          .containsExactlyInAnyOrder("e-1", "e-3");
      assertThat(sms.deliveredItems()).extracting(i -> i.event().eventId())
          .containsExactlyInAnyOrder("e-1", "e-3");
      List<DeadLetter> dead = deadLetters.list(DeadLetterQuery.unresolved());
      assertThat(dead).extracting(DeadLetter::destination)
          .containsExactlyInAnyOrder("segment", "sms");
      assertThat(dead).allSatisfy(d -> {
        assertThat(d.event().eventId()).isEqualTo("e-2");
        assertThat(d.reason()).isEqualTo(DeadLetterReason.UNDELIVERABLE);
        assertThat(d.detail()).isEqualTo("the journaled event is no longer valid: 1 problem(s) at"
            + " $.phone");
        assertThat(d.attempts()).isZero();
      });
      assertThat(journal.completed).as("kept in the dead letters, so complete in the journal")
          .containsExactlyInAnyOrder(1L, 2L, 3L);
      assertThat(outlane.recovery()).isEqualTo(
          new RecoverySummary(3, 3, Map.of(DeadLetterReason.UNDELIVERABLE, 2)));
    }
  }

  @Test
  void theRecoverySummaryCountsAnSmsSentBeforeTheCrashAsNeedingReconciliation() {
    RetentionEvent e = event(1);
    try (FileEventJournal journal = FileEventJournal.builder()
        .directory(options().journalDirectory()).serializer(SERIALIZER).fsync(false).open()) {
      journal.append(e);
      journal.append(event(2));
    }
    try (FileIdempotencyStore store = FileIdempotencyStore.builder()
        .directory(options().idempotencyDirectory()).fsync(false).open()) {
      store.recordAttempts(List.of(IdempotencyKeys.create().keyFor("sms", e)), Instant.now());
    }
    FakeDestination sms = sms();
    try (Outlane outlane = client(sms).durable(options()).build()) {
      assertThat(outlane.recovery().recovered()).isEqualTo(2);
      assertThat(outlane.flush(Duration.ofSeconds(10))).isTrue();

      RecoverySummary recovery = outlane.recovery();
      assertThat(recovery.finished()).isEqualTo(2);
      assertThat(recovery.deadLettered(DeadLetterReason.NEEDS_RECONCILIATION)).isEqualTo(1);
      assertThat(recovery.deadLetteredTotal()).isEqualTo(1);
      assertThat(sms.deliveredItems()).extracting(i -> i.event().eventId()).containsExactly("e-2");

      // Events submitted after the start are not recovery's.
      outlane.submit(event(3).toBuilder().customerId("c-3").build());
      assertThat(outlane.flush(Duration.ofSeconds(10))).isTrue();
      assertThat(outlane.recovery()).isEqualTo(recovery);
    }
  }
}

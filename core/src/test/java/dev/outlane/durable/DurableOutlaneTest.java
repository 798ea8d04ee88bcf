package dev.outlane.durable;

import static dev.outlane.durable.DurableCrashClient.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.outlane.DurableOptions;
import dev.outlane.Outlane;
import dev.outlane.OutlaneException;
import dev.outlane.SubmitResult;
import dev.outlane.contract.EventCodec;
import dev.outlane.contract.RetentionEvent;
import dev.outlane.deadletter.DeadLetter;
import dev.outlane.deadletter.DeadLetterQuery;
import dev.outlane.deadletter.DeadLetterReason;
import dev.outlane.deadletter.DeadLetterStore;
import dev.outlane.deadletter.InMemoryDeadLetterStore;
import dev.outlane.deadletter.ReplayOptions;
import dev.outlane.deadletter.ReplayReport;
import dev.outlane.destination.Channel;
import dev.outlane.destination.DestinationLimits;
import dev.outlane.destination.Outcome;
import dev.outlane.guardrail.FileIdempotencyStore;
import dev.outlane.idempotency.IdempotencyKeys;
import dev.outlane.journal.EventJournal;
import dev.outlane.journal.EventSerializer;
import dev.outlane.journal.FileEventJournal;
import dev.outlane.retry.RetryPolicy;
import dev.outlane.routing.Route;
import dev.outlane.storage.RecoveryReport;
import dev.outlane.testing.FakeDestination;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Durable mode through the client: restart safety, torn tails, bounded disk and replay. */
class DurableOutlaneTest {
  private static final ReplayOptions DRY_RUN = ReplayOptions.builder().dryRun(true).build();
  private static final ReplayOptions RESEND_UNKNOWNS =
      ReplayOptions.builder().resendUnknownOutcomes(true).build();

  private static final EventSerializer SERIALIZER = EventSerializer.json(EventCodec.builder().build());
  private static final IdempotencyKeys KEYS = IdempotencyKeys.create();

  @TempDir Path dir;

  private DurableOptions options() {
    return DurableOptions.at(dir).withFsync(false);
  }

  private static FakeDestination sms() {
    return FakeDestination.builder("sms").channel(Channel.SMS).idempotent(false)
        .limits(DestinationLimits.single()).build();
  }

  private static FakeDestination events() {
    return FakeDestination.builder("events").channel(Channel.EVENTS)
        .limits(DestinationLimits.ofItems(100)).build();
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

  /** The state a kill leaves: e-1 journaled, its SMS attempted without outcome, its event delivered. */
  private void crashedAfterSendingBeforeRecordingTheOutcome() {
    RetentionEvent e = event(1);
    try (FileEventJournal journal = FileEventJournal.builder()
        .directory(options().journalDirectory()).serializer(SERIALIZER).fsync(false).open()) {
      journal.append(e);
    }
    try (FileIdempotencyStore store = FileIdempotencyStore.builder()
        .directory(options().idempotencyDirectory()).fsync(false).open()) {
      store.recordAttempts(List.of(KEYS.keyFor("sms", e)), Instant.now());
      store.markDone(KEYS.keyFor("events", e), Instant.now());
    }
  }

  @Test
  void anSmsSentBeforeACrashWithoutAnOutcomeIsDeadLetteredForReconciliationNotSentAgain() {
    crashedAfterSendingBeforeRecordingTheOutcome();
    FakeDestination sms = sms();
    FakeDestination events = events();
    try (Outlane outlane = client(sms, events).durable(options()).build()) {
      assertThat(outlane.flush(Duration.ofSeconds(10))).isTrue();
      assertThat(sms.calls()).isZero();
      assertThat(events.calls()).as("delivered before the crash: deduplicated").isZero();
      List<DeadLetter> dead = outlane.deadLetters().list(DeadLetterQuery.unresolved());
      assertThat(dead).singleElement().satisfies(d -> {
        assertThat(d.destination()).isEqualTo("sms");
        assertThat(d.reason()).isEqualTo(DeadLetterReason.NEEDS_RECONCILIATION);
        assertThat(d.idempotencyKey()).isEqualTo(KEYS.keyFor("sms", event(1)));
        assertThat(d.detail()).isEqualTo("sent before the process stopped; the outcome was never recorded");
      });
    }
    // Restarting again finds nothing left to do: no second dead letter, nothing sent.
    try (Outlane outlane = client(sms, events).durable(options()).build()) {
      assertThat(outlane.outstanding()).isZero();
      assertThat(outlane.deadLetters().list(DeadLetterQuery.unresolved())).hasSize(1);
    }
    assertThat(sms.calls()).isZero();
  }

  @Test
  void resendingAnUnknownOutcomeIsAnExplicitDecisionThatSendsOnce() {
    crashedAfterSendingBeforeRecordingTheOutcome();
    FakeDestination sms = sms();
    try (Outlane outlane = client(sms, events()).durable(options()).build()) {
      assertThat(outlane.flush(Duration.ofSeconds(10))).isTrue();
      DeadLetterQuery unknowns = new DeadLetterQuery("sms", DeadLetterReason.NEEDS_RECONCILIATION, false);

      ReplayReport plain = outlane.replayDeadLetters(unknowns);
      assertThat(plain.skipped()).isEqualTo(1);
      assertThat(plain.items()).singleElement().extracting(ReplayReport.Item::outcome)
          .isEqualTo("skipped: needs-reconciliation (it may have been sent; check the destination,"
              + " then resend explicitly)");
      assertThat(sms.calls()).isZero();

      ReplayReport forced = outlane.replayDeadLetters(unknowns, RESEND_UNKNOWNS);
      assertThat(forced.resolved()).isEqualTo(1);
      assertThat(sms.calls()).isEqualTo(1);

      ReplayReport again = outlane.replayDeadLetters(unknowns, RESEND_UNKNOWNS);
      assertThat(again.skippedResolved()).isEqualTo(1);
      assertThat(again.replayed()).isZero();
      assertThat(sms.calls()).isEqualTo(1);
    }
  }

  @Test
  void aTornJournalTailIsTruncatedAndEveryCompleteEventBeforeItIsDelivered() throws IOException {
    try (FileEventJournal journal = FileEventJournal.builder()
        .directory(options().journalDirectory()).serializer(SERIALIZER).fsync(false).open()) {
      for (int i = 1; i <= 3; i++) {
        journal.append(event(i));
      }
    }
    Path segment;
    try (Stream<Path> files = Files.list(options().journalDirectory())) {
      segment = files.filter(p -> p.getFileName().toString().endsWith(".log")).sorted()
          .reduce((a, b) -> b).orElseThrow();
    }
    // A record header promising 50 bytes, cut short after 3 of them: the kill came mid-write.
    Files.write(segment, new byte[] {0, 0, 0, 50, 9, 9, 9}, StandardOpenOption.APPEND);

    FakeDestination events = events();
    try (Outlane outlane = client(events).durable(options()).build()) {
      RecoveryReport report = outlane.journalRecovery().orElseThrow();
      assertThat(report.bytesTruncated()).isEqualTo(7);
      assertThat(report.bytesSkipped()).isZero();
      assertThat(outlane.flush(Duration.ofSeconds(10))).isTrue();
    }
    assertThat(events.deliveredItems()).extracting(item -> item.event().eventId())
        .containsExactlyInAnyOrder("e-1", "e-2", "e-3");
  }

  @Test
  void journalSegmentsAreDeletedUnderSteadyLoadSoDiskUseStaysBounded() throws IOException {
    FakeDestination events = events();
    int maxSegments = 0;
    try (Outlane outlane = client(events).durable(options().withJournalSegmentSize(4096)).build()) {
      for (int round = 0; round < 20; round++) {
        for (int i = 0; i < 100; i++) {
          outlane.submit(event(round * 100 + i));
          if (i == 0 && round > 0) {
            // Measured right after a durable append returned: the journal's writer handles requests
            // in order and deletes what retention allows before releasing a caller, so the previous
            // round's completions (queued before flush returned) have been written and acted on.
            // Right after flush they may still be queued, which made this count depend on timing.
            maxSegments = Math.max(maxSegments, segments(options().journalDirectory()));
          }
        }
        assertThat(outlane.flush(Duration.ofSeconds(10))).isTrue();
      }
    }
    assertThat(events.deliveredItems()).hasSize(2_000);
    // 2,000 events of ~330 bytes fill ~160 segments of 4 KiB; only the newest few may remain.
    assertThat(maxSegments).isLessThanOrEqualTo(4);
  }

  @Test
  void replayResolvesWhatItDeliversAndASecondReplaySendsNothing() {
    FakeDestination sms = sms();
    sms.failNext(2, Outcome.rejected("21211", "'To' number is not valid"));
    try (Outlane outlane = client(sms).durable(options()).build()) {
      submitAll(outlane, 3);
      assertThat(outlane.deadLetters().list(DeadLetterQuery.unresolved())).hasSize(2);

      ReplayReport first = outlane.replayDeadLetters(DeadLetterQuery.unresolved());
      assertThat(List.of(first.matched(), first.replayed(), first.resolved(), first.stillFailing()))
          .containsExactly(2, 2, 2, 0);
      assertThat(first.items()).extracting(ReplayReport.Item::outcome)
          .containsExactly("resolved: delivered", "resolved: delivered");
      assertThat(sms.calls()).isEqualTo(5);

      ReplayReport second = outlane.replayDeadLetters(DeadLetterQuery.unresolved());
      assertThat(List.of(second.matched(), second.skippedResolved(), second.replayed()))
          .containsExactly(2, 2, 0);
      assertThat(sms.calls()).isEqualTo(5);
    }
    // Resolution survives a restart.
    try (Outlane outlane = client(sms()).durable(options()).build()) {
      assertThat(outlane.deadLetters().list(DeadLetterQuery.unresolved())).isEmpty();
      assertThat(outlane.deadLetters().list(new DeadLetterQuery(null, null, true))).hasSize(2);
    }
  }

  @Test
  void aDryRunListsWhatWouldBeSentWithoutPiiAndSendsNothing() {
    FakeDestination sms = sms();
    sms.failNext(2, Outcome.rejected("21211", "'To' number is not valid"));
    try (Outlane outlane = client(sms).durable(options()).build()) {
      submitAll(outlane, 3);

      ReplayReport dry = outlane.replayDeadLetters(DeadLetterQuery.unresolved(), DRY_RUN);
      assertThat(dry.dryRun()).isTrue();
      assertThat(dry.replayed()).isEqualTo(2);
      assertThat(dry.resolved()).isZero();
      assertThat(dry.items()).extracting(ReplayReport.Item::outcome)
          .containsExactly("would-replay", "would-replay");
      assertThat(dry.items()).extracting(ReplayReport.Item::line)
          .noneMatch(line -> line.contains("@example.com") || line.contains("+1415"))
          .allMatch(line -> line.contains(" sms rejected code=21211 "));
      assertThat(sms.calls()).isEqualTo(3);
      assertThat(outlane.deadLetters().list(DeadLetterQuery.unresolved())).hasSize(2);
    }
  }

  @Test
  void anInterruptedReplayLeavesTheRestUnresolvedAndTheNextRunDoesNotSendThemAgain() {
    FakeDestination events = FakeDestination.builder("events").channel(Channel.EVENTS)
        .limits(DestinationLimits.single()).build();
    events.failNext(3, Outcome.rejected("400", "bad batch"));
    ResolveFailsOnce deadLetters = new ResolveFailsOnce(2);
    try (Outlane outlane = client(events).deadLetterStore(deadLetters).build()) {
      submitAll(outlane, 3);
      assertThat(deadLetters.list(DeadLetterQuery.unresolved())).hasSize(3);

      assertThatThrownBy(() -> outlane.replayDeadLetters(DeadLetterQuery.unresolved()))
          .isInstanceOf(OutlaneException.class).hasMessage("dead-letter store is gone");
      assertThat(deadLetters.list(DeadLetterQuery.unresolved())).hasSize(2);
      assertThat(events.calls()).isEqualTo(6);

      ReplayReport rerun = outlane.replayDeadLetters(DeadLetterQuery.unresolved());
      assertThat(rerun.items()).extracting(ReplayReport.Item::outcome)
          .containsExactly("resolved: deduplicated", "resolved: deduplicated");
      assertThat(events.calls()).as("delivered by the interrupted run; not sent again").isEqualTo(6);
      assertThat(deadLetters.list(DeadLetterQuery.unresolved())).isEmpty();
    }
  }

  @Test
  void durableModeRefusesAJournalOfYourOwn() {
    Outlane.Builder b = client(events()).durable(dir).journal(EventJournal.none());
    assertThatThrownBy(b::build).isInstanceOf(IllegalStateException.class)
        .hasMessage("durable: the client opens its own journal, dead-letter and idempotency stores;"
            + " do not also set journal, deadLetterStore or idempotencyStore");
  }

  @Test
  void aSecondClientOnTheSameDirectoryFailsClearly() {
    try (Outlane first = client(events()).durable(options()).build()) {
      assertThatThrownBy(() -> client(events()).durable(options()).build())
          .isInstanceOf(OutlaneException.class)
          .hasMessageContaining("is already in use: another process (or another open");
      assertThat(first.outstanding()).isZero();
    }
  }

  private static void submitAll(Outlane outlane, int n) {
    for (int i = 0; i < n; i++) {
      CompletionStage<SubmitResult> unused = outlane.submit(event(i));
    }
    assertThat(outlane.flush(Duration.ofSeconds(10))).isTrue();
  }

  private static int segments(Path directory) throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return (int) files.filter(p -> p.getFileName().toString().endsWith(".log")).count();
    }
  }

  /** Fails the n-th {@link #markResolved}, as a crash mid-replay would, then works again. */
  private static final class ResolveFailsOnce implements DeadLetterStore {
    private final InMemoryDeadLetterStore delegate = new InMemoryDeadLetterStore();
    private final AtomicInteger resolves = new AtomicInteger();
    private final int failing;

    ResolveFailsOnce(int failing) {
      this.failing = failing;
    }

    @Override
    public void add(DeadLetter deadLetter) {
      delegate.add(deadLetter);
    }

    @Override
    public List<DeadLetter> list(DeadLetterQuery query) {
      return delegate.list(query);
    }

    @Override
    public boolean markResolved(String id) {
      if (resolves.incrementAndGet() == failing) {
        throw new OutlaneException("dead-letter store is gone");
      }
      return delegate.markResolved(id);
    }
  }
}

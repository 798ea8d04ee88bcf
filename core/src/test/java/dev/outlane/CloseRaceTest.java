package dev.outlane;

import static org.assertj.core.api.Assertions.assertThat;

import dev.outlane.contract.RetentionEvent;
import dev.outlane.destination.DeliveryItem;
import dev.outlane.journal.EventJournal;
import dev.outlane.routing.Route;
import dev.outlane.testing.FakeDestination;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code close()} racing {@code submit()}: every submit that returned normally reaches a final state
 * and its stage completes, in memory and on disk. Real threads, the real thread-pool scheduler.
 */
class CloseRaceTest {
  private static final Instant NOW = Instant.now();
  private static final int THREADS = 8;

  @TempDir Path dir;

  private static RetentionEvent event(String id, int person) {
    return RetentionEvent.builder().eventId(id).eventName("cart_abandoned").source("customerio")
        .customerId("c" + id).eventTime(NOW.minusSeconds(60))
        .phone("+1415555" + (2000 + person % 8000)).build();
  }

  /** A journal whose first append blocks until released: a submit caught between check and enqueue. */
  static final class BlockingJournal implements EventJournal {
    final CountDownLatch inFirstAppend = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger appends = new AtomicInteger();

    @Override
    public long append(RetentionEvent event) {
      int n = appends.incrementAndGet();
      if (n == 1) {
        inFirstAppend.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return n;
    }

    @Override
    public void complete(long sequence) {}

    @Override
    public List<Pending> pending() {
      return List.of();
    }

    @Override
    public void close() {}
  }

  @Test
  void aSubmitStillJournalingWhenCloseStartsIsDeliveredBeforeCloseReturns() throws Exception {
    BlockingJournal journal = new BlockingJournal();
    FakeDestination events = FakeDestination.builder("events").build();
    Outlane outlane = Outlane.builder().journal(journal).destination(events)
        .route(Route.builder().event("cart_abandoned").to("events").build())
        .closeTimeout(Duration.ofSeconds(30))
        .build();
    AtomicReference<CompletableFuture<SubmitResult>> slow = new AtomicReference<>();
    Thread submitter = new Thread(() ->
        slow.set(outlane.submit(event("slow", 1)).toCompletableFuture()));
    submitter.start();
    assertThat(journal.inFirstAppend.await(10, TimeUnit.SECONDS)).isTrue();

    Thread closer = new Thread(outlane::close);
    closer.start();
    // Probe until close() has started (a probe is refused); probes accepted before are fine.
    List<CompletableFuture<SubmitResult>> probes = new ArrayList<>();
    for (int i = 0; ; i++) {
      try {
        probes.add(outlane.submit(event("probe-" + i, 2 + i)).toCompletableFuture());
      } catch (QueueFullException e) {
        // close() has not started yet and the queue is full: keep probing
      } catch (OutlaneException e) {
        assertThat(e).hasMessage("client is closed; event probe-" + i + " was not accepted");
        break;
      }
    }
    journal.release.countDown();
    submitter.join(TimeUnit.SECONDS.toMillis(10));
    closer.join(TimeUnit.SECONDS.toMillis(30));

    assertThat(closer.isAlive()).isFalse();
    assertThat(slow.get()).as("accepted while close ran: completed by the time close returned")
        .isCompleted();
    assertThat(slow.get().join().state("events")).isEqualTo(FinalState.DELIVERED);
    for (CompletableFuture<SubmitResult> p : probes) {
      assertThat(p).isCompleted();
    }
    assertThat(events.deliveredItems()).hasSize(1 + probes.size());
  }

  /** An SMS destination whose deliver blocks until released, then reports delivered. */
  static final class HangingSms implements dev.outlane.destination.Destination {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    @Override
    public String name() {
      return "sms";
    }

    @Override
    public dev.outlane.destination.Channel channel() {
      return dev.outlane.destination.Channel.SMS;
    }

    @Override
    public dev.outlane.destination.DestinationLimits limits() {
      return dev.outlane.destination.DestinationLimits.single();
    }

    @Override
    public boolean idempotent() {
      return false;
    }

    @Override
    public List<dev.outlane.destination.Outcome> deliver(List<DeliveryItem> batch) {
      entered.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return List.of(dev.outlane.destination.Outcome.delivered("SM1"));
    }
  }

  @Test
  void aRequestStillHangingAfterTheCloseTimeoutEndsNeedingReconciliationAndItsDuplicateToo()
      throws Exception {
    HangingSms sms = new HangingSms();
    dev.outlane.deadletter.InMemoryDeadLetterStore deadLetters =
        new dev.outlane.deadletter.InMemoryDeadLetterStore();
    Outlane outlane = Outlane.builder().destination(sms).deadLetterStore(deadLetters)
        .route(Route.builder().event("cart_abandoned").to("sms").build())
        .closeTimeout(Duration.ofMillis(200))
        .build();
    CompletableFuture<SubmitResult> first = outlane.submit(event("e1", 1)).toCompletableFuture();
    assertThat(sms.entered.await(10, TimeUnit.SECONDS)).isTrue();
    // Same person, same signal, another event id: a duplicate waiting for the request in flight.
    CompletableFuture<SubmitResult> duplicate =
        outlane.submit(event("e1", 1).toBuilder().eventId("e1-again").build()).toCompletableFuture();

    outlane.close();

    assertThat(first).isCompleted();
    DestinationResult r = first.join().results().get(0);
    assertThat(r.state()).isEqualTo(FinalState.DEAD_LETTERED);
    assertThat(r.deadLetterReason()).isEqualTo(dev.outlane.deadletter.DeadLetterReason.NEEDS_RECONCILIATION);
    assertThat(r.detail()).isEqualTo("client closed while the delivery was in flight");
    assertThat(duplicate).isCompleted();
    assertThat(duplicate.join().state("sms")).as("never sent a second time")
        .isEqualTo(FinalState.DEDUPLICATED);
    sms.release.countDown();
    assertThat(deadLetters.list(dev.outlane.deadletter.DeadLetterQuery.unresolved()))
        .singleElement()
        .satisfies(d -> assertThat(d.reason())
            .isEqualTo(dev.outlane.deadletter.DeadLetterReason.NEEDS_RECONCILIATION));
  }

  /** Submits from {@code THREADS} threads until refused; closes once {@code closeAfter} were accepted. */
  private static List<CompletableFuture<SubmitResult>> race(Outlane outlane, int round, int closeAfter)
      throws InterruptedException {
    CountDownLatch enough = new CountDownLatch(closeAfter);
    CountDownLatch go = new CountDownLatch(1);
    List<List<CompletableFuture<SubmitResult>>> perThread = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      List<CompletableFuture<SubmitResult>> mine = new ArrayList<>();
      perThread.add(mine);
      int thread = t;
      Thread th = new Thread(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        for (int i = 0; ; i++) {
          try {
            mine.add(outlane.submit(event(round + "-" + thread + "-" + i, i)).toCompletableFuture());
            enough.countDown();
          } catch (QueueFullException e) {
            // bounded queue: try again
          } catch (OutlaneException e) {
            return; // closed
          }
        }
      });
      threads.add(th);
      th.start();
    }
    go.countDown();
    assertThat(enough.await(30, TimeUnit.SECONDS)).isTrue();
    outlane.close();
    for (Thread th : threads) {
      th.join(TimeUnit.SECONDS.toMillis(30));
      assertThat(th.isAlive()).isFalse();
    }
    List<CompletableFuture<SubmitResult>> all = new ArrayList<>();
    perThread.forEach(all::addAll);
    return all;
  }

  @Test
  void inMemoryEverySubmitThatReturnedNormallyIsDeliveredWhenCloseRacesManySubmitters()
      throws Exception {
    for (int round = 0; round < 10; round++) {
      FakeDestination events = FakeDestination.builder("events").build();
      Outlane outlane = Outlane.builder().destination(events)
          .route(Route.builder().event("cart_abandoned").to("events").build())
          .queueCapacity(5_000)
          .closeTimeout(Duration.ofSeconds(30))
          .build();

      List<CompletableFuture<SubmitResult>> accepted = race(outlane, round, 1_000);

      Set<String> delivered = events.deliveredItems().stream()
          .map(DeliveryItem::event).map(RetentionEvent::eventId).collect(Collectors.toSet());
      for (CompletableFuture<SubmitResult> f : accepted) {
        assertThat(f).as("round " + round + ": every returned stage completes").isCompleted();
        SubmitResult r = f.join();
        assertThat(r.state("events")).as("round %d, %s", round, r.eventId())
            .isEqualTo(FinalState.DELIVERED);
        assertThat(delivered).contains(r.eventId());
      }
      assertThat(delivered).as("round " + round).hasSize(accepted.size());
      assertThat(outlane.outstanding()).isZero();
    }
  }

  @Test
  void durablyEverySubmitThatReturnedNormallyCompletesAndNothingIsLeftPendingOnReopen()
      throws Exception {
    for (int round = 0; round < 3; round++) {
      Path home = dir.resolve("round-" + round);
      FakeDestination events = FakeDestination.builder("events").build();
      Outlane outlane = Outlane.builder().durable(DurableOptions.at(home).withFsync(false))
          .destination(events)
          .route(Route.builder().event("cart_abandoned").to("events").build())
          .closeTimeout(Duration.ofSeconds(30))
          .build();

      List<CompletableFuture<SubmitResult>> accepted = race(outlane, round, 300);

      Set<String> ids = new HashSet<>();
      for (CompletableFuture<SubmitResult> f : accepted) {
        assertThat(f).as("round " + round + ": every returned stage completes").isCompleted();
        assertThat(f.join().state("events")).isEqualTo(FinalState.DELIVERED);
        ids.add(f.join().eventId());
      }
      assertThat(events.deliveredItems()).extracting(i -> i.event().eventId())
          .containsExactlyInAnyOrderElementsOf(ids);
      FakeDestination reopened = FakeDestination.builder("events").build();
      try (Outlane again = Outlane.builder().durable(DurableOptions.at(home).withFsync(false))
          .destination(reopened)
          .route(Route.builder().event("cart_abandoned").to("events").build()).build()) {
        assertThat(again.outstanding()).as("round " + round + ": nothing left in the journal")
            .isZero();
      }
    }
  }
}

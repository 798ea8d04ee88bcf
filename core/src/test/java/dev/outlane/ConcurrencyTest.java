package dev.outlane;

import static org.assertj.core.api.Assertions.assertThat;

import dev.outlane.contract.RetentionEvent;
import dev.outlane.destination.Channel;
import dev.outlane.destination.DeliveryItem;
import dev.outlane.destination.DestinationLimits;
import dev.outlane.destination.Outcome;
import dev.outlane.metrics.InMemoryMetrics;
import dev.outlane.retry.RetryPolicy;
import dev.outlane.routing.Route;
import dev.outlane.testing.FakeDestination;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Many threads submit at once on the real thread-pool scheduler; then {@code close()}. */
class ConcurrencyTest {
  private static final int THREADS = 8;
  private static final int PER_THREAD = 300;
  private static final int PEOPLE = 1000;

  @Test
  void everyAcceptedEventEndsInExactlyOneFinalStatePerDestinationNothingLostNothingDeliveredTwice()
      throws Exception {
    // Real time: the thread-pool scheduler waits in real time, so pauses must be measured by a real clock.
    Instant now = Instant.now();
    FakeDestination events = FakeDestination.builder("events").limits(DestinationLimits.ofItems(50)).build();
    FakeDestination sms = FakeDestination.builder("sms").channel(Channel.SMS).idempotent(false)
        .limits(DestinationLimits.single()).build();
    events.failNext(5, Outcome.retryable("503", null));
    sms.failNext(3, new Outcome.Retryable("429", "20429", Duration.ofMillis(5)));
    InMemoryMetrics metrics = new InMemoryMetrics();
    Outlane outlane = Outlane.builder()
        .metrics(metrics)
        .destination(events, Outlane.DestinationOptions.defaults().withConcurrency(2))
        .destination(sms, Outlane.DestinationOptions.defaults().withConcurrency(4))
        .route(Route.builder().event("cart_abandoned").to("events").to("sms").build())
        .retryPolicy(RetryPolicy.builder().maxAttempts(20).initialBackoff(Duration.ofMillis(1))
            .maxBackoff(Duration.ofMillis(5)).build())
        .queueCapacity(THREADS * PER_THREAD)
        .closeTimeout(Duration.ofMinutes(2))
        .build();

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
        for (int i = 0; i < PER_THREAD; i++) {
          // Person and time repeat across threads: the same signal arrives several times at once.
          int person = (thread * PER_THREAD + i) % PEOPLE;
          RetentionEvent e = RetentionEvent.builder().eventId("t" + thread + "-" + i)
              .eventName("cart_abandoned").source("customerio").customerId("c" + person)
              .eventTime(now.minusSeconds(60)).phone("+1415555" + (2000 + person % 8000)).build();
          mine.add(outlane.submit(e).toCompletableFuture());
        }
      });
      threads.add(th);
      th.start();
    }
    go.countDown();
    for (Thread th : threads) {
      th.join(TimeUnit.MINUTES.toMillis(2));
    }
    outlane.close();

    List<SubmitResult> results = new ArrayList<>();
    for (List<CompletableFuture<SubmitResult>> mine : perThread) {
      for (CompletableFuture<SubmitResult> f : mine) {
        assertThat(f).isDone();
        results.add(f.join());
      }
    }
    int accepted = THREADS * PER_THREAD;
    assertThat(results).hasSize(accepted);
    for (SubmitResult r : results) {
      assertThat(r.results()).extracting(DestinationResult::destination)
          .containsExactlyInAnyOrder("events", "sms");
    }
    for (FakeDestination d : List.of(events, sms)) {
      Map<FinalState, Long> states = results.stream()
          .map(r -> r.state(d.name()))
          .collect(Collectors.groupingBy(s -> s, Collectors.counting()));
      List<String> deliveredKeys =
          d.deliveredItems().stream().map(DeliveryItem::idempotencyKey).collect(Collectors.toList());
      Set<String> distinct = new HashSet<>(deliveredKeys);
      assertThat(deliveredKeys).as(d.name() + " delivered each key once").hasSize(distinct.size());
      assertThat(distinct).as(d.name() + " one delivery per person").hasSize(PEOPLE);
      assertThat(states).as(d.name()).containsOnlyKeys(FinalState.DELIVERED, FinalState.DEDUPLICATED);
      assertThat(states.get(FinalState.DELIVERED)).isEqualTo(PEOPLE);
      assertThat(states.get(FinalState.DEDUPLICATED)).isEqualTo(accepted - PEOPLE);
      assertThat(d.limitViolations()).isEmpty();
      assertThat(metrics.count(d.name(), "delivered")).isEqualTo(PEOPLE);
    }
    assertThat(outlane.outstanding()).isZero();
  }
}

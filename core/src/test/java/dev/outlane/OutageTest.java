package dev.outlane;

import static dev.outlane.TestEvents.T0;
import static dev.outlane.TestEvents.cart;
import static org.assertj.core.api.Assertions.assertThat;

import dev.outlane.deadletter.DeadLetter;
import dev.outlane.deadletter.DeadLetterQuery;
import dev.outlane.deadletter.DeadLetterReason;
import dev.outlane.deadletter.InMemoryDeadLetterStore;
import dev.outlane.destination.DestinationLimits;
import dev.outlane.destination.Outcome;
import dev.outlane.metrics.InMemoryMetrics;
import dev.outlane.retry.RetryPolicy;
import dev.outlane.routing.Route;
import dev.outlane.testing.FakeDestination;
import dev.outlane.testing.ManualScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * A destination that fails as a whole for a while (issue 12's fault plan in miniature), in virtual
 * time: the lane pauses and probes with one request, queued items spend no attempts, and retrying
 * is bounded by the retry window, not by a count a burst burns.
 */
class OutageTest {
  private static final Outcome SERVER_ERROR = new Outcome.Retryable("503 Service Unavailable", "503", null);

  private final ManualScheduler time = new ManualScheduler(T0);
  private final InMemoryMetrics metrics = new InMemoryMetrics();
  private final InMemoryDeadLetterStore deadLetters = new InMemoryDeadLetterStore();

  private FakeDestination segment(@Nullable Function<dev.outlane.destination.DeliveryItem,
      @Nullable Outcome> rule) {
    return FakeDestination.builder("segment").clock(time.clock())
        .limits(DestinationLimits.ofItems(10)).rule(rule).build();
  }

  private Outlane client(FakeDestination destination) {
    return Outlane.builder().scheduler(time).clock(time.clock()).metrics(metrics)
        .deadLetterStore(deadLetters)
        .retryPolicy(RetryPolicy.builder().jitter(() -> 1.0).build())
        .destination(destination)
        .route(Route.builder().event("cart_abandoned").to("segment").build())
        .build();
  }

  private List<CompletableFuture<SubmitResult>> submit(Outlane outlane, int events) {
    List<CompletableFuture<SubmitResult>> results = new ArrayList<>();
    for (int i = 1; i <= events; i++) {
      results.add(outlane.submit(cart("e" + i, i).build()).toCompletableFuture());
    }
    return results;
  }

  @Test
  void aBurstOfServerErrorsThenRecoveryDeliversEverythingWithNoDeadLetters() {
    FakeDestination segment = segment(item -> null);
    segment.failNext(40, SERVER_ERROR);
    Outlane outlane = client(segment);

    List<CompletableFuture<SubmitResult>> results = submit(outlane, 200);
    time.advance(Duration.ofMinutes(5));

    assertThat(results).allSatisfy(f -> assertThat(f.join().results().get(0).state())
        .isEqualTo(FinalState.DELIVERED));
    assertThat(deadLetters.list(DeadLetterQuery.unresolved())).isEmpty();
    // 40 failed requests, one at a time (the lane paused between them; every probe holds one
    // item), a probe that succeeds, then the 199 others in 20 batches.
    assertThat(segment.calls()).isEqualTo(61);
    assertThat(segment.deliveredItems()).hasSize(200);
    // Probes 500 ms apart (the backoff's first step is already the probe interval); the lane
    // resumes right after the 40th.
    List<Instant> calls = segment.callTimes();
    assertThat(calls.get(1)).isEqualTo(T0.plusMillis(500));
    assertThat(calls.get(2)).isEqualTo(T0.plusMillis(1000));
    assertThat(calls.get(40)).isEqualTo(T0.plusMillis(20_000));
    assertThat(calls.get(60)).isEqualTo(T0.plusMillis(20_000));
    assertThat(segment.batches().get(1)).hasSize(1);
    assertThat(metrics.count("segment", "lane_paused")).isEqualTo(40); // once per failed request
  }

  @Test
  void aRetryAfterPausesTheLaneForExactlyThatLongAndOnlyTheProbeGoesOutFirst() {
    FakeDestination segment = segment(item -> null);
    segment.rateLimitNext(2, Duration.ofSeconds(7));
    Outlane outlane = client(segment);

    List<CompletableFuture<SubmitResult>> results = submit(outlane, 30);
    time.advance(Duration.ofMinutes(1));

    assertThat(segment.callTimes()).containsExactly(T0, T0.plusSeconds(7), T0.plusSeconds(14),
        T0.plusSeconds(14), T0.plusSeconds(14), T0.plusSeconds(14));
    assertThat(segment.batches()).extracting(List::size).containsExactly(10, 1, 1, 10, 10, 9);
    assertThat(results).allSatisfy(f -> assertThat(f.join().results().get(0).state())
        .isEqualTo(FinalState.DELIVERED));
    assertThat(deadLetters.list(DeadLetterQuery.unresolved())).isEmpty();
  }

  @Test
  void aNonRetryableRefusalIsStillDeadLetteredAtOnceDuringAnOutage() {
    FakeDestination segment = segment(item -> item.identity().customerId().equals("c7")
        ? Outcome.rejected("400", "bad property") : null);
    segment.failNext(3, SERVER_ERROR);
    Outlane outlane = client(segment);

    List<CompletableFuture<SubmitResult>> results = submit(outlane, 20);
    time.advance(Duration.ofMinutes(1));

    List<DeadLetter> letters = deadLetters.list(DeadLetterQuery.unresolved());
    assertThat(letters).extracting(DeadLetter::reason).containsExactly(DeadLetterReason.REJECTED);
    assertThat(letters.get(0).detail()).isEqualTo("bad property");
    assertThat(results.get(6).join().results().get(0).state()).isEqualTo(FinalState.REJECTED);
    assertThat(results.stream().filter(f -> f.join().results().get(0).state()
        == FinalState.DELIVERED)).hasSize(19);
  }

  @Test
  void anItemIsDeadLetteredAsRetriesExhaustedOnlyOnceItsRetryWindowHasPassed() {
    FakeDestination segment = segment(item -> SERVER_ERROR);
    Outlane outlane = client(segment);

    CompletableFuture<SubmitResult> result = submit(outlane, 1).get(0);
    time.advance(Duration.ofSeconds(599));
    assertThat(result).isNotDone();
    assertThat(deadLetters.list(DeadLetterQuery.unresolved())).isEmpty();

    time.advance(Duration.ofMinutes(2));
    DestinationResult r = result.join().results().get(0);
    assertThat(r.state()).isEqualTo(FinalState.DEAD_LETTERED);
    assertThat(r.deadLetterReason()).isEqualTo(DeadLetterReason.RETRIES_EXHAUSTED);
    // Item backoff 0.5 s doubling to 30 s: attempts at 0, 0.5, 1.5, 3.5, 7.5, 15.5, 31.5, 61.5 s,
    // then every 30 s; the one at 601.5 s is the first to fail outside the 10 min window.
    assertThat(r.detail()).isEqualTo("retries exhausted after 26 attempts: 503 Service Unavailable");
    assertThat(segment.callTimes().get(25)).isEqualTo(T0.plusMillis(601_500));
  }
}

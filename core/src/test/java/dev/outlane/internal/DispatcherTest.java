package dev.outlane.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.outlane.destination.DestinationLimits;
import dev.outlane.metrics.InMemoryMetrics;
import dev.outlane.ratelimit.RateLimit;
import dev.outlane.retry.RetryPolicy;
import dev.outlane.testing.ManualScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** The per-destination dispatcher alone, in virtual time: no engine, no destination. */
class DispatcherTest {
  private final ManualScheduler time = new ManualScheduler(Instant.parse("2026-01-01T00:00:00Z"));
  private final InMemoryMetrics metrics = new InMemoryMetrics();
  private final AtomicBoolean hurry = new AtomicBoolean();
  private final List<String> batches = new ArrayList<>();
  private static final RetryPolicy RETRY = RetryPolicy.builder().initialBackoff(Duration.ofMillis(500))
      .maxBackoff(Duration.ofSeconds(30)).maxProbeInterval(Duration.ofSeconds(2)).jitter(() -> 1.0)
      .build();
  /** The verdict the breaker tests' handler reports for each batch, in turn. */
  private final java.util.ArrayDeque<String> verdicts = new java.util.ArrayDeque<>();
  private @Nullable Dispatcher<Item> reporting;

  private Dispatcher<Item> breakerDispatcher(int concurrency) {
    Dispatcher<Item> d = new Dispatcher<>("segment", DestinationLimits.ofItems(2), concurrency,
        Duration.ZERO, null, RETRY, time.clock(), time, metrics, hurry::get, recordThen(batch -> {
          String v = verdicts.isEmpty() ? "reached" : verdicts.poll();
          switch (v) {
            case "reached" -> reporting.batchDone(true, false, null);
            case "500" -> reporting.batchDone(false, true, null);
            case "429" -> reporting.batchDone(false, true, Duration.ofSeconds(7));
            default -> { } // no verdict: every item finished before sending
          }
        }));
    reporting = d;
    return d;
  }

  @Test
  void aBatchFailingAsAWholePausesTheLaneThenOneProbeGoesOutBeforeTheQueueIsReleased() {
    Dispatcher<Item> d = breakerDispatcher(4);
    verdicts.add("500");
    d.enqueue(item("a"));
    d.enqueue(item("b"));
    time.runDue();
    assertThat(batches).containsExactly("[a, b]");
    assertThat(d.breakerState()).isEqualTo(LaneBreaker.State.OPEN);

    for (String name : List.of("c", "d", "e", "f", "g", "h")) {
      d.enqueue(item(name));
    }
    time.advance(Duration.ofMillis(499));
    assertThat(batches).containsExactly("[a, b]"); // paused: the queued items spend nothing
    time.advance(Duration.ofMillis(1));
    // 500 ms later exactly one probe of one item; the lane is released once it reached the destination.
    assertThat(batches).containsExactly("[a, b]", "[c]", "[d, e]", "[f, g]", "[h]");
    assertThat(d.breakerState()).isEqualTo(LaneBreaker.State.CLOSED);
    assertThat(metrics.count("segment", "lane_paused")).isEqualTo(1);
  }

  @Test
  void aFailedProbeReopensTheLaneWithALongerPauseCappedAtTheProbeInterval() {
    Dispatcher<Item> d = breakerDispatcher(4);
    verdicts.addAll(List.of("500", "500", "500", "500"));
    for (String name : List.of("a", "b", "c", "d", "e", "f")) {
      d.enqueue(item(name));
    }
    time.runDue();
    assertThat(batches).containsExactly("[a, b]", "[c, d]", "[e, f]"); // sent before any verdict
    batches.clear();

    time.advance(Duration.ofMillis(500));
    assertThat(d.breakerState()).isEqualTo(LaneBreaker.State.OPEN); // all three failed: 2 s
    assertThat(batches).isEmpty();
    d.enqueue(item("g"));
    d.enqueue(item("h"));
    time.advance(Duration.ofMillis(1500));
    assertThat(batches).containsExactly("[g]"); // the probe fails: 4th failure, 2 s again
    d.enqueue(item("i"));
    d.enqueue(item("j"));
    time.advance(Duration.ofMillis(1999));
    assertThat(batches).containsExactly("[g]");
    time.advance(Duration.ofMillis(1));
    assertThat(batches).containsExactly("[g]", "[h]", "[i, j]");
    assertThat(d.breakerState()).isEqualTo(LaneBreaker.State.CLOSED);
  }

  @Test
  void aRetryAfterSetsTheLanesPauseAndAProbeWithoutVerdictLetsTheNextBatchProbe() {
    Dispatcher<Item> d = breakerDispatcher(1);
    verdicts.addAll(List.of("429", "none"));
    d.enqueue(item("a"));
    d.enqueue(item("b"));
    time.runDue();
    for (String name : List.of("c", "d", "e", "f")) {
      d.enqueue(item(name));
    }
    time.advance(Duration.ofMillis(6999));
    assertThat(batches).containsExactly("[a, b]");
    time.advance(Duration.ofMillis(1));
    assertThat(batches).containsExactly("[a, b]", "[c]", "[d]", "[e, f]");
    assertThat(d.breakerState()).isEqualTo(LaneBreaker.State.CLOSED);
  }

  @Test
  void whenTheLaneRecoversItemsWaitingOutTheirOwnRetryDelayAreQueuedAtOnce() {
    Dispatcher<Item> d = breakerDispatcher(1);
    verdicts.add("500");
    d.enqueue(item("a"));
    d.enqueue(item("b"));
    time.runDue();
    d.retryAfter(item("a2"), Duration.ofSeconds(30));
    d.enqueue(item("c"));

    time.advance(Duration.ofMillis(500));
    assertThat(batches).containsExactly("[a, b]", "[c]", "[a2]");
    time.runUntilIdle(Duration.ofMinutes(1));
    assertThat(batches).containsExactly("[a, b]", "[c]", "[a2]"); // its old timer does nothing
  }

  @Test
  void aPartialBatchWaitsUntilItsFirstItemHasLingeredThenGoesOutWhole() {
    Dispatcher<Item> d = dispatcher(DestinationLimits.ofItems(10), Duration.ofMillis(100), null);
    d.enqueue(item("a"));
    time.advance(Duration.ofMillis(40));
    d.enqueue(item("b"));

    time.advance(Duration.ofMillis(59));
    assertThat(batches).isEmpty();
    time.advance(Duration.ofMillis(1));
    assertThat(batches).containsExactly("[a, b]");
  }

  @Test
  void aBatchFullByCountGoesOutAtOnceAndTheRestLingers() {
    Dispatcher<Item> d = dispatcher(DestinationLimits.ofItems(2), Duration.ofMillis(100), null);
    d.enqueue(item("a"));
    d.enqueue(item("b"));
    d.enqueue(item("c"));

    time.runDue();
    assertThat(batches).containsExactly("[a, b]");
    time.advance(Duration.ofMillis(100));
    assertThat(batches).containsExactly("[a, b]", "[c]");
  }

  @Test
  void batchesStayWithinTheDestinationsByteLimit() {
    Dispatcher<Item> d =
        dispatcher(new DestinationLimits(10, 10, 10), Duration.ofMillis(100), null);
    d.enqueue(item("a", 4));
    d.enqueue(item("b", 4));
    d.enqueue(item("c", 4)); // 12 bytes queued: over the request limit, so the queue is full

    time.runDue();
    assertThat(batches).containsExactly("[a, b]");
  }

  @Test
  void aFlushOrCloseSendsPartialBatchesWithoutWaitingForTheLinger() {
    Dispatcher<Item> d = dispatcher(DestinationLimits.ofItems(10), Duration.ofSeconds(5), null);
    d.enqueue(item("a"));
    time.runDue();
    assertThat(batches).isEmpty();

    hurry.set(true);
    d.schedulePump();
    time.runDue();
    assertThat(batches).containsExactly("[a]");
  }

  @Test
  void aPauseHoldsEverythingUntilItEndsAndPutsTheRequeuedItemsFirstInTheirOrder() {
    Dispatcher<Item> d = dispatcher(DestinationLimits.ofItems(10), Duration.ZERO, null);
    d.enqueue(item("c"));
    d.pause(time.now().plusSeconds(3), List.of(item("a"), item("b")));

    time.advance(Duration.ofMillis(2999));
    assertThat(batches).isEmpty();
    time.advance(Duration.ofMillis(1));
    assertThat(batches).containsExactly("[a, b, c]");
  }

  @Test
  void aShorterPauseDoesNotCutALongerOneShort() {
    Dispatcher<Item> d = dispatcher(DestinationLimits.ofItems(10), Duration.ZERO, null);
    d.pause(time.now().plusSeconds(3), List.of(item("a")));
    d.pause(time.now().plusSeconds(1), List.of());

    time.advance(Duration.ofMillis(2999));
    assertThat(batches).isEmpty();
    time.advance(Duration.ofMillis(1));
    assertThat(batches).containsExactly("[a]");
  }

  @Test
  void theTokenBucketSpacesRequestsAtTheRateLimit() {
    Dispatcher<Item> d =
        dispatcher(DestinationLimits.single(), Duration.ZERO, new RateLimit(1, 1));
    d.enqueue(item("a"));
    d.enqueue(item("b"));
    d.enqueue(item("c"));

    time.runDue();
    assertThat(batches).containsExactly("[a]");
    time.advance(Duration.ofMillis(999));
    assertThat(batches).containsExactly("[a]");
    time.advance(Duration.ofMillis(1));
    assertThat(batches).containsExactly("[a]", "[b]");
    time.advance(Duration.ofSeconds(1));
    assertThat(batches).containsExactly("[a]", "[b]", "[c]");
  }

  @Test
  void theHalvesOfASplitBatchGoOutBeforeAnythingQueuedEachAsABatchOfItsOwn() {
    Dispatcher<Item> d = dispatcher(DestinationLimits.ofItems(10), Duration.ZERO, null);
    d.enqueue(item("x"));
    d.enqueueSplit(List.of(item("a"), item("b")), List.of(item("c")));

    time.runDue();
    assertThat(batches).containsExactly("[a, b]", "[c]", "[x]");
  }

  @Test
  void anItemRetriedAfterADelayIsQueuedAtTheFrontWhenTheDelayEnds() {
    Dispatcher<Item> d = dispatcher(DestinationLimits.ofItems(10), Duration.ofMillis(500), null);
    d.retryAfter(item("r"), Duration.ofSeconds(2));
    time.advance(Duration.ofMillis(1900));
    d.enqueue(item("q"));

    time.advance(Duration.ofMillis(100));
    assertThat(batches).isEmpty(); // r is queued now, and lingers like any partial batch
    time.advance(Duration.ofMillis(500));
    assertThat(batches).containsExactly("[r, q]");
  }

  @Test
  void drainTakesQueuedSplitAndWaitingItemsAndADrainedRetryIsNeverQueuedAgain() {
    Dispatcher<Item> d = dispatcher(DestinationLimits.ofItems(10), Duration.ofSeconds(5), null);
    d.enqueue(item("q"));
    d.enqueueSplit(List.of(item("s1")), List.of(item("s2")));
    d.retryAfter(item("r"), Duration.ofSeconds(1));
    // The split halves would go out on the next pump: drain before it runs.

    assertThat(d.drain()).extracting(Item::toString).containsExactly("q", "s1", "s2", "r");
    time.runUntilIdle(Duration.ofMinutes(1));
    assertThat(batches).isEmpty();
  }

  @Test
  void aHandlerThatThrowsStillFreesItsInFlightSlotForTheNextBatch() {
    Dispatcher<Item> d = new Dispatcher<>("sms", DestinationLimits.single(), 1, Duration.ZERO,
        null, RETRY, time.clock(), time, metrics, hurry::get, recordThen(batch -> {
          if (batch.get(0).name.equals("boom")) {
            throw new IllegalStateException("handler failed");
          }
        }));
    d.enqueue(item("boom"));
    d.enqueue(item("next"));

    assertThatThrownBy(time::runDue).hasMessage("handler failed");
    time.runDue();
    assertThat(batches).containsExactly("[boom]", "[next]");
  }

  @Test
  void theQueueDepthIsReportedAsItemsAreQueuedAndTaken() {
    Dispatcher<Item> d = dispatcher(DestinationLimits.ofItems(10), Duration.ofSeconds(1), null);
    d.enqueue(item("a"));
    d.enqueue(item("b"));
    assertThat(metrics.queueDepth("sms")).isEqualTo(2);

    time.advance(Duration.ofSeconds(1));
    assertThat(metrics.queueDepth("sms")).isZero();
  }

  private Dispatcher<Item> dispatcher(DestinationLimits limits, Duration linger,
      @Nullable RateLimit rateLimit) {
    return new Dispatcher<>("sms", limits, 1, linger, rateLimit, RETRY, time.clock(), time,
        metrics, hurry::get, recordThen(batch -> {}));
  }

  private Consumer<List<Item>> recordThen(Consumer<List<Item>> then) {
    return batch -> {
      batches.add(batch.toString());
      then.accept(batch);
    };
  }

  private static Item item(String name) {
    return item(name, 1);
  }

  private static Item item(String name, long size) {
    return new Item(name, size);
  }

  private static final class Item implements Dispatcher.Item {
    final String name;
    final long size;
    @Nullable Instant queuedAt;

    Item(String name, long size) {
      this.name = name;
      this.size = size;
    }

    @Override
    public long size() {
      return size;
    }

    @Override
    public void queuedAt(Instant at) {
      queuedAt = at;
    }

    @Override
    public Instant queuedAt() {
      return java.util.Objects.requireNonNull(queuedAt, "queuedAt");
    }

    @Override
    public String toString() {
      return name;
    }
  }
}

package dev.outlane.bench.engine;

import dev.outlane.Outlane;
import dev.outlane.SubmitResult;
import dev.outlane.contract.RetentionEvent;
import dev.outlane.destination.Channel;
import dev.outlane.destination.DeliveryItem;
import dev.outlane.destination.Destination;
import dev.outlane.destination.DestinationLimits;
import dev.outlane.destination.Outcome;
import dev.outlane.guardrail.IdempotencyStore;
import dev.outlane.routing.Route;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The engine's throughput into a destination that does nothing: every event is validated, its phone
 * and email normalized, routed, keyed (SHA-256), dedupe-checked, queued, batched and "delivered" on
 * the default thread-pool scheduler. One operation is one event; run with {@code -prof gc} for the
 * allocation per event.
 *
 * <p>{@code mvn -B -pl core -am -P bench verify -Dbench.args="EngineBenchmark -f 1 -wi 2 -i 3 -w 2s -r 2s -prof gc"}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class EngineBenchmark {
  static final int BATCH = 1_000;

  /** {@code true}: events carry an email and a phone (libphonenumber dominates); {@code false}: id only. */
  @Param({"true", "false"})
  boolean withIdentifiers;

  private Outlane outlane;
  private RetentionEvent[] events;
  @SuppressWarnings("unchecked")
  private final CompletableFuture<SubmitResult>[] futures = new CompletableFuture[BATCH];

  @Setup(Level.Trial)
  public void setUp() {
    Instant now = Instant.now();
    events = new RetentionEvent[BATCH];
    for (int i = 0; i < BATCH; i++) {
      RetentionEvent.Builder b = RetentionEvent.builder().eventId("e" + i).eventName("cart_abandoned")
          .source("customerio").customerId("cust-" + i).eventTime(now.minusSeconds(60));
      if (withIdentifiers) {
        b.email("Shopper" + i + "@Example.com").phone(String.format("+1 (415) 555-%04d", 1000 + i));
      }
      events[i] = b.build();
    }
    outlane = Outlane.builder()
        .destination(new Noop(), Outlane.DestinationOptions.defaults().withConcurrency(2))
        .route(Route.builder().event("cart_abandoned").to("noop").build())
        // The same 1,000 events are submitted again each invocation: measure the pipeline, not dedupe.
        .idempotencyStore(new NeverDone())
        .queueCapacity(BATCH)
        .build();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    outlane.close();
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public int submitAndDeliver() {
    for (int i = 0; i < BATCH; i++) {
      futures[i] = outlane.submit(events[i]).toCompletableFuture();
    }
    if (!outlane.flush(Duration.ofSeconds(30))) {
      throw new IllegalStateException("flush timed out");
    }
    return futures[BATCH - 1].join().results().size();
  }

  /** Accepts everything, at once. */
  static final class Noop implements Destination {
    private static final List<Outcome> NONE = List.of();

    @Override
    public String name() {
      return "noop";
    }

    @Override
    public Channel channel() {
      return Channel.EVENTS;
    }

    @Override
    public DestinationLimits limits() {
      return DestinationLimits.ofItems(500);
    }

    @Override
    public boolean idempotent() {
      return true;
    }

    @Override
    public List<Outcome> deliver(List<DeliveryItem> batch) {
      return batch.isEmpty() ? NONE : Collections.nCopies(batch.size(), Outcome.delivered(null));
    }
  }

  /** An idempotency store that remembers nothing. */
  static final class NeverDone implements IdempotencyStore {
    @Override
    public boolean isDone(String key, Instant now) {
      return false;
    }

    @Override
    public void markDone(String key, Instant now) {}
  }
}

package dev.outlane.bench.durable;

import dev.outlane.DurableOptions;
import dev.outlane.Outlane;
import dev.outlane.QueueFullException;
import dev.outlane.contract.RetentionEvent;
import dev.outlane.destination.Channel;
import dev.outlane.destination.DeliveryItem;
import dev.outlane.destination.Destination;
import dev.outlane.destination.DestinationLimits;
import dev.outlane.destination.Outcome;
import dev.outlane.routing.Route;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Accepted events per second through {@code Outlane.submit}, in memory and in durable mode (the
 * journal's group commit: many submitting threads share one flush). One operation is one accepted
 * event; every event is distinct (its own customer), delivered to a destination that does nothing.
 * Run with 1 and with 16 threads:
 *
 * <pre>
 * mvn -B -o -pl core -P bench verify -Dbench.args="DurableSubmitBenchmark -f 1 -wi 2 -i 3 -w 2s -r 3s -t 1"
 * mvn -B -o -pl core -P bench verify -Dbench.args="DurableSubmitBenchmark -f 1 -wi 2 -i 3 -w 2s -r 3s -t 16"
 * </pre>
 *
 * <p>{@code memory}: no journal. {@code durable}: {@code durable(dir)}, flushed to the device.
 * {@code durable-nofsync}: durable with {@code withFsync(false)} (page cache only), to separate the
 * cost of the device flush from the cost of writing.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class DurableSubmitBenchmark {
  @Param({"memory", "durable", "durable-nofsync"})
  String mode;

  private final AtomicLong next = new AtomicLong();
  private Outlane outlane;
  private Path dir;
  private Instant eventTime;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    eventTime = Instant.now();
    dir = Files.createTempDirectory("outlane-bench-");
    Outlane.Builder b = Outlane.builder()
        .destination(new Noop(), Outlane.DestinationOptions.defaults().withConcurrency(2))
        .route(Route.builder().event("cart_abandoned").to("noop").build())
        .queueCapacity(50_000);
    if (!mode.equals("memory")) {
      b.durable(DurableOptions.at(dir).withFsync(mode.equals("durable")));
    }
    outlane = b.build();
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    outlane.close();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.delete(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }

  @Benchmark
  public CompletionStage<?> submit() {
    long n = next.incrementAndGet();
    RetentionEvent e = RetentionEvent.builder().eventId("e" + n).eventName("cart_abandoned")
        .source("customerio").customerId("cust-" + n).eventTime(eventTime).build();
    while (true) {
      try {
        return outlane.submit(e);
      } catch (QueueFullException full) {
        // Sustained rate: wait for deliveries to catch up, as a receiver applying back-pressure would.
        outlane.flush(Duration.ofSeconds(10));
      }
    }
  }

  /** Accepts everything, at once. */
  static final class Noop implements Destination {
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
      return Collections.nCopies(batch.size(), Outcome.delivered(null));
    }
  }
}

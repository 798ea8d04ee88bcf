package dev.outlane.peerbench;

import dev.outlane.Outlane;
import dev.outlane.QueueFullException;
import dev.outlane.deadletter.DeadLetter;
import dev.outlane.deadletter.DeadLetterQuery;
import dev.outlane.routing.Route;
import dev.outlane.twilio.segment.SegmentDestination;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Outlane as a user writes it, through the public client and with every default: {@code
 * SegmentDestination.builder().writeKey(…).baseUrl(…)} (its own OkHttpClient), one route, {@code
 * Outlane.builder()…build()}, {@code submit} from one thread, {@code flush}.
 *
 * <p>{@code submit(event)} never blocks: when {@code queueCapacity} events are unfinished it throws
 * {@link QueueFullException}. Each such refusal is counted (the "refusals" column), and the same
 * event is then handed to {@code submit(event, maxWait)}, which waits for room up to what is left
 * of the bound: what a caller does since issue 12 instead of writing its own back-off loop (the
 * earlier 100 µs park-and-retry loop spent a core on exceptions while a lane was paused).
 */
final class OutlaneSegmentClient implements SegmentClient {
  /** Dead letters by reason of the last run, for the fault plan report. */
  private Map<String, Integer> lastDeadLetters = Map.of();

  @Override
  public String label() {
    return "Outlane, defaults";
  }

  @Override
  public SegmentRun run(int events, LoopbackCollector collector, long boundNanos) throws Exception {
    SegmentDestination segment = SegmentDestination.builder()
        .name("segment")
        .writeKey(PeerBench.WRITE_KEY)
        .baseUrl(collector.baseUrl() + "/")
        .build();
    Outlane outlane = Outlane.builder()
        .destination(segment)
        .route(Route.builder().event(Workload.EVENT).to("segment").build())
        .build();
    long refusals = 0;
    long cpu0 = JvmMeter.processCpuNanos();
    long collectorCpu0 = collector.handlerCpuNanos();
    long t0 = System.nanoTime();
    long deadline = t0 + boundNanos;
    for (int i = 0; i < events; i++) {
      var event = Workload.outlaneEvent(i);
      try {
        outlane.submit(event);
      } catch (QueueFullException full) {
        refusals++;
        try {
          outlane.submit(event, Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
        } catch (QueueFullException stillFull) {
          // Past the bound: the event is not sent and the collector counts it missing.
        }
      }
    }
    outlane.flush(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    long wall = System.nanoTime() - t0;
    long cpu = JvmMeter.processCpuNanos() - cpu0;
    long collectorCpu = collector.handlerCpuNanos() - collectorCpu0;
    long heap = JvmMeter.heapAfterGcBytes();
    List<DeadLetter> dead = outlane.deadLetters().list(DeadLetterQuery.unresolved());
    Map<String, Integer> byReason = new TreeMap<>();
    for (DeadLetter d : dead) {
      byReason.merge(d.reason().wireName(), 1, Integer::sum);
    }
    lastDeadLetters = byReason;
    long allAt = collector.allSeenAtNanos();
    SegmentRun run = new SegmentRun(label(), events, wall, cpu, collectorCpu, heap, collector.requests(),
        collector.unique(), collector.duplicates(), refusals, dead.size(), allAt == 0 ? -1 : allAt - t0);
    outlane.close();
    return run;
  }

  /** The last run's dead letters, counted by reason ({@code retries-exhausted} …). */
  Map<String, Integer> lastDeadLetters() {
    return lastDeadLetters;
  }
}

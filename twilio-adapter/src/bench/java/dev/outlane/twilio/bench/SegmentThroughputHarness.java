package dev.outlane.twilio.bench;

import dev.outlane.contract.AudienceAction;
import dev.outlane.contract.Commerce;
import dev.outlane.contract.RetentionEvent;
import dev.outlane.destination.DeliveryItem;
import dev.outlane.destination.DestinationLimits;
import dev.outlane.destination.Outcome;
import dev.outlane.identity.Identity;
import dev.outlane.twilio.segment.SegmentDestination;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;
import okio.Buffer;
import okio.BufferedSource;
import okio.ByteString;
import okio.GzipSource;
import okio.Okio;

/**
 * Harness (not a unit test): Segment track events per second through {@link
 * SegmentDestination#deliver} to a loopback collector, and heap after GC.
 *
 * <p>The collector is a MockWebServer (with {@code TCP_NODELAY} on its sockets, see {@link
 * dev.outlane.http.testing.NoDelayServerSocketFactory}) with a trivial dispatcher that gunzips each batch and marks
 * every {@code messageId} in a bit set (so duplicates are counted and the collector adds almost
 * nothing to the heap). The client side does what the engine would: split the stream into batches by
 * {@code limits()} and {@code sizeOf}, and call {@code deliver} from {@code --threads} threads.
 * Events are built on the fly by the sending threads, and that cost is included.
 *
 * <p>{@code --faults}: the first 160 requests are answered 500 and the next 80 429 with {@code
 * Retry-After: 1}; each thread resends a batch after the outcome's {@code retryAfter} (or 100 ms), as
 * the engine's policy would, and the run reports the wall time and duplicates.
 *
 * <p>Run (from the repository root):
 *
 * <pre>
 * mvn -B -o -q -pl twilio-adapter -am test-compile dependency:build-classpath \
 *     -Dmdep.includeScope=test -Dmdep.outputFile=target/cp.txt
 * javac -d twilio-adapter/target/bench-classes \
 *     -cp twilio-adapter/target/classes:core/target/classes:$(cat twilio-adapter/target/cp.txt) \
 *     twilio-adapter/src/bench/java/dev/outlane/twilio/bench/*.java
 * java -Xmx256m -cp twilio-adapter/target/bench-classes:twilio-adapter/target/classes:core/target/classes:$(cat twilio-adapter/target/cp.txt) \
 *     dev.outlane.twilio.bench.SegmentThroughputHarness [--events 200000] [--threads 2] [--runs 3] [--faults]
 * </pre>
 */
public final class SegmentThroughputHarness {
  private static final String WRITE_KEY = "bench-write-key";
  private static final Instant EVENT_TIME = Instant.parse("2026-11-29T17:45:30Z");

  public static void main(String[] args) throws Exception {
    int events = intArg(args, "--events", 200_000);
    int threads = intArg(args, "--threads", 2);
    int runs = intArg(args, "--runs", 3);
    boolean faults = List.of(args).contains("--faults");

    System.out.printf("java %s, %d cpus, max heap %d MB%n",
        Runtime.version(), Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);
    for (int run = 0; run <= runs; run++) {
      Result r = runOnce(events, threads, faults && run > 0);
      System.out.printf(
          "%s %d events, %d threads: %.0f ms, %.0f events/s, %d requests (%d batches accepted), %d duplicates, "
              + "%d missing, heap after GC %.1f MB%s%n",
          run == 0 ? "warmup" : "run " + run,
          events, threads, r.millis, events * 1000.0 / r.millis, r.requests, r.batches, r.duplicates,
          r.missing, r.heapAfterGcBytes / 1048576.0, faults && run > 0 ? " (fault burst: 160×500, 80×429 Retry-After 1)" : "");
      System.out.printf(
          "   CPU: process %.0f ms (client threads %.0f ms, collector + GC + OkHttp the rest) = %.1f µs/event;"
              + " CPU-bound on 2 idle cores that is ≈ %.0f events/s%n",
          r.processCpuMs, r.clientCpuMs, r.processCpuMs * 1000 / events, events / (r.processCpuMs / 2 / 1000));
      if (faults && run > 0) {
        System.out.printf("   retries after 429 waited %d–%d ms%n", r.minWaitMs, r.maxWaitMs);
      }
    }
  }

  private record Result(double millis, int requests, long batches, long duplicates, long missing,
                        long heapAfterGcBytes, long minWaitMs, long maxWaitMs, double processCpuMs,
                        double clientCpuMs) {}

  private static Result runOnce(int events, int threads, boolean faults) throws Exception {
    Collector collector = new Collector(events, faults ? 160 : 0, faults ? 80 : 0);
    try (MockWebServer server = new MockWebServer()) {
      server.setServerSocketFactory(new dev.outlane.http.testing.NoDelayServerSocketFactory());
      server.setDispatcher(collector);
      server.start();
      OkHttpClient http =
          new OkHttpClient.Builder()
              .connectionPool(new ConnectionPool(threads, 1, java.util.concurrent.TimeUnit.MINUTES))
              .build();
      http.dispatcher().setMaxRequestsPerHost(threads);
      SegmentDestination segment =
          SegmentDestination.builder().writeKey(WRITE_KEY).baseUrl(server.url("/")).okHttpClient(http).build();
      DestinationLimits limits = segment.limits();
      AtomicInteger next = new AtomicInteger();
      AtomicLong minWait = new AtomicLong(Long.MAX_VALUE);
      AtomicLong maxWait = new AtomicLong(0);
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      AtomicLong clientCpu = new AtomicLong();
      long cpuStart = processCpuNanos();
      long start = System.nanoTime();
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        futures.add(pool.submit(() -> {
          List<DeliveryItem> batch = new ArrayList<>(limits.maxItemsPerRequest());
          long bytes = 0;
          // Claim events in chunks so threads do not contend on every event.
          while (true) {
            int from = next.getAndAdd(1_000);
            if (from >= events) {
              break;
            }
            int to = Math.min(events, from + 1_000);
            for (int i = from; i < to; i++) {
              DeliveryItem item = item(i);
              long size = segment.sizeOf(item);
              if (!batch.isEmpty()
                  && (batch.size() == limits.maxItemsPerRequest() || bytes + size > limits.maxBytesPerRequest())) {
                sendUntilDone(segment, batch, minWait, maxWait);
                batch = new ArrayList<>(limits.maxItemsPerRequest());
                bytes = 0;
              }
              batch.add(item);
              bytes += size;
            }
          }
          if (!batch.isEmpty()) {
            sendUntilDone(segment, batch, minWait, maxWait);
          }
          clientCpu.addAndGet(ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime());
          return null;
        }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
      double millis = (System.nanoTime() - start) / 1e6;
      double processCpuMs = (processCpuNanos() - cpuStart) / 1e6;
      pool.shutdown();
      segment.close();
      long heap = heapAfterGc();
      http.dispatcher().executorService().shutdown();
      http.connectionPool().evictAll();
      return new Result(millis, server.getRequestCount(), collector.batches.get(), collector.duplicates.get(),
          events - collector.seenCount(), heap, minWait.get() == Long.MAX_VALUE ? 0 : minWait.get(), maxWait.get(),
          processCpuMs, clientCpu.get() / 1e6);
    }
  }

  private static void sendUntilDone(SegmentDestination segment, List<DeliveryItem> batch,
                                    AtomicLong minWait, AtomicLong maxWait) throws InterruptedException {
    while (true) {
      List<Outcome> outcomes = segment.deliver(batch);
      Outcome first = outcomes.get(0);
      if (first instanceof Outcome.Delivered) {
        return;
      }
      if (!(first instanceof Outcome.Retryable r)) {
        throw new IllegalStateException("unexpected outcome " + first);
      }
      Duration wait = r.retryAfter() != null ? r.retryAfter() : Duration.ofMillis(100);
      long t0 = System.nanoTime();
      // A harness, not a test: this is the engine's back-off, honouring Retry-After.
      Thread.sleep(wait.toMillis());
      if (r.retryAfter() != null) {
        long waited = (System.nanoTime() - t0) / 1_000_000;
        minWait.accumulateAndGet(waited, Math::min);
        maxWait.accumulateAndGet(waited, Math::max);
      }
    }
  }

  private static DeliveryItem item(int i) {
    RetentionEvent event =
        RetentionEvent.builder()
            .eventId("evt-" + i)
            .eventName("cart_abandoned")
            .source("customerio")
            .customerId("cust-" + i)
            .eventTime(EVENT_TIME)
            .commerce(new Commerce(new BigDecimal("129.90"), "EUR", List.of("SKU-1", "SKU-2"), null))
            .properties(Map.of("first_name", "Ada", "plan", "pro"))
            .build();
    return new DeliveryItem(
        key(i), event, new Identity("cust-" + i, null, null), null, null,
        AudienceAction.Action.ADD, Map.of(), 1);
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  private static final String KEY_PAD = "0".repeat(64);

  /** {@code ol1-} and 64 hex digits, like a real idempotency key, without String.format's cost. */
  private static String key(int i) {
    String hex = Integer.toHexString(i);
    return "ol1-" + KEY_PAD.substring(hex.length()) + hex;
  }

  private static long heapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static int intArg(String[] args, String name, int fallback) {
    for (int i = 0; i < args.length - 1; i++) {
      if (args[i].equals(name)) {
        return Integer.parseInt(args[i + 1]);
      }
    }
    return fallback;
  }

  /** Gunzips each batch and marks each messageId's index in a bit set; scripted failures first. */
  private static final class Collector extends Dispatcher {
    private static final ByteString KEY = ByteString.encodeUtf8("\"messageId\":\"ol1-");
    private final BitSet seen;
    private final AtomicInteger fail500;
    private final AtomicInteger fail429;
    final AtomicLong batches = new AtomicLong();
    final AtomicLong duplicates = new AtomicLong();

    Collector(int events, int fail500, int fail429) {
      this.seen = new BitSet(events);
      this.fail500 = new AtomicInteger(fail500);
      this.fail429 = new AtomicInteger(fail429);
    }

    synchronized int seenCount() {
      return seen.cardinality();
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
      if (fail500.getAndDecrement() > 0) {
        return new MockResponse.Builder().code(500).body("{\"success\":false}").build();
      }
      if (fail429.getAndDecrement() > 0) {
        return new MockResponse.Builder().code(429).setHeader("Retry-After", "1").body("{\"success\":false}").build();
      }
      ByteString body = request.getBody();
      if (body == null) {
        return new MockResponse.Builder().code(400).build();
      }
      try (BufferedSource json = Okio.buffer(new GzipSource(new Buffer().write(body)))) {
        long dup = 0;
        while (true) {
          long at = json.indexOf(KEY);
          if (at < 0) {
            break;
          }
          json.skip(at + KEY.size());
          int index = (int) Long.parseLong(json.readUtf8(64), 16);
          synchronized (this) {
            if (seen.get(index)) {
              dup++;
            } else {
              seen.set(index);
            }
          }
        }
        duplicates.addAndGet(dup);
        batches.incrementAndGet();
      } catch (IOException e) {
        return new MockResponse.Builder().code(400).body("{\"success\":false,\"message\":\"bad gzip\"}").build();
      }
      return new MockResponse.Builder().code(200).body("{\"success\":true}").build();
    }
  }
}

package dev.outlane.examples.bench;

import dev.outlane.DurableOptions;
import dev.outlane.Outlane;
import dev.outlane.destination.Channel;
import dev.outlane.destination.DeliveryItem;
import dev.outlane.destination.Destination;
import dev.outlane.destination.DestinationLimits;
import dev.outlane.destination.Outcome;
import dev.outlane.customerio.CustomerIoWebhookReceiver;
import dev.outlane.examples.serve.AccessLog;
import dev.outlane.inbound.InboundAuth;
import dev.outlane.inbound.InboundHandler;
import dev.outlane.examples.serve.Admission;
import dev.outlane.examples.serve.EventIntake;
import dev.outlane.examples.serve.ExchangeBridge;
import dev.outlane.examples.serve.InboundServer;
import dev.outlane.routing.Route;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Webhook ingest on loopback, the {@code outlane serve} path without the CLI around it: a v1 event
 * POSTed to {@code /v1/events} ({@link EventIntake} behind {@link Admission} and {@link
 * ExchangeBridge} on {@link InboundServer}, 64 workers) and acknowledged 202 once {@code submit}
 * returned. Measured: requests/s and the ack latency's p50/p99/p99.9 from N keep-alive clients
 * ({@code java.net.http.HttpClient}, one platform thread each), in memory and durable (journal with
 * group commit and fsync), and the heap after a GC at the end of each run. The destination answers
 * delivered at once, so what is measured is the intake, not a vendor.
 *
 * <p>Not run by {@code mvn verify}. Run:
 * {@code mvn -B -o -pl examples -am -P bench verify -Dbench.skip=true -Dcrashloop.skip=true
 * -Dingest.skip=false -Dingest.args="10 3"} (seconds measured, seconds of warm-up per run).
 *
 * <p>Runs, after one unprinted warm-up run: closed loop (each client sends as soon as its answer came) with 16 and 64 clients, in
 * memory and durable; then open loop, durable, 64 clients paced to 2,000 requests/s in total
 * (latency from the scheduled send time, so a stall is not hidden by the pacing).
 */
public final class IngestBench {
  private IngestBench() {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    System.out.printf(Locale.ROOT, "ingest bench: %d s measured after %d s warm-up per run, %d cores, java %s,"
        + " load average at start %s%n", seconds, warmup, Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"), loadAverage());
    System.out.printf(Locale.ROOT, "%-8s %-7s %7s %6s %9s %8s %8s %8s %8s %9s%n",
        "mode", "clients", "rate", "errors", "req/s", "p50 ms", "p99 ms", "p99.9 ms", "max ms", "heap MiB");
    // The first run otherwise pays for the JIT of the client, the server and the engine: measured
    // memory/16 at 72 req/s first versus 4,994 req/s for memory paced last, in one process.
    run(false, 64, 0, warmup, warmup, false, false);
    for (boolean durable : new boolean[] {false, true}) {
      for (int clients : new int[] {16, 64}) {
        run(durable, clients, 0, seconds, warmup, true, false);
      }
    }
    run(true, 64, 2_000, seconds, warmup, true, false);
    run(false, 64, 5_000, seconds, warmup, true, false);
    // The same through the Customer.io webhook-action receiver (bearer check, delivery-key memory,
    // the event_id rule): the path a journey's webhook takes.
    run(false, 64, 0, seconds, warmup, true, true);
    run(true, 64, 2_000, seconds, warmup, true, true);
    run(false, 64, 5_000, seconds, warmup, true, true);
  }

  private static void run(boolean durable, int clients, int rate, int seconds, int warmup, boolean print,
      boolean customerio) throws Exception {
    Path dir = durable ? Files.createTempDirectory("outlane-ingest-bench") : null;
    Outlane.Builder builder = Outlane.builder()
        .queueCapacity(100_000)
        .destination(new Sink())
        .route(Route.builder().event("cart_abandoned").to("events").build());
    if (dir != null) {
      builder.durable(DurableOptions.at(dir));
    }
    Admission admission = new Admission();
    AtomicReference<Outlane> client = new AtomicReference<>();
    AccessLog none = entry -> {};
    client.set(builder.build());
    String path = customerio ? "/customerio/webhook" : "/v1/events";
    InboundHandler handler = customerio
        ? CustomerIoWebhookReceiver.builder(client.get())
            .auth(InboundAuth.builder().header("Authorization", "Bearer bench").build()).build()
        : new EventIntake(client::get, "bench");
    InboundServer server = InboundServer.start(new InetSocketAddress("127.0.0.1", 0), 64, 256, List.of(
        ExchangeBridge.builder(path, admission.admit(handler)).accessLog(none).build()));
    admission.ready();
    URI uri = URI.create("http://127.0.0.1:" + server.port() + path);
    try {
      Load load = new Load(uri, clients, rate);
      load.run(Duration.ofSeconds(warmup), false);
      Result r = load.run(Duration.ofSeconds(seconds), true);
      client.get().flush(Duration.ofSeconds(30));
      System.gc();
      long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      if (!print) {
        return;
      }
      System.out.printf(Locale.ROOT, "%-8s %-7d %7s %6d %9.0f %8.2f %8.2f %8.2f %8.2f %9.1f  load %s%s%n",
          durable ? "durable" : "memory", clients, rate == 0 ? "max" : Integer.toString(rate), r.errors,
          r.count / r.seconds, r.percentile(0.50), r.percentile(0.99), r.percentile(0.999),
          r.percentile(1.0), heap / 1048576.0, loadAverage(), customerio ? "  (customerio receiver)" : "");
    } finally {
      admission.drain();
      client.get().close();
      server.stop(Duration.ZERO);
      if (dir != null) {
        deleteTree(dir);
      }
    }
  }

  /** N clients posting distinct events; closed loop, or paced to {@code rate} requests/s in total. */
  private static final class Load {
    private final URI uri;
    private final int clients;
    private final int rate;
    private final AtomicLong ids = new AtomicLong();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
    private final String time = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60).toString();

    Load(URI uri, int clients, int rate) {
      this.uri = uri;
      this.clients = clients;
      this.rate = rate;
    }

    Result run(Duration duration, boolean measure) throws InterruptedException {
      long start = System.nanoTime();
      long end = start + duration.toNanos();
      long[][] samples = new long[clients][];
      int[] counts = new int[clients];
      AtomicLong errors = new AtomicLong();
      List<Thread> threads = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        int me = c;
        Thread t = new Thread(() -> {
          long[] mine = new long[1 << 16];
          int n = 0;
          // Paced: client c sends at start + (c + k * clients) / rate seconds.
          long interval = rate == 0 ? 0 : 1_000_000_000L * clients / rate;
          long next = start + (rate == 0 ? 0 : 1_000_000_000L * me / rate);
          while (true) {
            long now = System.nanoTime();
            if (rate > 0) {
              if (next > now) {
                LockSupport.parkNanos(next - now);
              }
            }
            long sent = rate > 0 ? next : System.nanoTime();
            if (sent >= end) {
              break;
            }
            try {
              long id = ids.incrementAndGet();
              int status = http.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer bench")
                  .header("x-cio-delivery-id", "bench-" + id)
                  .POST(HttpRequest.BodyPublishers.ofString(body(id))).build(),
                  HttpResponse.BodyHandlers.discarding()).statusCode();
              if (status != 202) {
                errors.incrementAndGet();
              }
            } catch (IOException e) {
              errors.incrementAndGet();
            } catch (InterruptedException e) {
              return;
            }
            long took = System.nanoTime() - sent;
            if (n == mine.length) {
              mine = Arrays.copyOf(mine, n * 2);
            }
            mine[n++] = took;
            next += interval;
          }
          samples[me] = mine;
          counts[me] = n;
        }, "bench-client-" + c);
        t.start();
        threads.add(t);
      }
      for (Thread t : threads) {
        t.join();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      int total = Arrays.stream(counts).sum();
      long[] all = new long[total];
      int at = 0;
      for (int c = 0; c < clients; c++) {
        System.arraycopy(samples[c], 0, all, at, counts[c]);
        at += counts[c];
      }
      Arrays.sort(all);
      return new Result(all, total, errors.get(), seconds);
    }

    private String body(long id) {
      return "{\"schema_version\":\"1.0\",\"event_id\":\"bench-" + id + "\",\"event_name\":\"cart_abandoned\","
          + "\"source\":\"customerio\",\"customer_id\":\"c-" + id + "\",\"event_time\":\"" + time + "\","
          + "\"email\":\"person" + id + "@example.com\",\"commerce\":{\"cart_value\":\"129.90\",\"currency\":\"EUR\"}}";
    }
  }

  private record Result(long[] sorted, int count, long errors, double seconds) {
    double percentile(double p) {
      if (sorted.length == 0) {
        return Double.NaN;
      }
      int i = (int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
      return sorted[Math.max(0, i)] / 1e6;
    }
  }

  /** Answers every item delivered at once: the bench measures the intake. */
  private static final class Sink implements Destination {
    @Override
    public String name() {
      return "events";
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
      List<Outcome> out = new ArrayList<>(batch.size());
      for (int i = 0; i < batch.size(); i++) {
        out.add(Outcome.delivered(null));
      }
      return out;
    }
  }

  /** The 1-minute load average (Linux), or "?": on a shared machine the figures need it beside them. */
  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (IOException | RuntimeException e) {
      return "?";
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}

package dev.outlane.peerbench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;

/**
 * A Segment-like collector on 127.0.0.1 that is cheap enough not to be the bottleneck: the JDK's
 * {@code com.sun.net.httpserver} with {@code TCP_NODELAY} on its sockets (see {@link
 * PeerBench#main}), answering every {@code POST} (analytics-java posts to {@code /v1/import/},
 * Outlane to {@code /v1/batch}, gzip or not) with {@code 200 {"success":true}} once the {@link
 * FaultPlan} is spent.
 *
 * <p>It finds events by their {@code "userId":"u-N"} (both workloads give event {@code N} that
 * user id) and marks {@code N} in a bit set, so an event accepted twice is a duplicate and one never
 * accepted is missing, whatever message id the client chose. Faulted requests are drained but not
 * parsed: their events were not accepted.
 *
 * <p>Thread-safe. Not a test double for correctness: it checks nothing but the user ids.
 */
final class LoopbackCollector implements AutoCloseable {
  private static final byte[] USER_ID = "\"userId\":\"u-".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] OK = "{\"success\":true}".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] FAILED = "{\"success\":false}".getBytes(StandardCharsets.US_ASCII);
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private final HttpServer server;
  private final ExecutorService executor;
  private final FaultPlan plan;
  private final int expected;
  private final BitSet seen;
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicLong handlerCpuNanos = new AtomicLong();
  /** Arrival time and status of every request, for the gaps the fault plan report shows. */
  private final List<long[]> arrivals = new ArrayList<>();
  private int unique;
  private long duplicates;
  private long allSeenAtNanos;

  private LoopbackCollector(int expected, FaultPlan plan) throws IOException {
    this.expected = expected;
    this.plan = plan;
    this.seen = new BitSet(expected);
    this.executor = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "collector");
      t.setDaemon(true);
      return t;
    });
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /**
   * Starts a collector for events {@code u-0 … u-(expected-1)}.
   *
   * @throws IOException if no loopback port could be bound
   */
  static LoopbackCollector start(int expected, FaultPlan plan) throws IOException {
    return new LoopbackCollector(expected, plan);
  }

  /** {@code http://127.0.0.1:PORT} (no trailing slash). */
  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private void handle(HttpExchange exchange) throws IOException {
    long cpu0 = THREADS.getCurrentThreadCpuTime();
    try {
      int n = requests.incrementAndGet();
      int status = plan.statusOf(n);
      synchronized (arrivals) {
        arrivals.add(new long[] {System.nanoTime(), status});
      }
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      if (status == 200) {
        if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
          try (InputStream gz = new GZIPInputStream(new java.io.ByteArrayInputStream(body), 64 * 1024)) {
            body = gz.readAllBytes();
          }
        }
        count(body);
      } else if (status == 429) {
        exchange.getResponseHeaders().set("Retry-After", Integer.toString(plan.retryAfterSeconds()));
      }
      byte[] answer = status == 200 ? OK : FAILED;
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(status, answer.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(answer);
      }
    } finally {
      exchange.close();
      handlerCpuNanos.addAndGet(THREADS.getCurrentThreadCpuTime() - cpu0);
    }
  }

  /** Marks every {@code "userId":"u-N"} of one accepted batch. */
  private void count(byte[] json) {
    int[] found = new int[64];
    int size = 0;
    int last = json.length - USER_ID.length;
    for (int i = 0; i <= last; i++) {
      if (json[i] != '"' || !startsWith(json, i)) {
        continue;
      }
      int j = i + USER_ID.length;
      int n = 0;
      while (j < json.length && json[j] >= '0' && json[j] <= '9') {
        n = n * 10 + (json[j++] - '0');
      }
      if (size == found.length) {
        found = Arrays.copyOf(found, size * 2);
      }
      found[size++] = n;
      i = j;
    }
    synchronized (this) {
      for (int k = 0; k < size; k++) {
        int n = found[k];
        if (n >= expected) {
          continue;
        }
        if (seen.get(n)) {
          duplicates++;
        } else {
          seen.set(n);
          unique++;
        }
      }
      if (unique == expected && allSeenAtNanos == 0) {
        allSeenAtNanos = System.nanoTime();
        notifyAll();
      }
    }
  }

  private static boolean startsWith(byte[] json, int at) {
    for (int k = 1; k < USER_ID.length; k++) {
      if (json[at + k] != USER_ID[k]) {
        return false;
      }
    }
    return true;
  }

  /**
   * Waits until every expected event was accepted once, or {@code deadlineNanos} ({@link
   * System#nanoTime()} scale) passed.
   *
   * @return whether all were seen
   * @throws InterruptedException if interrupted while waiting
   */
  synchronized boolean awaitAll(long deadlineNanos) throws InterruptedException {
    while (unique < expected) {
      long left = deadlineNanos - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      wait(Math.max(1, left / 1_000_000));
    }
    return true;
  }

  /** How many distinct events were accepted. */
  synchronized int unique() {
    return unique;
  }

  /** How many times an already accepted event was accepted again. */
  synchronized long duplicates() {
    return duplicates;
  }

  /** When the last missing event was accepted ({@link System#nanoTime()}), or 0 if not yet. */
  synchronized long allSeenAtNanos() {
    return allSeenAtNanos;
  }

  /** Every request that reached the collector, faulted or not. */
  int requests() {
    return requests.get();
  }

  /** CPU the request handlers spent (reading, gunzipping, counting, answering). */
  long handlerCpuNanos() {
    return handlerCpuNanos.get();
  }

  /**
   * Milliseconds between each answer with {@code status} and the next request, sorted: how long a
   * client waited after a 500 or a 429 (meaningful for a client with one request in flight).
   */
  long[] gapsAfterMillis(int status) {
    synchronized (arrivals) {
      long[] gaps = new long[arrivals.size()];
      int size = 0;
      for (int i = 0; i + 1 < arrivals.size(); i++) {
        if (arrivals.get(i)[1] == status) {
          gaps[size++] = (arrivals.get(i + 1)[0] - arrivals.get(i)[0]) / 1_000_000;
        }
      }
      long[] sorted = Arrays.copyOf(gaps, size);
      Arrays.sort(sorted);
      return sorted;
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}

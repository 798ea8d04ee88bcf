package dev.outlane.examples.serve;

import com.sun.net.httpserver.HttpServer;
import dev.outlane.inbound.InboundResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The JDK's {@code com.sun.net.httpserver.HttpServer} with {@link ExchangeBridge}s mounted, on a
 * bounded pool: {@code threads} workers and a queue of {@code queueCapacity} exchanges. When both
 * are full the server's dispatcher thread answers the next exchange itself (caller-runs), which
 * stops it accepting more connections until it is done: the backlog then waits in the kernel's
 * accept queue instead of in an unbounded Java queue. Any path nothing is mounted at is answered
 * 404 (by a bridge at {@code /} logging to {@link AccessLog#slf4j()}, unless one is mounted there).
 *
 * <p>Why the JDK server: it ships with every JDK (no dependency for the examples' users to vet),
 * does HTTP/1.1 keep-alive, takes an {@code Executor} (so the pool is ours, bounded and observable)
 * and is fast enough for webhooks (see the bench in the serve notes); what it lacks (HTTP/2, TLS
 * convenience) belongs to the proxy or load balancer in front of a webhook receiver anyway.
 *
 * <p>Loading this class sets the system property {@code sun.net.httpserver.nodelay} to {@code true}
 * unless it is set already (TCP_NODELAY on the server's sockets; see the static initializer).
 *
 * <p>Thread-safe. {@link #stop} is idempotent.
 */
public final class InboundServer implements AutoCloseable {
  static {
    // The JDK server writes a response's headers and body in separate packets; with Nagle's
    // algorithm on, the body waits for the client's delayed ACK (~40 ms on Linux) on every
    // keep-alive request (measured: p50 57 ms, 194 req/s with 16 clients; see the serve notes).
    // The property is read once, when the server's configuration class loads; set it first.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private final HttpServer server;
  private final ThreadPoolExecutor pool;
  private boolean stopped;

  private InboundServer(HttpServer server, ThreadPoolExecutor pool) {
    this.server = server;
    this.pool = pool;
  }

  /**
   * Binds {@code address} and starts serving {@code mounts}.
   *
   * @param address where to listen (port 0 picks a free port: see {@link #port()})
   * @param threads worker threads, at least 1
   * @param queueCapacity exchanges waiting for a worker, at least 1
   * @param mounts the bridges, one per endpoint
   * @throws UncheckedIOException if the address cannot be bound
   * @throws IllegalArgumentException if two bridges share an endpoint, or a bound is below 1
   */
  public static InboundServer start(InetSocketAddress address, int threads, int queueCapacity,
      List<ExchangeBridge> mounts) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads: must be >= 1 but was " + threads);
    }
    if (queueCapacity < 1) {
      throw new IllegalArgumentException("queueCapacity: must be >= 1 but was " + queueCapacity);
    }
    Set<String> seen = new HashSet<>();
    for (ExchangeBridge m : mounts) {
      if (!seen.add(m.endpoint())) {
        throw new IllegalArgumentException("mounts: two handlers at " + m.endpoint());
      }
    }
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(queueCapacity), r -> {
          Thread t = new Thread(r, "outlane-serve-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        }, new ThreadPoolExecutor.CallerRunsPolicy());
    HttpServer server;
    try {
      server = HttpServer.create(address, 0);
    } catch (IOException e) {
      pool.shutdown();
      throw new UncheckedIOException("cannot listen on " + address + ": " + e.getMessage(), e);
    }
    server.setExecutor(pool);
    if (!seen.contains("/")) {
      // Mount one at "/" to log these with your own access log.
      server.createContext("/", ExchangeBridge.builder("/", request -> InboundResponse.of(404)).build());
    }
    for (ExchangeBridge m : mounts) {
      server.createContext(m.endpoint(), m);
    }
    server.start();
    return new InboundServer(server, pool);
  }

  /** The port listened on. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** The address listened on. */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  /**
   * Stops listening, waits up to {@code grace} for exchanges being answered, then stops the
   * workers.
   */
  public synchronized void stop(Duration grace) {
    if (stopped) {
      return;
    }
    stopped = true;
    server.stop((int) Math.max(0, Math.min(Integer.MAX_VALUE, grace.toSeconds())));
    pool.shutdown();
    try {
      pool.awaitTermination(grace.toMillis() + 1, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    pool.shutdownNow();
  }

  /** {@link #stop} with a grace of 1 s. */
  @Override
  public void close() {
    stop(Duration.ofSeconds(1));
  }
}

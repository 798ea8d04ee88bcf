package dev.outlane.ads.testing;

import dev.outlane.http.testing.FaultInjectingServer;
import dev.outlane.testing.Fault;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.HttpUrl;

/**
 * What every ads fake does the same way: it runs on its own loopback MockWebServer, gives its base
 * URL, takes {@link Fault}s, counts and hands out requests, and stops on {@link #close()}. A fake
 * adds only its API: what it validates, remembers and scripts.
 *
 * <p>Not for subclassing outside this package (the constructor is package-private). Thread-safe.
 *
 * @param <F> the fake itself, so that the fluent methods return it
 */
public abstract class AdFakeServer<F extends AdFakeServer<F>> implements AutoCloseable {
  private volatile FaultInjectingServer server;

  AdFakeServer() {}

  /**
   * Starts the server. A subclass calls it last in its constructor, so that the server's threads
   * see every field the subclass set.
   */
  final void serve(String name, FaultInjectingServer.Answers answers) {
    this.server = FaultInjectingServer.start(name, answers);
  }

  @SuppressWarnings("unchecked")
  private F self() {
    return (F) this;
  }

  /** The base URL, a loopback {@code http://…:PORT/}: pass it to the destination builder's {@code baseUrl}. */
  public HttpUrl url() {
    return server.url();
  }

  /**
   * Answers the next request that has no fault yet with {@code fault} instead of the normal answer
   * (see {@link Fault}: a status, a 429 with {@code Retry-After}, a connection dropped after the
   * request was processed, a stall, a slow answer). Faults apply before the fake looks at the
   * request, and before any {@code failNext…} script.
   *
   * @throws NullPointerException if {@code fault} is null
   */
  public F enqueueFault(Fault fault) {
    server.enqueueFault(fault);
    return self();
  }

  /**
   * Enqueues {@code fault} {@code times} times.
   *
   * @throws IllegalArgumentException if {@code times} is negative
   */
  public F enqueueFault(Fault fault, int times) {
    if (times < 0) {
      throw new IllegalArgumentException("times: must be ≥ 0, was " + times);
    }
    for (int i = 0; i < times; i++) {
      server.enqueueFault(fault);
    }
    return self();
  }

  /** How many requests reached the fake, answered or scripted to fail. */
  public int requestCount() {
    return server.requestCount();
  }

  /**
   * The next request the fake received, in arrival order, waiting up to 5 seconds.
   *
   * @throws IllegalStateException if none arrives in time
   */
  public RecordedRequest takeRequest() {
    return server.takeRequest();
  }

  /** The underlying server, for anything this class does not cover. */
  public MockWebServer mockWebServer() {
    return server.mockWebServer();
  }

  /** Stops the server. */
  @Override
  public void close() {
    server.close();
  }
}

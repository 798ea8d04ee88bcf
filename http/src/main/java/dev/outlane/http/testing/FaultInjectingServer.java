package dev.outlane.http.testing;

import dev.outlane.testing.Fault;
import java.io.IOException;
import java.net.InetAddress;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import okhttp3.HttpUrl;

/**
 * The loopback {@link MockWebServer} a fake runs on: no-delay sockets, a queue of {@link Fault}s
 * applied to requests in arrival order (each fault used by exactly one request), request capture
 * and close. A fake supplies only how its API answers ({@link Answers}); faults are applied here,
 * once, the same way for every fake.
 *
 * <p>Thread-safe: faults may be enqueued from any thread; {@link Answers} methods run on
 * MockWebServer's connection threads.
 */
public final class FaultInjectingServer implements AutoCloseable {
  /** How a fake's API answers; called on MockWebServer's connection threads. */
  public interface Answers {
    /** The answer to {@code request} when no fault replaces it. */
    MockResponse handle(RecordedRequest request);

    /** The answer for a {@link Fault.Status} fault: by default the bare status, empty body. */
    default MockResponse status(int status) {
      return new MockResponse.Builder().code(status).body("").build();
    }

    /** The 429 answer for a {@link Fault.TooManyRequests} fault, before Retry-After is added. */
    default MockResponse tooManyRequests() {
      return status(429);
    }
  }

  private final MockWebServer server = new MockWebServer();
  private final ConcurrentLinkedQueue<Fault> faults = new ConcurrentLinkedQueue<>();
  private final String name;

  private FaultInjectingServer(String name, Answers answers) {
    this.name = name;
    server.setServerSocketFactory(new NoDelayServerSocketFactory());
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return answer(answers, request);
      }
    });
  }

  /**
   * Starts a server on a free loopback port.
   *
   * @param name the faked service as messages name it, e.g. {@code "Meta"}
   * @throws IllegalStateException if the server cannot bind
   */
  public static FaultInjectingServer start(String name, Answers answers) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(answers, "answers");
    FaultInjectingServer s = new FaultInjectingServer(name, answers);
    try {
      s.server.start(InetAddress.getLoopbackAddress(), 0);
    } catch (IOException e) {
      throw new IllegalStateException("could not start the fake " + name + " server", e);
    }
    return s;
  }

  private MockResponse answer(Answers answers, RecordedRequest request) {
    Fault fault = faults.poll();
    if (fault instanceof Fault.Status s) {
      return answers.status(s.status());
    }
    if (fault instanceof Fault.TooManyRequests t) {
      return answers.tooManyRequests().newBuilder().setHeader("Retry-After", t.retryAfter()).build();
    }
    MockResponse normal = answers.handle(request);
    if (fault instanceof Fault.DropAfterRequest) {
      return normal.newBuilder().onResponseStart(new SocketEffect.CloseSocket()).build();
    }
    if (fault instanceof Fault.Stall) {
      return normal.newBuilder().onResponseStart(SocketEffect.Stall.INSTANCE).build();
    }
    if (fault instanceof Fault.Slow slow) {
      return normal.newBuilder().headersDelay(slow.delay().toNanos(), TimeUnit.NANOSECONDS).build();
    }
    return normal;
  }

  /** Queues {@code fault} for the next request that has none yet. */
  public void enqueueFault(Fault fault) {
    faults.add(Objects.requireNonNull(fault, "fault"));
  }

  /** The root URL on the loopback interface, {@code http://127.0.0.1:PORT/}. */
  public HttpUrl url() {
    return server.url("/");
  }

  /** The underlying server, for what the fake does not wrap. */
  public MockWebServer mockWebServer() {
    return server;
  }

  /** How many requests arrived. */
  public int requestCount() {
    return server.getRequestCount();
  }

  /**
   * The next request received, waiting up to 5 seconds.
   *
   * @throws IllegalStateException if none arrives in time or the wait is interrupted
   */
  public RecordedRequest takeRequest() {
    try {
      RecordedRequest r = server.takeRequest(5, TimeUnit.SECONDS);
      if (r == null) {
        throw new IllegalStateException("no request reached the fake " + name + " server within 5 seconds");
      }
      return r;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted waiting for a request", e);
    }
  }

  @Override
  public void close() {
    server.close();
  }
}

package dev.outlane.twilio.testing;

import dev.outlane.testing.Fault;
import java.io.IOException;
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
 * The loopback {@link MockWebServer} both fakes run on: no-delay sockets, a queue of {@link Fault}s
 * applied to requests in arrival order, start, request capture and close. Each fake supplies only
 * how its API answers ({@link Answers}); the fault handling and its wording are kept here once.
 *
 * <p>Thread-safe: faults may be enqueued from any thread; {@link Answers} methods run on
 * MockWebServer's connection threads.
 */
final class FaultInjectingServer implements AutoCloseable {
  /** How a fake's API answers; called on MockWebServer's connection threads. */
  interface Answers {
    /** The answer to {@code request} when no fault replaces it. */
    MockResponse handle(RecordedRequest request);

    /** The answer for a {@link Fault.Status} fault with this HTTP status. */
    MockResponse status(int status);

    /** The 429 answer for a {@link Fault.TooManyRequests} fault, before Retry-After is added. */
    MockResponse tooManyRequests();
  }

  private final MockWebServer server = new MockWebServer();
  private final ConcurrentLinkedQueue<Fault> faults = new ConcurrentLinkedQueue<>();
  private final String name;

  /**
   * @param name the faked service as messages name it, e.g. {@code "Twilio"}
   */
  FaultInjectingServer(String name, Answers answers) {
    this.name = Objects.requireNonNull(name, "name");
    Objects.requireNonNull(answers, "answers");
    server.setServerSocketFactory(new NoDelayServerSocketFactory());
    server.setDispatcher(new FaultDispatcher(answers));
  }

  /**
   * Starts on a free loopback port.
   *
   * @throws IllegalStateException if the server cannot bind
   */
  void start() {
    try {
      server.start();
    } catch (IOException e) {
      throw new IllegalStateException("could not start the fake " + name + " server", e);
    }
  }

  /** The root URL, {@code http://127.0.0.1:PORT/}. */
  HttpUrl url() {
    return server.url("/");
  }

  MockWebServer mockWebServer() {
    return server;
  }

  /** Queues {@code fault} for the next request that has none yet. */
  void enqueueFault(Fault fault) {
    faults.add(Objects.requireNonNull(fault, "fault"));
  }

  int requestCount() {
    return server.getRequestCount();
  }

  /**
   * The next request received, waiting up to 5 seconds.
   *
   * @throws IllegalStateException if none arrives in time or the wait is interrupted
   */
  RecordedRequest takeRequest() {
    try {
      RecordedRequest r = server.takeRequest(5, TimeUnit.SECONDS);
      if (r == null) {
        throw new IllegalStateException("no request reached the fake " + name + " within 5 seconds");
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

  private final class FaultDispatcher extends Dispatcher {
    private final Answers answers;

    FaultDispatcher(Answers answers) {
      this.answers = answers;
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
      Fault fault = faults.poll();
      if (fault instanceof Fault.Status s) {
        return answers.status(s.status());
      }
      if (fault instanceof Fault.TooManyRequests t) {
        return new MockResponse.Builder(answers.tooManyRequests())
            .setHeader("Retry-After", t.retryAfter())
            .build();
      }
      MockResponse normal = answers.handle(request);
      if (fault instanceof Fault.DropAfterRequest) {
        return new MockResponse.Builder(normal).onResponseStart(new SocketEffect.CloseSocket()).build();
      }
      if (fault instanceof Fault.Stall) {
        return new MockResponse.Builder(normal).onResponseStart(SocketEffect.Stall.INSTANCE).build();
      }
      if (fault instanceof Fault.Slow slow) {
        return new MockResponse.Builder(normal)
            .headersDelay(slow.delay().toNanos(), TimeUnit.NANOSECONDS)
            .build();
      }
      return normal;
    }
  }
}

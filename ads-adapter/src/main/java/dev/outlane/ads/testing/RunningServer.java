package dev.outlane.ads.testing;

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
 * The loopback {@link MockWebServer} every ad fake runs on: started at construction, answering with
 * the fake's own logic unless a queued {@link Fault} replaces the answer, closed with the fake. Keeps
 * start, faults, URL, request capture and close in one place so the fakes share one shape with the
 * twilio adapter's ({@code start(...)}, {@code url()}, {@code enqueueFault}, {@code close()}). The
 * twilio adapter applies the same {@link Fault}s the same way; the modules do not share this class
 * because neither may depend on the other and core does not depend on MockWebServer.
 *
 * <p>Thread-safe: faults may be enqueued from any thread; {@code answers} runs on MockWebServer's
 * connection threads.
 */
final class RunningServer implements AutoCloseable {
  /** How a fake answers; called on MockWebServer's connection threads. */
  interface Answers {
    /** The answer to {@code request} when no fault replaces it. */
    MockResponse answer(RecordedRequest request);

    /** The answer for a {@link Fault.Status} fault: by default the bare status with an empty body. */
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

  /**
   * Starts on a free loopback port.
   *
   * @param name the faked service as messages name it, e.g. {@code "Meta"}
   * @throws IllegalStateException if the server cannot bind
   */
  RunningServer(String name, Answers answers) {
    this.name = Objects.requireNonNull(name, "name");
    Objects.requireNonNull(answers, "answers");
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return answer(answers, request);
      }
    });
    try {
      server.start(InetAddress.getLoopbackAddress(), 0);
    } catch (IOException e) {
      throw new IllegalStateException("could not start the fake " + name + " server", e);
    }
  }

  private MockResponse answer(Answers answers, RecordedRequest request) {
    Fault fault = faults.poll();
    if (fault instanceof Fault.Status s) {
      return answers.status(s.status());
    }
    if (fault instanceof Fault.TooManyRequests t) {
      return answers.tooManyRequests().newBuilder().setHeader("Retry-After", t.retryAfter()).build();
    }
    MockResponse normal = answers.answer(request);
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
  void enqueueFault(Fault fault) {
    faults.add(Objects.requireNonNull(fault, "fault"));
  }

  /** The base URL on the loopback interface, {@code http://…:PORT/}. */
  HttpUrl url() {
    return server.url("/");
  }

  MockWebServer mockWebServer() {
    return server;
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

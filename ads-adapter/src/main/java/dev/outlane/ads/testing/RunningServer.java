package dev.outlane.ads.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.HttpUrl;

/**
 * The loopback {@link MockWebServer} every ad fake runs on: started at construction, answering with
 * the fake's own logic, closed with the fake. Keeps start, URL, request capture and close in one
 * place so the fakes share one shape with the twilio adapter's ({@code start(...)}, {@code url()},
 * {@code close()}).
 *
 * <p>Thread-safe: MockWebServer calls {@code answers} on its connection threads.
 */
final class RunningServer implements AutoCloseable {
  /** How a fake answers one request; called on MockWebServer's connection threads. */
  interface Answers {
    MockResponse answer(RecordedRequest request);
  }

  private final MockWebServer server = new MockWebServer();
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
        return answers.answer(request);
      }
    });
    try {
      server.start(InetAddress.getLoopbackAddress(), 0);
    } catch (IOException e) {
      throw new IllegalStateException("could not start the fake " + name + " server", e);
    }
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

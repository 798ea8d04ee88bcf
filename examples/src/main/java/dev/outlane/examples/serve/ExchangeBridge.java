package dev.outlane.examples.serve;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.outlane.inbound.InboundHandler;
import dev.outlane.inbound.InboundRequest;
import dev.outlane.inbound.InboundResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mounts one {@link InboundHandler} on the JDK's {@code HttpServer}: copies the exchange in (method,
 * the URL as the sender saw it, headers, peer address, body) and the handler's answer out.
 *
 * <ul>
 *   <li><b>URL.</b> With a public base URL ({@code https://hooks.example.com}), the sender's URL is
 *       that base plus the request's raw path and query: behind a proxy the server sees another
 *       scheme and host than the sender signed (twilio-java #645). Without one, {@code http://} plus
 *       the {@code Host} header plus path and query; a {@code Host} that is not a valid authority is
 *       answered 400.
 *   <li><b>Body limit.</b> A declared {@code Content-Length} over the limit is answered 413 before
 *       anything is read; otherwise at most limit + 1 bytes are read ({@link
 *       InboundRequest#readBody}) and a longer body is answered 413. The JDK server drains at most
 *       64 KiB of what is left and closes the connection beyond that.
 *   <li><b>Exact path.</b> The JDK matches contexts by prefix; any other path than the mount path
 *       is answered 404.
 *   <li><b>A handler that throws</b> has a defect: 500 with an empty body, and one WARN line naming
 *       the endpoint and the exception's class (never its message, which may quote input).
 *   <li><b>Access log.</b> One {@link AccessLog.Entry} per request, after the answer was written.
 * </ul>
 *
 * <p>Thread-safe (immutable); the server calls {@link #handle} on its worker threads. The handler
 * runs on that thread, so a handler that blocks (a durable journal write) holds a worker.
 */
public final class ExchangeBridge implements HttpHandler {
  private static final Logger log = LoggerFactory.getLogger(ExchangeBridge.class);

  /** The access log's endpoint for a path nothing is mounted at (the path itself may carry an id). */
  public static final String UNMATCHED = "(unmatched)";

  private final String endpoint;
  private final InboundHandler handler;
  private final int maxBodyBytes;
  private final @Nullable String publicBaseUrl;
  private final AccessLog accessLog;
  private final LongSupplier nanoTime;

  private ExchangeBridge(Builder b) {
    this.endpoint = b.endpoint;
    this.handler = b.handler;
    this.maxBodyBytes = b.maxBodyBytes;
    this.publicBaseUrl = b.publicBaseUrl;
    this.accessLog = b.accessLog;
    this.nanoTime = b.nanoTime;
  }

  /**
   * Starts a bridge for {@code handler} mounted at {@code endpoint}.
   *
   * @param endpoint the exact path, starting with {@code /}
   * @throws IllegalArgumentException if {@code endpoint} does not start with {@code /}
   */
  public static Builder builder(String endpoint, InboundHandler handler) {
    return new Builder(endpoint, handler);
  }

  /** The path this bridge is mounted at. */
  public String endpoint() {
    return endpoint;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    long started = nanoTime.getAsLong();
    long requestBytes = 0;
    int status = 0;
    long responseBytes = 0;
    String path = exchange.getRequestURI().getRawPath();
    boolean matched = endpoint.equals(path);
    try (exchange) {
      InboundResponse answer;
      if (!matched) {
        answer = InboundResponse.of(404);
      } else if (declaredLength(exchange) > maxBodyBytes) {
        answer = tooLarge();
      } else {
        byte[] body = InboundRequest.readBody(exchange.getRequestBody(), maxBodyBytes);
        if (body == null) {
          requestBytes = maxBodyBytes + 1L;
          answer = tooLarge();
        } else {
          requestBytes = body.length;
          URI url = senderUrl(exchange);
          answer = url == null ? InboundResponse.of(400) : call(request(exchange, url, body));
        }
      }
      byte[] bytes = answer.body();
      for (Map.Entry<String, String> h : answer.headers().entrySet()) {
        exchange.getResponseHeaders().set(h.getKey(), h.getValue());
      }
      // 0 would mean "chunked" to the JDK server; -1 is "no body".
      exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
      if (bytes.length > 0) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(bytes);
        }
      }
      status = answer.status();
      responseBytes = bytes.length;
    } finally {
      try {
        accessLog.log(new AccessLog.Entry(exchange.getRequestMethod(), matched ? endpoint : UNMATCHED, status,
            Duration.ofNanos(nanoTime.getAsLong() - started), requestBytes, responseBytes));
      } catch (RuntimeException e) {
        // A log that fails must not turn an answered request into an error.
      }
    }
  }

  private InboundResponse call(InboundRequest request) {
    try {
      return handler.handle(request);
    } catch (RuntimeException | StackOverflowError e) {
      log.warn("handler at {} threw {}; answered 500", endpoint, e.getClass().getName());
      return InboundResponse.of(500);
    }
  }

  private static InboundResponse tooLarge() {
    // The connection is not worth keeping: what is left of the body would have to be drained.
    return InboundResponse.of(413).withHeader("Connection", "close");
  }

  private static long declaredLength(HttpExchange exchange) {
    String value = exchange.getRequestHeaders().getFirst("Content-Length");
    if (value == null) {
      return -1;
    }
    try {
      return Long.parseLong(value.strip());
    } catch (NumberFormatException e) {
      return -1; // the JDK server refuses a malformed length before we get here
    }
  }

  private static InboundRequest request(HttpExchange exchange, URI url, byte[] body) {
    InboundRequest.Builder b = InboundRequest.builder(exchange.getRequestMethod(), url)
        .headers(exchange.getRequestHeaders())
        .body(body);
    InetSocketAddress peer = exchange.getRemoteAddress();
    if (peer != null && peer.getAddress() != null) {
      b.remoteAddress(peer.getAddress().getHostAddress());
    }
    return b.build();
  }

  /** The URL as the sender saw it, or null if the {@code Host} header cannot be part of one. */
  @Nullable URI senderUrl(HttpExchange exchange) {
    URI raw = exchange.getRequestURI();
    String pathAndQuery = raw.getRawPath() + (raw.getRawQuery() == null ? "" : "?" + raw.getRawQuery());
    String base = publicBaseUrl;
    if (base == null) {
      String host = exchange.getRequestHeaders().getFirst("Host");
      if (host == null || host.isBlank()) {
        InetSocketAddress local = exchange.getLocalAddress();
        host = local.getAddress().getHostAddress().contains(":")
            ? "[" + local.getAddress().getHostAddress() + "]:" + local.getPort()
            : local.getAddress().getHostAddress() + ":" + local.getPort();
      }
      base = "http://" + host.strip();
    }
    try {
      URI url = new URI(base + pathAndQuery);
      return url.getHost() == null ? null : url;
    } catch (URISyntaxException e) {
      return null;
    }
  }

  /** Builds an {@link ExchangeBridge}. Not thread-safe. */
  public static final class Builder {
    /** Default body limit: Customer.io and Twilio webhook bodies are a few KB; 256 KiB is ample. */
    public static final int DEFAULT_MAX_BODY_BYTES = 256 * 1024;

    private final String endpoint;
    private final InboundHandler handler;
    private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
    private @Nullable String publicBaseUrl;
    private AccessLog accessLog = AccessLog.slf4j();
    private LongSupplier nanoTime = System::nanoTime;

    private Builder(String endpoint, InboundHandler handler) {
      Objects.requireNonNull(endpoint, "endpoint");
      if (!endpoint.startsWith("/")) {
        throw new IllegalArgumentException("endpoint: must start with / but was \"" + endpoint + "\"");
      }
      this.endpoint = endpoint;
      this.handler = Objects.requireNonNull(handler, "handler");
    }

    /** The largest body accepted, in bytes (default {@link #DEFAULT_MAX_BODY_BYTES}). */
    public Builder maxBodyBytes(int maxBodyBytes) {
      if (maxBodyBytes < 0) {
        throw new IllegalArgumentException("maxBodyBytes: must be >= 0 but was " + maxBodyBytes);
      }
      this.maxBodyBytes = maxBodyBytes;
      return this;
    }

    /**
     * The scheme, host and optional path prefix senders use, e.g. {@code https://hooks.example.com}
     * (no trailing {@code /}); null to use the {@code Host} header.
     *
     * @throws IllegalArgumentException if it is not an absolute http(s) URL without query, or ends in /
     */
    public Builder publicBaseUrl(@Nullable URI base) {
      if (base == null) {
        this.publicBaseUrl = null;
        return this;
      }
      String s = base.toString();
      if (!base.isAbsolute() || base.getHost() == null
          || !(base.getScheme().equals("http") || base.getScheme().equals("https"))
          || base.getRawQuery() != null || base.getRawFragment() != null) {
        throw new IllegalArgumentException("publicBaseUrl: must be an absolute http(s) URL without"
            + " query, e.g. https://hooks.example.com, but was \"" + s + "\"");
      }
      if (s.endsWith("/")) {
        throw new IllegalArgumentException("publicBaseUrl: must not end in / (the request's path is"
            + " appended) but was \"" + s + "\"");
      }
      this.publicBaseUrl = s;
      return this;
    }

    public Builder accessLog(AccessLog accessLog) {
      this.accessLog = Objects.requireNonNull(accessLog, "accessLog");
      return this;
    }

    /** For tests: the clock durations are measured with (default {@link System#nanoTime}). */
    public Builder nanoTime(LongSupplier nanoTime) {
      this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
      return this;
    }

    public ExchangeBridge build() {
      return new ExchangeBridge(this);
    }
  }
}

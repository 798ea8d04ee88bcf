package dev.outlane.examples.serve;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where {@link ExchangeBridge} reports each request once it was answered: one {@link Entry} per
 * request, with nothing of a person in it (no query string, no header, no body, no peer address).
 *
 * <p>Called on the server's worker thread that answered the request, after the response was written;
 * implementations are thread-safe and must not throw (a throw is swallowed by the bridge).
 */
@FunctionalInterface
public interface AccessLog {
  /** Receives one answered (or abandoned) request. */
  void log(Entry entry);

  /**
   * One request.
   *
   * @param method the HTTP method
   * @param endpoint the path the handler is mounted at (not the request's own path: a path may
   *     carry an identifier, and an unknown path is {@code "(unmatched)"})
   * @param status the status answered, or 0 if the client went away before an answer was written
   * @param duration from the start of the exchange to the response written
   * @param requestBytes the request body bytes read (at most the limit plus one)
   * @param responseBytes the response body bytes
   */
  record Entry(String method, String endpoint, int status, Duration duration, long requestBytes,
      long responseBytes) {
    /** {@code POST /cio/webhook 202 3.1ms in=512B out=0B}: the access log's line. */
    public String line() {
      return method + " " + endpoint + " " + status + " "
          + String.format(java.util.Locale.ROOT, "%.1fms", duration.toNanos() / 1e6)
          + " in=" + requestBytes + "B out=" + responseBytes + "B";
    }
  }

  /** Logs {@link Entry#line()} at INFO on the SLF4J logger {@code outlane.access}. */
  static AccessLog slf4j() {
    Logger log = LoggerFactory.getLogger("outlane.access");
    return entry -> log.info(entry.line());
  }

  /** This log, then {@code next}; a throw of one does not stop the other. */
  default AccessLog andThen(AccessLog next) {
    return entry -> {
      try {
        log(entry);
      } finally {
        next.log(entry);
      }
    };
  }
}

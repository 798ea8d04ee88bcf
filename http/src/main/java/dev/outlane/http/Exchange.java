package dev.outlane.http;

import java.io.IOException;
import java.util.Objects;
import java.util.OptionalInt;
import okhttp3.Headers;
import org.jspecify.annotations.Nullable;

/**
 * How one HTTP attempt ended: {@link Answered} (any status; an HTTP error status is a result, not an
 * exception) or {@link Failed} (no complete answer), which says whether the whole request had been
 * written and so whether the server may have acted on it. Produced by {@link HttpCaller#execute}.
 * Immutable.
 */
public sealed interface Exchange permits Exchange.Answered, Exchange.Failed {

  /** The id the server gave the request (from the caller's request-id header), or null. */
  @Nullable String requestId();

  /**
   * A complete response.
   *
   * @param status the HTTP status
   * @param headers the response headers
   * @param body the whole body as text ({@code ""} if none, or if an error status's body was cut
   *     off); never log it, it may echo request data
   * @param requestId the request-id header's value, or null
   */
  record Answered(int status, Headers headers, String body, @Nullable String requestId) implements Exchange {
    public Answered {
      Objects.requireNonNull(headers, "headers");
      Objects.requireNonNull(body, "body");
    }

    /** True for a 2xx status. */
    public boolean successful() {
      return status >= 200 && status < 300;
    }

    /** The named header, or null. */
    public @Nullable String header(String name) {
      return headers.get(name);
    }
  }

  /**
   * No complete response: a connect failure, a timeout, a reset, a body cut short.
   *
   * @param cause the failure; its message may name the host, never request content
   * @param written whether the whole request had been written to the connection: from then on the
   *     server may have acted (see {@link dev.outlane.destination.DeliveryError})
   * @param status the status of a response whose headers arrived before the failure, or -1 (use
   *     {@link #responseStatus()})
   * @param requestId the request-id header of that response, or null
   */
  record Failed(IOException cause, boolean written, int status, @Nullable String requestId) implements Exchange {
    public Failed {
      Objects.requireNonNull(cause, "cause");
    }

    /** The status of response headers that arrived before the failure, or empty. */
    public OptionalInt responseStatus() {
      return status < 0 ? OptionalInt.empty() : OptionalInt.of(status);
    }

    /** True if a 2xx status arrived and only its body was lost: the server accepted the request. */
    public boolean acceptedBodyLost() {
      return status >= 200 && status < 300;
    }

    /** The failure's class and message, e.g. {@code SocketTimeoutException: timeout}; no request content. */
    public String describe() {
      String m = cause.getMessage();
      return cause.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }
  }
}

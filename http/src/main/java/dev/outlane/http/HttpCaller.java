package dev.outlane.http;

import java.io.IOException;
import okhttp3.Call;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;

/**
 * Sends a destination's requests, once each, and reports how far each got as an {@link Exchange}:
 * the answer with its request id, or the failure with whether the whole request had been written
 * (the fact that decides whether a resend is safe; see {@link dev.outlane.destination.DeliveryError}).
 *
 * <p><b>Whose client.</b> Built {@linkplain #create with the caller's OkHttpClient}, it only uses it:
 * {@link #close()} leaves it to its owner. Built without one, it creates a {@linkplain
 * HttpClients#newDefault() default client} and {@link #close()} releases it (dispatcher threads shut
 * down, pooled connections evicted), so a destination that closes its caller closes exactly what it
 * created.
 *
 * <p>This class does not retry: it makes the one attempt OkHttp makes with the client as configured
 * (a client with {@code retryOnConnectionFailure(true)}, OkHttp's default, may itself replay a
 * request that failed before it was sent; non-idempotent destinations turn that off).
 *
 * <p>Thread-safe; {@link #execute} blocks the calling thread.
 */
public final class HttpCaller implements AutoCloseable {
  private final OkHttpClient client;
  private final boolean owned;
  private final @Nullable String requestIdHeader;

  private HttpCaller(OkHttpClient client, boolean owned, @Nullable String requestIdHeader) {
    this.client = client;
    this.owned = owned;
    this.requestIdHeader = requestIdHeader;
  }

  /**
   * A caller on {@code given}, or on a new default client it owns if {@code given} is null.
   *
   * @param requestIdHeader the response header holding the server's request id ({@code
   *     Twilio-Request-Id}), or null if the API has none
   */
  public static HttpCaller create(@Nullable OkHttpClient given, @Nullable String requestIdHeader) {
    return given == null
        ? new HttpCaller(HttpClients.newDefault(), true, requestIdHeader)
        : new HttpCaller(given, false, requestIdHeader);
  }

  /** The client requests go through. */
  public OkHttpClient client() {
    return client;
  }

  /** Whether this caller created its client, and so releases it in {@link #close()}. */
  public boolean ownsClient() {
    return owned;
  }

  /**
   * Sends {@code request} and reads the whole response body as text. Never throws for a transport
   * failure: that is an {@link Exchange.Failed}.
   */
  public Exchange execute(Request request) {
    WriteProbe probe = new WriteProbe(request.body() != null);
    Call call = client.newCall(request);
    call.addEventListener(probe);
    try (Response response = call.execute()) {
      String requestId = requestIdHeader == null ? null : response.header(requestIdHeader);
      String body;
      try {
        body = response.body().string();
      } catch (IOException e) {
        if (!response.isSuccessful()) {
          // An error status is the answer; its lost body only loses the vendor's detail.
          return new Exchange.Answered(response.code(), response.headers(), "", requestId);
        }
        // Accepted, but the body (a reference, counts) was lost: the caller decides what that means.
        return new Exchange.Failed(e, true, response.code(), requestId);
      }
      return new Exchange.Answered(response.code(), response.headers(), body, requestId);
    } catch (IOException e) {
      return new Exchange.Failed(e, probe.fullyWritten(), probe.responseCode(), null);
    }
  }

  /**
   * Releases the client if this caller created it: shuts its dispatcher's executor down and evicts
   * its pooled connections. A client given to {@link #create} is left alone. Idempotent.
   */
  @Override
  public void close() {
    if (owned) {
      HttpClients.release(client);
    }
  }
}

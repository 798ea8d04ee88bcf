package dev.outlane.twilio.internal;

import com.twilio.constant.EnumConstants;
import com.twilio.http.HttpClient;
import com.twilio.http.HttpMethod;
import com.twilio.http.Request;
import com.twilio.http.Response;
import dev.outlane.http.Exchange;
import dev.outlane.http.HttpCaller;
import java.util.List;
import java.util.Map;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.RequestBody;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.message.BasicHeader;
import org.jspecify.annotations.Nullable;

/**
 * A twilio-java {@link HttpClient} on OkHttp that sends every request exactly once.
 *
 * <p><b>Why.</b> twilio-java's {@code HttpClient.reliableRequest} calls {@code makeRequest} again on
 * any 5xx (up to 3 attempts, 100 ms apart, in 13.0.1) — including {@code POST /Messages}, which has no
 * idempotency key, so a 5xx from a request Twilio already acted on becomes a second SMS. This client
 * overrides both {@code reliableRequest} overloads to make exactly one attempt, and its OkHttp client
 * has {@code retryOnConnectionFailure(false)}, so OkHttp does not silently replay either. Retries are
 * the engine's decision, made from the {@link dev.outlane.http.Exchange} (was the request written?).
 *
 * <p>Error statuses are not returned to twilio-java: they are thrown as {@link TwilioCallException}
 * with their headers, which twilio-java's {@code ApiException} would drop ({@code Retry-After}).
 *
 * <p>For tests and proxies, a base URL replaces the scheme, host and port of every URL twilio-java
 * builds, and its path is kept as a prefix ({@code https://api.twilio.com/2010-04-01/...} → {@code
 * http://127.0.0.1:PORT/prefix/2010-04-01/...}).
 *
 * <p>Thread-safe: it holds no per-request state (unlike the base class's {@code getLastRequest()},
 * which this client never updates).
 */
public final class OkHttpTwilioHttpClient extends HttpClient {
  private static final MediaType FORM = MediaType.get("application/x-www-form-urlencoded");
  private static final MediaType JSON = MediaType.get("application/json");

  private final HttpCaller caller;
  private final @Nullable HttpUrl baseUrl;
  private final String userAgent;

  /**
   * @param okHttp the client to send with; it must not retry on connection failure (see {@link
   *     #deriveFrom})
   * @param baseUrl the scheme, host, port and path prefix (ending in {@code /}) to send to instead of
   *     Twilio's, or null for Twilio's
   * @param userAgent the {@code User-Agent} header
   */
  public OkHttpTwilioHttpClient(OkHttpClient okHttp, @Nullable HttpUrl baseUrl, String userAgent) {
    if (okHttp.retryOnConnectionFailure()) {
      throw new IllegalArgumentException(
          "okHttp: must not retry on connection failure (use OkHttpTwilioHttpClient.deriveFrom)");
    }
    this.caller = HttpCaller.create(okHttp, "Twilio-Request-Id");
    this.baseUrl = baseUrl;
    this.userAgent = userAgent;
  }

  /**
   * A client sharing {@code base}'s connection pool, dispatcher and timeouts, that never retries a
   * request OkHttp considers recoverable and never follows redirects (a redirected POST would be a
   * second request).
   */
  public static OkHttpClient deriveFrom(OkHttpClient base) {
    return base.newBuilder().retryOnConnectionFailure(false).followRedirects(false).build();
  }

  /** Exactly one attempt: see the class comment. */
  @Override
  public Response reliableRequest(Request request) {
    return makeRequest(request);
  }

  /** Exactly one attempt whatever the arguments ask: see the class comment. */
  @Override
  public Response reliableRequest(Request request, int[] retryCodes, int retries, long delayMillis) {
    return makeRequest(request);
  }

  /**
   * Sends {@code request} once.
   *
   * @return the response, only for a 2xx status
   * @throws TwilioCallException for an error status or a transport failure, saying how far it got
   */
  @Override
  public Response makeRequest(Request request) {
    HttpUrl url = rewrite(HttpUrl.get(request.constructURL().toString()));
    HttpMethod method = request.getMethod();
    RequestBody body = null;
    if (method == HttpMethod.POST || method == HttpMethod.PUT) {
      if (request.getContentType() == EnumConstants.ContentType.JSON) {
        body = RequestBody.create(request.getBody() == null ? "" : request.getBody(), JSON);
      } else {
        body = RequestBody.create(request.encodeFormBody(), FORM);
      }
    }
    okhttp3.Request.Builder builder =
        new okhttp3.Request.Builder()
            .url(url)
            .method(method.toString(), body)
            .header("User-Agent", userAgent)
            .header("Accept", "application/json");
    if (request.requiresAuthentication()) {
      builder.header("Authorization", request.getAuthString());
    }
    for (Map.Entry<String, List<String>> e : request.getHeaderParams().entrySet()) {
      for (String value : e.getValue()) {
        builder.addHeader(e.getKey(), value);
      }
    }

    Exchange exchange = caller.execute(builder.build());
    if (exchange instanceof Exchange.Answered a && a.successful()) {
      return new Response(a.body(), a.status(), toApache(a.headers()));
    }
    throw new TwilioCallException(exchange);
  }

  private HttpUrl rewrite(HttpUrl url) {
    if (baseUrl == null) {
      return url;
    }
    // The base URL's path (always ending in "/") is a prefix kept before Twilio's own path.
    String prefix = baseUrl.encodedPath();
    return url.newBuilder()
        .scheme(baseUrl.scheme())
        .host(baseUrl.host())
        .port(baseUrl.port())
        .encodedPath(prefix.substring(0, prefix.length() - 1) + url.encodedPath())
        .build();
  }

  private static Header[] toApache(Headers headers) {
    Header[] out = new Header[headers.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = new BasicHeader(headers.name(i), headers.value(i));
    }
    return out;
  }
}

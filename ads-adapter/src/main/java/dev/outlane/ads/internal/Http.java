package dev.outlane.ads.internal;

import dev.outlane.destination.Settings;
import dev.outlane.retry.RetryAfter;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.regex.Pattern;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.jspecify.annotations.Nullable;

/** Executes a request and reads the whole (small) response. Stateless. */
public final class Http {
  private Http() {}

  /** A status, headers and body text. An HTTP error status is a result, not an exception. */
  public record Result(int status, Headers headers, String body) {
    /** The {@code Retry-After} header as a duration (seconds or an HTTP date), or null. */
    public @Nullable Duration retryAfter(Clock clock) {
      return RetryAfter.parse(headers.get("Retry-After"), clock);
    }

    public boolean successful() {
      return status >= 200 && status < 300;
    }
  }

  /**
   * Sends {@code request}.
   *
   * @throws IOException if no response arrived (connect failure, timeout, reset)
   */
  public static Result execute(OkHttpClient client, Request request) throws IOException {
    try (Response response = client.newCall(request).execute()) {
      ResponseBody body = response.body();
      return new Result(response.code(), response.headers(), body == null ? "" : body.string());
    }
  }

  /**
   * A destination's base URL checked by {@link Settings#requireBaseUrl}, as an {@link HttpUrl}
   * ending in {@code /}: a path is kept as a prefix, a path holding the API's own path is refused.
   *
   * @throws IllegalArgumentException naming {@code name} and the expected form, never the value
   */
  public static HttpUrl baseUrl(String name, @Nullable String value, String example, Pattern apiSegment,
      String apiPath) {
    URI uri = Settings.requireBaseUrl(name, value, example, apiSegment, apiPath);
    return HttpUrl.get(uri.toString());
  }

  /** Replaces every occurrence of {@code secret} in {@code text}: API messages may echo parameters. */
  public static String redact(String text, String secret) {
    return secret.isEmpty() ? text : text.replace(secret, "<redacted>");
  }

  /** A short description of an I/O failure, without request content. */
  public static String describe(IOException e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }
}

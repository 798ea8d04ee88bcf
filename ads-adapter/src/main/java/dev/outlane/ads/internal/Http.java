package dev.outlane.ads.internal;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import okhttp3.Headers;
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
    public @Nullable Duration retryAfter(Instant now) {
      return parseRetryAfter(headers.get("Retry-After"), now);
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

  public static @Nullable Duration parseRetryAfter(@Nullable String value, Instant now) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      long seconds = Long.parseLong(value.strip());
      return seconds < 0 ? null : Duration.ofSeconds(seconds);
    } catch (NumberFormatException e) {
      try {
        Instant at = ZonedDateTime.parse(value.strip(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        Duration d = Duration.between(now, at);
        return d.isNegative() ? Duration.ZERO : d;
      } catch (DateTimeParseException e2) {
        return null;
      }
    }
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

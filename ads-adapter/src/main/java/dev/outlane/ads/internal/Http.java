package dev.outlane.ads.internal;

import dev.outlane.destination.Settings;
import java.net.URI;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;
import org.jspecify.annotations.Nullable;

/**
 * The ads APIs' URL and redaction helpers. Request execution and failure classification live in
 * outlane-http ({@code HttpCaller}, {@code HttpClassifier}). Stateless.
 */
public final class Http {
  private Http() {}

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
}

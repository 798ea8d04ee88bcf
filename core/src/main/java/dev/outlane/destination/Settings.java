package dev.outlane.destination;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The one rule every destination builder follows for bad or missing settings, shared by all adapters
 * so that a user sees the same kind of error whichever destination they configure.
 *
 * <ul>
 *   <li>A setter given an unusable value (null, blank, wrong form) throws {@link
 *       IllegalArgumentException} at once, naming the setting and the reason: {@code accountSid:
 *       required, was null} (typically an unset environment variable), {@code writeKey: required, was
 *       blank}, {@code accountSid: must be "AC" followed by 32 hex digits}.
 *   <li>{@code build()} with a required setting never set throws {@link IllegalStateException}:
 *       {@code accountSid: required, was not set}.
 *   <li>Messages never repeat the value given: a setting may hold a secret (a token, a key, a URL
 *       with credentials), and any value may have come from an environment variable.
 * </ul>
 *
 * <pre>{@code
 * public Builder writeKey(@Nullable String writeKey) {
 *   this.writeKey = Settings.requireText("writeKey", writeKey);
 *   return this;
 * }
 * public SegmentDestination build() {
 *   Settings.requireSet("writeKey", writeKey);
 *   ...
 * }
 * }</pre>
 *
 * <p>Stateless and thread-safe.
 */
public final class Settings {
  private Settings() {}

  /**
   * Checks a required object setting.
   *
   * @param name the setting as the builder names it, e.g. {@code clock}
   * @return {@code value}
   * @throws IllegalArgumentException {@code name: required, was null}
   */
  public static <T> T require(String name, @Nullable T value) {
    if (value == null) {
      throw new IllegalArgumentException(name + ": required, was null");
    }
    return value;
  }

  /**
   * Checks a required text setting: not null, not blank.
   *
   * @return {@code value}, unchanged
   * @throws IllegalArgumentException {@code name: required, was null} or {@code name: required, was
   *     blank}
   */
  public static String requireText(String name, @Nullable String value) {
    if (value == null) {
      throw new IllegalArgumentException(name + ": required, was null");
    }
    if (value.isBlank()) {
      throw new IllegalArgumentException(name + ": required, was blank");
    }
    return value;
  }

  /**
   * Checks a required text setting against the form it must have.
   *
   * @param form what a valid value looks like, completing "must be …", e.g. {@code "AC" followed by
   *     32 hex digits}
   * @return {@code value}, unchanged
   * @throws IllegalArgumentException as {@link #requireText}, or {@code name: must be FORM} (the
   *     value itself is not repeated)
   */
  public static String requireMatch(String name, @Nullable String value, Pattern pattern, String form) {
    requireText(name, value);
    if (!pattern.matcher(value).matches()) {
      throw new IllegalArgumentException(name + ": must be " + form);
    }
    return value;
  }

  /**
   * Checks, in {@code build()}, that a required setting was set.
   *
   * @return {@code value}
   * @throws IllegalStateException {@code name: required, was not set}
   */
  public static <T> T requireSet(String name, @Nullable T value) {
    if (value == null) {
      throw new IllegalStateException(name + ": required, was not set");
    }
    return value;
  }

  /**
   * Checks a base URL: an absolute {@code http} or {@code https} URL with a host and no query or
   * fragment. A path is a prefix (a proxy's, say) that is kept; the destination appends its API's
   * own path to it. Because a user who pastes a full endpoint URL would otherwise get the API path
   * twice ({@code …/v1/batch/v1/batch}), a path segment that matches {@code apiSegment} is refused.
   *
   * @param example a base URL of the right form, for the messages, e.g. {@code
   *     https://api.segment.io}
   * @param apiSegment matches the first segment of the API's own path, e.g. {@code v1}
   * @param apiPath the API's own path as the message shows it, e.g. {@code /v1/batch}
   * @return the URL with its path ending in {@code /}
   * @throws IllegalArgumentException {@code name: required, was null} (or {@code was blank}),
   *     {@code name: expected an http or https URL like EXAMPLE}, {@code name: expected a base URL
   *     like EXAMPLE, without a query or fragment}, or {@code name: expected a base URL like
   *     EXAMPLE, without API_PATH}; the value itself is never repeated (it may carry credentials)
   */
  public static URI requireBaseUrl(
      String name, @Nullable String value, String example, Pattern apiSegment, String apiPath) {
    requireText(name, value);
    URI uri;
    try {
      uri = new URI(value.strip());
    } catch (URISyntaxException e) {
      throw notAUrl(name, example);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!uri.isAbsolute() || uri.isOpaque() || uri.getHost() == null
        || !(scheme.equals("http") || scheme.equals("https"))) {
      throw notAUrl(name, example);
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new IllegalArgumentException(
          name + ": expected a base URL like " + example + ", without a query or fragment");
    }
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    for (String segment : path.split("/")) {
      if (!segment.isEmpty() && apiSegment.matcher(segment).matches()) {
        throw new IllegalArgumentException(
            name + ": expected a base URL like " + example + ", without " + apiPath);
      }
    }
    String normalized = path.endsWith("/") ? path : path + "/";
    try {
      return new URI(scheme + "://" + uri.getRawAuthority() + normalized);
    } catch (URISyntaxException e) {
      throw notAUrl(name, example);
    }
  }

  private static IllegalArgumentException notAUrl(String name, String example) {
    return new IllegalArgumentException(name + ": expected an http or https URL like " + example);
  }
}

package dev.outlane.http;

import dev.outlane.destination.Settings;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;

/**
 * The settings block every HTTP destination's builder shares (name, base URL, OkHttp client, clock),
 * written once: a destination's builder extends it and adds only its own settings.
 *
 * <pre>{@code
 * public static final class Builder extends HttpDestinationBuilder<Builder> {
 *   private Builder() {
 *     super("segment", BaseUrlRule.of(US_BASE_URL, Pattern.compile("v1"), "/v1/batch"));
 *   }
 *   public SegmentDestination build() {
 *     return new SegmentDestination(this, httpSettings());
 *   }
 * }
 * }</pre>
 *
 * <p>Setters follow {@link Settings}' rule: an unusable value throws {@link
 * IllegalArgumentException} at once, naming the setting and the reason, never repeating the value
 * ({@code okHttpClient: required, was null}). Not thread-safe.
 *
 * @param <B> the destination's builder, returned by every setter
 */
public abstract class HttpDestinationBuilder<B extends HttpDestinationBuilder<B>> {
  private final BaseUrlRule baseUrlRule;
  private String name;
  private @Nullable HttpUrl baseUrl;
  private @Nullable OkHttpClient okHttpClient;
  private Clock clock = Clock.systemUTC();
  /** Set only through {@link RateLimitedDestinationBuilder}; null for destinations without one. */
  @Nullable Duration rateLimitBackoff;

  /**
   * @param defaultName the destination's default name, e.g. {@code segment}
   * @param baseUrlRule the form of the destination's base URL, and its default
   */
  protected HttpDestinationBuilder(String defaultName, BaseUrlRule baseUrlRule) {
    this.name = Settings.requireText("name", defaultName);
    this.baseUrlRule = baseUrlRule;
    this.baseUrl = baseUrlRule.defaultUrl() == null ? null : check(baseUrlRule.defaultUrl());
  }

  /**
   * What a destination's base URL must look like, for {@link Settings#requireBaseUrl}.
   *
   * @param defaultUrl the default base URL, or null if the destination has none (it then uses the
   *     vendor's own hosts)
   * @param example a valid base URL for messages, e.g. {@code https://api.segment.io}
   * @param apiSegment matches the first segment of the API's own path, which a base URL must not hold
   * @param apiPath the API's own path as messages show it, e.g. {@code /v1/batch}
   */
  public record BaseUrlRule(@Nullable String defaultUrl, String example, Pattern apiSegment, String apiPath) {
    /** A rule whose default is also its example. */
    public static BaseUrlRule of(String defaultUrl, Pattern apiSegment, String apiPath) {
      return new BaseUrlRule(defaultUrl, defaultUrl, apiSegment, apiPath);
    }

    /**
     * A rule for a destination whose "base URL" is the whole endpoint (a user's own webhook): no
     * default, path and query kept exactly as given (no {@code /} appended), only a fragment refused.
     */
    public static BaseUrlRule endpoint(String example) {
      return new BaseUrlRule(null, example, ENDPOINT, "");
    }

    /** Whether this is an {@link #endpoint} rule. */
    public boolean isEndpoint() {
      return apiSegment == ENDPOINT;
    }
  }

  /** Marks {@link BaseUrlRule#endpoint} rules; matches no path segment. */
  private static final Pattern ENDPOINT = Pattern.compile("(?!)");

  /** {@code this}, as the destination's builder type. */
  @SuppressWarnings("unchecked")
  protected final B self() {
    return (B) this;
  }

  private HttpUrl check(@Nullable String value) {
    if (baseUrlRule.isEndpoint()) {
      return endpoint(value);
    }
    URI uri = Settings.requireBaseUrl("baseUrl", value, baseUrlRule.example(), baseUrlRule.apiSegment(),
        baseUrlRule.apiPath());
    return HttpUrl.get(uri.toString());
  }

  private HttpUrl endpoint(@Nullable String value) {
    String text = Settings.requireText("baseUrl", value).strip();
    HttpUrl url = HttpUrl.parse(text);
    if (url == null || url.fragment() != null || text.contains("#")) {
      throw new IllegalArgumentException("baseUrl: expected an http or https URL like "
          + baseUrlRule.example() + ", without a fragment");
    }
    return url;
  }

  /**
   * The destination's name in keys and metrics (each destination documents its default).
   *
   * @throws IllegalArgumentException if null or blank
   */
  public final B name(@Nullable String name) {
    this.name = Settings.requireText("name", name);
    return self();
  }

  /**
   * Where the API lives, for tests (a fake server's URL) and proxies. A path is kept as a prefix and
   * the API's own path follows it ({@code https://proxy.example/segment} sends to {@code
   * https://proxy.example/segment/v1/batch}).
   *
   * @throws IllegalArgumentException if null, not an http or https URL, with a query or fragment, or
   *     already holding the API's path ({@code baseUrl: expected a base URL like
   *     https://api.segment.io, without /v1/batch})
   */
  public final B baseUrl(@Nullable String baseUrl) {
    this.baseUrl = check(baseUrl);
    return self();
  }

  /**
   * As {@link #baseUrl(String)}, e.g. with a fake server's {@code url()}.
   *
   * @throws IllegalArgumentException as {@link #baseUrl(String)}
   */
  public final B baseUrl(@Nullable HttpUrl baseUrl) {
    return baseUrl(baseUrl == null ? null : baseUrl.toString());
  }

  /**
   * The OkHttp client to send with: share yours (connection pool, dispatcher, timeouts,
   * interceptors; derive with {@code newBuilder()}). The destination never closes a client it was
   * given. By default it creates its own ({@link HttpClients#newDefault()}) and closes it in {@code
   * close()}.
   *
   * @throws IllegalArgumentException if null
   */
  public final B okHttpClient(@Nullable OkHttpClient okHttpClient) {
    this.okHttpClient = Settings.require("okHttpClient", okHttpClient);
    return self();
  }

  /**
   * The clock {@code Retry-After} dates and the destination's time rules are measured with; the
   * system UTC clock by default.
   *
   * @throws IllegalArgumentException if null
   */
  public final B clock(@Nullable Clock clock) {
    this.clock = Settings.require("clock", clock);
    return self();
  }

  /** The shared settings as set so far, for the destination's constructor. */
  protected final HttpSettings httpSettings() {
    return new HttpSettings(name, baseUrl, okHttpClient, clock, rateLimitBackoff);
  }
}

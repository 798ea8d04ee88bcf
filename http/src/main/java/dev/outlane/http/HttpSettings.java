package dev.outlane.http;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;

/**
 * The settings every HTTP destination has, as its {@link HttpDestinationBuilder} collected them: its
 * name, base URL, the caller's OkHttp client (if any) and clock. Immutable and thread-safe.
 */
public final class HttpSettings {
  private final String name;
  private final @Nullable HttpUrl baseUrl;
  private final @Nullable OkHttpClient okHttpClient;
  private final Clock clock;
  private final @Nullable Duration rateLimitBackoff;

  HttpSettings(String name, @Nullable HttpUrl baseUrl, @Nullable OkHttpClient okHttpClient, Clock clock,
      @Nullable Duration rateLimitBackoff) {
    this.name = name;
    this.baseUrl = baseUrl;
    this.okHttpClient = okHttpClient;
    this.clock = clock;
    this.rateLimitBackoff = rateLimitBackoff;
  }

  /** The destination's name in keys and metrics. */
  public String name() {
    return name;
  }

  /**
   * The base URL, ending in {@code /}.
   *
   * @throws IllegalStateException {@code baseUrl: required, was not set} for a destination without a
   *     default that was given none
   */
  public HttpUrl baseUrl() {
    if (baseUrl == null) {
      throw new IllegalStateException("baseUrl: required, was not set");
    }
    return baseUrl;
  }

  /** The base URL, or null if none was set and the destination has no default (Twilio's own host). */
  public @Nullable HttpUrl baseUrlOrNull() {
    return baseUrl;
  }

  /** The caller's OkHttp client, or null: then the destination creates one and closes it. */
  public @Nullable OkHttpClient okHttpClient() {
    return okHttpClient;
  }

  /** The clock for {@code Retry-After} dates and the destination's own time rules. */
  public Clock clock() {
    return clock;
  }

  /**
   * How long to wait after a rate-limit answer without {@code Retry-After}, for a destination
   * built with a {@link RateLimitedDestinationBuilder}; null otherwise.
   */
  public @Nullable Duration rateLimitBackoff() {
    return rateLimitBackoff;
  }

  /**
   * A classifier builder for {@code vendor} with this destination's clock and rate-limit backoff
   * already set; the destination adds whether it is idempotent, its notes and its vendor codes.
   *
   * @throws IllegalArgumentException if {@code vendor} is null or blank
   */
  public HttpClassifier.Builder classifier(@Nullable String vendor) {
    return HttpClassifier.builder(vendor).clock(clock).rateLimitBackoff(rateLimitBackoff);
  }

  /** A caller on the given client, or on a new one it owns; see {@link HttpCaller#create}. */
  public HttpCaller caller(@Nullable String requestIdHeader) {
    return HttpCaller.create(okHttpClient, requestIdHeader);
  }

  /** Names and URL only: the client and clock say nothing useful, and no setting here is secret. */
  @Override
  public String toString() {
    return "HttpSettings{name=" + name + ", baseUrl=" + baseUrl + "}";
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof HttpSettings s && name.equals(s.name) && Objects.equals(baseUrl, s.baseUrl)
        && okHttpClient == s.okHttpClient && clock.equals(s.clock)
        && Objects.equals(rateLimitBackoff, s.rateLimitBackoff);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, baseUrl, clock);
  }
}

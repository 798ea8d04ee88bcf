package dev.outlane.http;

import dev.outlane.destination.Settings;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * An {@link HttpDestinationBuilder} for a destination whose API rate-limits without always saying
 * for how long (Meta's codes 4/17/32/613, TikTok's, Google's {@code RESOURCE_EXHAUSTED}): it adds
 * the one setting they share, {@link #rateLimitBackoff}, carried to the destination in {@link
 * HttpSettings#rateLimitBackoff()}. Not thread-safe.
 *
 * @param <B> the destination's builder, returned by every setter
 */
public abstract class RateLimitedDestinationBuilder<B extends RateLimitedDestinationBuilder<B>>
    extends HttpDestinationBuilder<B> {

  /**
   * @param defaultBackoff the destination's default wait after a rate-limit answer without {@code
   *     Retry-After}, from its vendor's guidance
   */
  protected RateLimitedDestinationBuilder(String defaultName, BaseUrlRule baseUrlRule, Duration defaultBackoff) {
    super(defaultName, baseUrlRule);
    this.rateLimitBackoff = defaultBackoff;
  }

  /**
   * How long to wait after a rate-limit error when the API gives no {@code Retry-After} (each
   * destination documents its default).
   *
   * @throws IllegalArgumentException if null, or {@code rateLimitBackoff: must not be negative, was
   *     PT-1S}
   */
  public final B rateLimitBackoff(@Nullable Duration backoff) {
    Settings.require("rateLimitBackoff", backoff);
    if (backoff.isNegative()) {
      throw new IllegalArgumentException("rateLimitBackoff: must not be negative, was " + backoff);
    }
    this.rateLimitBackoff = backoff;
    return self();
  }
}

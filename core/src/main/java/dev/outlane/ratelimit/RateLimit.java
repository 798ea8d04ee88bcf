package dev.outlane.ratelimit;

/**
 * A token-bucket rate limit for one destination: on average {@code permitsPerSecond} requests (one
 * {@code deliver} call, whatever its batch size) per second, with bursts of up to {@code burst}.
 * Immutable.
 *
 * @param permitsPerSecond the sustained request rate, &gt; 0
 * @param burst how many requests may go out back to back after an idle period, ≥ 1
 */
public record RateLimit(double permitsPerSecond, int burst) {
  public RateLimit {
    if (!(permitsPerSecond > 0) || Double.isInfinite(permitsPerSecond)) {
      throw new IllegalArgumentException(
          "permitsPerSecond: must be a positive finite number, was " + permitsPerSecond);
    }
    if (burst < 1) {
      throw new IllegalArgumentException("burst: must be ≥ 1, was " + burst);
    }
  }

  /** {@code permitsPerSecond} requests per second, burst of the same size (at least 1). */
  public static RateLimit perSecond(double permitsPerSecond) {
    return new RateLimit(permitsPerSecond, Math.max(1, (int) Math.ceil(permitsPerSecond)));
  }
}

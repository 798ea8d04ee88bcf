package dev.outlane.retry;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import org.jspecify.annotations.Nullable;

/**
 * When and how often the engine retries a delivery that came back {@link
 * dev.outlane.destination.Outcome.Retryable retryable} (or {@link dev.outlane.destination.Outcome.Unknown
 * unknown} on an idempotent destination).
 *
 * <ul>
 *   <li>At most {@link #maxAttempts()} attempts in total; then the item is dead-lettered with reason
 *       {@code retries-exhausted} and its last error — never dropped.
 *   <li>Without {@code Retry-After}: capped exponential backoff with full jitter — the delay before
 *       retry {@code n} (1-based) is {@code jitter() × min(maxBackoff, initialBackoff × 2^(n-1))}
 *       (AWS Architecture Blog, "Exponential Backoff And Jitter", 2015: full jitter spreads retries of
 *       many clients best).
 *   <li>With {@code Retry-After}: exactly that delay, capped at {@link #maxRetryAfter()}, and it pauses
 *       the whole destination (not the others).
 * </ul>
 *
 * <p>Immutable and thread-safe if the jitter source is. Time itself is injected into the client (a
 * {@link java.time.Clock} and a {@link dev.outlane.Scheduler}), so tests never sleep.
 */
public final class RetryPolicy {
  private final int maxAttempts;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final Duration maxRetryAfter;
  private final DoubleSupplier jitter;

  private RetryPolicy(Builder b) {
    this.maxAttempts = b.maxAttempts;
    this.initialBackoff = b.initialBackoff;
    this.maxBackoff = b.maxBackoff;
    this.maxRetryAfter = b.maxRetryAfter;
    this.jitter = b.jitter;
  }

  /**
   * The defaults: 5 attempts, backoff from 500 ms capped at 30 s, {@code Retry-After} capped at 5 min.
   */
  public static RetryPolicy defaults() {
    return builder().build();
  }

  /** One attempt, no retries: every retryable failure is dead-lettered at once. */
  public static RetryPolicy noRetries() {
    return builder().maxAttempts(1).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder preset with this policy's values. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.maxAttempts = maxAttempts;
    b.initialBackoff = initialBackoff;
    b.maxBackoff = maxBackoff;
    b.maxRetryAfter = maxRetryAfter;
    b.jitter = jitter;
    return b;
  }

  public int maxAttempts() {
    return maxAttempts;
  }

  public Duration initialBackoff() {
    return initialBackoff;
  }

  public Duration maxBackoff() {
    return maxBackoff;
  }

  public Duration maxRetryAfter() {
    return maxRetryAfter;
  }

  /** Whether an item that has made {@code attempts} attempts may make another. */
  public boolean canRetry(int attempts) {
    return attempts < maxAttempts;
  }

  /**
   * The delay before retry number {@code retry} (1 for the first retry).
   *
   * @param retryAfter what the destination asked for, or null
   */
  public Duration delay(int retry, @Nullable Duration retryAfter) {
    if (retryAfter != null) {
      if (retryAfter.isNegative()) {
        return Duration.ZERO;
      }
      return retryAfter.compareTo(maxRetryAfter) > 0 ? maxRetryAfter : retryAfter;
    }
    long base = initialBackoff.toNanos();
    long cap = maxBackoff.toNanos();
    int shift = Math.min(Math.max(retry - 1, 0), 62);
    long exp = base > (cap >> shift) ? cap : Math.min(cap, base << shift);
    double j = jitter.getAsDouble();
    if (!(j >= 0) || j > 1) {
      j = 1;
    }
    return Duration.ofNanos((long) (exp * j));
  }

  @Override
  public String toString() {
    return "RetryPolicy{maxAttempts=" + maxAttempts + ", initialBackoff=" + initialBackoff
        + ", maxBackoff=" + maxBackoff + ", maxRetryAfter=" + maxRetryAfter + "}";
  }

  /** Builds a {@link RetryPolicy}; validates each value as it is set. Not thread-safe. */
  public static final class Builder {
    private int maxAttempts = 5;
    private Duration initialBackoff = Duration.ofMillis(500);
    private Duration maxBackoff = Duration.ofSeconds(30);
    private Duration maxRetryAfter = Duration.ofMinutes(5);
    private DoubleSupplier jitter = () -> ThreadLocalRandom.current().nextDouble();

    private Builder() {}

    /**
     * Attempts in total, including the first.
     *
     * @throws IllegalArgumentException if below 1
     */
    public Builder maxAttempts(int maxAttempts) {
      if (maxAttempts < 1) {
        throw new IllegalArgumentException("maxAttempts: must be ≥ 1, was " + maxAttempts);
      }
      this.maxAttempts = maxAttempts;
      return this;
    }

    /** @throws IllegalArgumentException if negative */
    public Builder initialBackoff(Duration initialBackoff) {
      this.initialBackoff = nonNegative("initialBackoff", initialBackoff);
      return this;
    }

    /** @throws IllegalArgumentException if negative */
    public Builder maxBackoff(Duration maxBackoff) {
      this.maxBackoff = nonNegative("maxBackoff", maxBackoff);
      return this;
    }

    /** The longest {@code Retry-After} honoured; longer requests wait this long. */
    public Builder maxRetryAfter(Duration maxRetryAfter) {
      this.maxRetryAfter = nonNegative("maxRetryAfter", maxRetryAfter);
      return this;
    }

    /**
     * The jitter source: returns a factor in {@code [0, 1]} applied to the exponential delay. Default:
     * uniform random. Tests pass a constant ({@code () -> 1.0} disables jitter). Called from delivery
     * threads, so it must be thread-safe.
     */
    public Builder jitter(DoubleSupplier jitter) {
      this.jitter = Objects.requireNonNull(jitter, "jitter");
      return this;
    }

    /** @throws IllegalStateException if {@code maxBackoff < initialBackoff} */
    public RetryPolicy build() {
      if (maxBackoff.compareTo(initialBackoff) < 0) {
        throw new IllegalStateException("maxBackoff: must be ≥ initialBackoff (" + initialBackoff
            + "), was " + maxBackoff);
      }
      return new RetryPolicy(this);
    }

    private static Duration nonNegative(String field, Duration d) {
      Objects.requireNonNull(d, field);
      if (d.isNegative()) {
        throw new IllegalArgumentException(field + ": must not be negative, was " + d);
      }
      return d;
    }
  }
}

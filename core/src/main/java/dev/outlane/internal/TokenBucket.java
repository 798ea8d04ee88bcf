package dev.outlane.internal;

import dev.outlane.ratelimit.RateLimit;
import java.time.Duration;
import java.time.Instant;

/** A token bucket driven by the engine's clock. Not thread-safe: the owning lane's lock guards it. */
final class TokenBucket {
  private final double tokensPerNano;
  private final double burst;
  private double tokens;
  private Instant last;

  TokenBucket(RateLimit limit, Instant now) {
    this.tokensPerNano = limit.permitsPerSecond() / 1e9;
    this.burst = limit.burst();
    this.tokens = burst;
    this.last = now;
  }

  /** Takes a token and returns {@link Duration#ZERO}, or returns how long until one is available. */
  Duration tryAcquire(Instant now) {
    if (now.isAfter(last)) {
      double elapsed = Duration.between(last, now).toNanos();
      tokens = Math.min(burst, tokens + elapsed * tokensPerNano);
      last = now;
    }
    if (tokens >= 1) {
      tokens -= 1;
      return Duration.ZERO;
    }
    return Duration.ofNanos(Math.max(1, (long) Math.ceil((1 - tokens) / tokensPerNano)));
  }
}

package dev.outlane.audience;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** What an {@link AudienceSink} reports for one batch: accepted, or failed. Immutable. */
public sealed interface SinkResult permits SinkResult.Accepted, SinkResult.Failed {

  /** Accepted, without match counts. */
  static Accepted accepted() {
    return new Accepted(null, null);
  }

  /** Accepted, with the destination's received/matched counts. */
  static Accepted accepted(long received, long matched) {
    return new Accepted(received, matched);
  }

  /** Failed; {@code retryable} says whether resending later can succeed. */
  static Failed failed(String reason, boolean retryable, @Nullable Duration retryAfter) {
    return new Failed(reason, retryable, retryAfter);
  }

  /**
   * The destination accepted the whole batch.
   *
   * @param received how many records it says it received, where it reports that
   * @param matched how many it could use/match, where it reports that
   */
  record Accepted(@Nullable Long received, @Nullable Long matched) implements SinkResult {}

  /**
   * The batch was not accepted. The sync stops; the next run resends from this batch.
   *
   * @param reason why, without PII
   * @param retryable whether sending again later can succeed (a rate limit) or needs a fix first
   *     (an expired token)
   * @param retryAfter how long the destination asked to wait, or null
   */
  record Failed(String reason, boolean retryable, @Nullable Duration retryAfter) implements SinkResult {
    public Failed {
      Objects.requireNonNull(reason, "reason");
    }
  }
}

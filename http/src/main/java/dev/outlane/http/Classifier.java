package dev.outlane.http;

import dev.outlane.destination.Outcome;
import org.jspecify.annotations.Nullable;

/**
 * A vendor's own reading of an error response: the one thing an adapter writes itself (Twilio's
 * 21610 opt-out, Meta's rate-limit codes 4/17/32/613, TikTok's body codes). It sees every non-2xx
 * {@link Exchange.Answered} before the default rules of {@link HttpClassifier} and returns an
 * outcome, or null to let the defaults decide.
 *
 * <p>Called on the thread that delivers; implementations must be thread-safe (stateless ones are)
 * and must not throw. Build the outcome's error with {@link HttpClassifier#error} so it carries the
 * status and request id.
 */
@FunctionalInterface
public interface Classifier {
  /** The vendor's outcome for {@code answered}, or null for the default rules. */
  @Nullable Outcome classify(Exchange.Answered answered);

  /** A classifier that never overrides: the defaults decide everything. */
  static Classifier none() {
    return answered -> null;
  }
}

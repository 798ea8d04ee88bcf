package dev.outlane.internal;

import dev.outlane.OptOutPolicy;
import dev.outlane.Problem;
import dev.outlane.Scheduler;
import dev.outlane.contract.RetentionEvent;
import dev.outlane.deadletter.DeadLetterStore;
import dev.outlane.destination.DeliveryInterceptor;
import dev.outlane.destination.Destination;
import dev.outlane.guardrail.FrequencyCap;
import dev.outlane.guardrail.IdempotencyStore;
import dev.outlane.guardrail.PreActivationCheck;
import dev.outlane.guardrail.SuppressionStore;
import dev.outlane.idempotency.IdempotencyKeys;
import dev.outlane.identity.IdentityNormalizer;
import dev.outlane.journal.EventJournal;
import dev.outlane.metrics.MetricsSink;
import dev.outlane.ratelimit.RateLimit;
import dev.outlane.retry.RetryPolicy;
import dev.outlane.routing.Route;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/** Everything {@link Engine} needs, as assembled and validated by {@code Outlane.Builder}. */
public record EngineConfig(
    Map<String, LaneConfig> lanes,
    List<Route> routes,
    IdentityNormalizer normalizer,
    IdempotencyKeys keys,
    SuppressionStore suppression,
    @Nullable FrequencyCap frequencyCap,
    int frequencyCapMaxPeople,
    PreActivationCheck preActivationCheck,
    IdempotencyStore idempotency,
    RetryPolicy retry,
    MetricsSink metrics,
    DeadLetterStore deadLetters,
    EventJournal journal,
    OptOutPolicy optOut,
    int queueCapacity,
    boolean splitRejectedBatches,
    Clock clock,
    Scheduler scheduler,
    boolean ownsScheduler,
    Duration closeTimeout,
    Function<RetentionEvent, List<Problem>> validator) {

  /**
   * One destination and how the engine drives it.
   *
   * @param interceptors the destination's interceptors, in the order they run
   */
  public record LaneConfig(Destination destination, int concurrency, @Nullable RateLimit rateLimit,
      Duration linger, List<DeliveryInterceptor> interceptors) {
    public LaneConfig {
      interceptors = List.copyOf(interceptors);
    }

    /** This lane with {@code interceptors} instead of its own. */
    public LaneConfig withInterceptors(List<DeliveryInterceptor> interceptors) {
      return new LaneConfig(destination, concurrency, rateLimit, linger, interceptors);
    }
  }
}

package dev.outlane.internal;

import dev.outlane.retry.RetryPolicy;
import dev.outlane.Scheduler;
import dev.outlane.destination.Destination;
import dev.outlane.destination.DestinationLimits;
import dev.outlane.metrics.MetricsSink;
import java.time.Clock;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;

/**
 * One destination as the engine drives it: its name, its limits, the {@link Dispatcher} that
 * batches its work and the {@link DeliveryChain} a batch is handed to. Immutable; the dispatcher
 * and chain are thread-safe.
 */
final class Lane {
  final String name;
  final Destination destination;
  final DestinationLimits limits;
  final Dispatcher<Work> dispatcher;
  /** The engine's stages, the destination's interceptors, then the destination. */
  final DeliveryChain chain;

  /**
   * @param stages the engine's per-item stages before sending (see {@link DeliveryChain})
   * @param attempts records attempts before sending if the destination is not idempotent
   * @param hurry whether linger no longer applies (a flush or close is running)
   * @param deliver runs a formed batch, on a scheduler thread
   */
  Lane(String name, EngineConfig.LaneConfig lc, List<ItemGuard> stages, AttemptRecorder attempts,
      Failures failures, RetryPolicy retry, Clock clock, Scheduler scheduler, MetricsSink metrics,
      BooleanSupplier hurry, BiConsumer<Lane, List<Work>> deliver) {
    this.name = name;
    this.destination = lc.destination();
    this.chain = new DeliveryChain(destination, stages,
        destination.idempotent() ? null : attempts, lc.interceptors(), failures, clock);
    this.limits = destination.limits();
    this.dispatcher = new Dispatcher<>(name, limits, lc.concurrency(), lc.linger(),
        lc.rateLimit(), retry, clock, scheduler, metrics, hurry, batch -> deliver.accept(this, batch));
  }
}

package dev.outlane.destination;

import dev.outlane.hashing.HashingProfile;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A place activations go: an SMS provider, an event pipeline, an ad audience. Every adapter implements
 * this one interface; the engine batches, rate-limits, retries and dead-letters around it.
 *
 * <p><b>Contract.</b> {@link #deliver} returns exactly one {@link Outcome} per item, in the same order.
 * It must not throw for failures it can classify (an HTTP error status is a result, not an exception);
 * if it throws anyway (any {@code Throwable}, {@code Error}s included), the engine treats every item
 * of the batch as {@link Outcome.Unknown}, logs the cause at ERROR once per destination and
 * exception class, and counts it as {@code destination_error}.
 *
 * <p><b>Threads.</b> The engine calls {@code deliver} from its own delivery threads, never concurrently
 * for the same destination unless the destination is registered with a concurrency above one.
 */
public interface Destination extends AutoCloseable {
  /** A short, unique, stable name ({@code twilio-sms}, {@code meta-cart-recovery}); used in keys. */
  String name();

  /** The channel, for suppression and consent. */
  Channel channel();

  /** What one request may carry. */
  DestinationLimits limits();

  /**
   * Whether sending the same item twice is harmless (the destination dedupes, or adding to an
   * audience twice is a no-op). Non-idempotent destinations (SMS) have {@link Outcome.Unknown}
   * outcomes dead-lettered instead of retried.
   */
  boolean idempotent();

  /** The hashing profile this destination needs, or null if it receives identifiers unhashed. */
  default @Nullable HashingProfile hashingProfile() {
    return null;
  }

  /**
   * The size in bytes this item takes in a request, for the byte limits. The default, 0, means the
   * destination has no byte limits to enforce. If it throws, that item alone is dead-lettered
   * {@code undeliverable}; the event's other destinations proceed.
   */
  default long sizeOf(DeliveryItem item) {
    return 0;
  }

  /**
   * Sends a batch of at most {@link DestinationLimits#maxItemsPerRequest()} items.
   *
   * @return one outcome per item, in order
   */
  List<Outcome> deliver(List<DeliveryItem> batch);

  /** Releases resources. The default does nothing. */
  @Override
  default void close() {}
}

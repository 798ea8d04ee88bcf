package dev.outlane.internal;

import dev.outlane.destination.DeliveryInterceptor;
import dev.outlane.destination.DeliveryItem;
import dev.outlane.destination.Destination;
import dev.outlane.destination.Outcome;
import java.util.List;

/**
 * Runs a batch through a destination's {@link DeliveryInterceptor}s, in order, and then the
 * destination. Without interceptors it is a plain {@code deliver} call (nothing allocated). The
 * engine checks the outcomes' count once, on what the whole chain returns. Immutable, thread-safe.
 */
final class DeliveryChain {
  private final Destination destination;
  private final List<DeliveryInterceptor> interceptors;

  DeliveryChain(Destination destination, List<DeliveryInterceptor> interceptors) {
    this.destination = destination;
    this.interceptors = List.copyOf(interceptors);
  }

  /** Delivers {@code batch} (unmodifiable) through the chain; whatever a stage throws propagates. */
  List<Outcome> deliver(List<DeliveryItem> batch) {
    if (interceptors.isEmpty()) {
      return destination.deliver(batch);
    }
    return new Link(0, batch).proceed(batch);
  }

  /** The chain as the interceptor at {@code index} sees it. */
  private final class Link implements DeliveryInterceptor.Chain {
    private final int index;
    private final List<DeliveryItem> batch;

    Link(int index, List<DeliveryItem> batch) {
      this.index = index;
      this.batch = batch;
    }

    @Override
    public Destination destination() {
      return destination;
    }

    @Override
    public List<DeliveryItem> batch() {
      return batch;
    }

    @Override
    public List<Outcome> proceed(List<DeliveryItem> next) {
      List<DeliveryItem> handed = next == batch ? next : List.copyOf(next);
      if (index == interceptors.size()) {
        return destination.deliver(handed);
      }
      return interceptors.get(index).intercept(new Link(index + 1, handed));
    }
  }
}

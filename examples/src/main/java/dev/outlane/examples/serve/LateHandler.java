package dev.outlane.examples.serve;

import dev.outlane.inbound.InboundHandler;
import dev.outlane.inbound.InboundRequest;
import dev.outlane.inbound.InboundResponse;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A mount whose handler is made later: {@code outlane serve} listens before crash recovery has
 * built the client its receivers need. Mount it behind {@link Admission}, which admits nothing
 * before {@link #set} was called, so a call before that is a defect (answered 500 by the bridge).
 *
 * <p>Thread-safe: {@link #set} publishes the handler to every worker thread.
 */
public final class LateHandler implements InboundHandler {
  private final AtomicReference<InboundHandler> handler = new AtomicReference<>();

  /**
   * Sets the handler, once.
   *
   * @throws IllegalStateException if it was set already
   */
  public void set(InboundHandler h) {
    if (!handler.compareAndSet(null, Objects.requireNonNull(h, "handler"))) {
      throw new IllegalStateException("handler: set already");
    }
  }

  /** @throws IllegalStateException if called before {@link #set} */
  @Override
  public InboundResponse handle(InboundRequest request) {
    InboundHandler h = handler.get();
    if (h == null) {
      throw new IllegalStateException("handler: not set yet (mount behind Admission)");
    }
    return h.handle(request);
  }
}

package dev.outlane;

/**
 * Thrown by {@link Outlane#submit} when the client already holds {@code queueCapacity} events that
 * have not reached a final state. The event was <b>not</b> accepted: nothing was journaled or queued.
 * Back off and submit again, or raise the capacity. {@code submit(event)} never blocks waiting for
 * room; {@code submit(event, maxWait)} waits up to {@code maxWait} for it, then throws this.
 */
public final class QueueFullException extends OutlaneException {
  private static final long serialVersionUID = 1L;

  private final int capacity;

  public QueueFullException(int capacity) {
    super("queue full: " + capacity + " accepted events have not reached a final state yet"
        + " (queueCapacity=" + capacity + "); the event was not accepted, submit it again later");
    this.capacity = capacity;
  }

  /** The configured queue capacity. */
  public int capacity() {
    return capacity;
  }
}

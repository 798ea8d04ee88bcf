package dev.outlane.internal;

/**
 * The client's default {@code queueCapacity}, sized by memory: an unfinished event holds about
 * {@link #BYTES_PER_EVENT} bytes (the event and its identity, the submission, one work item and
 * delivery item per target, the destination's prepared bytes), and the default lets unfinished
 * events take at most one eighth of the JVM's maximum heap, never fewer than {@link #MIN_EVENTS} nor
 * more than {@link #MAX_EVENTS}. With {@code -Xmx1g} that is 65,536 events.
 *
 * <p>So, with the defaults, {@code QueueFullException} means what it should: the destinations have
 * been slower than the producers for long enough that the backlog would otherwise grow without
 * bound (issue 12: a fixed 10,000 refused a single thread submitting 200 k events 1,200-1,800
 * times while the lane was keeping up on average).
 *
 * <p>Stateless and thread-safe.
 */
public final class QueueBudget {
  /** What one unfinished event is assumed to hold on the heap, generously (measured ≈ 1-1.5 KB). */
  public static final long BYTES_PER_EVENT = 2_048;
  /** The smallest default: the fixed default of earlier releases. */
  public static final int MIN_EVENTS = 10_000;
  /** The largest default, whatever the heap. */
  public static final int MAX_EVENTS = 1_000_000;

  private QueueBudget() {}

  /** The default capacity for a JVM whose maximum heap is {@code maxHeapBytes}. */
  public static int defaultCapacity(long maxHeapBytes) {
    long events = maxHeapBytes / 8 / BYTES_PER_EVENT;
    return (int) Math.max(MIN_EVENTS, Math.min(MAX_EVENTS, events));
  }
}

package dev.outlane.peerbench;

/** One way of sending the Segment workload: a peer with given settings, or Outlane. */
interface SegmentClient {
  /** A short label for tables, e.g. {@code analytics-java, TCP_NODELAY}. */
  String label();

  /**
   * Sends {@code events} track events ({@link Workload}) from the calling thread to {@code
   * collector}, waits until all were accepted or {@code boundNanos} passed, and measures.
   *
   * @throws Exception if the client could not be built or the thread was interrupted
   */
  SegmentRun run(int events, LoopbackCollector collector, long boundNanos) throws Exception;
}

package dev.outlane.peerbench;

/**
 * What one client did with one workload against one {@link LoopbackCollector}. Immutable.
 *
 * @param client which client and settings, e.g. {@code analytics-java, defaults}
 * @param events how many events were submitted
 * @param wallNanos first submit to the last event accepted by the collector (or to the bound)
 * @param processCpuNanos the whole JVM's CPU over the same span (collector, GC and JIT included)
 * @param collectorCpuNanos the part of it the collector's handlers spent
 * @param heapBytes heap in use after GC, with the client still open, once all was delivered
 * @param requests requests that reached the collector (faulted ones included)
 * @param delivered distinct events the collector accepted
 * @param duplicates events accepted more than once
 * @param refusals submits the client refused ({@code QueueFullException}); resubmitted after a park
 * @param givenUp events the client gave up on: Outlane's dead letters, analytics-java's failure
 *     callbacks
 * @param allDeliveredNanos first submit to the last event accepted, or -1 if not all were
 */
record SegmentRun(
    String client,
    int events,
    long wallNanos,
    long processCpuNanos,
    long collectorCpuNanos,
    long heapBytes,
    int requests,
    int delivered,
    long duplicates,
    long refusals,
    long givenUp,
    long allDeliveredNanos) {

  double eventsPerSecond() {
    return events * 1e9 / wallNanos;
  }

  double cpuMicrosPerEvent() {
    return processCpuNanos / 1e3 / events;
  }

  /** CPU per event without the collector's handlers: the client's side (GC and JIT included). */
  double clientCpuMicrosPerEvent() {
    return (processCpuNanos - collectorCpuNanos) / 1e3 / events;
  }

  double heapMegabytes() {
    return heapBytes / 1048576.0;
  }

  int missing() {
    return events - delivered;
  }
}

package dev.outlane.peerbench;

import com.segment.analytics.Analytics;
import com.segment.analytics.Callback;
import com.segment.analytics.messages.Message;
import com.segment.analytics.messages.TrackMessage;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;

/**
 * segmentio analytics-java 3.5.4 as its README shows it: {@code Analytics.builder(writeKey)}, {@code
 * enqueue(TrackMessage.builder(…))}, {@code flush()}. With {@code noDelay} its OkHttpClient is the
 * library's default one (15 s timeouts, see its {@code Platform.defaultClient()}) plus a socket
 * factory that sets {@code TCP_NODELAY}; that is the only difference.
 *
 * <p>A {@link Callback} counts successes and failures (analytics-java gives a batch up after 3
 * retries, 15 s to 1 h apart), so the harness knows when every event reached an outcome.
 */
final class AnalyticsJavaClient implements SegmentClient {
  /** analytics-java's upload threads are all named so (its {@code Platform.THREAD_NAME}). */
  private static final String THREAD_NAME = "Analytics";
  private final boolean noDelay;

  AnalyticsJavaClient(boolean noDelay) {
    this.noDelay = noDelay;
  }

  @Override
  public String label() {
    return noDelay ? "analytics-java 3.5.4, TCP_NODELAY" : "analytics-java 3.5.4, defaults";
  }

  @Override
  public SegmentRun run(int events, LoopbackCollector collector, long boundNanos) throws Exception {
    Progress progress = new Progress();
    Analytics.Builder builder = Analytics.builder(PeerBench.WRITE_KEY)
        .endpoint(collector.baseUrl())
        .callback(new Callback() {
          @Override
          public void success(Message message) {
            progress.succeeded();
          }

          @Override
          public void failure(Message message, Throwable throwable) {
            progress.failed();
          }
        });
    if (noDelay) {
      builder.client(new OkHttpClient.Builder()
          .connectTimeout(15, TimeUnit.SECONDS)
          .readTimeout(15, TimeUnit.SECONDS)
          .writeTimeout(15, TimeUnit.SECONDS)
          .socketFactory(dev.outlane.http.HttpClients.noDelaySocketFactory())
          .build());
    }
    Analytics analytics = builder.build();
    Map<String, Object> properties = Workload.peerProperties();
    Date timestamp = Date.from(Workload.TIME);
    long cpu0 = JvmMeter.processCpuNanos();
    long collectorCpu0 = collector.handlerCpuNanos();
    long t0 = System.nanoTime();
    long deadline = t0 + boundNanos;
    for (int i = 0; i < events; i++) {
      analytics.enqueue(TrackMessage.builder(Workload.EVENT)
          .userId(Workload.userId(i))
          .timestamp(timestamp)
          .properties(properties));
    }
    analytics.flush();
    progress.awaitTotal(events, deadline);
    long wall = System.nanoTime() - t0;
    long cpu = JvmMeter.processCpuNanos() - cpu0;
    long collectorCpu = collector.handlerCpuNanos() - collectorCpu0;
    long heap = JvmMeter.heapAfterGcBytes();
    long allAt = collector.allSeenAtNanos();
    SegmentRun run = new SegmentRun(label(), events, wall, cpu, collectorCpu, heap, collector.requests(),
        collector.unique(), collector.duplicates(), 0, progress.failedCount(), allAt == 0 ? -1 : allAt - t0);
    analytics.shutdown();
    stopSleepingUploads();
    return run;
  }

  /**
   * Past the bound an upload thread may still sleep in analytics-java's back-off (15 s to an hour)
   * with events in hand, and {@code shutdown()} leaves it so: interrupt it, or it would post into
   * the next run. Its task returns on interrupt, dropping the batch.
   */
  private static void stopSleepingUploads() {
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().equals(THREAD_NAME)) {
        t.interrupt();
      }
    }
  }
}

package dev.outlane.metrics;

import java.time.Duration;

/** The sink behind {@link MetricsSink#noop()}. */
enum NoopMetricsSink implements MetricsSink {
  INSTANCE;

  @Override
  public void count(String destination, String outcome, String reason, long amount) {}

  @Override
  public void latency(String destination, Duration latency) {}

  @Override
  public void queueDepth(String destination, long depth) {}

  @Override
  public void matchCounts(String destination, long received, long matched) {}

  @Override
  public void audienceSize(String destination, String audience, long size, long previous) {}
}

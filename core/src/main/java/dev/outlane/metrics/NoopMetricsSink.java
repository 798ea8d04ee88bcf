package dev.outlane.metrics;

/** The sink behind {@link MetricsSink#noop()}: every method keeps its no-op default. */
enum NoopMetricsSink implements MetricsSink {
  INSTANCE
}

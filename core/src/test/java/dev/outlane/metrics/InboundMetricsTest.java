package dev.outlane.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class InboundMetricsTest {
  @Test
  void inMemoryMetricsCountInboundRequestsPerEndpointAndOutcome() {
    InMemoryMetrics m = new InMemoryMetrics();

    m.inbound("customerio-webhook", "accepted");
    m.inbound("customerio-webhook", "accepted");
    m.inbound("customerio-webhook", "duplicate");

    assertThat(m.inboundCount("customerio-webhook", "accepted")).isEqualTo(2);
    assertThat(m.inboundCount("customerio-webhook", "duplicate")).isEqualTo(1);
    assertThat(m.inboundCount("customerio-reporting", "accepted")).isZero();
    // Inbound requests are not deliveries.
    assertThat(m.total("accepted")).isZero();
  }

  @Test
  void micrometerGetsOneCounterPerEndpointAndOutcome() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    MetricsSink sink = new MicrometerMetricsSink(registry);

    sink.inbound("customerio-reporting", "acted");
    sink.inbound("customerio-reporting", "acted");

    assertThat(registry.get("outlane.inbound").tag("endpoint", "customerio-reporting").tag("outcome", "acted")
        .counter().count()).isEqualTo(2.0);
  }

  @Test
  void theDefaultDiscardsIt() {
    new MetricsSink() {}.inbound("e", "o");
    MetricsSink.noop().inbound("e", "o");
  }
}

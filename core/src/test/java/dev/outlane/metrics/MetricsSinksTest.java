package dev.outlane.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class MetricsSinksTest {
  @Test
  void aSinkThatOnlyCountsOverridesCountAloneAndTheOtherMeasurementsAreDiscarded() {
    StringBuilder seen = new StringBuilder();
    MetricsSink countsOnly = new MetricsSink() {
      @Override
      public void count(String destination, String outcome, String reason, long amount) {
        seen.append(destination).append('/').append(outcome).append('=').append(amount);
      }
    };

    countsOnly.latency("sms", Duration.ofMillis(3));
    countsOnly.queueDepth("sms", 7);
    countsOnly.matchCounts("meta", 100, 61);
    countsOnly.audienceSize("meta", "a", 5, 4);
    countsOnly.count("sms", "delivered", "", 2);

    assertThat(seen).hasToString("sms/delivered=2");
  }

  @Test
  void inMemoryMetricsSumsByDestinationOutcomeAndReason() {
    InMemoryMetrics m = new InMemoryMetrics();
    m.count("sms", "rejected", "21211", 2);
    m.count("sms", "rejected", "21614", 1);
    m.count("sms", "delivered", "", 5);
    m.count("meta", "delivered", "", 3);
    m.matchCounts("meta", 100, 61);
    m.queueDepth("sms", 7);
    m.latency("sms", Duration.ofMillis(3));

    assertThat(m.count("sms", "rejected")).isEqualTo(3);
    assertThat(m.count("sms", "rejected", "21211")).isEqualTo(2);
    assertThat(m.total("delivered")).isEqualTo(8);
    assertThat(m.received("meta")).isEqualTo(100);
    assertThat(m.matched("meta")).isEqualTo(61);
    assertThat(m.queueDepth("sms")).isEqualTo(7);
    assertThat(m.latencyCount("sms")).isEqualTo(1);
    assertThat(m.snapshot()).containsEntry("sms/rejected/21211", 2L).containsEntry("sms/delivered", 5L);
  }

  @Test
  void micrometerSinkPublishesOutlaneMeters() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    MicrometerMetricsSink sink = new MicrometerMetricsSink(registry);
    sink.count("sms", "delivered", "", 3);
    sink.count("sms", "delivered", "", 2);
    sink.latency("sms", Duration.ofMillis(40));
    sink.queueDepth("sms", 12);
    sink.matchCounts("meta", 100, 61);
    sink.audienceSize("meta", "cart_recovery_0_24h", 5000, 4800);

    assertThat(registry.get("outlane.deliveries").tags("destination", "sms", "outcome", "delivered", "reason", "")
        .counter().count()).isEqualTo(5.0);
    assertThat(registry.get("outlane.delivery.latency").tag("destination", "sms").timer().count()).isEqualTo(1);
    assertThat(registry.get("outlane.queue.depth").tag("destination", "sms").gauge().value()).isEqualTo(12.0);
    assertThat(registry.get("outlane.match.matched").tag("destination", "meta").summary().totalAmount())
        .isEqualTo(61.0);
    assertThat(registry.get("outlane.audience.size").tags("destination", "meta", "audience", "cart_recovery_0_24h")
        .gauge().value()).isEqualTo(5000.0);
  }
}

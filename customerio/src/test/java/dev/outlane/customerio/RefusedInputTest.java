package dev.outlane.customerio;

import static org.assertj.core.api.Assertions.assertThat;

import dev.outlane.customerio.internal.RefusedInput;
import dev.outlane.deadletter.DeadLetter;
import dev.outlane.deadletter.DeadLetterQuery;
import dev.outlane.deadletter.InMemoryDeadLetterStore;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class RefusedInputTest {
  final InMemoryDeadLetterStore store = new InMemoryDeadLetterStore();
  final Clock clock = Clock.fixed(Instant.parse("2026-12-01T18:00:00Z"), ZoneOffset.UTC);

  @Test
  void aLongBodyIsCutAtACharacterBoundaryAndMarkedTruncated() {
    byte[] body = ("x" + "é".repeat(10_000)).getBytes(StandardCharsets.UTF_8);   // 20,001 bytes

    String id = RefusedInput.deadLetter(store, clock, "customerio-webhook", null, "invalid_event", "$: x", body);

    DeadLetter d = store.list(DeadLetterQuery.unresolved()).get(0);
    assertThat(id).matches("dl-\\d{13}-[0-9a-f]{6}");
    assertThat(d.event().properties().get("refused_body_truncated")).isEqualTo(true);
    assertThat(d.event().properties().get("refused_body_bytes")).isEqualTo(20_001L);
    assertThat((String) d.event().properties().get("refused_body")).startsWith("xé").hasSize(1 + 8191);
    assertThat(d.idempotencyKey()).startsWith("sha256-");
  }

  @Test
  void bytesThatAreNotUtf8AreKeptAsBase64() {
    RefusedInput.deadLetter(store, clock, "customerio-reporting", "ev-1", "unparseable", "$: x",
        new byte[] {(byte) 0xff, 0x41});

    DeadLetter d = store.list(DeadLetterQuery.unresolved()).get(0);
    assertThat(d.event().properties().get("refused_body_base64")).isEqualTo("/0E=");
    assertThat(d.event().properties()).doesNotContainKey("refused_body");
    assertThat(d.idempotencyKey()).isEqualTo("ev-1");
  }
}

package dev.outlane.guardrail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.outlane.destination.Channel;
import dev.outlane.identity.Identity;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GuardrailStoresTest {
  private static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");

  @Test
  void anIdempotencyKeyExpiresAfterItsTtl() {
    InMemoryIdempotencyStore store = new InMemoryIdempotencyStore(Duration.ofHours(24), 10);
    store.markDone("k1", T0);

    assertThat(store.isDone("k1", T0.plus(Duration.ofHours(24)).minusNanos(1))).isTrue();
    assertThat(store.isDone("k1", T0.plus(Duration.ofHours(24)))).isFalse();
    assertThat(store.isDone("k2", T0)).isFalse();
  }

  @Test
  void theIdempotencyStoreEvictsTheOldestKeyBeyondItsBound() {
    InMemoryIdempotencyStore store = new InMemoryIdempotencyStore(Duration.ofHours(1), 3);
    for (int i = 1; i <= 4; i++) {
      store.markDone("k" + i, T0.plusSeconds(i));
    }

    assertThat(store.size()).isEqualTo(3);
    assertThat(store.isDone("k1", T0.plusSeconds(5))).isFalse();
    assertThat(store.isDone("k4", T0.plusSeconds(5))).isTrue();
  }

  @Test
  void expiredKeysArePrunedAsNewOnesArrive() {
    InMemoryIdempotencyStore store = new InMemoryIdempotencyStore(Duration.ofSeconds(10), 100);
    store.markDone("old", T0);
    store.markDone("new", T0.plusSeconds(11));

    assertThat(store.size()).isEqualTo(1);
  }

  @Test
  void aSuppressionMatchesByCustomerIdEmailOrPhone() {
    InMemorySuppressionStore store = new InMemorySuppressionStore();
    store.suppress(new Identity("c1", "a@example.com", "+14155552001"), Set.of(Channel.SMS), "opted-out");

    assertThat(store.isSuppressed(new Identity("c1", null, null), Channel.SMS)).isTrue();
    assertThat(store.isSuppressed(new Identity("c2", "a@example.com", null), Channel.SMS)).isTrue();
    assertThat(store.isSuppressed(new Identity("c3", null, "+14155552001"), Channel.SMS)).isTrue();
    assertThat(store.isSuppressed(new Identity("c1", null, null), Channel.ADS)).isFalse();
    assertThat(store.isSuppressed(new Identity("c4", "b@example.com", "+14155552002"), Channel.SMS)).isFalse();
  }

  @Test
  void suppressEverywhereCoversEveryChannelAndChannelsAccumulate() {
    InMemorySuppressionStore store = new InMemorySuppressionStore();
    Identity id = new Identity("c1", null, null);
    store.suppress(id, Set.of(Channel.SMS), "consent-denied");
    store.suppress(id, Set.of(Channel.ADS), "consent-denied");
    assertThat(store.isSuppressed(id, Channel.SMS)).isTrue();
    assertThat(store.isSuppressed(id, Channel.ADS)).isTrue();
    assertThat(store.isSuppressed(id, Channel.EVENTS)).isFalse();

    store.suppressEverywhere(id, "legal");
    assertThat(store.isSuppressed(id, Channel.EVENTS)).isTrue();
    assertThat(store.size()).isEqualTo(1);
  }

  @Test
  void theStoreKeepsNoRawEmailOrPhone() {
    InMemorySuppressionStore store = new InMemorySuppressionStore();
    store.suppress(new Identity("c1", "a@example.com", "+14155552001"), Set.of(Channel.SMS), "x");
    assertThat(store.size()).isEqualTo(3);
    assertThat(store.toString()).doesNotContain("a@example.com").doesNotContain("4155552001");
  }

  @Test
  void guardrailValuesNameTheirField() {
    assertThatThrownBy(() -> FrequencyCap.perDestination(0, Duration.ofHours(1)))
        .hasMessage("maxActivations: must be ≥ 1, was 0");
    assertThatThrownBy(() -> FrequencyCap.perDestination(1, Duration.ZERO))
        .hasMessage("window: must be positive, was PT0S");
    assertThatThrownBy(() -> new InMemoryIdempotencyStore(Duration.ZERO, 1))
        .hasMessage("ttl: must be positive, was PT0S");
    assertThatThrownBy(() -> new InMemoryIdempotencyStore(Duration.ofHours(1), 0))
        .hasMessage("maxEntries: must be ≥ 1, was 0");
  }
}

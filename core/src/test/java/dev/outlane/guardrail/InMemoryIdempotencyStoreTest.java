package dev.outlane.guardrail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.outlane.hashing.Sha256;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The fingerprint store against the string-keyed map it replaced, operation by operation. */
class InMemoryIdempotencyStoreTest {
  private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

  @Test
  void everyAnswerEqualsTheStringKeyedMapsOverARandomMixOfOperationsExpiryAndEviction() {
    Duration ttl = Duration.ofMinutes(10);
    InMemoryIdempotencyStore store = new InMemoryIdempotencyStore(ttl, 700);
    Reference model = new Reference(ttl, 700);
    Random random = new Random(12);
    Instant now = T0;
    for (int op = 0; op < 200_000; op++) {
      int n = random.nextInt(3_000);
      // Mostly the client's own keys; some of any other form (replayed or hand-made).
      String key = n % 7 == 0 ? "custom-key-" + n : "ol1-" + Sha256.hex("k" + n);
      now = now.plusMillis(random.nextInt(400));
      switch (random.nextInt(5)) {
        case 0, 1 -> {
          store.markDone(key, now);
          model.markDone(key, now);
        }
        case 2 -> {
          store.markUnknown(key, now);
          model.markUnknown(key, now);
        }
        case 3 -> assertThat(store.forgetUnknown(key)).as("forgetUnknown op %d", op)
            .isEqualTo(model.forgetUnknown(key));
        default -> assertThat(store.isDone(key, now)).as("isDone op %d", op)
            .isEqualTo(model.isDone(key, now));
      }
      assertThat(store.size()).as("size after op %d", op).isEqualTo(model.size());
    }
  }

  @Test
  void aKeyIsDoneUntilTheNanosecondItExpiresAndTheOldestIsEvictedFirst() {
    InMemoryIdempotencyStore store = new InMemoryIdempotencyStore(Duration.ofHours(1), 2);
    store.markDone("ol1-" + Sha256.hex("a"), T0);
    store.markDone("b", T0.plusSeconds(1));
    assertThat(store.isDone("ol1-" + Sha256.hex("a"), T0.plus(Duration.ofHours(1)).minusNanos(1))).isTrue();
    assertThat(store.isDone("ol1-" + Sha256.hex("a"), T0.plus(Duration.ofHours(1)))).isFalse();

    store.markDone("c", T0.plusSeconds(2));

    assertThat(store.isDone("ol1-" + Sha256.hex("a"), T0.plusSeconds(3))).isFalse();
    assertThat(store.isDone("b", T0.plusSeconds(3))).isTrue();
    assertThat(store.isDone("c", T0.plusSeconds(3))).isTrue();
    assertThat(store.size()).isEqualTo(2);
  }

  @Test
  void aStoreSizedByMemoryHoldsAsManyKeysAsFitAtTheWorstCasePerKey() {
    InMemoryIdempotencyStore store = InMemoryIdempotencyStore.ofMaxBytes(Duration.ofHours(1), 1_160);
    for (int i = 0; i < 15; i++) {
      store.markDone("ol1-" + Sha256.hex("k" + i), T0);
    }
    assertThat(store.size()).isEqualTo(10);
    assertThatThrownBy(() -> InMemoryIdempotencyStore.ofMaxBytes(Duration.ofHours(1), 100))
        .hasMessage("maxBytes: must be ≥ 116, was 100");
  }

  /** The implementation before issue 12, kept as the model: keys as strings in insertion order. */
  private static final class Reference {
    private final long ttlNanos;
    private final int maxEntries;
    private final LinkedHashMap<String, Instant> expiries = new LinkedHashMap<>();
    private final Set<String> unknown = new HashSet<>();

    Reference(Duration ttl, int maxEntries) {
      this.ttlNanos = ttl.toNanos();
      this.maxEntries = maxEntries;
    }

    boolean isDone(String key, Instant now) {
      Instant expiry = expiries.get(key);
      return expiry != null && now.isBefore(expiry);
    }

    void markDone(String key, Instant now) {
      unknown.remove(key);
      put(key, now);
    }

    void markUnknown(String key, Instant now) {
      put(key, now);
      unknown.add(key);
    }

    boolean forgetUnknown(String key) {
      if (!unknown.remove(key)) {
        return false;
      }
      expiries.remove(key);
      return true;
    }

    private void put(String key, Instant now) {
      expiries.remove(key);
      expiries.put(key, now.plusNanos(ttlNanos));
      Iterator<Map.Entry<String, Instant>> it = expiries.entrySet().iterator();
      while (it.hasNext()) {
        Map.Entry<String, Instant> eldest = it.next();
        if (expiries.size() > maxEntries || !now.isBefore(eldest.getValue())) {
          unknown.remove(eldest.getKey());
          it.remove();
        } else {
          break;
        }
      }
    }

    int size() {
      return expiries.size();
    }
  }
}

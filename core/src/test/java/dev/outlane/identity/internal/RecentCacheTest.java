package dev.outlane.identity.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecentCacheTest {
  private final List<String> computed = new ArrayList<>();

  private String compute(String key) {
    computed.add(key);
    return key.toUpperCase();
  }

  @Test
  void computesOnceAndThenServesFromTheCache() {
    RecentCache<String, String> cache = new RecentCache<>(10);
    assertThat(cache.get("a", this::compute)).isEqualTo("A");
    assertThat(cache.get("a", this::compute)).isEqualTo("A");
    assertThat(computed).containsExactly("a");
  }

  @Test
  void neverHoldsMoreThanTwoGenerationsOfItsSize() {
    RecentCache<String, String> cache = new RecentCache<>(10);
    for (int i = 0; i < 1_000; i++) {
      cache.get("k" + i, this::compute);
      assertThat(cache.size()).isLessThanOrEqualTo(20);
    }
  }

  @Test
  void aCacheSizedForTheKeysThatRecurHitsOnEveryOneOfThem() {
    // Issue 12: with two generations of size / 2, 10,000 recurring phones in a 10,000 cache missed
    // on most of them. The size now means the distinct keys that are always held.
    RecentCache<String, String> cache = new RecentCache<>(100);
    for (int round = 0; round < 5; round++) {
      for (int i = 0; i < 100; i++) {
        cache.get("k" + i, this::compute);
      }
    }
    assertThat(computed).hasSize(100);
  }

  @Test
  void keepsARecentlyUsedEntryAcrossARotation() {
    RecentCache<String, String> cache = new RecentCache<>(2);
    cache.get("hot", this::compute);
    cache.get("b", this::compute); // young is full (2): the next put rotates
    cache.get("c", this::compute); // hot and b are now old
    cache.get("hot", this::compute); // hit in old, promoted to young
    cache.get("d", this::compute); // rotates: old = {c, hot}
    cache.get("hot", this::compute);
    assertThat(computed).containsExactly("hot", "b", "c", "d");
  }

  @Test
  void forgetsEntriesOlderThanTwoGenerations() {
    RecentCache<String, String> cache = new RecentCache<>(1);
    cache.get("a", this::compute);
    cache.get("b", this::compute);
    cache.get("c", this::compute);
    cache.get("a", this::compute);
    assertThat(computed).containsExactly("a", "b", "c", "a");
  }

  @Test
  void rejectsACapacityBelowOne() {
    assertThatThrownBy(() -> new RecentCache<String, String>(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxEntries: must be at least 1, was 0");
  }
}

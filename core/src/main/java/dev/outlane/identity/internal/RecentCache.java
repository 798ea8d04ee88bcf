package dev.outlane.identity.internal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A size-bounded cache of recent results that approximates LRU with two generations: new entries go
 * to the young map; when it holds {@code maxEntries} it becomes the old map and the previous old map
 * is dropped. A hit in the old map is promoted to the young one. So the {@code maxEntries} most
 * recently used distinct keys are always held — a cache sized for the keys that recur hits on every
 * one of them — and at most {@code 2 × maxEntries} entries are in memory (concurrent writers can
 * overshoot a generation by one entry each before it rotates). It used to be two generations of
 * {@code maxEntries / 2}, so a cache the size of a recurring set missed on most of it.
 *
 * <p>Thread-safe without locks: a race between two rotations can at worst drop a few entries, which
 * only costs a recomputation. Values must be immutable. Not part of the public API.
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class RecentCache<K, V> {
  private final int generationSize;
  private volatile ConcurrentHashMap<K, V> young;
  private volatile ConcurrentHashMap<K, V> old;

  /**
   * @param maxEntries how many distinct recent keys are always held
   * @throws IllegalArgumentException if {@code maxEntries} is less than 1
   */
  public RecentCache(int maxEntries) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries: must be at least 1, was " + maxEntries);
    }
    this.generationSize = maxEntries;
    this.young = new ConcurrentHashMap<>(capacityFor(generationSize));
    this.old = new ConcurrentHashMap<>(1);
  }

  /** The cached value of {@code key}, computing and remembering it on a miss. */
  public V get(K key, Function<? super K, ? extends V> compute) {
    ConcurrentHashMap<K, V> y = young;
    @Nullable V v = y.get(key);
    if (v != null) {
      return v;
    }
    v = old.get(key);
    if (v == null) {
      v = compute.apply(key);
    }
    put(y, key, v);
    return v;
  }

  /** How many entries are held now (both generations; for tests). */
  public int size() {
    return young.size() + old.size();
  }

  private void put(ConcurrentHashMap<K, V> y, K key, V value) {
    if (y.size() >= generationSize) {
      synchronized (this) {
        if (young == y) {
          old = y;
          young = new ConcurrentHashMap<>(capacityFor(generationSize));
        }
        y = young;
      }
    }
    y.put(key, value);
  }

  private static int capacityFor(int entries) {
    // ConcurrentHashMap sizes its table for this many entries at the default load factor.
    return Math.max(16, entries);
  }
}

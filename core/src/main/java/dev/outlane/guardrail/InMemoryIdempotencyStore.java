package dev.outlane.guardrail;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A bounded in-memory {@link IdempotencyStore}: keys expire after the TTL (the dedupe window), and when
 * {@code maxEntries} keys are live the oldest is evicted first — after which a duplicate of that
 * oldest key would be delivered again, so size it above the number of deliveries per window.
 *
 * <p><b>Memory.</b> A key is not kept as a string but as a 128-bit fingerprint: for the client's own
 * keys ({@code ol1-} + SHA-256 hex) the first 128 bits of that hash, for any other key the first 128
 * bits of its SHA-256. Two distinct keys share a fingerprint with probability about {@code n² / 2¹²⁹}
 * (10⁻²⁶ for a million keys): never in practice. A key's slot is 25 B (fingerprint, expiry, a flag)
 * in insertion-ordered arrays, plus an int in an open-addressing index at most half full; with the
 * arrays' power-of-two growth and the slots of re-marked keys awaiting compaction a live key costs
 * 33-66 B in the common case and never more than {@value #MAX_BYTES_PER_KEY} B. The string-keyed
 * map it replaces cost ≈ 190 B per key (issue 12: 40 MB after 200 k deliveries). {@link #ofMaxBytes} sizes a store by memory instead of by count.
 *
 * <p>Thread-safe (one lock; operations are O(1) amortized). Keys are SHA-256 based and contain no PII.
 */
public final class InMemoryIdempotencyStore implements IdempotencyStore {
  /** The default bound: one million keys, ≈ 33-66 MB when full, never more than 116 MB. */
  public static final int DEFAULT_MAX_ENTRIES = 1_000_000;

  /**
   * The most bytes one live key can cost: its 25 B slot, times 4 (the ring grows by doubling only
   * once more than half of it is live), plus 4 B index ints, times 4 (the index doubles once half
   * full): 100 + 16.
   */
  public static final int MAX_BYTES_PER_KEY = 116;

  private static final String OWN_PREFIX = "ol1-";
  private static final byte UNKNOWN = 1;
  private static final byte DEAD = 2;

  private final long ttlNanos;
  private final int maxEntries;
  // A ring of slots in insertion order, which is expiry order because every entry lives exactly ttl.
  private long[] hi = new long[16];
  private long[] lo = new long[16];
  private long[] expiry = new long[16]; // epoch nanos, exclusive
  private byte[] flags = new byte[16];
  private long head; // sequence of the oldest slot; slot = sequence & (length - 1)
  private long tail; // sequence of the next slot to fill
  // Open addressing with linear probing: ring slot + 1, 0 = empty. Holds exactly the live slots.
  private int[] index = new int[32];
  private int live;
  // The last key's fingerprint, set by fingerprint() under the lock.
  private long fpHi;
  private long fpLo;

  /**
   * @throws IllegalArgumentException if {@code ttl} is not positive or {@code maxEntries < 1}
   */
  public InMemoryIdempotencyStore(Duration ttl, int maxEntries) {
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.isZero() || ttl.isNegative()) {
      throw new IllegalArgumentException("ttl: must be positive, was " + ttl);
    }
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries: must be ≥ 1, was " + maxEntries);
    }
    this.ttlNanos = saturatedNanos(ttl);
    this.maxEntries = maxEntries;
  }

  /**
   * A store holding as many keys as fit in {@code maxBytes} at {@link #MAX_BYTES_PER_KEY} each, so it
   * never holds more than {@code maxBytes}.
   *
   * @throws IllegalArgumentException if {@code ttl} is not positive or {@code maxBytes} is below one
   *     key's worth
   */
  public static InMemoryIdempotencyStore ofMaxBytes(Duration ttl, long maxBytes) {
    if (maxBytes < MAX_BYTES_PER_KEY) {
      throw new IllegalArgumentException("maxBytes: must be ≥ " + MAX_BYTES_PER_KEY + ", was " + maxBytes);
    }
    return new InMemoryIdempotencyStore(ttl, (int) Math.min(Integer.MAX_VALUE, maxBytes / MAX_BYTES_PER_KEY));
  }

  @Override
  public synchronized boolean isDone(String key, Instant now) {
    fingerprint(key);
    int s = find(fpHi, fpLo);
    return s >= 0 && nanos(now) < expiry[s];
  }

  @Override
  public synchronized void markDone(String key, Instant now) {
    put(key, now, (byte) 0);
  }

  @Override
  public synchronized void markUnknown(String key, Instant now) {
    put(key, now, UNKNOWN);
  }

  @Override
  public synchronized boolean forgetUnknown(String key) {
    fingerprint(key);
    int s = find(fpHi, fpLo);
    if (s < 0 || (flags[s] & UNKNOWN) == 0) {
      return false;
    }
    kill(s);
    return true;
  }

  /** How many keys are held (live or not yet pruned). */
  public synchronized int size() {
    return live;
  }

  private void put(String key, Instant now, byte flag) {
    fingerprint(key);
    long h = fpHi;
    long l = fpLo;
    int s = find(h, l);
    if (s >= 0) {
      kill(s); // re-marked: it moves to the young end, as its expiry does
    }
    long t = nanos(now);
    append(h, l, t > Long.MAX_VALUE - ttlNanos ? Long.MAX_VALUE : t + ttlNanos, flag);
    while (head < tail) {
      int oldest = slot(head);
      if ((flags[oldest] & DEAD) == 0) {
        if (live <= maxEntries && t < expiry[oldest]) {
          break;
        }
        kill(oldest);
      }
      head++;
    }
  }

  private int slot(long sequence) {
    return (int) (sequence & (hi.length - 1));
  }

  private void append(long h, long l, long expires, byte flag) {
    if (tail - head == hi.length) {
      // Full: compact away the slots of re-marked keys if they are half of it, else grow.
      resize(live * 2 <= hi.length ? hi.length : hi.length * 2);
    }
    int s = slot(tail++);
    hi[s] = h;
    lo[s] = l;
    expiry[s] = expires;
    flags[s] = flag;
    live++;
    if (live * 2 > index.length) {
      reindex(index.length * 2);
    } else {
      insert(s);
    }
  }

  private void resize(int length) {
    long[] nh = new long[length];
    long[] nl = new long[length];
    long[] ne = new long[length];
    byte[] nf = new byte[length];
    int n = 0;
    for (long q = head; q < tail; q++) {
      int s = slot(q);
      if ((flags[s] & DEAD) == 0) {
        nh[n] = hi[s];
        nl[n] = lo[s];
        ne[n] = expiry[s];
        nf[n] = flags[s];
        n++;
      }
    }
    hi = nh;
    lo = nl;
    expiry = ne;
    flags = nf;
    head = 0;
    tail = n;
    reindex(index.length);
  }

  private void reindex(int length) {
    index = new int[length];
    for (long q = head; q < tail; q++) {
      int s = slot(q);
      if ((flags[s] & DEAD) == 0) {
        insert(s);
      }
    }
  }

  private int home(long l) {
    return (int) (l ^ (l >>> 32)) & (index.length - 1);
  }

  private void insert(int s) {
    int mask = index.length - 1;
    int i = home(lo[s]);
    while (index[i] != 0) {
      i = (i + 1) & mask;
    }
    index[i] = s + 1;
  }

  private int find(long h, long l) {
    int mask = index.length - 1;
    for (int i = home(l); index[i] != 0; i = (i + 1) & mask) {
      int s = index[i] - 1;
      if (lo[s] == l && hi[s] == h) {
        return s;
      }
    }
    return -1;
  }

  /** Marks a live slot dead and removes it from the index (backward-shift deletion). */
  private void kill(int s) {
    flags[s] |= DEAD;
    live--;
    int mask = index.length - 1;
    int i = home(lo[s]);
    while (index[i] != s + 1) {
      i = (i + 1) & mask;
    }
    int j = i;
    while (true) {
      j = (j + 1) & mask;
      if (index[j] == 0) {
        break;
      }
      int k = home(lo[index[j] - 1]);
      // Move j's entry into the hole at i unless its home lies cyclically in (i, j].
      boolean stays = i <= j ? (i < k && k <= j) : (i < k || k <= j);
      if (!stays) {
        index[i] = index[j];
        i = j;
      }
    }
    index[i] = 0;
  }

  /**
   * Sets {@link #fpHi}/{@link #fpLo} to {@code key}'s fingerprint, in one pass over its first 32 hex
   * digits for the client's own keys (the profile showed a check-then-parse twice per call).
   */
  private void fingerprint(String key) {
    int from = OWN_PREFIX.length();
    if (key.length() >= from + 32 && key.startsWith(OWN_PREFIX)) {
      long h = 0;
      long l = 0;
      int bad = 0;
      for (int i = 0; i < 16; i++) {
        char a = key.charAt(from + i);
        char b = key.charAt(from + 16 + i);
        int da = a < 128 ? HEX[a] : -1;
        int db = b < 128 ? HEX[b] : -1;
        bad |= da | db;
        h = (h << 4) | (da & 0xf);
        l = (l << 4) | (db & 0xf);
      }
      if (bad >= 0) {
        fpHi = h;
        fpLo = l;
        return;
      }
    }
    long[] f = foreign(key);
    fpHi = f[0];
    fpLo = f[1];
  }

  private static final byte[] HEX = hexTable();

  private static byte[] hexTable() {
    byte[] t = new byte[128];
    java.util.Arrays.fill(t, (byte) -1);
    for (int c = '0'; c <= '9'; c++) {
      t[c] = (byte) (c - '0');
    }
    for (int c = 'a'; c <= 'f'; c++) {
      t[c] = (byte) (c - 'a' + 10);
    }
    return t;
  }

  /** SHA-256 of a key the client did not derive, as two longs (the first 128 bits). */
  private static long[] foreign(String key) {
    byte[] d;
    try {
      d = MessageDigest.getInstance("SHA-256").digest(("\u0000foreign:" + key).getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
    long a = 0;
    long b = 0;
    for (int i = 0; i < 8; i++) {
      a = (a << 8) | (d[i] & 0xff);
      b = (b << 8) | (d[8 + i] & 0xff);
    }
    return new long[] {a, b};
  }

  private static long nanos(Instant t) {
    long s = t.getEpochSecond();
    if (s >= Long.MAX_VALUE / 1_000_000_000L - 1) {
      return Long.MAX_VALUE;
    }
    if (s <= Long.MIN_VALUE / 1_000_000_000L + 1) {
      return Long.MIN_VALUE;
    }
    return s * 1_000_000_000L + t.getNano();
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }
}

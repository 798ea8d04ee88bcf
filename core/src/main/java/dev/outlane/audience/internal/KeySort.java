package dev.outlane.audience.internal;

/**
 * Sorts parallel arrays of 128-bit keys ({@code hi}, {@code lo}, unsigned) and source ordinals in
 * place, by key then ordinal, without boxing.
 *
 * <p>The keys are SHA-256 prefixes, so their top bits are uniform: one stable counting-sort pass on
 * the top bits spreads n keys over about n/4 buckets, and each bucket (a handful of keys) is
 * finished by insertion sort. That is two sequential passes instead of quicksort's ~log n random
 * ones: a 250,000-member chunk sorts in a few milliseconds. A bucket that is unexpectedly large
 * (one customer id repeated many times) is quicksorted, so the worst case stays n log n. Not
 * thread-safe: an instance holds the scratch arrays, reused from chunk to chunk.
 */
public final class KeySort {
  private static final int INSERTION = 24;
  /** Buckets larger than this are quicksorted rather than insertion-sorted. */
  private static final int LARGE_BUCKET = 64;

  private final long[] hiTmp;
  private final long[] loTmp;
  private final int[] ordTmp;
  private final int bits;
  private final int[] starts;

  /** @param capacity the largest n that {@link #sort} will be given */
  public KeySort(int capacity) {
    hiTmp = new long[capacity];
    loTmp = new long[capacity];
    ordTmp = new int[capacity];
    // ~4 keys per bucket, between 2^4 and 2^16 buckets (a 256 KiB count array at most)
    int b = 4;
    while (b < 16 && (1 << b) < capacity / 4) {
      b++;
    }
    bits = b;
    starts = new int[(1 << bits) + 1];
  }

  /** Sorts {@code [0, n)} by key, then ordinal (stable for keys that are equal). */
  public void radixSort(long[] hi, long[] lo, int[] ord, int n) {
    if (n <= INSERTION) {
      sort(hi, lo, ord, n);
      return;
    }
    int shift = 64 - bits;
    int[] c = starts;
    java.util.Arrays.fill(c, 0);
    for (int i = 0; i < n; i++) {
      c[(int) (hi[i] >>> shift) + 1]++;
    }
    for (int b = 1; b < c.length; b++) {
      c[b] += c[b - 1];
    }
    // c[b] is now the start of bucket b; scatter in input order, which keeps equal keys stable
    for (int i = 0; i < n; i++) {
      int b = (int) (hi[i] >>> shift);
      int to = c[b]++;
      hiTmp[to] = hi[i];
      loTmp[to] = lo[i];
      ordTmp[to] = ord[i];
    }
    // after the scatter c[b] is the end of bucket b
    int from = 0;
    for (int b = 0; b < c.length - 1; b++) {
      int to = c[b];
      if (to - from > LARGE_BUCKET) {
        quick(hiTmp, loTmp, ordTmp, from, to - 1);
      } else {
        insertion(hiTmp, loTmp, ordTmp, from, to - 1);
      }
      from = to;
    }
    System.arraycopy(hiTmp, 0, hi, 0, n);
    System.arraycopy(loTmp, 0, lo, 0, n);
    System.arraycopy(ordTmp, 0, ord, 0, n);
  }

  /** Sorts {@code [0, n)} by key, then ordinal, with quicksort and no scratch space. */
  public static void sort(long[] hi, long[] lo, int[] ord, int n) {
    quick(hi, lo, ord, 0, n - 1);
  }

  private static void insertion(long[] hi, long[] lo, int[] ord, int left, int right) {
    for (int i = left + 1; i <= right; i++) {
      for (int j = i; j > left && cmp(hi, lo, ord, j - 1, j) > 0; j--) {
        swap(hi, lo, ord, j - 1, j);
      }
    }
  }

  private static int cmp(long[] hi, long[] lo, int[] ord, int i, int j) {
    int c = Long.compareUnsigned(hi[i], hi[j]);
    if (c != 0) {
      return c;
    }
    c = Long.compareUnsigned(lo[i], lo[j]);
    return c != 0 ? c : Integer.compare(ord[i], ord[j]);
  }

  private static void swap(long[] hi, long[] lo, int[] ord, int i, int j) {
    long t = hi[i];
    hi[i] = hi[j];
    hi[j] = t;
    t = lo[i];
    lo[i] = lo[j];
    lo[j] = t;
    int o = ord[i];
    ord[i] = ord[j];
    ord[j] = o;
  }

  private static void quick(long[] hi, long[] lo, int[] ord, int left, int right) {
    while (right - left > INSERTION) {
      int mid = (left + right) >>> 1;
      // median of three into `right`
      if (cmp(hi, lo, ord, left, mid) > 0) {
        swap(hi, lo, ord, left, mid);
      }
      if (cmp(hi, lo, ord, left, right) > 0) {
        swap(hi, lo, ord, left, right);
      }
      if (cmp(hi, lo, ord, mid, right) > 0) {
        swap(hi, lo, ord, mid, right);
      }
      swap(hi, lo, ord, mid, right - 1);
      int pivot = right - 1;
      int i = left;
      int j = right - 1;
      while (true) {
        while (cmp(hi, lo, ord, ++i, pivot) < 0) {
          // advance
        }
        while (j > left && cmp(hi, lo, ord, --j, pivot) > 0) {
          // retreat
        }
        if (i >= j) {
          break;
        }
        swap(hi, lo, ord, i, j);
      }
      swap(hi, lo, ord, i, right - 1);
      // recurse into the smaller side, loop on the larger: O(log n) stack
      if (i - left < right - i) {
        quick(hi, lo, ord, left, i - 1);
        left = i + 1;
      } else {
        quick(hi, lo, ord, i + 1, right);
        right = i - 1;
      }
    }
    insertion(hi, lo, ord, left, right);
  }
}

package dev.outlane.audience.internal;

/**
 * Sorts parallel arrays of 128-bit keys ({@code hi}, {@code lo}, unsigned) and source ordinals in
 * place, by key then ordinal, without boxing: a chunk of a few hundred thousand members sorts in
 * tens of milliseconds. Stateless.
 */
public final class KeySort {
  private static final int INSERTION = 24;

  private KeySort() {}

  public static void sort(long[] hi, long[] lo, int[] ord, int n) {
    quick(hi, lo, ord, 0, n - 1);
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
    for (int i = left + 1; i <= right; i++) {
      for (int j = i; j > left && cmp(hi, lo, ord, j - 1, j) > 0; j--) {
        swap(hi, lo, ord, j - 1, j);
      }
    }
  }
}

package dev.outlane.audience.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class KeySortTest {

  /** Keys like SHA-256 prefixes, with some repeated (one customer id on several rows). */
  private static long[][] keys(int n, long seed, int repeatEvery) {
    Random random = new Random(seed);
    long[] hi = new long[n];
    long[] lo = new long[n];
    for (int i = 0; i < n; i++) {
      if (repeatEvery > 0 && i > 0 && i % repeatEvery == 0) {
        int earlier = random.nextInt(i);
        hi[i] = hi[earlier];
        lo[i] = lo[earlier];
      } else {
        hi[i] = random.nextLong();
        lo[i] = random.nextLong();
      }
    }
    return new long[][] {hi, lo};
  }

  private static int[] identity(int n) {
    int[] ord = new int[n];
    for (int i = 0; i < n; i++) {
      ord[i] = i;
    }
    return ord;
  }

  private static void assertSortsLikeQuicksort(long[] hi, long[] lo, int n) {
    long[] qHi = hi.clone();
    long[] qLo = lo.clone();
    int[] qOrd = identity(n);
    KeySort.sort(qHi, qLo, qOrd, n);
    int[] ord = identity(n);
    new KeySort(n).radixSort(hi, lo, ord, n);

    assertThat(hi).isEqualTo(qHi);
    assertThat(lo).isEqualTo(qLo);
    assertThat(ord).isEqualTo(qOrd);
    int outOfOrder = -1;
    for (int i = 1; i < n && outOfOrder < 0; i++) {
      int c = Long.compareUnsigned(hi[i - 1], hi[i]);
      c = c != 0 ? c : Long.compareUnsigned(lo[i - 1], lo[i]);
      c = c != 0 ? c : Integer.compare(ord[i - 1], ord[i]);
      outOfOrder = c < 0 ? -1 : i;
    }
    assertThat(outOfOrder).as("first index out of order").isEqualTo(-1);
  }

  @Test
  void radixSortOrdersByUnsignedKeyThenInputOrderLikeQuicksort() {
    long[][] k = keys(100_000, 42, 7);
    assertSortsLikeQuicksort(k[0], k[1], 100_000);
  }

  @Test
  void aCustomerIdRepeatedThousandsOfTimesStillSortsByInputOrder() {
    int n = 20_000;
    long[][] k = keys(n, 7, 0);
    for (int i = 0; i < n; i += 2) {
      k[0][i] = 0x8000_0000_0000_0000L; // one bucket far larger than the insertion-sort limit
      k[1][i] = 5;
    }
    assertSortsLikeQuicksort(k[0], k[1], n);
  }

  @Test
  void tinyInputsAndPartlyFilledCapacitiesSort() {
    for (int n : new int[] {0, 1, 2, 24, 25, 1000}) {
      long[][] k = keys(4096, n, 3);
      long[] hi = k[0];
      long[] lo = k[1];
      long[] qHi = hi.clone();
      long[] qLo = lo.clone();
      int[] qOrd = identity(4096);
      KeySort.sort(qHi, qLo, qOrd, n);
      int[] ord = identity(4096);
      new KeySort(4096).radixSort(hi, lo, ord, n);
      assertThat(hi).isEqualTo(qHi);
      assertThat(lo).isEqualTo(qLo);
      assertThat(ord).isEqualTo(qOrd);
    }
  }
}

package dev.outlane.audience.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotIndexTest {
  @TempDir Path dir;

  /** Writes n records with ascending even keys 2, 4, 6, … (hi carries the sign bit for half of them). */
  private Path snapshot(int n) throws IOException {
    Path file = dir.resolve("snapshot.bin");
    byte[] rec = new byte[Records.SIZE];
    try (Records.Writer w = new Records.Writer(file, true, "test-config", false)) {
      for (int i = 0; i < n; i++) {
        Records.putLong(rec, Records.KEY, hi(i, n));
        Records.putLong(rec, Records.KEY + 8, 2L * i + 2);
        Records.putLong(rec, Records.FP, 1000L + i);
        w.write(rec, 0);
      }
    }
    return file;
  }

  /** Unsigned ascending: small positive values, then "negative" ones (above 2^63 unsigned). */
  private static long hi(int i, int n) {
    return i < n / 2 ? i / 7 : Long.MIN_VALUE + i / 7;
  }

  @Test
  void findFromFindsEveryKeyAndTheInsertionPointOfMissingOnes() throws IOException {
    int n = 5_000;
    try (SnapshotIndex index = SnapshotIndex.open(snapshot(n))) {
      assertThat(index.count()).isEqualTo(n);
      assertThat(index.config()).isEqualTo("test-config");
      long pos = 0;
      for (int i = 0; i < n; i++) {
        long missing = index.findFrom(pos, hi(i, n), 2L * i + 1); // between record i-1 and i
        assertThat(missing).isEqualTo(-i - 1L);
        long at = index.findFrom(-missing - 1, hi(i, n), 2L * i + 2);
        assertThat(at).isEqualTo(i);
        assertThat(index.find(hi(i, n), 2L * i + 2)).isEqualTo(i);
        assertThat(index.fingerprint(at)).isEqualTo(1000L + i);
        pos = at + 1;
      }
      assertThat(index.findFrom(pos, -1L, -1L)).isEqualTo(-n - 1L);
    }
  }

  @Test
  void ascendingLookupsWithGapsAgreeWithTheBinarySearch() throws IOException {
    int n = 20_000;
    Random random = new Random(3);
    try (SnapshotIndex index = SnapshotIndex.open(snapshot(n))) {
      long pos = 0;
      int i = 0;
      while (i < n) {
        boolean present = random.nextBoolean();
        long lo = present ? 2L * i + 2 : 2L * i + 1;
        long at = index.findFrom(pos, hi(i, n), lo);
        assertThat(at).isEqualTo(present ? index.find(hi(i, n), lo) : -i - 1L);
        pos = at >= 0 ? at + 1 : -at - 1;
        i += 1 + random.nextInt(present ? 3 : 300);
      }
    }
  }

  @Test
  void uniformKeysLikeSha256PrefixesAreFoundByInterpolationExactlyAsByBinarySearch() throws IOException {
    int n = 30_000;
    Random random = new Random(11);
    long[][] keys = new long[n][];
    for (int i = 0; i < n; i++) {
      keys[i] = new long[] {random.nextLong(), random.nextLong()};
    }
    java.util.Arrays.sort(keys, (a, b) -> SnapshotIndex.compare(a[0], a[1], b[0], b[1]));
    Path file = dir.resolve("uniform.bin");
    byte[] rec = new byte[Records.SIZE];
    try (Records.Writer w = new Records.Writer(file, true, "c", false)) {
      for (long[] k : keys) {
        Records.putLong(rec, Records.KEY, k[0]);
        Records.putLong(rec, Records.KEY + 8, k[1]);
        w.write(rec, 0);
      }
    }
    try (SnapshotIndex index = SnapshotIndex.open(file)) {
      long pos = 0;
      for (int i = 0; i < n; i++) {
        if (random.nextInt(4) == 0) {
          long[] k = keys[i];
          // a key just below record i: absent, inserted at i
          long at = index.findFrom(pos, k[0], k[1] - 1);
          assertThat(at).isEqualTo(i > 0 && keys[i - 1][0] == k[0] && keys[i - 1][1] == k[1] - 1 ? i - 1 : -i - 1L);
          pos = at >= 0 ? at + 1 : -at - 1;
        }
        if (random.nextInt(3) != 0) {
          long at = index.findFrom(pos, keys[i][0], keys[i][1]);
          assertThat(at).isEqualTo(i);
          assertThat(index.find(keys[i][0], keys[i][1])).isEqualTo(i);
          pos = at + 1;
        }
      }
      assertThat(index.findFrom(0, 0, 0)).isEqualTo(keys[0][0] == 0 && keys[0][1] == 0 ? 0 : -1L);
    }
  }
}

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
}

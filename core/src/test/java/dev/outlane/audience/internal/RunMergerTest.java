package dev.outlane.audience.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunMergerTest {
  @TempDir Path dir;

  /** A record with key {@code key}, identified by an email hash whose first byte is {@code email}. */
  private static byte[] rec(long key, int email) {
    byte[] r = new byte[Records.SIZE];
    Records.putLong(r, Records.KEY + 8, key);
    r[Records.FLAGS] = Records.HAS_EMAIL;
    r[Records.EMAIL] = (byte) email;
    return r;
  }

  /** A run record whose raw values are unchanged: hashes to be taken from the snapshot. */
  private static byte[] reuse(long key) {
    byte[] r = new byte[Records.SIZE];
    Records.putLong(r, Records.KEY + 8, key);
    r[Records.FLAGS] = Records.REUSE;
    return r;
  }

  private Path file(String name, boolean header, byte[]... records) throws IOException {
    Path f = dir.resolve(name);
    try (Records.Writer w = new Records.Writer(f, header, "cfg", false)) {
      for (byte[] r : records) {
        w.write(r, 0);
      }
    }
    return f;
  }

  private static List<byte[]> read(Path f, boolean header) throws IOException {
    List<byte[]> out = new ArrayList<>();
    try (Records.Reader r = new Records.Reader(f, header)) {
      byte[] rec = new byte[Records.SIZE];
      while (r.next(rec)) {
        out.add(rec.clone());
      }
    }
    return out;
  }

  private RunMerger.Result merge(List<Path> runs, Path snapshot) throws IOException {
    try (Records.Reader old = snapshot == null ? null : new Records.Reader(snapshot, true);
        Records.Writer next = new Records.Writer(dir.resolve("next.bin"), true, "cfg", false);
        Records.Writer adds = new Records.Writer(dir.resolve("adds.bin"), false, "cfg", false);
        Records.Writer removes = new Records.Writer(dir.resolve("removes.bin"), false, "cfg", false)) {
      return RunMerger.merge(runs, old, next, adds, removes);
    }
  }

  @Test
  void newGoneChangedAndUnchangedMembersAreCountedAndWrittenWhereTheyBelong() throws IOException {
    // snapshot: 1 (email 1), 2 (email 2), 3 (email 3); now: 1 unchanged, 2 changed, 3 gone, 4 new
    Path snapshot = file("snapshot.bin", true, rec(1, 1), rec(2, 2), rec(3, 3));
    Path run0 = file("run-0.bin", false, rec(1, 1), rec(4, 4));
    Path run1 = file("run-1.bin", false, rec(2, 9));

    RunMerger.Result r = merge(List.of(run0, run1), snapshot);

    assertThat(r).isEqualTo(new RunMerger.Result(2, 2, 1, 1, 0, 3));
    assertThat(read(dir.resolve("adds.bin"), false)).containsExactly(rec(2, 9), rec(4, 4));
    assertThat(read(dir.resolve("removes.bin"), false)).containsExactly(rec(2, 2), rec(3, 3));
    assertThat(read(dir.resolve("next.bin"), true)).containsExactly(rec(1, 1), rec(2, 9), rec(4, 4));
  }

  @Test
  void theLatestRunWinsAmongEqualKeysAndTheOthersAreDuplicates() throws IOException {
    Path run0 = file("run-0.bin", false, rec(5, 1));
    Path run1 = file("run-1.bin", false, rec(5, 2));
    Path run2 = file("run-2.bin", false, rec(5, 3), rec(6, 6));

    RunMerger.Result r = merge(List.of(run0, run1, run2), null);

    assertThat(r).isEqualTo(new RunMerger.Result(2, 0, 0, 0, 2, 2));
    assertThat(read(dir.resolve("next.bin"), true)).containsExactly(rec(5, 3), rec(6, 6));
  }

  @Test
  void aReusedRecordTakesItsHashesFromTheSnapshot() throws IOException {
    Path snapshot = file("snapshot.bin", true, rec(7, 7));
    Path run = file("run-0.bin", false, reuse(7));

    RunMerger.Result r = merge(List.of(run), snapshot);

    assertThat(r).isEqualTo(new RunMerger.Result(0, 0, 1, 0, 0, 1));
    assertThat(read(dir.resolve("next.bin"), true)).containsExactly(rec(7, 7));
  }

  @Test
  void aReusedRecordMissingFromTheSnapshotMeansTheSnapshotChanged() throws IOException {
    Path snapshot = file("snapshot.bin", true, rec(1, 1));
    Path run = file("run-0.bin", false, reuse(2));

    assertThatThrownBy(() -> merge(List.of(run), snapshot)).isInstanceOf(IOException.class)
        .hasMessage("snapshot.bin changed while this sync was reading it");
  }

  @Test
  void noRunsRemoveEverything() throws IOException {
    Path snapshot = file("snapshot.bin", true, rec(1, 1), rec(2, 2));

    assertThat(merge(List.of(), snapshot)).isEqualTo(new RunMerger.Result(0, 2, 0, 0, 0, 0));
  }
}

package dev.outlane.audience.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.outlane.audience.AudienceSyncException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyncStateTest {
  @TempDir Path root;

  private Path dir() {
    return root.resolve("state");
  }

  private static void snapshotOf(Path file, int members) throws IOException {
    try (Records.Writer w = new Records.Writer(file, true, "cfg", false)) {
      byte[] rec = new byte[Records.SIZE];
      for (int i = 0; i < members; i++) {
        Records.putLong(rec, Records.KEY + 8, i);
        w.write(rec, 0);
      }
    }
  }

  @Test
  void aSecondLockOnTheSameDirectoryFailsFastUntilTheFirstIsReleased() throws IOException {
    SyncState state = new SyncState(dir());
    SyncState other = new SyncState(dir());
    try (SyncState.Lock lock = state.lock()) {
      assertThatThrownBy(other::lock).isInstanceOf(AudienceSyncException.class)
          .hasMessage("state: " + dir() + " is locked by another audience sync");
      assertThatThrownBy(other::readLock).isInstanceOf(AudienceSyncException.class)
          .hasMessage("state: " + dir() + " is locked by another audience sync");
    }
    try (SyncState.Lock lock = other.lock()) {
      assertThat(dir().resolve("lock")).exists();
    }
  }

  @Test
  void aReadLockCreatesNothingAndKeepsSyncsOut() throws IOException {
    SyncState state = new SyncState(dir());
    try (SyncState.Lock lock = state.readLock()) {
      assertThat(dir()).doesNotExist();
    }
    try (SyncState.Lock lock = state.lock()) {
      // creates the lock file
    }
    try (SyncState.Lock read = state.readLock()) {
      assertThatThrownBy(state::lock).isInstanceOf(AudienceSyncException.class)
          .hasMessage("state: " + dir() + " is locked by another audience sync");
    }
  }

  @Test
  void theManifestIsPendingOnlyOnceRenamedIntoPlaceAndReadsBackItsCounts() throws IOException {
    SyncState state = new SyncState(dir());
    state.startPending();
    Files.writeString(state.pending().resolve("manifest.properties.tmp"), "adds=1\n");
    assertThat(state.hasPending()).isFalse();

    DiffCounts c = new DiffCounts();
    c.members = 7;
    c.adds = 3;
    c.removes = 1;
    c.unchanged = 2;
    c.previousSize = 5;
    c.targetSize = 7;
    c.invalid("$.email: missing '@'", 2);
    state.writeManifest(new Manifest(c, 500), "test");

    assertThat(state.hasPending()).isTrue();
    assertThat(state.pending().resolve("manifest.properties.tmp")).doesNotExist();
    Manifest m = state.readManifest();
    assertThat(m.batchSize()).isEqualTo(500);
    assertThat(m.counts().members).isEqualTo(7);
    assertThat(m.counts().adds).isEqualTo(3);
    assertThat(m.counts().removes).isEqualTo(1);
    assertThat(m.counts().unchanged).isEqualTo(2);
    assertThat(m.counts().previousSize).isEqualTo(5);
    assertThat(m.counts().targetSize).isEqualTo(7);
    assertThat(m.counts().invalid).isEqualTo(2);
    assertThat(m.counts().reasons).isEqualTo(Map.of("$.email: missing '@'", 2L));
  }

  @Test
  void commitRenamesTheNextSnapshotIntoPlaceAndDeletesThePendingSync() throws IOException {
    SyncState state = new SyncState(dir());
    state.startPending();
    snapshotOf(state.snapshot(), 1);
    snapshotOf(state.next(), 3);
    state.writeManifest(new Manifest(new DiffCounts(), 10), "test");

    state.commit();

    assertThat(state.size()).isEqualTo(3);
    assertThat(state.hasPending()).isFalse();
    assertThat(state.pending()).doesNotExist();
  }

  @Test
  void aCommitInterruptedAfterItsRenameIsFinishedByTheNextOne() throws IOException {
    SyncState state = new SyncState(dir());
    state.startPending();
    snapshotOf(state.snapshot(), 3); // next.bin was already renamed; the crash came before the deletion
    state.writeManifest(new Manifest(new DiffCounts(), 10), "test");
    assertThat(state.hasPending()).isTrue();

    state.commit();

    assertThat(state.size()).isEqualTo(3);
    assertThat(state.hasPending()).isFalse();
  }

  @Test
  void startPendingDiscardsALeftoverDiffThatNeverGotItsManifest() throws IOException {
    SyncState state = new SyncState(dir());
    state.startPending();
    Files.writeString(state.adds(), "half-written");

    state.startPending();

    assertThat(state.adds()).doesNotExist();
    assertThat(state.pending()).isEmptyDirectory();
  }

  @Test
  void theSizeIsZeroBeforeTheFirstSyncAndTheSnapshotsCountAfter() throws IOException {
    SyncState state = new SyncState(dir());
    assertThat(state.size()).isZero();
    Files.createDirectories(dir());
    snapshotOf(state.snapshot(), 4);
    assertThat(state.size()).isEqualTo(4);
  }
}

package dev.outlane.audience.internal;

import dev.outlane.audience.AudienceSyncException;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.Properties;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The state directory of one audience sync: its layout, its lock, the manifest of a pending sync
 * and the commit by rename.
 *
 * <pre>
 * lock                     lock file (exclusive while a sync runs, shared during a dry run)
 * snapshot.bin             the last synced membership ({@link Records}, with header)
 * pending/                 only while a computed diff waits to be sent
 *   manifest.properties    the diff's counts and batch size; its presence makes the sync resumable
 *   next.bin               the next snapshot (with header)
 *   adds.bin, removes.bin  the members to send (records, no header)
 *   journal.log            the batches already accepted ({@link SendJournal})
 *   runs/                  sorted runs, only while the diff is computed
 * </pre>
 *
 * <p>The manifest is written to a temporary file, forced and renamed into place, and only after
 * the files it describes are durable: before the rename there is no pending sync, after it there
 * is a complete one. {@link #commit} renames {@code next.bin} over {@code snapshot.bin} and then
 * deletes {@code pending/}; a crash between the two leaves a manifest without {@code next.bin},
 * which commits as a no-op rename.
 *
 * <p>Not thread-safe; one instance per call. The lock excludes other processes (and other calls in
 * this JVM) from the directory.
 */
public final class SyncState {
  static final String LOCK = "lock";
  static final String SNAPSHOT = "snapshot.bin";
  static final String PENDING = "pending";
  static final String NEXT = "next.bin";
  static final String ADDS = "adds.bin";
  static final String REMOVES = "removes.bin";
  static final String MANIFEST = "manifest.properties";
  static final String JOURNAL = "journal.log";

  private final Path dir;

  public SyncState(Path dir) {
    this.dir = dir;
  }

  public Path directory() {
    return dir;
  }

  public Path snapshot() {
    return dir.resolve(SNAPSHOT);
  }

  public Path pending() {
    return dir.resolve(PENDING);
  }

  public Path next() {
    return pending().resolve(NEXT);
  }

  public Path adds() {
    return pending().resolve(ADDS);
  }

  public Path removes() {
    return pending().resolve(REMOVES);
  }

  public Path journal() {
    return pending().resolve(JOURNAL);
  }

  /** The size of the audience after the last completed sync (0 before the first). */
  public long size() {
    Path snapshot = snapshot();
    try {
      return Files.exists(snapshot) ? Records.header(snapshot).count() : 0;
    } catch (IOException e) {
      throw new AudienceSyncException("state: cannot read " + snapshot + ": " + e.getMessage(), e);
    }
  }

  /** Whether a computed diff waits to be sent. */
  public boolean hasPending() {
    return Files.exists(pending().resolve(MANIFEST));
  }

  /** A held lock on the state directory. */
  public interface Lock extends AutoCloseable {
    @Override
    void close() throws IOException;
  }

  /**
   * Takes the exclusive lock, creating the directory and its lock file if needed.
   *
   * @throws AudienceSyncException if another sync (or dry run) holds the lock
   */
  public Lock lock() throws IOException {
    Files.createDirectories(dir);
    return take(FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE), false);
  }

  /**
   * Takes a shared lock for a reader that writes nothing here: no directory or lock file is
   * created. If there is no lock file yet no sync has run, and there is nothing to hold.
   *
   * @throws AudienceSyncException if a sync holds the lock
   */
  public Lock readLock() throws IOException {
    Path file = dir.resolve(LOCK);
    if (!Files.exists(file)) {
      return () -> {};
    }
    return take(FileChannel.open(file, StandardOpenOption.READ), true);
  }

  private Lock take(FileChannel channel, boolean shared) throws IOException {
    FileLock lock;
    try {
      lock = channel.tryLock(0, Long.MAX_VALUE, shared);
    } catch (OverlappingFileLockException e) {
      lock = null; // held by another call in this JVM
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
    if (lock == null) {
      channel.close();
      throw new AudienceSyncException("state: " + dir + " is locked by another audience sync");
    }
    FileLock held = lock;
    return () -> {
      held.release();
      channel.close();
    };
  }

  /** Replaces any leftover pending directory by an empty one. */
  public void startPending() throws IOException {
    deleteTree(pending());
    Files.createDirectories(pending());
  }

  /** Deletes the pending directory, if any. */
  public void discardPending() throws IOException {
    deleteTree(pending());
  }

  /**
   * Writes the manifest durably and renames it into place: from here on the diff in {@code
   * pending/} is resumable.
   */
  public void writeManifest(Manifest manifest, String comment) throws IOException {
    Properties p = manifest.toProperties();
    Path tmp = pending().resolve(MANIFEST + ".tmp");
    try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
      p.store(w, comment);
    }
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    move(tmp, pending().resolve(MANIFEST));
  }

  /** Reads the manifest of the pending sync. */
  public Manifest readManifest() throws IOException {
    Properties m = new Properties();
    try (Reader r = Files.newBufferedReader(pending().resolve(MANIFEST), StandardCharsets.UTF_8)) {
      m.load(r);
    }
    return Manifest.fromProperties(m);
  }

  /** Makes the pending next snapshot the snapshot and deletes the pending directory. */
  public void commit() throws IOException {
    // After a crash between this rename and the deletion below, next.bin is already the snapshot.
    if (Files.exists(next())) {
      move(next(), snapshot());
    }
    deleteTree(pending());
  }

  /** An atomic rename where the file system supports one. */
  static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Deletes {@code root} and everything under it; nothing if it does not exist. */
  public static void deleteTree(@Nullable Path root) throws IOException {
    if (root == null || !Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}

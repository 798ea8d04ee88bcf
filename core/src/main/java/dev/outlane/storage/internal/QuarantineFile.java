package dev.outlane.storage.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Where a log's owner keeps records it could not read, so that retention can delete the segments
 * they came from without losing them: {@code quarantine.log} beside the segments.
 *
 * <h2>Format (version 1, big-endian)</h2>
 *
 * <pre>
 * quarantine.log
 *   header  : magic "OLJQ" (4) | format version = 1 (2) | reserved = 0 (18)         = 24 bytes
 *   record* : exactly as in a segment (see {@link SegmentedLog}): length | CRC32C | type | LSN
 *             | payload, each record with the type and LSN it had in its segment
 * </pre>
 *
 * The file is replaced whole (written beside, flushed, renamed over, directory flushed), so a crash
 * leaves either the old or the new one; it is created {@code 0600}. It never matches the segment
 * name pattern, so the log itself never reads or deletes it.
 *
 * <p>Not thread-safe: used by the log's owner while it holds the directory's lock.
 *
 * <p>This format is indexed, with every other on-disk format and its version, in {@code
 * ARCHITECTURE.md}, section "On-disk formats"; keep the two in step.
 */
public final class QuarantineFile {
  /** The file's name in the log's directory. */
  public static final String NAME = "quarantine.log";
  /** "OLJQ": Outlane journal quarantine. */
  static final int MAGIC = 0x4F4C4A51;
  static final short FORMAT_VERSION = 1;

  /** One quarantined record. */
  public record Entry(byte type, long lsn, byte[] payload) {}

  private QuarantineFile() {}

  /**
   * Reads every checksum-valid record of {@code directory}'s quarantine file into {@code replay}
   * (with segment id 0), in file order; nothing if there is no file. A file that is damaged (a bad
   * header, or a record that fails its checksum) is never rewritten, which would drop what follows
   * the damage: it is renamed to {@code quarantine-damaged-<millis>.log}, kept for inspection, and
   * the records read before the damage are returned as usual.
   *
   * @return null if the file was whole (or absent), else a line saying what was damaged and where
   *     the file now is
   * @throws IOException if the file cannot be read or renamed
   */
  public static @Nullable String read(Path directory, SegmentedLog.Replay replay)
      throws IOException {
    Path path = directory.resolve(NAME);
    String damage;
    try (FileChannel c = FileChannel.open(path, StandardOpenOption.READ)) {
      long size = c.size();
      ByteBuffer header = ByteBuffer.allocate(SegmentedLog.HEADER_SIZE);
      while (header.hasRemaining() && c.read(header, header.position()) > 0) {
        // read until full
      }
      header.flip();
      if (size < SegmentedLog.HEADER_SIZE || header.getInt() != MAGIC
          || header.getShort() != FORMAT_VERSION) {
        damage = "not a version-" + FORMAT_VERSION + " quarantine file";
      } else {
        SegmentedLog.Scan scan = SegmentedLog.scanRecords(c, 0, size, replay);
        damage = scan.damage == null ? null : scan.damage + " at offset " + scan.goodEnd;
      }
    } catch (NoSuchFileException e) {
      return null;
    }
    if (damage == null) {
      return null;
    }
    Path kept = directory.resolve("quarantine-damaged-" + System.currentTimeMillis() + ".log");
    Files.move(path, kept);
    return NAME + ": " + damage + "; kept as " + kept.getFileName();
  }

  /**
   * Replaces {@code directory}'s quarantine file with {@code entries}; deletes it if there are none.
   *
   * @throws IOException if it cannot be written (the old file is then left as it was)
   */
  public static void write(Path directory, List<Entry> entries, boolean fsync) throws IOException {
    Path path = directory.resolve(NAME);
    if (entries.isEmpty()) {
      if (Files.deleteIfExists(path) && fsync) {
        SegmentedLog.syncDirectory(directory, "quarantine");
      }
      return;
    }
    Path tmp = directory.resolve(NAME + ".tmp");
    Files.deleteIfExists(tmp);
    try (FileChannel c = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE), OwnerOnly.fileAttributes(tmp))) {
      ByteBuffer header = ByteBuffer.allocate(SegmentedLog.HEADER_SIZE);
      header.putInt(MAGIC).putShort(FORMAT_VERSION);
      header.position(SegmentedLog.HEADER_SIZE).flip();
      writeFully(c, header);
      for (Entry e : entries) {
        writeFully(c, SegmentedLog.frame(e.type(), e.lsn(), e.payload()));
      }
      if (fsync) {
        c.force(false);
      }
    } catch (IOException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    if (fsync) {
      SegmentedLog.syncDirectory(directory, "quarantine");
    }
  }

  private static void writeFully(FileChannel c, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      c.write(b);
    }
  }
}

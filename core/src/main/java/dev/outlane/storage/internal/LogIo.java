package dev.outlane.storage.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;

/**
 * The three file operations the log's writer performs, behind one seam so tests can count flushes
 * and inject "No space left on device" at a chosen byte without a full disk. The default
 * implementation ({@link #standard()}) is plain {@link FileChannel} I/O.
 *
 * <p>Implementations are called from the log's single writer thread only.
 */
public interface LogIo {
  /**
   * Opens a new segment file for writing; it must not exist yet. It is created owner-only ({@code
   * 0600}) where the file system has POSIX permissions (see {@link OwnerOnly}).
   */
  default FileChannel create(Path path) throws IOException {
    return FileChannel.open(path, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
        StandardOpenOption.READ), OwnerOnly.fileAttributes(path));
  }

  /** Writes all of {@code buffer} at the channel's position. */
  default void write(FileChannel channel, ByteBuffer buffer) throws IOException {
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
  }

  /**
   * Makes everything written to {@code channel} durable. {@code force(false)}: file data and the
   * metadata needed to read it back (its size), but not timestamps — what a write-ahead log needs.
   */
  default void force(FileChannel channel) throws IOException {
    channel.force(false);
  }

  /** Plain file I/O. */
  static LogIo standard() {
    return StandardLogIo.INSTANCE;
  }
}

/** The implementation behind {@link LogIo#standard()}. */
final class StandardLogIo implements LogIo {
  static final StandardLogIo INSTANCE = new StandardLogIo();

  private StandardLogIo() {}
}

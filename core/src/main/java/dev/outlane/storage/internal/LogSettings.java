package dev.outlane.storage.internal;

import java.nio.file.Path;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The settings every file-backed store on a {@link SegmentedLog} shares — directory, segment size,
 * fsync and the test-only {@link LogIo} seam — with their validation written once. Each public
 * builder holds one of these and forwards its setters to it, so the public builders keep their own
 * method names and Javadoc while the checks and their messages live here.
 *
 * <p>Not thread-safe: owned by one builder, used on the thread that configures it.
 */
public final class LogSettings {
  /** The smallest segment a store accepts: one page, so a segment holds more than its header. */
  static final long MIN_SEGMENT_SIZE = 4096;

  private final String segmentSizeLabel;
  private @Nullable Path directory;
  private long segmentSize;
  private boolean fsync = true;
  private LogIo io = LogIo.standard();
  private long segmentMaxAgeNanos;
  private LongSupplier ticker = System::nanoTime;

  /**
   * @param defaultSegmentSize the owning store's default segment size in bytes
   * @param segmentSizeLabel how the owning builder's published message names the field, e.g.
   *     {@code "segmentSize"} or {@code "segmentSize:"}; kept per store so no message changes
   */
  public LogSettings(long defaultSegmentSize, String segmentSizeLabel) {
    this.segmentSize = defaultSegmentSize;
    this.segmentSizeLabel = Objects.requireNonNull(segmentSizeLabel, "segmentSizeLabel");
  }

  /** Sets the directory the log lives in. */
  public void directory(Path directory) {
    this.directory = Objects.requireNonNull(directory, "directory");
  }

  /**
   * Sets the segment size.
   *
   * @throws IllegalArgumentException if {@code bytes} is below 4 KiB
   */
  public void segmentSize(long bytes) {
    if (bytes < MIN_SEGMENT_SIZE) {
      throw new IllegalArgumentException(
          segmentSizeLabel + " must be at least 4096 bytes, was " + bytes);
    }
    this.segmentSize = bytes;
  }

  /** Sets whether the writer flushes to the device. */
  public void fsync(boolean fsync) {
    this.fsync = fsync;
  }

  /** Sets how long a segment holding records may stay open; 0 closes segments by size only. */
  public void segmentMaxAgeNanos(long nanos) {
    if (nanos < 0) {
      throw new IllegalArgumentException("segmentMaxAge must not be negative, was " + nanos);
    }
    this.segmentMaxAgeNanos = nanos;
  }

  /** Sets the monotonic nanosecond clock segment ages are measured with (tests only). */
  public void ticker(LongSupplier ticker) {
    this.ticker = Objects.requireNonNull(ticker, "ticker");
  }

  /** Sets the file operations (tests only). */
  public void io(LogIo io) {
    this.io = Objects.requireNonNull(io, "io");
  }

  /**
   * The directory, checked before a store opens.
   *
   * @throws IllegalStateException {@code "directory is required"} if it was not set
   */
  public Path directory() {
    return required(directory, "directory");
  }

  /**
   * The log's configuration with these settings.
   *
   * @throws IllegalStateException if the directory was not set
   */
  public SegmentedLog.Config config(RecordType.Log log, long maxWaitNanos, int maxBatch,
      int queueCapacity) {
    return new SegmentedLog.Config(directory(), log, segmentSize, maxWaitNanos, maxBatch,
        queueCapacity, fsync, io, segmentMaxAgeNanos, ticker);
  }

  /**
   * Returns {@code value}, or fails the way every store's {@code open()} reports a missing setting.
   *
   * @throws IllegalStateException {@code "<field> is required"} if {@code value} is null
   */
  public static <T> T required(@Nullable T value, String field) {
    if (value == null) {
      throw new IllegalStateException(field + " is required");
    }
    return value;
  }
}

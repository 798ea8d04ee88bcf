package dev.outlane.storage.internal;

import dev.outlane.storage.RecoveryReport;
import dev.outlane.storage.StorageException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An append-only log of typed records in numbered segment files, written by one thread with group
 * commit, and read back with torn-tail recovery on open.
 *
 * <h2>Format (version 1, big-endian)</h2>
 *
 * <pre>
 * segment-&lt;20-digit id&gt;.log
 *   header  : magic "OLJL" (4) | format version = 1 (2) | reserved = 0 (2) | segment id (8)
 *             | first log sequence number (LSN) this segment may hold (8)          = 24 bytes
 *   record* : payload length N (4) | CRC32C of the next 9 + N bytes (4) | type (1) | LSN (8)
 *             | payload (N)                                                        = 17 + N bytes
 * outlane.lock : held with FileChannel.tryLock while the log is open
 * </pre>
 *
 * <p>Every file is created {@code 0600} and the directory (and any parent this creates) {@code
 * 0700}, where the file system has POSIX permissions; segments an older release left {@code 0644}
 * are restricted when the log is opened (see {@link OwnerOnly}).
 *
 * <p>Every record gets the next LSN, strictly increasing for the directory's lifetime (the header's
 * first LSN keeps the counter monotonic even after every older segment was deleted; the newest
 * segment is never deleted before this process has written one of its own). A new segment is
 * started by the first write after open (so opening only to read leaves no file behind) and
 * whenever the next record would take the current one past the configured size, or the current one
 * holds records and is older than the configured maximum age (the writer wakes up for that even
 * when nothing is written; the fresh segment then holds only its header), so records are only
 * ever appended to a file this process created, and a finished segment becomes deletable within
 * that age.
 *
 * <h2>Group commit</h2>
 *
 * {@link #submit} puts a request on a bounded queue (the caller blocks while it is full) and
 * returns a {@link Ticket}. The writer thread takes every queued request (up to {@code maxBatch}),
 * and, while more callers are on their way into {@code submit}, waits up to {@code maxWait} for
 * them; it then writes the whole batch and flushes it with <em>one</em> {@link LogIo#force}, and
 * only then runs the requests' {@link Written} callbacks and completes their tickets. Requests
 * marked non-durable are written in the same order but never wait for, or cause, a flush.
 *
 * <h2>Recovery</h2>
 *
 * On open every segment is read in order and each checksum-valid record handed to a {@link Replay}.
 * At the first bad record (a header or payload cut short, an implausible length, a checksum
 * mismatch) reading of that segment stops. In the last segment that is the torn tail a crash
 * leaves: it is truncated. In an earlier segment (which can only happen after a disk fault, or when
 * a failed write could not be rolled back) the rest of that segment is skipped and left on disk for
 * inspection; later segments are still read. A segment with a foreign header is renamed to
 * {@code <name>.corrupt}. Both are listed in the {@link RecoveryReport} and logged at WARN, without
 * record contents.
 *
 * <h2>Retention</h2>
 *
 * After each batch the writer deletes closed segments <em>from the oldest on</em> for as long as
 * the owner's {@link Retention} says a segment may go. Deleting only a prefix keeps a later record
 * that refers to an earlier one (a completion to its event) on disk for as long as the earlier one
 * is.
 *
 * <p>Thread-safe. Callbacks ({@link Written}, {@link Retention}) run on the writer thread, one at a
 * time, except during {@link #open}, where {@link Replay} and {@link Retention} run on the opening
 * thread before the writer starts.
 *
 * <p>This format is indexed, with every other on-disk format and its version, in {@code
 * ARCHITECTURE.md}, section "On-disk formats"; keep the two in step.
 *
 * <p>Longer than the project's ~500-line guide on purpose: the writer loop, segment rolling,
 * retention and recovery all read and write the same segment state (current channel, closed
 * segments, next LSN), which only the writer thread may touch after open; splitting them would
 * hand that state across classes without making any part testable on its own that {@code
 * SegmentedLogTest} does not already test through this one seam.
 */
public final class SegmentedLog implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SegmentedLog.class);

  /** "OLJL": Outlane journal log. */
  static final int MAGIC = 0x4F4C4A4C;
  /** The only format this release writes and reads. */
  static final short FORMAT_VERSION = 1;
  /** Bytes of a segment header: magic 4, version 2, reserved 2, segment id 8, first LSN 8. */
  public static final int HEADER_SIZE = 24;
  /** Bytes a record adds to its payload: length 4, CRC 4, type 1, LSN 8. */
  public static final int FRAME_OVERHEAD = 17;
  /**
   * The largest payload accepted. Events are at most 32 KiB by the v1 contract; 16 MiB leaves room
   * for any dead letter while letting recovery reject a garbage length without allocating
   * gigabytes.
   */
  public static final int MAX_PAYLOAD = 16 * 1024 * 1024;
  /** The lock file's name inside the directory. */
  public static final String LOCK_FILE = "outlane.lock";

  private static final Pattern SEGMENT_NAME = Pattern.compile("segment-(\\d{20})\\.log");
  private static final Request CLOSE = new Request((byte) 0, new byte[0], false, null);
  /** Type of a request that writes nothing: it only makes the writer look at the clock. */
  private static final byte WAKE = 0;

  /** Receives each record read back on open, oldest first. */
  @FunctionalInterface
  public interface Replay {
    void record(long segmentId, byte type, long lsn, byte[] payload);
  }

  /** Told, on the writer thread, that a record is written (and durable, if it was asked to be). */
  @FunctionalInterface
  public interface Written {
    void written(long segmentId, long lsn);
  }

  /** Decides whether a closed segment may be deleted; asked oldest first, on the writer thread. */
  @FunctionalInterface
  public interface Retention {
    boolean canDelete(long segmentId);

    /** Keeps every segment. */
    static Retention keepAll() {
      return segmentId -> false;
    }
  }

  /**
   * How a log is opened.
   *
   * @param directory where its files live; created if missing
   * @param log which store's log this is: the record types it accepts and its name in messages
   * @param segmentSize the size at which a segment is closed and a new one started
   * @param maxWaitNanos how long the writer may wait to gather more records into a group commit
   * @param maxBatch the most records written per flush
   * @param queueCapacity the most requests waiting for the writer; submitters block beyond it
   * @param fsync whether to flush to the device; off only for tests and benchmarks
   * @param io the file operations
   * @param segmentMaxAgeNanos how long a segment that holds records stays open before it is closed
   *     (and a fresh one started), even if no record arrives; 0 closes segments only by size
   * @param ticker the monotonic clock, in nanoseconds, that segment ages are measured with
   */
  public record Config(
      Path directory,
      RecordType.Log log,
      long segmentSize,
      long maxWaitNanos,
      int maxBatch,
      int queueCapacity,
      boolean fsync,
      LogIo io,
      long segmentMaxAgeNanos,
      LongSupplier ticker) {
    public Config {
      Objects.requireNonNull(directory, "directory");
      Objects.requireNonNull(log, "log");
      Objects.requireNonNull(io, "io");
      Objects.requireNonNull(ticker, "ticker");
    }

    /** What the log is called in messages ({@code journal}, {@code dead-letter store}). */
    public String name() {
      return log.label();
    }
  }

  private final Config config;
  private final Path directory;
  private final Retention retention;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final RecoveryReport report;
  private final BlockingQueue<Request> queue;
  /** Callers inside {@link #submit} whose request the writer has not taken yet. */
  private final AtomicInteger inbound = new AtomicInteger();
  /** Read-held to submit, write-held to close: nothing is queued after the close marker. */
  private final ReentrantReadWriteLock gate = new ReentrantReadWriteLock();
  private final Thread writer;
  private volatile boolean closed;
  private volatile boolean halted;

  // Writer-thread state (and the opening thread's, before the writer starts).
  private final ArrayDeque<Long> closedSegments = new ArrayDeque<>();
  private final List<Request> unacked = new ArrayList<>();
  private @Nullable FileChannel current;
  private long currentId;
  private long currentSize;
  private long segmentBatchStart;
  /** When the current segment was started, by {@link Config#ticker()}. */
  private long segmentStartedAt;
  private boolean unforced;
  private long nextSegmentId = 1;
  private long nextLsn = 1;

  private SegmentedLog(Config config, Retention retention, Replay replay) {
    this.config = config;
    this.directory = config.directory();
    this.retention = retention;
    this.queue = new ArrayBlockingQueue<>(config.queueCapacity());
    try {
      OwnerOnly.createDirectories(directory);
    } catch (IOException e) {
      throw new StorageException(
          "cannot create " + config.name() + " directory " + directory + ": " + reason(e), e);
    }
    Path lockPath = directory.resolve(LOCK_FILE);
    try {
      lockChannel = FileChannel.open(lockPath,
          Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
          OwnerOnly.fileAttributes(lockPath));
      OwnerOnly.restrictFile(lockPath);
    } catch (IOException e) {
      throw new StorageException(
          "cannot open " + config.name() + " lock file " + lockPath + ": " + reason(e), e);
    }
    FileLock acquired;
    try {
      acquired = lockChannel.tryLock();
    } catch (OverlappingFileLockException | IOException e) {
      acquired = null;
    }
    if (acquired == null) {
      closeQuietly(lockChannel);
      throw new StorageException(config.name() + " directory " + directory
          + " is already in use: another process (or another open " + config.name()
          + " in this one) holds " + lockPath);
    }
    lock = acquired;
    try {
      report = recover(replay);
      deleteWhatRetentionAllows();
    } catch (IOException e) {
      releaseLock();
      throw new StorageException(
          "cannot open " + config.name() + " in " + directory + ": " + reason(e), e);
    } catch (RuntimeException e) {
      releaseLock();
      throw e;
    }
    writer = new Thread(this::runWriter, "outlane-" + config.name().replace(' ', '-') + "-writer");
    // Daemon: a caller that forgot close() must not keep the JVM alive; callers waiting on tickets
    // were never told their record was durable, so nothing acknowledged is lost at exit.
    writer.setDaemon(true);
    writer.start();
  }

  /**
   * Opens (creating if needed) the log in {@code config.directory()}, replaying every readable
   * record into {@code replay} before returning.
   *
   * @throws StorageException if the directory cannot be created or locked, or a segment was written
   *     by a newer format version
   */
  public static SegmentedLog open(Config config, Replay replay, Retention retention) {
    return new SegmentedLog(config, retention, replay);
  }

  /** What opening found. */
  public RecoveryReport recoveryReport() {
    return report;
  }

  /** Requests queued for the writer and not yet taken: for tests that stage a group commit. */
  public int queued() {
    return queue.size();
  }

  /**
   * Queues a record. Blocks while the queue is full (the bounded-queue policy: back-pressure on the
   * caller).
   *
   * @param durable whether the record must be flushed before its ticket completes
   * @param onWritten run on the writer thread once the record is written (and flushed, if durable),
   *     before the ticket completes; not run if writing fails
   * @throws IllegalArgumentException if {@code type} belongs to another store's log
   * @throws StorageException if the log is closed or the payload exceeds {@link #MAX_PAYLOAD}
   */
  public Ticket submit(
      RecordType type, byte[] payload, boolean durable, @Nullable Written onWritten) {
    if (type.log() != config.log()) {
      throw new IllegalArgumentException("record type " + type + " belongs in the "
          + type.log().label() + ", not the " + config.name());
    }
    return enqueue(type.code(), payload, durable, onWritten);
  }

  private Ticket enqueue(byte type, byte[] payload, boolean durable, @Nullable Written onWritten) {
    if (payload.length > MAX_PAYLOAD) {
      throw new StorageException(config.name() + " record of " + payload.length
          + " bytes exceeds the limit of " + MAX_PAYLOAD + " bytes");
    }
    Request request = new Request(type, payload, durable, onWritten);
    inbound.incrementAndGet();
    boolean queued = false;
    gate.readLock().lock();
    try {
      if (closed) {
        throw closedException();
      }
      putUninterruptibly(request);
      queued = true;
    } finally {
      gate.readLock().unlock();
      if (!queued) {
        inbound.decrementAndGet();
      }
    }
    return new Ticket(request);
  }

  /**
   * Makes the writer look at the clock now, closing the current segment if it is older than
   * {@link Config#segmentMaxAgeNanos()}, and waits until it did (and deleted what retention
   * allows). Writes nothing. For tests that drive a manual ticker; the writer also wakes by itself
   * when a segment comes of age.
   *
   * @throws StorageException if the log is closed
   */
  public void wake() {
    enqueue(WAKE, new byte[0], false, null).await();
  }

  /**
   * Writes what is queued, flushes, closes the files and releases the directory lock. Idempotent.
   */
  @Override
  public void close() {
    gate.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
    } finally {
      gate.writeLock().unlock();
    }
    inbound.incrementAndGet(); // the writer counts the marker down like any request
    putUninterruptibly(CLOSE);
    joinUninterruptibly(writer);
    releaseLock();
  }

  /**
   * Stops as a killed process would: the writer stops wherever it is, nothing more is written or
   * flushed, queued requests fail, file handles are dropped and the lock released. For crash tests.
   */
  public void haltForTesting() {
    halted = true;
    writer.interrupt();
    joinUninterruptibly(writer);
    try {
      while (!gate.writeLock().tryLock(1, TimeUnit.MILLISECONDS)) {
        failQueued();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      gate.writeLock().lock();
    }
    try {
      closed = true;
    } finally {
      gate.writeLock().unlock();
    }
    failQueued();
    FileChannel c = current;
    if (c != null) {
      closeQuietly(c);
    }
    releaseLock();
  }

  /** The outcome of one {@link #submit}. */
  public static final class Ticket {
    private final Request request;

    private Ticket(Request request) {
      this.request = request;
    }

    /**
     * Waits until the record is written (and flushed, if durable). Waiting is not interruptible, so
     * the answer is always definite; an interrupt is kept and re-asserted on return.
     *
     * @return the record's LSN
     * @throws StorageException naming the reason the record was not stored
     */
    public long await() {
      boolean interrupted = false;
      try {
        while (true) {
          try {
            return request.done.get();
          } catch (InterruptedException e) {
            interrupted = true;
          } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new StorageException(
                cause == null ? "record not stored" : String.valueOf(cause.getMessage()), cause);
          }
        }
      } finally {
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  private static final class Request {
    final byte type;
    final byte[] payload;
    final boolean durable;
    final @Nullable Written onWritten;
    final CompletableFuture<Long> done = new CompletableFuture<>();
    long lsn;
    long segmentId;

    Request(byte type, byte[] payload, boolean durable, @Nullable Written onWritten) {
      this.type = type;
      this.payload = payload;
      this.durable = durable;
      this.onWritten = onWritten;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Writer thread

  private void runWriter() {
    List<Request> batch = new ArrayList<>();
    boolean stop = false;
    retireFinishedTail();
    while (!stop && !halted) {
      batch.clear();
      try {
        Request first = takeOrAge();
        if (first == null) {
          closeAgedSegment();
          continue;
        }
        batch.add(first);
        inbound.decrementAndGet();
        stop = gather(batch);
      } catch (InterruptedException e) {
        break;
      }
      try {
        writeBatch(batch);
        if (!halted) {
          deleteWhatRetentionAllows();
        }
      } catch (RuntimeException e) {
        // A bug in a callback must not kill the only writer: fail this batch and carry on.
        log.error("{} {}: unexpected failure in the writer", config.name(), directory, e);
        failAll(batch, e);
      }
    }
    if (halted) {
      failAll(batch, closedException());
      return;
    }
    retireFinishedTail();
    FileChannel c = current;
    if (c != null) {
      try {
        if (unforced && config.fsync()) {
          config.io().force(c);
        }
      } catch (IOException e) {
        log.warn("{} {}: final flush on close failed: {}", config.name(), directory, reason(e));
      }
      closeQuietly(c);
      current = null;
    }
  }

  /**
   * The next request, or null once the current segment (holding records) reached its maximum age
   * with nothing queued.
   */
  private @Nullable Request takeOrAge() throws InterruptedException {
    long maxAge = config.segmentMaxAgeNanos();
    if (maxAge <= 0 || current == null || currentSize <= HEADER_SIZE) {
      return queue.take();
    }
    long remaining = segmentStartedAt + maxAge - config.ticker().getAsLong();
    return remaining <= 0 ? queue.poll() : queue.poll(remaining, TimeUnit.NANOSECONDS);
  }

  /** Whether the current segment holds records and is older than the maximum age. */
  private boolean segmentAged() {
    long maxAge = config.segmentMaxAgeNanos();
    return maxAge > 0 && current != null && currentSize > HEADER_SIZE
        && config.ticker().getAsLong() - segmentStartedAt >= maxAge;
  }

  /**
   * Closes the current segment because of its age and starts an empty one (whose header keeps LSNs
   * increasing), so that retention may delete the old one once its events are complete.
   */
  private void closeAgedSegment() {
    if (!segmentAged() || halted) {
      return;
    }
    try {
      rollSegment();
      startSegment();
    } catch (IOException e) {
      abandonCurrentSegment(e);
    }
    deleteWhatRetentionAllows();
  }

  /**
   * For a log whose segments age out: when the newest segment (the current one, or the previous
   * process's last one) holds only records retention lets go, replaces it with an empty one and
   * deletes it, so that what was finished before a close does not stay on disk through the reopen
   * until the next write. Runs when the writer starts and when it closes.
   */
  private void retireFinishedTail() {
    if (config.segmentMaxAgeNanos() <= 0 || halted) {
      return;
    }
    try {
      if (current != null) {
        if (currentSize > HEADER_SIZE && retention.canDelete(currentId)) {
          rollSegment();
          startSegment();
        }
      } else if (!closedSegments.isEmpty()
          && retention.canDelete(closedSegments.peekLast())
          && Files.size(directory.resolve(segmentName(closedSegments.peekLast()))) > HEADER_SIZE) {
        startSegment();
      }
    } catch (IOException e) {
      abandonCurrentSegment(e);
    }
    deleteWhatRetentionAllows();
  }

  /** Adds more queued requests to {@code batch}; returns whether the close marker was taken. */
  private boolean gather(List<Request> batch) throws InterruptedException {
    if (batch.get(batch.size() - 1) == CLOSE) {
      return true;
    }
    drain(batch);
    if (batch.get(batch.size() - 1) == CLOSE) {
      return true;
    }
    long maxWait = config.maxWaitNanos();
    if (maxWait <= 0) {
      return false;
    }
    long deadline = System.nanoTime() + maxWait;
    // Wait only while someone is on the way: a lone appender never pays the group-commit delay.
    while (batch.size() < config.maxBatch() && inbound.get() > 0) {
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0) {
        break;
      }
      Request next = queue.poll(remaining, TimeUnit.NANOSECONDS);
      if (next == null) {
        break;
      }
      inbound.decrementAndGet();
      batch.add(next);
      if (next == CLOSE) {
        return true;
      }
      drain(batch);
      if (batch.get(batch.size() - 1) == CLOSE) {
        return true;
      }
    }
    return false;
  }

  private void drain(List<Request> batch) {
    int before = batch.size();
    queue.drainTo(batch, config.maxBatch() - before);
    inbound.addAndGet(before - batch.size());
  }

  private void writeBatch(List<Request> batch) {
    int index = 0;
    try {
      for (; index < batch.size(); index++) {
        Request r = batch.get(index);
        if (r == CLOSE) {
          continue;
        }
        if (halted) {
          throw new IOException("halted");
        }
        if (r.type == WAKE) {
          if (segmentAged()) {
            rollSegment();
            startSegment();
          }
          unacked.add(r); // acknowledged with the batch; nothing is written
          continue;
        }
        int frame = FRAME_OVERHEAD + r.payload.length;
        if (current != null && currentSize > HEADER_SIZE
            && (currentSize + frame > config.segmentSize() || segmentAged())) {
          rollSegment();
        }
        if (current == null) {
          startSegment();
        }
        r.lsn = nextLsn++;
        r.segmentId = currentId;
        config.io().write(Objects.requireNonNull(current), frame(r));
        currentSize += frame;
        unacked.add(r);
        unforced = true;
      }
      flushAndAck();
    } catch (IOException e) {
      StorageException failure = new StorageException("could not write to " + config.name() + " "
          + directory + ": " + reason(e) + "; the record was not stored", e);
      failAll(unacked, failure);
      unacked.clear();
      for (int i = index; i < batch.size(); i++) {
        Request r = batch.get(i);
        if (r != CLOSE) {
          r.done.completeExceptionally(failure);
        }
      }
      if (!halted) {
        abandonCurrentSegment(e);
      }
    }
  }

  /** Flushes the current segment if a durable record waits on it, then acknowledges its records. */
  private void flushAndAck() throws IOException {
    boolean needsFlush = false;
    for (Request r : unacked) {
      needsFlush |= r.durable;
    }
    if (needsFlush && config.fsync()) {
      config.io().force(Objects.requireNonNull(current));
      unforced = false;
    }
    for (Request r : unacked) {
      Written w = r.onWritten;
      if (w != null) {
        w.written(r.segmentId, r.lsn);
      }
    }
    // Delete before releasing the callers, so a caller that returns sees the files as they are now.
    deleteWhatRetentionAllows();
    for (Request r : unacked) {
      r.done.complete(r.lsn);
    }
    unacked.clear();
    segmentBatchStart = currentSize;
  }

  private void rollSegment() throws IOException {
    FileChannel c = Objects.requireNonNull(current);
    if (unforced && config.fsync()) {
      config.io().force(c);
      unforced = false;
    }
    // Everything written to the closing segment is now durable: acknowledge it before moving on,
    // so a failure in the next segment cannot report these records as lost.
    flushAndAck();
    closeQuietly(c);
    closedSegments.addLast(currentId);
    current = null;
  }

  /**
   * After a failed write: cut the segment back to before this batch so a half-written record cannot
   * surface on recovery, and start the next batch in a fresh segment. If the cut fails too, the
   * garbage is at the end of what is now a closed segment, where recovery skips it.
   */
  private void abandonCurrentSegment(IOException cause) {
    FileChannel c = current;
    log.warn("{} {}: write failed ({}); continuing in a new segment", config.name(), directory,
        reason(cause));
    if (c == null) {
      return;
    }
    try {
      c.truncate(segmentBatchStart);
    } catch (IOException e) {
      log.warn("{} {}: could not cut the failed write from segment {}: {}", config.name(),
          directory, currentId, reason(e));
    }
    closeQuietly(c);
    closedSegments.addLast(currentId);
    current = null;
    unforced = false;
  }

  private void startSegment() throws IOException {
    long id = nextSegmentId++;
    Path path = directory.resolve(segmentName(id));
    FileChannel c = config.io().create(path);
    try {
      ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE);
      header.putInt(MAGIC).putShort(FORMAT_VERSION).putShort((short) 0)
          .putLong(id).putLong(nextLsn);
      header.flip();
      config.io().write(c, header);
      if (config.fsync()) {
        config.io().force(c);
        syncDirectory();
      }
    } catch (IOException e) {
      closeQuietly(c);
      Files.deleteIfExists(path);
      throw e;
    }
    current = c;
    currentId = id;
    currentSize = HEADER_SIZE;
    segmentStartedAt = config.ticker().getAsLong();
    segmentBatchStart = HEADER_SIZE;
  }

  /** Makes a new file's directory entry durable; some platforms cannot open a directory. */
  private void syncDirectory() {
    syncDirectory(directory, config.name());
  }

  static void syncDirectory(Path directory, String name) {
    try (FileChannel d = FileChannel.open(directory, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      log.debug("{} {}: directory sync not supported: {}", name, directory, reason(e));
    }
  }

  private void deleteWhatRetentionAllows() {
    // Until this process has a segment of its own, the newest old one stays: its header and records
    // are what keep LSNs increasing across reopens.
    int anchor = current == null ? 1 : 0;
    while (closedSegments.size() > anchor && retention.canDelete(closedSegments.peekFirst())) {
      long id = closedSegments.peekFirst();
      try {
        Files.deleteIfExists(directory.resolve(segmentName(id)));
      } catch (IOException e) {
        log.warn("{} {}: could not delete finished segment {}: {}", config.name(), directory, id,
            reason(e));
        return;
      }
      closedSegments.removeFirst();
    }
  }

  private static ByteBuffer frame(Request r) {
    return frame(r.type, r.lsn, r.payload);
  }

  /** One record in the segment format: length, CRC32C, type, LSN, payload. */
  static ByteBuffer frame(byte type, long lsn, byte[] payload) {
    int length = FRAME_OVERHEAD + payload.length;
    ByteBuffer b = ByteBuffer.allocate(length);
    b.putInt(payload.length).putInt(0).put(type).putLong(lsn).put(payload);
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 8, length - 8);
    b.putInt(4, (int) crc.getValue());
    b.flip();
    return b;
  }

  // ---------------------------------------------------------------------------------------------
  // Read-only snapshot (no lock, no writes)

  /**
   * Reads every checksum-valid record of the log in {@code directory} into {@code replay}, oldest
   * first, <em>without</em> taking the lock, truncating or deleting anything: safe while another
   * process has the log open and is writing. A record cut short or failing its checksum ends that
   * segment's reading (in the newest segment it is usually a record being written right now); a
   * segment deleted while it is being listed is skipped.
   *
   * @return how many records were read
   * @throws StorageException if the directory cannot be listed, or a segment was written by a newer
   *     format version
   */
  public static long readSnapshot(Path directory, String name, Replay replay) {
    TreeMap<Long, Path> segments = new TreeMap<>();
    try (Stream<Path> files = Files.list(directory)) {
      files.forEach(p -> {
        Matcher m = SEGMENT_NAME.matcher(p.getFileName().toString());
        if (m.matches()) {
          segments.put(Long.parseLong(m.group(1)), p);
        }
      });
    } catch (IOException e) {
      throw new StorageException("cannot list " + name + " directory " + directory + ": "
          + reason(e), e);
    }
    long records = 0;
    for (var entry : segments.entrySet()) {
      Path path = entry.getValue();
      try (FileChannel c = FileChannel.open(path, StandardOpenOption.READ)) {
        long size = c.size();
        if (size < HEADER_SIZE) {
          continue;
        }
        ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE);
        while (header.hasRemaining() && c.read(header, header.position()) > 0) {
          // read until full
        }
        header.flip();
        if (header.getInt() != MAGIC) {
          continue;
        }
        short version = header.getShort();
        if (version != FORMAT_VERSION) {
          throw new StorageException(name + " segment " + path + " has format version " + version
              + ", this release reads version " + FORMAT_VERSION);
        }
        records += scanRecords(c, entry.getKey(), size, replay).records;
      } catch (java.nio.file.NoSuchFileException e) {
        // Deleted by the owner between listing and opening: its records were all final.
      } catch (IOException e) {
        throw new StorageException("cannot read " + name + " segment " + path + ": " + reason(e), e);
      }
    }
    return records;
  }

  // ---------------------------------------------------------------------------------------------
  // Recovery (opening thread)

  private RecoveryReport recover(Replay replay) throws IOException {
    TreeMap<Long, Path> segments = new TreeMap<>();
    try (Stream<Path> files = Files.list(directory)) {
      files.forEach(p -> {
        Matcher m = SEGMENT_NAME.matcher(p.getFileName().toString());
        if (m.matches()) {
          segments.put(Long.parseLong(m.group(1)), p);
        }
      });
    }
    List<String> problems = new ArrayList<>();
    int scanned = 0;
    long records = 0;
    long truncated = 0;
    long skipped = 0;
    long maxLsn = 0;
    long lastFirstLsn = 1;
    Long lastId = segments.isEmpty() ? null : segments.lastKey();
    for (var entry : segments.entrySet()) {
      long id = entry.getKey();
      Path path = entry.getValue();
      boolean last = lastId != null && id == lastId;
      nextSegmentId = Math.max(nextSegmentId, id + 1);
      scanned++;
      boolean keep = true;
      try {
        OwnerOnly.restrictFile(path);
      } catch (IOException e) {
        log.warn("{} {}: could not restrict {} to 0600: {}", config.name(), directory,
            path.getFileName(), reason(e));
      }
      try (FileChannel c =
          FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
        long size = c.size();
        if (size < HEADER_SIZE) {
          String what = path.getFileName() + ": header cut short (" + size + " of " + HEADER_SIZE
              + " bytes)";
          if (last) {
            problems.add(what + "; removed the empty segment");
            truncated += size;
            keep = false;
          } else {
            problems.add(what + "; skipped it");
            skipped += size;
          }
        } else {
          ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE);
          while (header.hasRemaining() && c.read(header, header.position()) > 0) {
            // read until full
          }
          header.flip();
          int magic = header.getInt();
          short version = header.getShort();
          header.getShort();
          header.getLong();
          long firstLsn = header.getLong();
          if (magic != MAGIC) {
            problems.add(path.getFileName() + ": not an Outlane segment (bad magic); renamed to "
                + path.getFileName() + ".corrupt");
            skipped += size;
            keep = false;
            c.close();
            Files.move(path, path.resolveSibling(path.getFileName() + ".corrupt"),
                StandardCopyOption.REPLACE_EXISTING);
          } else if (version != FORMAT_VERSION) {
            throw new StorageException(config.name() + " segment " + path + " has format version "
                + version + ", this release reads version " + FORMAT_VERSION
                + "; open it with the release that wrote it");
          } else {
            if (last) {
              lastFirstLsn = firstLsn;
            }
            Scan scan = scanRecords(c, id, size, replay);
            records += scan.records;
            maxLsn = Math.max(maxLsn, scan.maxLsn);
            if (scan.damage != null) {
              long cut = size - scan.goodEnd;
              String where = path.getFileName() + ": " + scan.damage + " at offset " + scan.goodEnd;
              if (last) {
                c.truncate(scan.goodEnd);
                if (config.fsync()) {
                  config.io().force(c);
                }
                truncated += cut;
                problems.add(where + "; truncated " + cut + " bytes");
              } else {
                skipped += cut;
                problems.add(where + "; skipped the remaining " + cut
                    + " bytes of this earlier segment");
              }
            }
          }
        }
      }
      if (keep) {
        closedSegments.addLast(id);
      } else if (Files.exists(path)) {
        Files.delete(path);
      }
    }
    nextLsn = Math.max(maxLsn + 1, lastFirstLsn);
    RecoveryReport r = new RecoveryReport(scanned, records, truncated, skipped, problems);
    for (String p : problems) {
      log.warn("{} {}: {}", config.name(), directory, p);
    }
    if (!r.clean()) {
      log.warn("{} {}: recovered {} records from {} segments; truncated {} bytes, skipped {} bytes",
          config.name(), directory, records, scanned, truncated, skipped);
    }
    return r;
  }

  static final class Scan {
    long records;
    long maxLsn;
    long goodEnd;
    @Nullable String damage;
  }

  static Scan scanRecords(FileChannel c, long segmentId, long size, Replay replay)
      throws IOException {
    Scan scan = new Scan();
    long pos = HEADER_SIZE;
    c.position(pos);
    InputStream in = new BufferedInputStream(Channels.newInputStream(c), 1 << 16);
    byte[] head = new byte[FRAME_OVERHEAD];
    while (pos < size) {
      int n = in.readNBytes(head, 0, FRAME_OVERHEAD);
      if (n < FRAME_OVERHEAD) {
        scan.damage = "record header cut short (" + n + " of " + FRAME_OVERHEAD + " bytes)";
        break;
      }
      ByteBuffer h = ByteBuffer.wrap(head);
      int length = h.getInt();
      int crc = h.getInt();
      byte type = h.get();
      long lsn = h.getLong();
      if (length < 0 || length > MAX_PAYLOAD) {
        scan.damage = "implausible record length " + length;
        break;
      }
      if (pos + FRAME_OVERHEAD + length > size) {
        scan.damage = "record cut short (" + (size - pos - FRAME_OVERHEAD) + " of " + length
            + " payload bytes)";
        break;
      }
      byte[] payload = in.readNBytes(length);
      CRC32C check = new CRC32C();
      check.update(head, 8, FRAME_OVERHEAD - 8);
      check.update(payload);
      if ((int) check.getValue() != crc) {
        scan.damage = "checksum mismatch";
        break;
      }
      replay.record(segmentId, type, lsn, payload);
      scan.records++;
      scan.maxLsn = Math.max(scan.maxLsn, lsn);
      pos += FRAME_OVERHEAD + length;
    }
    scan.goodEnd = pos;
    return scan;
  }

  // ---------------------------------------------------------------------------------------------

  static String segmentName(long id) {
    return String.format("segment-%020d.log", id);
  }

  private StorageException closedException() {
    return new StorageException(config.name() + " " + directory + " is closed");
  }

  private void failQueued() {
    List<Request> left = new ArrayList<>();
    queue.drainTo(left);
    failAll(left, closedException());
  }

  private static void failAll(List<Request> requests, Throwable cause) {
    for (Request r : requests) {
      if (r != CLOSE) {
        r.done.completeExceptionally(cause);
      }
    }
  }

  private void putUninterruptibly(Request request) {
    boolean interrupted = false;
    while (true) {
      try {
        queue.put(request);
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private static void joinUninterruptibly(Thread t) {
    boolean interrupted = false;
    while (true) {
      try {
        t.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void releaseLock() {
    try {
      lock.release();
    } catch (IOException e) {
      log.debug("{} {}: releasing the lock failed: {}", config.name(), directory, reason(e));
    }
    closeQuietly(lockChannel);
  }

  private static void closeQuietly(FileChannel c) {
    try {
      c.close();
    } catch (IOException e) {
      log.debug("closing a file failed: {}", reason(e));
    }
  }

  /** The operating system's reason, without a stack trace: "No space left on device". */
  static String reason(IOException e) {
    if (e instanceof FileSystemException fse) {
      // Its getMessage() repeats the file; say the reason first, then the file it concerns.
      String why = fse.getReason();
      String file = fse.getFile();
      return (why == null ? e.getClass().getSimpleName() : why)
          + (file == null ? "" : " (" + file + ")");
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

}

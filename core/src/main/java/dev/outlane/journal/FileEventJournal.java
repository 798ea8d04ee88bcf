package dev.outlane.journal;

import dev.outlane.OutlaneException;
import dev.outlane.contract.RetentionEvent;
import dev.outlane.identity.Identity;
import dev.outlane.identity.IdentityNormalizer;
import dev.outlane.storage.EncryptionKey;
import dev.outlane.storage.RecoveryReport;
import dev.outlane.storage.StorageException;
import dev.outlane.storage.internal.LogIo;
import dev.outlane.storage.internal.LogSettings;
import dev.outlane.storage.internal.PayloadCipher;
import dev.outlane.storage.internal.QuarantineFile;
import dev.outlane.storage.internal.RecordType;
import dev.outlane.storage.internal.SegmentedLog;
import dev.outlane.storage.internal.Unreadable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded write-ahead journal: a directory of append-only, checksummed segment files. No
 * server.
 *
 * <pre>{@code
 * try (FileEventJournal journal = FileEventJournal.builder()
 *     .directory(Path.of("/var/lib/outlane/journal"))
 *     .serializer(serializer)
 *     .open()) {
 *   for (EventJournal.Pending p : journal.pending()) { ... redeliver p.event(), then complete ... }
 *   long seq = journal.append(event);   // returns once the event is on disk
 *   ...
 *   journal.complete(seq);              // once every destination reached a final state
 * }
 * }</pre>
 *
 * <h2>Durability</h2>
 *
 * {@link #append} returns only after its EVENT record is flushed to the device
 * ({@code FileChannel.force}). Concurrent appends share one flush (group commit): a single writer
 * thread takes every queued record, writes them, flushes once and then releases all their callers.
 * When more appenders are on their way it waits up to {@link Builder#groupCommitMaxWait} to add
 * them to the same flush; a lone appender never waits.
 *
 * <p>{@link #complete} writes a COMPLETE record but does not wait for, or cause, a flush: it is
 * made durable by the next append's flush or by {@link #close()}. That is safe because losing a
 * completion (power cut before the next flush) only means the event is found pending on the next
 * open and delivered again, and redelivery is what idempotency keys make harmless. Losing an EVENT
 * would lose data; losing a COMPLETE costs a duplicate attempt.
 *
 * <h2>Disk use and PII</h2>
 *
 * Segments close at {@link Builder#segmentSize} (default 4 MiB) or, if they hold records, once they
 * are {@link Builder#segmentMaxAge} old (default 60 s; the writer wakes up for that even when
 * nothing is appended), and a closed segment is deleted once every event in it is completed (its
 * completion may sit in a later segment) and every older segment is deleted. Deleting in order
 * keeps a completion on disk for as long as its event is.
 *
 * <p><b>The bound:</b> a completed event's bytes (its raw email and phone) are deleted from disk by
 * {@code max(its completion, its segment's start + segmentMaxAge)}, at the latest after {@code
 * segmentSize} more bytes were journaled, provided every older event is completed too. The one
 * thing that extends it is an older event still pending (a destination down for hours keeps the
 * segments after its event until it is completed or dead-lettered; dead letters live in the
 * dead-letter store, not here). Under steady load disk use is about one segment plus whatever the
 * oldest pending event holds back. Each age roll leaves a 24-byte empty segment whose header keeps
 * sequence numbers increasing. With {@link Builder#encryptionKey} set, what is on disk in the
 * meantime is unreadable without the key.
 *
 * <h2>Crashes</h2>
 *
 * Opening reads every segment back: events without a completion become {@link #pending()}. A record
 * cut short or failing its CRC32C at the end of the last segment (the process died mid-write) is
 * truncated; every complete record before it is kept. See {@link #recoveryReport()}.
 *
 * <h2>Unreadable events</h2>
 *
 * An event whose bytes the serializer cannot read (a record written by a newer release, or by an
 * older one under identity rules the current ones refuse) is never dropped. It is not returned as
 * pending; it is copied, with its sequence, into {@code quarantine.log} in the directory (format on
 * {@code QuarantineFile}) before the segment holding it may be deleted, counted in {@link
 * RecoveryReport#unreadableRecords()}, listed in its problems and logged once at WARN without its
 * contents. Every open tries the quarantined events again: one that reads now (the region was
 * switched back, a newer release) is journaled again under a new sequence, returned as pending
 * and dropped from the quarantine file. (A crash between those two steps leaves it in both, so it
 * is delivered with the same idempotency key twice, which the idempotency store absorbs.)
 *
 * <p>Only one journal may have a directory open at a time: a lock file held with
 * {@code FileChannel.tryLock} makes a second open, in this or another process, fail clearly.
 *
 * <p>Thread-safe. {@link #append} blocks its caller (uninterruptibly, so the answer is definite);
 * {@link #complete} blocks only while the writer's bounded queue is full.
 *
 * <p>Its segments, record types and quarantine file are specified in {@code ARCHITECTURE.md},
 * section "On-disk formats".
 *
 * <p>A little over the project's ~500-line guide: the log engine itself is {@code SegmentedLog};
 * what stays here is the journal's own contract (pending events, completion, retention of PII-bearing
 * segments, the encryption envelope choice), most of it javadoc a user of the durable mode reads.
 */
public final class FileEventJournal implements EventJournal {
  private static final Logger logger = LoggerFactory.getLogger(FileEventJournal.class);

  /** Record type: an accepted event; payload is the serialized event, its LSN is its sequence. */
  static final byte EVENT = RecordType.JOURNAL_EVENT.code();
  /** Record type: an EVENT's payload encrypted (envelope format on {@code PayloadCipher}). */
  static final byte SEALED_EVENT = RecordType.JOURNAL_SEALED_EVENT.code();
  /** Record type: an event reached its final state; payload is the event's sequence (8 bytes). */
  static final byte COMPLETE = RecordType.JOURNAL_COMPLETE.code();

  /**
   * 4 MiB: about 10,000 typical (400-byte) or 128 maximum-size (32 KiB) events. Small, because a
   * segment is the unit in which delivered events' raw emails and phones leave the disk; rolling
   * costs one extra flush and a file creation, which at this size is noise next to group commit
   * (see the journal benchmark figures in the README's durable section).
   */
  public static final long DEFAULT_SEGMENT_SIZE = 4L * 1024 * 1024;
  /**
   * 60 s: the longest a delivered event's bytes stay on disk under light load, when the segment
   * would take long to fill (see "Disk use and PII" above).
   */
  public static final Duration DEFAULT_SEGMENT_MAX_AGE = Duration.ofSeconds(60);
  /** 2 ms: the low end of the 2–5 ms the durability issue asks for; about one SSD flush. */
  public static final Duration DEFAULT_GROUP_COMMIT_MAX_WAIT = Duration.ofMillis(2);
  /** Records per flush; beyond this the next flush starts. */
  public static final int DEFAULT_GROUP_COMMIT_MAX_BATCH = 1024;
  /** Records waiting for the writer; appenders block beyond it. */
  public static final int DEFAULT_QUEUE_CAPACITY = 8192;

  private final Path directory;
  private final EventSerializer serializer;
  private final @Nullable PayloadCipher cipher;
  private final SegmentedLog log;
  private final List<Pending> pending;
  private final RecoveryReport report;

  // Replay (opening thread), then writer-thread only.
  private final Map<Long, Long> segmentOfLive = new HashMap<>();
  private final Map<Long, Integer> liveInSegment = new HashMap<>();
  private final TreeMap<Long, Pending> replayed = new TreeMap<>();
  /** Unreadable events by LSN, until they are in the quarantine file. Opening thread only. */
  private final TreeMap<Long, Unread> unreadable = new TreeMap<>();
  /** Segments holding an unreadable event not yet quarantined: retention must keep them. */
  private final Set<Long> pinned = ConcurrentHashMap.newKeySet();
  private long unknownRecords;

  /** An event record the serializer could not read, with where it came from and why. */
  private record Unread(long segment, byte type, byte[] payload, String reason) {}

  private FileEventJournal(Builder b) {
    this.directory = b.settings.directory();
    this.serializer = LogSettings.required(b.serializer, "serializer");
    this.cipher = b.encryptionKey == null ? null : PayloadCipher.of(b.encryptionKey);
    SegmentedLog.Config config = b.settings.config(RecordType.Log.JOURNAL,
        b.groupCommitMaxWait.toNanos(), b.groupCommitMaxBatch, b.queueCapacity);
    this.log = SegmentedLog.open(config, this::replay, this::canDelete);
    List<String> problems = new ArrayList<>(log.recoveryReport().problems());
    try {
      problems.addAll(quarantine(config.fsync()));
    } catch (RuntimeException e) {
      log.close();
      throw e;
    }
    this.pending = new ArrayList<>(replayed.values());
    replayed.clear();
    RecoveryReport found = log.recoveryReport();
    if (unknownRecords > 0) {
      problems.add(unknownRecords + " records of an unknown type ignored");
    }
    this.report = new RecoveryReport(found.segmentsScanned(), found.recordsRecovered(),
        found.bytesTruncated(), found.bytesSkipped(), problems, unreadable.size());
    if (!unreadable.isEmpty()) {
      Unread first = unreadable.firstEntry().getValue();
      logger.warn("journal {}: {} unreadable events kept in {}, not redelivered (first: event {}, "
          + "{}); they are tried again on every open", directory, unreadable.size(),
          QuarantineFile.NAME, unreadable.firstKey(), first.reason());
    }
    if (!pending.isEmpty()) {
      logger.info("journal {}: {} pending events to redeliver", directory, pending.size());
    }
  }

  /**
   * Reads the quarantine file, re-appends its events that are readable now (a region switched
   * back, a newer release), and rewrites it with what is still unreadable, so that the segments
   * those came from may be deleted. Runs on the opening thread, after replay, before anything is
   * returned to the caller.
   *
   * @return a problem line per event still unreadable, and per event restored
   */
  private List<String> quarantine(boolean fsync) {
    Map<Long, byte[]> restored = new TreeMap<>();
    int before = unreadable.size();
    @Nullable String damaged;
    try {
      damaged = QuarantineFile.read(directory, (segment, type, lsn, payload) -> {
        if ((type != EVENT && type != SEALED_EVENT) || replayed.containsKey(lsn)
            || unreadable.containsKey(lsn)) {
          return; // still in a segment too: replay already saw it
        }
        try {
          byte[] plain = plaintext(0, type, lsn, payload);
          serializer.read(plain);
          restored.put(lsn, plain);
        } catch (StorageException e) {
          throw e; // a wrong or missing key: fail the open, change nothing
        } catch (RuntimeException e) {
          unreadable.put(lsn, new Unread(0, type, payload, Unreadable.reason(e)));
        }
      });
    } catch (IOException e) {
      throw new StorageException("cannot read journal quarantine file "
          + directory.resolve(QuarantineFile.NAME) + ": " + e.getMessage(), e);
    }
    List<String> problems = new ArrayList<>();
    if (damaged != null) {
      problems.add(damaged);
      logger.warn("journal {}: {}", directory, damaged);
    }
    for (var r : restored.entrySet()) {
      // The quarantine file is about to drop it: journal it again first, under a new sequence.
      RetentionEvent event = serializer.read(r.getValue());
      byte[] bytes = serializer.write(event);
      long seq = submitEvent(bytes);
      replayed.put(seq, pending(seq, event, bytes));
      problems.add(QuarantineFile.NAME + ": event " + r.getKey()
          + " is readable again; journaled again as event " + seq);
    }
    if (!restored.isEmpty() || unreadable.size() != before || !pinned.isEmpty()
        || damaged != null) {
      List<QuarantineFile.Entry> keep = new ArrayList<>();
      unreadable.forEach((lsn, u) -> keep.add(new QuarantineFile.Entry(u.type(), lsn, u.payload())));
      try {
        QuarantineFile.write(directory, keep, fsync);
        pinned.clear(); // quarantined: the segments may go
      } catch (IOException e) {
        // Keep the segments instead: nothing is lost, only disk is used until the next open.
        logger.warn("journal {}: could not write {} ({}); keeping the segments that hold the "
            + "unreadable events", directory, QuarantineFile.NAME, e.getMessage());
      }
    }
    unreadable.forEach((lsn, u) -> problems.add((u.segment() == 0 ? QuarantineFile.NAME
        : "segment " + u.segment()) + ", event " + lsn + ": unreadable by the serializer ("
        + u.reason() + "); kept in " + QuarantineFile.NAME));
    return problems;
  }

  /** A builder with the defaults above; {@code directory} and {@code serializer} are required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Durably appends {@code event}.
   *
   * @return its sequence number (unique and increasing for the directory's lifetime)
   * @throws StorageException if it could not be made durable (disk full, directory gone, journal
   *     closed); the event is then not accepted
   */
  @Override
  public long append(RetentionEvent event) {
    Objects.requireNonNull(event, "event");
    byte[] bytes;
    try {
      bytes = serializer.write(event);
    } catch (OutlaneException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new StorageException("cannot serialize event " + event.eventId() + " for journal "
          + directory + ": " + e.getClass().getSimpleName(), e);
    }
    return submitEvent(bytes);
  }

  private long submitEvent(byte[] bytes) {
    PayloadCipher c = cipher;
    if (c == null) {
      return log.submit(RecordType.JOURNAL_EVENT, bytes, true, this::eventWritten).await();
    }
    return log.submit(RecordType.JOURNAL_SEALED_EVENT, c.seal(SEALED_EVENT, bytes), true,
        this::eventWritten).await();
  }

  /**
   * The serializer's bytes of an EVENT or SEALED_EVENT record.
   *
   * @throws StorageException if it is encrypted and no key, or another key, is configured
   * @throws IllegalArgumentException if it is encrypted and damaged
   */
  private byte[] plaintext(long segment, byte type, long lsn, byte[] payload) {
    if (type == EVENT) {
      return payload;
    }
    String where = "journal " + directory + ": event " + lsn
        + (segment == 0 ? " in " + QuarantineFile.NAME : " in segment " + segment);
    PayloadCipher c = cipher;
    if (c == null) {
      throw new StorageException(where + " is encrypted (key " + PayloadCipher.keyIdOf(payload)
          + ") and no encryption key is configured; open it with the key it was written with");
    }
    try {
      return c.open(type, payload);
    } catch (PayloadCipher.WrongKeyException e) {
      throw new StorageException(where + " is encrypted with key " + e.keyId()
          + ", but the configured key is " + c.keyId()
          + "; open it with the key it was written with");
    }
  }

  /**
   * Records that the event with this sequence reached a final state. Returns without waiting for
   * the disk (see the class documentation for why that is safe). Completing an unknown or already
   * completed sequence has no effect.
   *
   * @throws StorageException if the journal is closed
   */
  @Override
  public void complete(long sequence) {
    byte[] payload = ByteBuffer.allocate(Long.BYTES).putLong(sequence).array();
    log.submit(RecordType.JOURNAL_COMPLETE, payload, false, (segment, lsn) -> completed(sequence));
  }

  /** The events found without a completion when this journal was opened, oldest first. */
  @Override
  public List<Pending> pending() {
    return List.copyOf(pending);
  }

  /** What opening the directory found, including any torn tail it truncated. */
  public RecoveryReport recoveryReport() {
    return report;
  }

  /** The journal's directory. */
  public Path directory() {
    return directory;
  }

  /**
   * Writes and flushes everything accepted so far (completions included), then releases the
   * directory. Appends after close throw {@link StorageException}. Idempotent.
   */
  @Override
  public void close() {
    log.close();
  }

  /** Stops as if the process were killed: nothing more written or flushed, handles dropped. */
  void haltForTesting() {
    log.haltForTesting();
  }

  /** Makes the writer look at the segment's age now and delete what it may, for tests. */
  void wakeForTesting() {
    log.wake();
  }

  /** Requests waiting for the writer, for tests that stage a group commit. */
  int queuedForTesting() {
    return log.queued();
  }

  @Override
  public String toString() {
    return "FileEventJournal{directory=" + directory + "}";
  }

  private void replay(long segment, byte type, long lsn, byte[] payload) {
    if (type == EVENT || type == SEALED_EVENT) {
      Pending p;
      try {
        byte[] plain = plaintext(segment, type, lsn, payload);
        p = pending(lsn, serializer.read(plain), plain);
      } catch (StorageException e) {
        throw e; // a wrong or missing key: fail the open, change nothing
      } catch (RuntimeException e) {
        // Kept, never skipped: pinned here, quarantined once replay is over. The exception's
        // message could quote the payload; keep only its type and the fields at fault.
        unreadable.put(lsn, new Unread(segment, type, payload, Unreadable.reason(e)));
        pinned.add(segment);
        return;
      }
      replayed.put(lsn, p);
      eventWritten(segment, lsn);
    } else if (type == COMPLETE && payload.length == Long.BYTES) {
      long sequence = ByteBuffer.wrap(payload).getLong();
      replayed.remove(sequence);
      unreadable.remove(sequence); // completed before it became unreadable: nothing to keep
      completed(sequence);
    } else {
      unknownRecords++;
    }
  }

  /** The pending event, with its identity normalized under the rules it was accepted with. */
  private Pending pending(long sequence, RetentionEvent event, byte[] payload) {
    @Nullable IdentityNormalizer rules = serializer.identityRules(payload);
    Identity identity = rules == null ? null
        : rules.normalize(event.customerId(), event.email(), event.phone());
    return new Pending(sequence, event, identity);
  }

  private void eventWritten(long segment, long sequence) {
    segmentOfLive.put(sequence, segment);
    liveInSegment.merge(segment, 1, Integer::sum);
  }

  private void completed(long sequence) {
    @Nullable Long segment = segmentOfLive.remove(sequence);
    if (segment != null) {
      liveInSegment.computeIfPresent(segment, (s, n) -> n == 1 ? null : n - 1);
    }
  }

  private boolean canDelete(long segment) {
    return !liveInSegment.containsKey(segment) && !pinned.contains(segment);
  }

  /**
   * Configures a {@link FileEventJournal}. Each setter validates its value at once and names the
   * field in its message. Not thread-safe.
   */
  public static final class Builder {
    private final LogSettings settings = new LogSettings(DEFAULT_SEGMENT_SIZE, "segmentSize");
    private @Nullable EventSerializer serializer;
    private @Nullable EncryptionKey encryptionKey;
    private Duration groupCommitMaxWait = DEFAULT_GROUP_COMMIT_MAX_WAIT;
    private int groupCommitMaxBatch = DEFAULT_GROUP_COMMIT_MAX_BATCH;
    private int queueCapacity = DEFAULT_QUEUE_CAPACITY;

    private Builder() {
      settings.segmentMaxAgeNanos(DEFAULT_SEGMENT_MAX_AGE.toNanos());
    }

    /** The directory to keep the journal in; created if missing. Required. */
    public Builder directory(Path directory) {
      settings.directory(directory);
      return this;
    }

    /** How events are turned into bytes. Required. */
    public Builder serializer(EventSerializer serializer) {
      this.serializer = Objects.requireNonNull(serializer, "serializer");
      return this;
    }

    /**
     * The size at which a segment is closed and a new one started. At least 4 KiB; a single record
     * larger than this gets a segment of its own.
     */
    public Builder segmentSize(long bytes) {
      settings.segmentSize(bytes);
      return this;
    }

    /**
     * Encrypts every event at rest with AES-256-GCM under {@code key} (a random 96-bit nonce per
     * record, the key's {@linkplain EncryptionKey#id() id} in each record); {@code null}, the
     * default, stores them as the serializer wrote them. Completions (sequence numbers only) are
     * not encrypted. A directory written without a key still opens with one (its old events are
     * read as they are; new ones are encrypted). Opening a directory holding events encrypted with
     * another key, or with no key configured, fails with a {@link StorageException} naming both
     * key ids, and changes nothing.
     */
    public Builder encryptionKey(@Nullable EncryptionKey key) {
      this.encryptionKey = key;
      return this;
    }

    /**
     * How long a segment that holds records stays open before it is closed and a fresh one
     * started, so that delivered events leave the disk within this time even under light load.
     * Default {@link #DEFAULT_SEGMENT_MAX_AGE}; zero closes segments by size only.
     *
     * @throws IllegalArgumentException if negative or longer than one day
     */
    public Builder segmentMaxAge(Duration maxAge) {
      Objects.requireNonNull(maxAge, "segmentMaxAge");
      if (maxAge.isNegative() || maxAge.compareTo(Duration.ofDays(1)) > 0) {
        throw new IllegalArgumentException("segmentMaxAge must be between 0 and 1d, was " + maxAge);
      }
      settings.segmentMaxAgeNanos(maxAge.toNanos());
      return this;
    }

    /** The monotonic clock segment ages are measured with, in nanoseconds (tests only). */
    Builder ticker(java.util.function.LongSupplier ticker) {
      settings.ticker(ticker);
      return this;
    }

    /**
     * The longest the writer waits for more appenders to share a flush; zero never waits. At most 1
     * second, since every appender in the group waits this long.
     */
    public Builder groupCommitMaxWait(Duration maxWait) {
      Objects.requireNonNull(maxWait, "groupCommitMaxWait");
      if (maxWait.isNegative() || maxWait.compareTo(Duration.ofSeconds(1)) > 0) {
        throw new IllegalArgumentException(
            "groupCommitMaxWait must be between 0 and 1s, was " + maxWait);
      }
      this.groupCommitMaxWait = maxWait;
      return this;
    }

    /** The most records per flush; 1 means one flush per append (no group commit). */
    public Builder groupCommitMaxBatch(int records) {
      if (records < 1 || records > 65_536) {
        throw new IllegalArgumentException(
            "groupCommitMaxBatch must be between 1 and 65536, was " + records);
      }
      this.groupCommitMaxBatch = records;
      return this;
    }

    /** The most records waiting for the writer; appenders block while it is full. */
    public Builder queueCapacity(int records) {
      if (records < 1) {
        throw new IllegalArgumentException("queueCapacity must be at least 1, was " + records);
      }
      this.queueCapacity = records;
      return this;
    }

    /**
     * Whether to flush to the device. Defaults to true; false keeps records only as durable as the
     * operating system's page cache (they survive a process crash, not a power cut) and is meant
     * for tests and benchmarks.
     */
    public Builder fsync(boolean fsync) {
      settings.fsync(fsync);
      return this;
    }

    /** The file operations, so tests can count flushes or inject a full disk. */
    Builder io(LogIo io) {
      settings.io(io);
      return this;
    }

    /**
     * Opens the journal, recovering what the directory holds.
     *
     * @throws IllegalStateException if {@code directory} or {@code serializer} was not set
     * @throws StorageException if the directory cannot be created or is in use, or holds events
     *     encrypted with another key (or with a key when none is configured)
     */
    public FileEventJournal open() {
      return new FileEventJournal(this);
    }
  }
}

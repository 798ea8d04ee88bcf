package dev.outlane.guardrail;

import dev.outlane.storage.RecoveryReport;
import dev.outlane.storage.StorageException;
import dev.outlane.storage.internal.LogIo;
import dev.outlane.storage.internal.LogSettings;
import dev.outlane.storage.internal.RecordType;
import dev.outlane.storage.internal.SegmentedLog;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A durable {@link IdempotencyStore}: delivered keys, unknown outcomes and send attempts survive a
 * restart, so a client that recovers its journal after a crash neither re-enrolls what a destination
 * already got nor resends an SMS whose outcome it never learnt.
 *
 * <pre>{@code
 * try (FileIdempotencyStore store = FileIdempotencyStore.builder()
 *     .directory(Path.of("/var/lib/outlane/idempotency"))
 *     .ttl(Duration.ofHours(24))            // the idempotency keys' window
 *     .open()) {
 *   Outlane.builder().idempotencyStore(store)...
 * }
 * }</pre>
 * (or let {@code Outlane.builder().durable(dir)} open one in {@code dir/idempotency}).
 *
 * <h2>Format</h2>
 *
 * An append-only log in the storage engine's checksummed segment format ({@code SegmentedLog})
 * with five record types ({@code RecordType.IDEMPOTENCY_*}): DONE, UNKNOWN and ATTEMPT carry {@code
 * expiry epoch millis (8) | key (UTF-8)}; CLEAR and FORGET carry the key. Opening replays the log
 * into memory; a torn tail is truncated as in the journal (see {@link #recoveryReport()}).
 *
 * <h2>Durability and cost</h2>
 *
 * Only {@link #recordAttempts} waits for the disk (one flush shared by every key of a batch and by
 * concurrent batches): the engine calls it just for non-idempotent destinations, before the request.
 * DONE, UNKNOWN and CLEAR are written without waiting. Losing one of those in a crash is safe: a
 * lost DONE on an idempotent destination means one resend the destination dedupes; on a
 * non-idempotent destination the ATTEMPT stays without an outcome and the key is dead-lettered
 * {@code needs-reconciliation} instead of being resent; a lost CLEAR likewise errs toward
 * reconciliation, never toward a second SMS.
 *
 * <h2>Bounds</h2>
 *
 * Memory: at most {@code maxEntries} keys (oldest evicted first, like {@link
 * InMemoryIdempotencyStore}) plus the attempts in flight. Disk: every record expires {@code ttl}
 * after it was written, and a closed segment is deleted once everything in it expired, oldest first,
 * so the directory holds about one window of records (roughly 90 bytes per delivered key) plus one
 * segment. An attempt without an outcome is forgotten after {@code ttl}, like a delivered key.
 *
 * <p>Thread-safe. {@link #recordAttempts} blocks its caller until the flush; the other writes block
 * only while the writer's bounded queue is full. Write failures of the non-waiting records are
 * logged, not thrown (the engine's state is already decided; see above for why losing them is safe).
 *
 * <p>The record types and payloads are also listed in {@code ARCHITECTURE.md}, section "On-disk
 * formats", with every other store's.
 */
public final class FileIdempotencyStore implements IdempotencyStore, AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(FileIdempotencyStore.class);

  static final byte DONE = RecordType.IDEMPOTENCY_DONE.code();
  static final byte UNKNOWN = RecordType.IDEMPOTENCY_UNKNOWN.code();
  static final byte ATTEMPT = RecordType.IDEMPOTENCY_ATTEMPT.code();
  static final byte CLEAR = RecordType.IDEMPOTENCY_CLEAR.code();
  static final byte FORGET = RecordType.IDEMPOTENCY_FORGET.code();

  /** 8 MiB: about 90,000 keys per segment, so expired segments are deleted in small steps. */
  public static final long DEFAULT_SEGMENT_SIZE = 8L * 1024 * 1024;

  private final Path directory;
  private final long ttlMillis;
  private final int maxEntries;
  private final Clock clock;
  private final SegmentedLog log;
  private final RecoveryReport report;

  /** Key → state, insertion order == expiry order (every entry lives exactly ttl). Guarded by this. */
  private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>();
  /** Key → attempt expiry (epoch millis) for attempts without an outcome. Guarded by this. */
  private final Map<String, Long> attempts = new HashMap<>();
  /** Segment id → the latest expiry of a record in it. Opening thread, then writer thread only. */
  private final TreeMap<Long, Long> segmentExpiry = new TreeMap<>();

  private FileIdempotencyStore(Builder b) {
    this.directory = b.settings.directory();
    this.ttlMillis = b.ttl.toMillis();
    this.maxEntries = b.maxEntries;
    this.clock = b.clock;
    SegmentedLog.Config config = b.settings.config(RecordType.Log.IDEMPOTENCY, 0, 1024, 8192);
    long now = clock.millis();
    this.log = SegmentedLog.open(config, (segment, type, lsn, payload) -> replay(segment, type,
        payload, now), this::canDelete);
    this.report = log.recoveryReport();
    synchronized (this) {
      attempts.values().removeIf(expiry -> expiry <= now);
      if (!attempts.isEmpty()) {
        logger.warn("idempotency store {}: {} send attempts without an outcome from an earlier run;"
            + " their deliveries will be dead-lettered needs-reconciliation", directory,
            attempts.size());
      }
    }
  }

  /** A builder; {@code directory} is required. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public synchronized boolean isDone(String key, Instant now) {
    Entry e = entries.get(key);
    return e != null && now.toEpochMilli() < e.expiry;
  }

  @Override
  public void markDone(String key, Instant now) {
    mark(key, now, false);
  }

  @Override
  public void markUnknown(String key, Instant now) {
    mark(key, now, true);
  }

  private void mark(String key, Instant now, boolean unknown) {
    long expiry = now.toEpochMilli() + ttlMillis;
    synchronized (this) {
      entries.remove(key);
      entries.put(key, new Entry(expiry, unknown));
      attempts.remove(key);
      prune(now.toEpochMilli());
    }
    write(unknown ? RecordType.IDEMPOTENCY_UNKNOWN : RecordType.IDEMPOTENCY_DONE,
        withExpiry(expiry, key), expiry);
  }

  @Override
  public boolean forgetUnknown(String key) {
    synchronized (this) {
      Entry e = entries.get(key);
      if (e == null || !e.unknown) {
        return false;
      }
      entries.remove(key);
    }
    // Durable: once an operator's resend starts, a restart must not bring the block back and
    // report the resend as a duplicate; nor may it lose the decision silently.
    log.submit(RecordType.IDEMPOTENCY_FORGET, utf8(key), true, null).await();
    return true;
  }

  /**
   * Durably records the attempts; returns once they are flushed.
   *
   * @throws StorageException if they could not be made durable (disk full, store closed)
   */
  @Override
  public void recordAttempts(List<String> keys, Instant now) {
    if (keys.isEmpty()) {
      return;
    }
    long expiry = now.toEpochMilli() + ttlMillis;
    List<SegmentedLog.Ticket> tickets = new ArrayList<>(keys.size());
    for (String key : keys) {
      tickets.add(log.submit(RecordType.IDEMPOTENCY_ATTEMPT, withExpiry(expiry, key), true,
          (segment, lsn) -> noteExpiry(segment, expiry)));
    }
    for (SegmentedLog.Ticket t : tickets) {
      t.await();
    }
    synchronized (this) {
      for (String key : keys) {
        attempts.put(key, expiry);
      }
    }
  }

  @Override
  public void clearAttempt(String key) {
    boolean had;
    synchronized (this) {
      had = attempts.remove(key) != null;
    }
    if (had) {
      write(RecordType.IDEMPOTENCY_CLEAR, utf8(key), clock.millis() + ttlMillis);
    }
  }

  @Override
  public synchronized boolean attemptUnresolved(String key) {
    Long expiry = attempts.get(key);
    return expiry != null && clock.millis() < expiry;
  }

  /** What opening the directory found. */
  public RecoveryReport recoveryReport() {
    return report;
  }

  /** How many keys are held in memory (live or not yet pruned). */
  public synchronized int size() {
    return entries.size();
  }

  /** Flushes and releases the directory. Writes after close are logged and dropped. Idempotent. */
  @Override
  public void close() {
    log.close();
  }

  @Override
  public String toString() {
    return "FileIdempotencyStore{directory=" + directory + "}";
  }

  private void write(RecordType type, byte[] payload, long expiry) {
    try {
      log.submit(type, payload, false, (segment, lsn) -> noteExpiry(segment, expiry));
    } catch (StorageException e) {
      logger.warn("idempotency store {}: record not written ({})", directory, e.getMessage());
    }
  }

  private void prune(long nowMillis) {
    // Caller holds the lock.
    Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<String, Entry> eldest = it.next();
      if (entries.size() > maxEntries || nowMillis >= eldest.getValue().expiry) {
        it.remove();
      } else {
        break;
      }
    }
  }

  private void replay(long segment, byte type, byte[] payload, long now) {
    noteExpiry(segment, now); // a segment with unreadable records still goes once the rest expired
    if (type == DONE || type == UNKNOWN || type == ATTEMPT) {
      if (payload.length < Long.BYTES) {
        return;
      }
      long expiry = ByteBuffer.wrap(payload).getLong();
      String key = new String(payload, Long.BYTES, payload.length - Long.BYTES,
          StandardCharsets.UTF_8);
      noteExpiry(segment, expiry);
      synchronized (this) {
        if (type == ATTEMPT) {
          attempts.put(key, expiry);
        } else {
          attempts.remove(key);
          entries.remove(key);
          if (expiry > now) {
            entries.put(key, new Entry(expiry, type == UNKNOWN));
            prune(now);
          }
        }
      }
    } else if (type == CLEAR) {
      synchronized (this) {
        attempts.remove(new String(payload, StandardCharsets.UTF_8));
      }
    } else if (type == FORGET) {
      String key = new String(payload, StandardCharsets.UTF_8);
      synchronized (this) {
        Entry e = entries.get(key);
        if (e != null && e.unknown) {
          entries.remove(key);
        }
      }
    }
  }

  private void noteExpiry(long segment, long expiry) {
    segmentExpiry.merge(segment, expiry, Math::max);
  }

  private boolean canDelete(long segment) {
    @Nullable Long expiry = segmentExpiry.get(segment);
    if (expiry == null || expiry <= clock.millis()) {
      segmentExpiry.remove(segment);
      return true;
    }
    return false;
  }

  private static byte[] withExpiry(long expiry, String key) {
    byte[] k = utf8(key);
    return ByteBuffer.allocate(Long.BYTES + k.length).putLong(expiry).put(k).array();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private record Entry(long expiry, boolean unknown) {}

  /**
   * Configures a {@link FileIdempotencyStore}. Setters validate at once, naming the field. Not
   * thread-safe.
   */
  public static final class Builder {
    private final LogSettings settings = new LogSettings(DEFAULT_SEGMENT_SIZE, "segmentSize:");
    private Duration ttl = Duration.ofHours(24);
    private int maxEntries = InMemoryIdempotencyStore.DEFAULT_MAX_ENTRIES;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /** The directory; created if missing. Required. */
    public Builder directory(Path directory) {
      settings.directory(directory);
      return this;
    }

    /** How long a key is remembered: the idempotency keys' window (default 24 h). */
    public Builder ttl(Duration ttl) {
      Objects.requireNonNull(ttl, "ttl");
      if (ttl.toMillis() <= 0) {
        throw new IllegalArgumentException("ttl: must be at least 1 ms, was " + ttl);
      }
      this.ttl = ttl;
      return this;
    }

    /** The most keys held in memory; the oldest are evicted first (default 1,000,000). */
    public Builder maxEntries(int maxEntries) {
      if (maxEntries < 1) {
        throw new IllegalArgumentException("maxEntries: must be ≥ 1, was " + maxEntries);
      }
      this.maxEntries = maxEntries;
      return this;
    }

    /** The size at which a segment is closed; at least 4 KiB (default 8 MiB). */
    public Builder segmentSize(long bytes) {
      settings.segmentSize(bytes);
      return this;
    }

    /** Whether to flush to the device (default true; false survives a process crash only). */
    public Builder fsync(boolean fsync) {
      settings.fsync(fsync);
      return this;
    }

    /** The clock for expiry on open and for deleting expired segments (default UTC system). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The file operations, so tests can inject a full disk. */
    Builder io(LogIo io) {
      settings.io(io);
      return this;
    }

    /**
     * Opens the store, replaying what the directory holds.
     *
     * @throws IllegalStateException if {@code directory} was not set
     * @throws StorageException if the directory cannot be created or is in use
     */
    public FileIdempotencyStore open() {
      return new FileIdempotencyStore(this);
    }
  }
}

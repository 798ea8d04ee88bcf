package dev.outlane.deadletter;

import dev.outlane.deadletter.internal.DeadLetterCodec;
import dev.outlane.journal.EventSerializer;
import dev.outlane.storage.EncryptionKey;
import dev.outlane.storage.RecoveryReport;
import dev.outlane.storage.StorageException;
import dev.outlane.storage.internal.LogIo;
import dev.outlane.storage.internal.LogSettings;
import dev.outlane.storage.internal.PayloadCipher;
import dev.outlane.storage.internal.RecordType;
import dev.outlane.storage.internal.SegmentedLog;
import dev.outlane.storage.internal.Unreadable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable dead-letter store: a directory holding an append-only log in the same checksummed
 * segment format as {@link dev.outlane.journal.FileEventJournal}, with two record types. ADD keeps
 * a whole {@link DeadLetter} (the event as the {@link EventSerializer} writes it, the other fields
 * in the encoding documented on {@code DeadLetterCodec}); RESOLVE keeps the id of a record a replay
 * delivered. Opening replays the log into an in-memory index, so {@link #list} never touches the
 * disk.
 *
 * <pre>{@code
 * try (FileDeadLetterStore store = FileDeadLetterStore.builder()
 *     .directory(Path.of("/var/lib/outlane/dead-letters"))
 *     .serializer(serializer)
 *     .open()) {
 *   store.add(deadLetter);                       // returns once it is on disk
 *   store.list(new DeadLetterQuery("twilio-sms", null, false));
 *   store.markResolved(deadLetter.id());         // durable too
 * }
 * }</pre>
 *
 * <p>{@link #add} and {@link #markResolved} return only after their record is flushed to the
 * device; concurrent calls share one flush. Nothing is ever deleted: resolved records stay listable
 * with {@code includeResolved}. Adding a record whose id is already stored replaces the earlier one
 * in the index (both stay in the log), so an engine that re-dead-letters the same delivery after a
 * crash does not list it twice. A torn tail after a crash is truncated on open as in the journal;
 * see {@link #recoveryReport()}. A record that cannot be decoded (see {@link
 * EventSerializer#json} for why an event might not be) is never dropped: it stays in its segment,
 * is left out of {@link #list}, counted in {@link RecoveryReport#unreadableRecords()} (and, without
 * opening, in {@link DeadLetterSnapshot#unreadableRecords()}), logged once at WARN without its
 * contents, and read again on every open. The directory must not be the journal's: each holds its own lock.
 *
 * <p>Thread-safe.
 *
 * <p>Its segments, record types, record encoding and {@code listing.key} are specified in {@code
 * ARCHITECTURE.md}, section "On-disk formats".
 */
public final class FileDeadLetterStore implements DeadLetterStore {
  private static final Logger logger = LoggerFactory.getLogger(FileDeadLetterStore.class);
  /** Record type: a whole dead letter. */
  static final byte ADD = RecordType.DEAD_LETTER_ADD.code();
  /** Record type: an ADD's payload encrypted (envelope format on {@code PayloadCipher}). */
  static final byte SEALED_ADD = RecordType.DEAD_LETTER_SEALED_ADD.code();
  /** Record type: the id (UTF-8) of a dead letter that was resolved. */
  static final byte RESOLVE = RecordType.DEAD_LETTER_RESOLVE.code();
  /** 16 MiB: dead letters are few; a smaller file is quicker to inspect by hand. */
  public static final long DEFAULT_SEGMENT_SIZE = 16L * 1024 * 1024;

  private final Path directory;
  private final DeadLetterCodec codec;
  private final @Nullable PayloadCipher cipher;
  private final SegmentedLog log;
  private final RecoveryReport report;
  private final List<String> unreadable = new ArrayList<>();
  /** Insertion-ordered: oldest first. Guarded by itself. */
  private final Map<String, DeadLetter> index = new LinkedHashMap<>();

  private FileDeadLetterStore(Builder b) {
    this.directory = b.settings.directory();
    this.codec = new DeadLetterCodec(LogSettings.required(b.serializer, "serializer"));
    this.cipher = b.encryptionKey == null ? null : PayloadCipher.of(b.encryptionKey);
    SegmentedLog.Config config = b.settings.config(RecordType.Log.DEAD_LETTERS, 0, 1024, 1024);
    this.log = SegmentedLog.open(config, this::replay, SegmentedLog.Retention.keepAll());
    RecoveryReport found = log.recoveryReport();
    List<String> problems = new ArrayList<>(found.problems());
    problems.addAll(unreadable);
    this.report = new RecoveryReport(found.segmentsScanned(), found.recordsRecovered(),
        found.bytesTruncated(), found.bytesSkipped(), problems, unreadable.size());
    if (!unreadable.isEmpty()) {
      logger.warn("dead-letter store {}: {} unreadable records kept in their segments, not listed"
          + " (first: {}); they are tried again on every open", directory, unreadable.size(),
          unreadable.get(0));
    }
  }

  /** A builder; {@code directory} and {@code serializer} are required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Stores {@code deadLetter} durably; returns once it is flushed.
   *
   * @throws StorageException if it could not be written (disk full, store closed)
   */
  @Override
  public void add(DeadLetter deadLetter) {
    Objects.requireNonNull(deadLetter, "deadLetter");
    byte[] bytes = codec.write(deadLetter);
    PayloadCipher c = cipher;
    RecordType type = c == null ? RecordType.DEAD_LETTER_ADD : RecordType.DEAD_LETTER_SEALED_ADD;
    log.submit(type, c == null ? bytes : c.seal(SEALED_ADD, bytes), true,
        (segment, lsn) -> index(deadLetter)).await();
  }

  @Override
  public List<DeadLetter> list(DeadLetterQuery query) {
    Objects.requireNonNull(query, "query");
    List<DeadLetter> matching = new ArrayList<>();
    synchronized (index) {
      for (DeadLetter d : index.values()) {
        if (query.matches(d)) {
          matching.add(d);
        }
      }
    }
    return matching;
  }

  /**
   * Durably marks the record resolved; returns once that is flushed. Resolving a resolved record
   * returns true without writing.
   *
   * @throws StorageException if it could not be written
   */
  @Override
  public boolean markResolved(String id) {
    Objects.requireNonNull(id, "id");
    synchronized (index) {
      @Nullable DeadLetter d = index.get(id);
      if (d == null) {
        return false;
      }
      if (d.resolved()) {
        return true;
      }
    }
    log.submit(RecordType.DEAD_LETTER_RESOLVE, id.getBytes(StandardCharsets.UTF_8), true,
        (s, l) -> resolve(id)).await();
    return true;
  }

  /**
   * The records matching {@code query} in the store in {@code directory}, read <em>without</em>
   * opening it: {@link #readSnapshot}{@code .records()}. Unreadable records are left out of the list
   * (and stay on disk); use {@link #readSnapshot} to learn how many there are.
   *
   * @throws StorageException if the directory cannot be read
   */
  public static List<DeadLetter> snapshot(Path directory, EventSerializer serializer,
      DeadLetterQuery query) {
    return readSnapshot(directory, serializer, null, query).records();
  }

  /**
   * {@link #readSnapshot(Path, EventSerializer, EncryptionKey, DeadLetterQuery)} of a store
   * written without an encryption key.
   *
   * @throws StorageException if the directory cannot be read, or holds encrypted records
   */
  public static DeadLetterSnapshot readSnapshot(Path directory, EventSerializer serializer,
      DeadLetterQuery query) {
    return readSnapshot(directory, serializer, null, query);
  }

  /**
   * Reads the store in {@code directory} <em>without</em> opening it: no lock is taken and nothing
   * is written, so this works while a running client holds the store (for {@code outlane
   * dead-letters list}). A record being written at that instant may be missing from the snapshot.
   * Records that cannot be decoded are counted in {@link DeadLetterSnapshot#unreadableRecords()},
   * never silently left out, and stay on disk.
   *
   * @param encryptionKey the key the store was written with, or null if it was not encrypted
   * @throws StorageException if the directory cannot be read, or holds records encrypted with
   *     another key (or with a key when {@code encryptionKey} is null); the message names the ids
   */
  public static DeadLetterSnapshot readSnapshot(Path directory, EventSerializer serializer,
      @Nullable EncryptionKey encryptionKey, DeadLetterQuery query) {
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(query, "query");
    DeadLetterCodec codec = new DeadLetterCodec(Objects.requireNonNull(serializer, "serializer"));
    PayloadCipher cipher = encryptionKey == null ? null : PayloadCipher.of(encryptionKey);
    Map<String, DeadLetter> index = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    String name = RecordType.Log.DEAD_LETTERS.label();
    SegmentedLog.readSnapshot(directory, name, (segment, type, lsn, payload) -> {
      if (type == ADD || type == SEALED_ADD) {
        try {
          DeadLetter d = codec.read(plaintext(directory, cipher, segment, type, lsn, payload));
          index.remove(d.id());
          index.put(d.id(), d);
        } catch (StorageException e) {
          throw e;
        } catch (RuntimeException e) {
          problems.add(unreadableLine(segment, lsn, Unreadable.reason(e)));
        }
      } else if (type == RESOLVE) {
        index.computeIfPresent(new String(payload, StandardCharsets.UTF_8), (k, d) -> d.asResolved());
      } else {
        problems.add(unreadableLine(segment, lsn, "unknown type " + type));
      }
    });
    List<DeadLetter> matching = new ArrayList<>();
    for (DeadLetter d : index.values()) {
      if (query.matches(d)) {
        matching.add(d);
      }
    }
    return new DeadLetterSnapshot(matching, problems.size(), problems);
  }

  /**
   * The codec's bytes of an ADD or SEALED_ADD record.
   *
   * @throws StorageException if it is encrypted and no key, or another key, is given
   */
  private static byte[] plaintext(Path directory, @Nullable PayloadCipher cipher, long segment,
      byte type, long lsn, byte[] payload) {
    if (type == ADD) {
      return payload;
    }
    String where = "dead-letter store " + directory + ": record " + lsn + " in segment " + segment;
    if (cipher == null) {
      throw new StorageException(where + " is encrypted (key " + PayloadCipher.keyIdOf(payload)
          + ") and no encryption key is configured; open it with the key it was written with");
    }
    try {
      return cipher.open(type, payload);
    } catch (PayloadCipher.WrongKeyException e) {
      throw new StorageException(where + " is encrypted with key " + e.keyId()
          + ", but the configured key is " + cipher.keyId()
          + "; open it with the key it was written with");
    }
  }

  private static String unreadableLine(long segment, long lsn, String reason) {
    return "segment " + segment + ", record " + lsn + ": unreadable dead letter (" + reason
        + "); kept in its segment";
  }

  /** What opening the directory found. */
  public RecoveryReport recoveryReport() {
    return report;
  }

  /** Flushes and releases the directory. Calls after close throw {@link StorageException}. */
  @Override
  public void close() {
    log.close();
  }

  /** Stops as if the process were killed, for crash tests. */
  void haltForTesting() {
    log.haltForTesting();
  }

  @Override
  public String toString() {
    return "FileDeadLetterStore{directory=" + directory + "}";
  }

  private void replay(long segment, byte type, long lsn, byte[] payload) {
    if (type == ADD || type == SEALED_ADD) {
      try {
        index(codec.read(plaintext(directory, cipher, segment, type, lsn, payload)));
      } catch (StorageException e) {
        throw e; // a wrong or missing key: fail the open, change nothing
      } catch (RuntimeException e) {
        // The exception's message could quote the payload; keep only its type and fields.
        unreadable.add(unreadableLine(segment, lsn, Unreadable.reason(e)));
      }
    } else if (type == RESOLVE) {
      resolve(new String(payload, StandardCharsets.UTF_8));
    } else {
      unreadable.add(unreadableLine(segment, lsn, "unknown type " + type));
    }
  }

  private void index(DeadLetter d) {
    synchronized (index) {
      index.remove(d.id());
      index.put(d.id(), d);
    }
  }

  private void resolve(String id) {
    synchronized (index) {
      index.computeIfPresent(id, (k, d) -> d.asResolved());
    }
  }

  /**
   * Configures a {@link FileDeadLetterStore}. Setters validate at once, naming the field. Not
   * thread-safe.
   */
  public static final class Builder {
    private final LogSettings settings = new LogSettings(DEFAULT_SEGMENT_SIZE, "segmentSize");
    private @Nullable EventSerializer serializer;
    private @Nullable EncryptionKey encryptionKey;

    private Builder() {}

    /**
     * Encrypts every dead letter at rest with AES-256-GCM under {@code key} (random 96-bit nonce
     * per record, the key's id in each record); {@code null}, the default, stores them in the
     * clear. Resolutions (record ids only) are not encrypted. A store written without a key still
     * opens with one; a store holding records encrypted with another key, or opened without a key,
     * fails to open with a {@link StorageException} naming the key ids.
     */
    public Builder encryptionKey(@Nullable EncryptionKey key) {
      this.encryptionKey = key;
      return this;
    }

    /** The directory to keep dead letters in; created if missing. Required. */
    public Builder directory(Path directory) {
      settings.directory(directory);
      return this;
    }

    /** How the dead letters' events are turned into bytes. Required. */
    public Builder serializer(EventSerializer serializer) {
      this.serializer = Objects.requireNonNull(serializer, "serializer");
      return this;
    }

    /** The size at which a segment is closed and a new one started; at least 4 KiB. */
    public Builder segmentSize(long bytes) {
      settings.segmentSize(bytes);
      return this;
    }

    /** Whether to flush to the device; true by default, false only for tests. */
    public Builder fsync(boolean fsync) {
      settings.fsync(fsync);
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
     * @throws IllegalStateException if {@code directory} or {@code serializer} was not set
     * @throws StorageException if the directory cannot be created or is in use, or holds records
     *     encrypted with another key (or with a key when none is configured)
     */
    public FileDeadLetterStore open() {
      return new FileDeadLetterStore(this);
    }
  }
}

package dev.outlane.guardrail;

import dev.outlane.destination.Channel;
import dev.outlane.identity.Identity;
import dev.outlane.storage.RecoveryReport;
import dev.outlane.storage.StorageException;
import dev.outlane.storage.internal.LogIo;
import dev.outlane.storage.internal.LogSettings;
import dev.outlane.storage.internal.RecordType;
import dev.outlane.storage.internal.SegmentedLog;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A durable {@link SuppressionStore}: opt-outs and denied consent survive a restart, so a person who
 * replied STOP is not texted again after a deploy.
 *
 * <pre>{@code
 * try (FileSuppressionStore store = FileSuppressionStore.builder()
 *     .directory(Path.of("/var/lib/outlane/suppression"))
 *     .open()) {
 *   Outlane.builder().suppressionStore(store)...
 * }
 * }</pre>
 * (or let {@code Outlane.builder().durable(dir)} open one in {@code dir/suppression}).
 *
 * <p>People are keyed exactly as in {@link InMemorySuppressionStore}: by the SHA-256 of the customer
 * id, of the normalized email and of the E.164 phone. Only those hashes reach the disk, never a raw
 * email or phone.
 *
 * <h2>Format</h2>
 *
 * An append-only log in the storage engine's checksummed segment format ({@code SegmentedLog})
 * with two record types, SUPPRESS ({@code RecordType.SUPPRESSION_SUPPRESS}, one record per call
 * that added something) and LIFT ({@code RecordType.SUPPRESSION_LIFT}, one per call that lifted
 * something), both laid out as {@code key count (1) | keys (kind 1 + SHA-256 32, each) | channels
 * length (1) | channels as comma-separated wire names | source code (UTF-8, at most 255 chars)}.
 * Channels are stored by name so a later release may add channels without misreading old records.
 * The source is its {@link SuppressionSource#code()}; records written before sources were typed
 * carry a free-form reason there, which reads back through {@link SuppressionSource#fromCode}
 * ({@code opted-out} → {@link SuppressionSource#DESTINATION_OPT_OUT}, {@code consent-denied} →
 * {@link SuppressionSource#CONSENT_DENIED}, anything else → {@link SuppressionSource#OPERATOR}),
 * so today's directories open unchanged. Opening replays every record in order into memory; a torn
 * tail is truncated as in the journal (see {@link #recoveryReport()}).
 *
 * <h2>Durability and cost</h2>
 *
 * {@link #suppress} returns only once its record is flushed (one flush shared by concurrent
 * callers). A call that adds nothing new (every key already suppressed on every channel asked for,
 * e.g. the same {@code consent.sms = denied} on every event of a person) writes nothing and does not
 * wait. If the record cannot be written, the suppression is still honoured by this store until the
 * process ends and {@link #suppress} throws.
 *
 * <h2>Bounds</h2>
 *
 * Deliberately <em>not</em> bounded by count: evicting an entry would contact someone who must not
 * be contacted. Memory: about 100 bytes per suppressed identifier, up to three per person (roughly
 * 300 MB per million people suppressed by customer id, email and phone). Disk: about 130 bytes per
 * record for a person with all three identifiers, plus the reason; nothing is compacted or deleted,
 * so the directory grows with the number of suppressions that added something new, not with the
 * number of events.
 *
 * <p>{@link #lift} returns once its LIFT record is flushed; if it cannot be written nothing is lifted
 * (fail closed) and it throws. Lifts are exclusive with suppressions (a read-write lock: concurrent
 * suppressions still share one flush), so the order on disk is the order in memory.
 *
 * <p>Thread-safe. {@link #suppress} and {@link #lift} block their caller until the flush (and while
 * the writer's bounded queue is full); {@link #isSuppressed} never touches the disk.
 *
 * <p>The record types and payloads are also listed in {@code ARCHITECTURE.md}, section "On-disk
 * formats", with every other store's.
 */
public final class FileSuppressionStore implements SuppressionStore, AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(FileSuppressionStore.class);

  static final byte SUPPRESS = RecordType.SUPPRESSION_SUPPRESS.code();
  static final byte LIFT = RecordType.SUPPRESSION_LIFT.code();
  /** The longest reason kept; reasons are short codes such as {@code opted-out}. */
  static final int MAX_REASON_CHARS = 255;
  /** 8 MiB: about 60,000 suppressions per segment. */
  public static final long DEFAULT_SEGMENT_SIZE = 8L * 1024 * 1024;

  private final Path directory;
  private final SegmentedLog log;
  private final RecoveryReport report;
  /** What is on disk (replayed, or flushed by this process). */
  private final SuppressionIndex durable = new SuppressionIndex();
  /** Suppressions whose record could not be written: honoured until the process ends. */
  private final SuppressionIndex unsaved = new SuppressionIndex();
  /** Read: suppressing (concurrent, group commit). Write: lifting (exclusive). */
  private final ReentrantReadWriteLock order = new ReentrantReadWriteLock();

  private FileSuppressionStore(Builder b) {
    this.directory = b.settings.directory();
    SegmentedLog.Config config = b.settings.config(RecordType.Log.SUPPRESSION, 0, 1024, 8192);
    int[] unreadable = {0};
    this.log = SegmentedLog.open(config, (segment, type, lsn, payload) -> {
      if (!replay(type, payload)) {
        unreadable[0]++;
      }
    }, SegmentedLog.Retention.keepAll());
    this.report = log.recoveryReport();
    if (unreadable[0] > 0) {
      logger.warn("suppression store {}: {} records not understood by this release were ignored",
          directory, unreadable[0]);
    }
  }

  /** A builder; {@code directory} is required. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public boolean isSuppressed(Identity identity, Channel channel) {
    List<SuppressionIndex.Key> keys = SuppressionIndex.keysOf(identity);
    return durable.matches(keys, channel) || unsaved.matches(keys, channel);
  }

  /**
   * Suppresses {@code identity} on {@code channels} and returns once that is on disk; {@link
   * #isSuppressed} reports it from then on (or, if storing failed, from the throw on).
   *
   * @throws StorageException if it could not be made durable (disk full, store closed); the
   *     suppression is then honoured by this store until the process ends
   */
  @Override
  public void suppress(Identity identity, Set<Channel> channels, String reason) {
    Objects.requireNonNull(reason, "reason");
    write(SuppressionIndex.keysOf(identity), channels, SuppressionSource.fromCode(reason));
  }

  /**
   * Suppresses {@code identity} on {@code channels} as caused by {@code source}, and returns once
   * that is on disk.
   *
   * @throws StorageException as {@link #suppress(Identity, Set, String)}
   */
  @Override
  public void suppress(Identity identity, Set<Channel> channels, SuppressionSource source) {
    Objects.requireNonNull(source, "source");
    write(SuppressionIndex.keysOf(identity), channels, source);
  }

  /**
   * Lifts what {@code source} suppressed on {@code channels} for {@code identity} (every key of it),
   * and returns once the LIFT record is on disk. Writes nothing if {@code source} suppressed none of
   * them.
   *
   * @return the channels on which a suppression by {@code source} was lifted
   * @throws StorageException if it could not be made durable; nothing is lifted then
   */
  @Override
  public Set<Channel> lift(Identity identity, Set<Channel> channels, SuppressionSource source) {
    Objects.requireNonNull(channels, "channels");
    Objects.requireNonNull(source, "source");
    List<SuppressionIndex.Key> keys = SuppressionIndex.keysOf(identity);
    int bits = SuppressionIndex.bits(channels, source);
    order.writeLock().lock();
    try {
      if (bits == 0 || !(durable.intersects(keys, bits) || unsaved.intersects(keys, bits))) {
        return Set.of();
      }
      try {
        log.submit(RecordType.SUPPRESSION_LIFT, encode(keys, channels, source.code()), true, null)
            .await();
      } catch (StorageException e) {
        throw new StorageException("suppression store " + directory + ": lift not stored ("
            + e.getMessage() + "); the suppression stays", e);
      }
      int lifted = durable.lift(keys, bits) | unsaved.lift(keys, bits);
      return SuppressionIndex.channelsOf(lifted);
    } finally {
      order.writeLock().unlock();
    }
  }

  @Override
  public List<SuppressionEntry> list() {
    List<SuppressionEntry> entries = new ArrayList<>();
    durable.forEach((k, bits) -> entries.add(SuppressionEntry.of(k, bits)));
    return entries;
  }

  /**
   * Suppresses a customer id on {@code channels} (e.g. loading a suppression list at start-up) and
   * returns once that is on disk.
   *
   * @throws StorageException as {@link #suppress}
   */
  public void suppressCustomer(String customerId, Set<Channel> channels, String reason) {
    Objects.requireNonNull(customerId, "customerId");
    Objects.requireNonNull(reason, "reason");
    write(List.of(SuppressionIndex.customerKey(customerId)), channels,
        SuppressionSource.fromCode(reason));
  }

  private void write(List<SuppressionIndex.Key> keys, Set<Channel> channels,
      SuppressionSource source) {
    Objects.requireNonNull(channels, "channels");
    int bits = SuppressionIndex.bits(channels, source);
    if (bits == 0 || durable.covers(keys, bits)) {
      return; // already on disk: nothing to wait for
    }
    order.readLock().lock();
    try {
      try {
        byte[] payload = encode(keys, channels, source.code());
        log.submit(RecordType.SUPPRESSION_SUPPRESS, payload, true, null).await();
      } catch (StorageException e) {
        unsaved.add(keys, bits);
        throw new StorageException("suppression store " + directory + ": suppression not stored ("
            + e.getMessage() + "); honoured until this process ends", e);
      }
      durable.add(keys, bits);
    } finally {
      order.readLock().unlock();
    }
  }

  /** What opening the directory found. */
  public RecoveryReport recoveryReport() {
    return report;
  }

  /** How many identifiers (customer ids, email hashes, phone hashes) carry a stored suppression. */
  public int size() {
    return durable.size();
  }

  /** Records waiting for the writer: for tests that stage a group commit. */
  int queuedForTesting() {
    return log.queued();
  }

  /** Flushes and releases the directory; later {@link #suppress} calls throw. Idempotent. */
  @Override
  public void close() {
    log.close();
  }

  @Override
  public String toString() {
    return "FileSuppressionStore{directory=" + directory + "}";
  }

  static byte[] encode(List<SuppressionIndex.Key> keys, Set<Channel> channels, String reason) {
    StringJoiner names = new StringJoiner(",");
    for (Channel c : EnumSet.copyOf(channels)) {
      names.add(c.wireName());
    }
    byte[] channelBytes = names.toString().getBytes(StandardCharsets.US_ASCII);
    String kept = reason.length() > MAX_REASON_CHARS ? reason.substring(0, MAX_REASON_CHARS) : reason;
    byte[] reasonBytes = kept.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(1 + keys.size() * SuppressionIndex.KEY_BYTES + 1
        + channelBytes.length + reasonBytes.length);
    b.put((byte) keys.size());
    for (SuppressionIndex.Key k : keys) {
      k.writeTo(b);
    }
    b.put((byte) channelBytes.length).put(channelBytes).put(reasonBytes);
    return b.array();
  }

  /** Applies one replayed record; false if this release does not understand it. */
  private boolean replay(byte type, byte[] payload) {
    if ((type != SUPPRESS && type != LIFT) || payload.length < 2) {
      return false;
    }
    ByteBuffer in = ByteBuffer.wrap(payload);
    int count = Byte.toUnsignedInt(in.get());
    if (in.remaining() < count * SuppressionIndex.KEY_BYTES + 1) {
      return false;
    }
    SuppressionIndex.Key[] keys = new SuppressionIndex.Key[count];
    for (int i = 0; i < count; i++) {
      keys[i] = SuppressionIndex.Key.readFrom(in);
    }
    int length = Byte.toUnsignedInt(in.get());
    if (in.remaining() < length) {
      return false;
    }
    String names = new String(payload, in.position(), length, StandardCharsets.US_ASCII);
    EnumSet<Channel> channels = EnumSet.noneOf(Channel.class);
    boolean understood = true;
    for (String name : names.split(",")) {
      @Nullable Channel c = channel(name);
      if (c == null) {
        understood = false; // a channel of a later release; keep the ones this release knows
      } else {
        channels.add(c);
      }
    }
    in.position(in.position() + length);
    String code = new String(payload, in.position(), in.remaining(), StandardCharsets.UTF_8);
    int bits = SuppressionIndex.bits(channels, SuppressionSource.fromCode(code));
    if (type == SUPPRESS) {
      durable.add(List.of(keys), bits);
    } else {
      durable.lift(List.of(keys), bits);
    }
    return understood;
  }

  private static @Nullable Channel channel(String name) {
    for (Channel c : Channel.values()) {
      if (c.wireName().equals(name)) {
        return c;
      }
    }
    return null;
  }

  /** Configures and opens a {@link FileSuppressionStore}. Not thread-safe; one per store. */
  public static final class Builder {
    private final LogSettings settings = new LogSettings(DEFAULT_SEGMENT_SIZE, "segmentSize:");

    private Builder() {}

    /** Where the log lives; created if missing. Required. One open store per directory. */
    public Builder directory(Path directory) {
      settings.directory(directory);
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
    public FileSuppressionStore open() {
      return new FileSuppressionStore(this);
    }
  }
}

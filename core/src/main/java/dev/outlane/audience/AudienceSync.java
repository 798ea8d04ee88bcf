package dev.outlane.audience;

import dev.outlane.audience.internal.DiffCounts;
import dev.outlane.audience.internal.Differ;
import dev.outlane.audience.internal.Records;
import dev.outlane.contract.AudienceAction;
import dev.outlane.guardrail.SuppressionStore;
import dev.outlane.hashing.HashingProfile;
import dev.outlane.identity.IdentityNormalizer;
import dev.outlane.metrics.MetricsSink;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mirror-mode audience sync: given a segment's current membership, sends only what changed since
 * the last successful sync (adds and removes) through an {@link AudienceSink}.
 *
 * <pre>{@code
 * AudienceSync sync = AudienceSync.builder()
 *     .stateDirectory(Path.of("outlane-data/audiences/cart-recovery-meta"))
 *     .audience("cart-recovery")
 *     .destination("meta-cart-recovery")
 *     .hashingProfile(HashingProfile.META)
 *     .suppressionStore(suppressions)
 *     .build();
 * SyncReport preview = sync.dryRun(MemberSource.open(Path.of("members.csv")));
 * SyncReport report = sync.run(MemberSource.open(Path.of("members.csv")),
 *     DestinationAudienceSink.of(metaDestination, "23851234567890"));
 * }</pre>
 *
 * <p><b>How.</b> Members are read in chunks of {@link Builder#chunkSize}; each chunk is keyed by
 * SHA-256 of the customer id, sorted in memory, and written as a sorted run file of fixed-size
 * records (hashes only). For each member a cheap fingerprint of the raw email and phone is compared
 * with the one stored in the previous snapshot (looked up through a memory-mapped index): only
 * members whose raw values changed are normalized and hashed again. The runs are then merged with
 * the previous snapshot in one sequential pass that writes the next snapshot and the add and remove
 * files. Heap use is bounded by the chunk size, not by the audience size: 10 M members sync in a
 * 512 MB heap.
 *
 * <p><b>Speed.</b> With {@code threads > 1}, reading the source on the caller's thread overlaps
 * with keying, sorting, looking up and writing the previous chunk (two chunks are in memory then).
 * Raw values are copied into a reused char arena, so the source's strings die young; chunks are
 * radix-sorted on the key's top bits; lookups of a sorted chunk gallop forward through the mapped
 * snapshot; a dry run writes no files in its merge, it only counts. On 2 cores a re-sync with 1 %
 * churn costs about 1 µs of CPU per member beyond what the source itself costs; run with
 * {@code -Dorg.slf4j.simpleLogger…=debug} (or your logger's equivalent) to log the time per phase.
 *
 * <p><b>State.</b> The state directory holds {@code snapshot.bin} (the last synced membership:
 * key, fingerprint and SHA-256 hashes per member; never a raw email, phone or customer id) and,
 * while a sync is in progress, {@code pending/} with the next snapshot, the add/remove files and a
 * journal of accepted batches. The snapshot is replaced by an atomic rename only once every batch
 * has been accepted.
 *
 * <p><b>Failures and resume.</b> The sync stops at the first batch the sink does not accept and
 * returns an incomplete report; nothing was committed. The next {@link #run} or {@link #resume}
 * first finishes that pending sync, skipping the batches the journal records as accepted, so
 * nothing accepted is sent twice.
 *
 * <p><b>Suppression.</b> A member for whom {@link SuppressionStore#isSuppressed} is true on {@link
 * Channel#ADS} is treated as absent: never added, removed if present. Members whose raw values are
 * unchanged are checked by customer id, by email (trimmed, lower-cased) and by phone if it is
 * already written in E.164; a phone-only suppression of a differently written number under another
 * customer id is caught when that member's raw values next change.
 *
 * <p><b>Threads.</b> Calls run on the caller's thread and the sink is called on it; the source is
 * read on it too. Keying, normalizing, hashing and suppression checks run on {@link
 * Builder#threads} worker threads, plus one thread that writes the sorted runs, all of which live
 * for the duration of the call (with {@code threads(1)}, everything runs on the caller's thread).
 * An instance is
 * not for concurrent use, and a lock file makes a second process using the same state directory
 * fail fast with {@link AudienceSyncException}.
 */
public final class AudienceSync {
  private static final Logger LOG = LoggerFactory.getLogger(AudienceSync.class);

  /** Meta and Google accept up to 10,000 members per request, the largest of the supported APIs. */
  public static final int DEFAULT_BATCH_SIZE = 10_000;
  /**
   * About 30 MB of heap for the raw values of one chunk (two are in flight with worker threads):
   * 10 M members then need ~40 run files.
   */
  public static final int DEFAULT_CHUNK_SIZE = 250_000;

  private static final String SNAPSHOT = "snapshot.bin";
  private static final String PENDING = "pending";
  private static final String NEXT = "next.bin";
  private static final String ADDS = "adds.bin";
  private static final String REMOVES = "removes.bin";
  private static final String MANIFEST = "manifest.properties";
  private static final String JOURNAL = "journal.log";
  /** Ends every journal line: a line without it was torn by a crash and does not count. */
  private static final String JOURNAL_END = "ok";

  private final Path dir;
  private final String audience;
  private final String destination;
  private final HashingProfile profile;
  private final MetricsSink metrics;
  private final int batchSize;
  private final SyncProgress progress;
  private final Differ differ;

  private AudienceSync(Builder b) {
    this.dir = Objects.requireNonNull(b.dir, "stateDirectory: required");
    this.audience = Objects.requireNonNull(b.audience, "audience: required");
    this.destination = b.destination == null ? audience : b.destination;
    this.profile = b.profile;
    this.metrics = b.metrics;
    this.batchSize = b.batchSize;
    this.progress = b.progress;
    // Fingerprints are only comparable if raw values would normalize and hash the same way.
    String config = "fp1|" + profile + "|region=" + b.normalizer.defaultRegion() + "|lenient="
        + b.normalizer.lenientPhone();
    this.differ = new Differ(audience, profile, b.normalizer, b.suppression, b.chunkSize, b.threads, config, progress);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The audience name. */
  public String audience() {
    return audience;
  }

  /** The size of the audience after the last completed sync (0 before the first). */
  public long audienceSize() {
    Path snapshot = dir.resolve(SNAPSHOT);
    try {
      return Files.exists(snapshot) ? Records.header(snapshot).count() : 0;
    } catch (IOException e) {
      throw new AudienceSyncException("state: cannot read " + snapshot + ": " + e.getMessage(), e);
    }
  }

  /** Whether an interrupted sync waits to be finished by {@link #resume} or the next {@link #run}. */
  public boolean hasPendingSync() {
    return Files.exists(dir.resolve(PENDING).resolve(MANIFEST));
  }

  /**
   * Syncs {@code source} to {@code sink}: finishes a pending sync first (if that fails, returns its
   * report without reading {@code source}), then computes and sends the new adds and removes. Closes
   * {@code source}.
   *
   * @throws AudienceSyncException if the state or the source cannot be read or written; sink
   *     failures are not exceptions but an incomplete report
   */
  @SuppressWarnings("try") // the lock is held for the block, never referenced in it
  public SyncReport run(MemberSource source, AudienceSink sink) {
    Objects.requireNonNull(sink, "sink");
    long start = System.nanoTime();
    try (MemberSource in = source; FileLock lock = lock()) {
      if (hasPendingSync()) {
        SyncReport resumed = sendPending(sink, start);
        if (!resumed.complete()) {
          return resumed;
        }
      }
      Path pending = dir.resolve(PENDING);
      deleteTree(pending);
      Files.createDirectories(pending);
      DiffCounts counts;
      try {
        counts = differ.compute(in, dir.resolve(SNAPSHOT), pending, false, pending.resolve(NEXT),
            pending.resolve(ADDS), pending.resolve(REMOVES));
      } catch (IOException | RuntimeException e) {
        deleteTree(pending);
        throw e;
      }
      writeManifest(pending, counts); // from here on the diff is durable and resumable
      return sendPending(sink, start);
    } catch (IOException e) {
      throw new AudienceSyncException("audience " + audience + ": sync failed: " + e.getMessage(), e);
    }
  }

  /**
   * Finishes a pending sync, if any, sending only the batches not yet accepted.
   *
   * @return the report of the pending sync, or an empty complete report if none was pending
   */
  @SuppressWarnings("try") // the lock is held for the block, never referenced in it
  public SyncReport resume(AudienceSink sink) {
    long start = System.nanoTime();
    try (FileLock lock = lock()) {
      if (!hasPendingSync()) {
        long size = audienceSize();
        return SyncReport.builder(audience, destination).complete(true).previousSize(size).audienceSize(size)
            .targetSize(size).elapsed(elapsed(start)).build();
      }
      return sendPending(sink, start);
    } catch (IOException e) {
      throw new AudienceSyncException("audience " + audience + ": resume failed: " + e.getMessage(), e);
    }
  }

  /**
   * Computes what {@link #run} would send, without sending anything or changing the state. Closes
   * {@code source}.
   */
  @SuppressWarnings("try") // the lock is held for the block, never referenced in it
  public SyncReport dryRun(MemberSource source) {
    long start = System.nanoTime();
    try (MemberSource in = source; FileLock lock = lock()) {
      Path work = Files.createTempDirectory(dir, "dry-run-");
      try {
        DiffCounts c = differ.compute(in, dir.resolve(SNAPSHOT), work, true, null, null, null);
        return SyncReport.builder(audience, destination).dryRun(true).members(c.members).normalized(c.normalized)
            .adds(c.adds).removes(c.removes).unchanged(c.unchanged).changed(c.changed).suppressed(c.suppressed)
            .duplicates(c.duplicates).invalid(c.invalid).invalidByReason(c.reasons).previousSize(c.previousSize)
            .audienceSize(c.previousSize).targetSize(c.targetSize).elapsed(elapsed(start)).build();
      } finally {
        deleteTree(work);
      }
    } catch (IOException e) {
      throw new AudienceSyncException("audience " + audience + ": dry run failed: " + e.getMessage(), e);
    }
  }

  // ---------------------------------------------------------------- send

  private void writeManifest(Path pending, DiffCounts c) throws IOException {
    Properties p = new Properties();
    p.setProperty("members", Long.toString(c.members));
    p.setProperty("normalized", Long.toString(c.normalized));
    p.setProperty("adds", Long.toString(c.adds));
    p.setProperty("removes", Long.toString(c.removes));
    p.setProperty("unchanged", Long.toString(c.unchanged));
    p.setProperty("changed", Long.toString(c.changed));
    p.setProperty("suppressed", Long.toString(c.suppressed));
    p.setProperty("duplicates", Long.toString(c.duplicates));
    p.setProperty("invalid", Long.toString(c.invalid));
    p.setProperty("previousSize", Long.toString(c.previousSize));
    p.setProperty("targetSize", Long.toString(c.targetSize));
    p.setProperty("batchSize", Integer.toString(batchSize));
    c.reasons.forEach((reason, n) -> p.setProperty("invalid." + reason, Long.toString(n)));
    Path tmp = pending.resolve(MANIFEST + ".tmp");
    try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
      p.store(w, "outlane audience sync " + audience);
    }
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    move(tmp, pending.resolve(MANIFEST));
  }

  private SyncReport sendPending(AudienceSink sink, long start) throws IOException {
    Path pending = dir.resolve(PENDING);
    Properties m = new Properties();
    try (Reader r = Files.newBufferedReader(pending.resolve(MANIFEST), StandardCharsets.UTF_8)) {
      m.load(r);
    }
    // A resumed sync keeps the batch boundaries it was journaled with.
    int size = Integer.parseInt(m.getProperty("batchSize"));
    Path journalFile = pending.resolve(JOURNAL);
    Set<String> done = new HashSet<>();
    long received = 0;
    long matched = 0;
    boolean counted = false;
    if (Files.exists(journalFile)) {
      try (Stream<String> lines = Files.lines(journalFile, StandardCharsets.UTF_8)) {
        for (String line : (Iterable<String>) lines::iterator) {
          String[] parts = line.split(" ");
          if (parts.length < 3 || !parts[parts.length - 1].equals(JOURNAL_END)) {
            continue; // a torn last line: that batch was not durably recorded, send it again
          }
          done.add(parts[0] + " " + parts[1]);
          if (parts.length == 5) {
            received += Long.parseLong(parts[2]);
            matched += Long.parseLong(parts[3]);
            counted = true;
          }
        }
      }
    }
    long sent = 0;
    long skipped = 0;
    String failure = null;
    long totalBatches = (num(m, "removes") + size - 1) / size + (num(m, "adds") + size - 1) / size;
    progress.progress(SyncProgress.Phase.SEND, 0, totalBatches);
    try (FileChannel journal = FileChannel.open(journalFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.APPEND)) {
      // Removes first: a suppressed or departed person leaves the audience as early as possible.
      for (AudienceAction.Action action : new AudienceAction.Action[] {AudienceAction.Action.REMOVE, AudienceAction.Action.ADD}) {
        Path file = pending.resolve(action == AudienceAction.Action.ADD ? ADDS : REMOVES);
        try (Records.Reader reader = new Records.Reader(file, false)) {
          byte[] rec = new byte[Records.SIZE];
          List<HashedMember> batch = new ArrayList<>(Math.min(size, 10_000));
          long index = 0;
          boolean more = true;
          while (more && failure == null) {
            batch.clear();
            while (batch.size() < size && (more = reader.next(rec))) {
              batch.add(member(rec));
            }
            if (batch.isEmpty()) {
              break;
            }
            String id = action.wireName() + " " + index++;
            if (done.contains(id)) {
              skipped++;
              progress.progress(SyncProgress.Phase.SEND, sent + skipped, totalBatches);
              continue;
            }
            SinkResult result;
            try {
              result = sink.send(List.copyOf(batch), action);
            } catch (RuntimeException e) {
              result = SinkResult.failed("sink threw " + e.getClass().getSimpleName() + ": " + e.getMessage(), true, null);
            }
            if (result instanceof SinkResult.Accepted) {
              SinkResult.Accepted a = (SinkResult.Accepted) result;
              String line = id;
              if (a.received() != null && a.matched() != null) {
                received += a.received();
                matched += a.matched();
                counted = true;
                line += " " + a.received() + " " + a.matched();
              }
              journal.write(java.nio.ByteBuffer.wrap((line + " " + JOURNAL_END + "\n").getBytes(StandardCharsets.UTF_8)));
              journal.force(false); // durable before the next batch: a crash never resends it
              sent++;
              progress.progress(SyncProgress.Phase.SEND, sent + skipped, totalBatches);
            } else {
              SinkResult.Failed f = (SinkResult.Failed) result;
              failure = action.wireName() + " batch " + (index - 1) + " not accepted ("
                  + (f.retryable() ? "retryable" : "needs a fix") + "): " + f.reason();
            }
          }
        }
      }
    }
    long previous = Long.parseLong(m.getProperty("previousSize"));
    long target = Long.parseLong(m.getProperty("targetSize"));
    boolean complete = failure == null;
    if (complete) {
      // After a crash between this rename and the deletion below, next.bin is already the snapshot.
      if (Files.exists(pending.resolve(NEXT))) {
        move(pending.resolve(NEXT), dir.resolve(SNAPSHOT));
      }
      deleteTree(pending);
      metrics.audienceSize(destination, audience, target, previous);
      if (counted) {
        metrics.matchCounts(destination, received, matched);
      }
      LOG.info("audience {}: synced to {}: {} adds, {} removes, size {} → {}", audience, destination,
          m.getProperty("adds"), m.getProperty("removes"), previous, target);
    } else {
      LOG.warn("audience {}: sync to {} stopped: {}", audience, destination, failure);
    }
    Map<String, Long> reasons = new HashMap<>();
    for (String name : m.stringPropertyNames()) {
      if (name.startsWith("invalid.")) {
        reasons.put(name.substring("invalid.".length()), Long.parseLong(m.getProperty(name)));
      }
    }
    return SyncReport.builder(audience, destination).complete(complete).members(num(m, "members"))
        .normalized(num(m, "normalized")).adds(num(m, "adds")).removes(num(m, "removes"))
        .unchanged(num(m, "unchanged")).changed(num(m, "changed")).suppressed(num(m, "suppressed"))
        .duplicates(num(m, "duplicates")).invalid(num(m, "invalid")).invalidByReason(reasons).batchesSent(sent)
        .batchesSkipped(skipped).matchCounts(counted ? received : null, counted ? matched : null)
        .previousSize(previous).audienceSize(complete ? target : previous).targetSize(target).failure(failure)
        .elapsed(elapsed(start)).build();
  }

  private static long num(Properties p, String name) {
    return Long.parseLong(p.getProperty(name, "0"));
  }

  private static HashedMember member(byte[] rec) {
    byte flags = rec[Records.FLAGS];
    return new HashedMember(
        Records.hex(rec, Records.KEY, 16),
        (flags & Records.HAS_EMAIL) != 0 ? Records.hex(rec, Records.EMAIL, Records.HASH_BYTES) : null,
        (flags & Records.HAS_PHONE) != 0 ? Records.hex(rec, Records.PHONE, Records.HASH_BYTES) : null);
  }

  // ---------------------------------------------------------------- files

  private FileLock lock() throws IOException {
    Files.createDirectories(dir);
    FileChannel channel = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
    if (lock == null) {
      channel.close();
      throw new AudienceSyncException("state: " + dir + " is locked by another audience sync");
    }
    return new FileLock(channel, 0, Long.MAX_VALUE, false) {
      @Override
      public boolean isValid() {
        return lock.isValid();
      }

      @Override
      public void release() throws IOException {
        lock.release();
        channel.close();
      }
    };
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
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

  private static Duration elapsed(long start) {
    return Duration.ofNanos(System.nanoTime() - start);
  }

  @Override
  public String toString() {
    return "AudienceSync{audience=" + audience + ", destination=" + destination + ", profile=" + profile.name()
        + ", dir=" + dir + "}";
  }

  /** Configures an {@link AudienceSync}. Setters validate at once. Not thread-safe. */
  public static final class Builder {
    private @Nullable Path dir;
    private @Nullable String audience;
    private @Nullable String destination;
    private HashingProfile profile = HashingProfile.META;
    private IdentityNormalizer normalizer = IdentityNormalizer.create();
    private @Nullable SuppressionStore suppression;
    private MetricsSink metrics = MetricsSink.noop();
    private int batchSize = DEFAULT_BATCH_SIZE;
    private int chunkSize = DEFAULT_CHUNK_SIZE;
    private int threads = Runtime.getRuntime().availableProcessors();
    private SyncProgress progress = SyncProgress.none();

    private Builder() {}

    /** Receives progress, e.g. for a progress bar (default: none). */
    public Builder progress(SyncProgress progress) {
      this.progress = Objects.requireNonNull(progress, "progress");
      return this;
    }

    /**
     * Threads that normalize, hash and check suppression for new and changed members, 1–64 (default:
     * the number of processors). They are started per call and stopped before it returns; the
     * {@link SuppressionStore} is called on them.
     */
    public Builder threads(int threads) {
      if (threads < 1 || threads > 64) {
        throw new IllegalArgumentException("threads: must be 1–64, was " + threads);
      }
      this.threads = threads;
      return this;
    }

    /** Where the snapshot and pending state live; one directory per audience and destination. */
    public Builder stateDirectory(Path dir) {
      this.dir = Objects.requireNonNull(dir, "stateDirectory");
      return this;
    }

    /** The audience name, for reports and metrics. */
    public Builder audience(String audience) {
      if (audience.isBlank()) {
        throw new IllegalArgumentException("audience: must not be blank");
      }
      this.audience = audience;
      return this;
    }

    /** The destination name for metrics; defaults to the audience name. */
    public Builder destination(String destination) {
      if (destination.isBlank()) {
        throw new IllegalArgumentException("destination: must not be blank");
      }
      this.destination = destination;
      return this;
    }

    /** The destination's hashing profile (default {@link HashingProfile#META}). */
    public Builder hashingProfile(HashingProfile profile) {
      this.profile = Objects.requireNonNull(profile, "hashingProfile");
      return this;
    }

    public Builder normalizer(IdentityNormalizer normalizer) {
      this.normalizer = Objects.requireNonNull(normalizer, "normalizer");
      return this;
    }

    /** Suppressed people are removed and never added. Default: none. */
    public Builder suppressionStore(@Nullable SuppressionStore suppression) {
      this.suppression = suppression;
      return this;
    }

    public Builder metrics(MetricsSink metrics) {
      this.metrics = Objects.requireNonNull(metrics, "metrics");
      return this;
    }

    /** Members per {@link AudienceSink#send} call, 1–100,000 (default 10,000). */
    public Builder batchSize(int batchSize) {
      if (batchSize < 1 || batchSize > 100_000) {
        throw new IllegalArgumentException("batchSize: must be 1–100000, was " + batchSize);
      }
      this.batchSize = batchSize;
      return this;
    }

    /**
     * Raw members per chunk, 1–5,000,000 (default 250,000, about 30 MB of heap; with worker threads
     * two chunks are held). Larger chunks mean fewer run files; the heap bound is what matters.
     */
    public Builder chunkSize(int chunkSize) {
      if (chunkSize < 1 || chunkSize > 5_000_000) {
        throw new IllegalArgumentException("chunkSize: must be 1–5000000, was " + chunkSize);
      }
      this.chunkSize = chunkSize;
      return this;
    }

    /**
     * @throws NullPointerException naming {@code stateDirectory} or {@code audience} if unset
     */
    public AudienceSync build() {
      return new AudienceSync(this);
    }
  }
}

package dev.outlane.audience;

import dev.outlane.audience.internal.BatchSender;
import dev.outlane.audience.internal.DiffCounts;
import dev.outlane.audience.internal.Differ;
import dev.outlane.audience.internal.Manifest;
import dev.outlane.audience.internal.SyncState;
import dev.outlane.guardrail.SuppressionStore;
import dev.outlane.hashing.HashingProfile;
import dev.outlane.identity.IdentityNormalizer;
import dev.outlane.metrics.MetricsSink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
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
 * <p><b>How.</b> Members are read in chunks of {@link Builder#chunkSize}, keyed by SHA-256 of
 * the customer id, sorted and written as sorted runs of hashes; only members whose raw email or
 * phone changed since the previous snapshot (a cheap fingerprint tells) are normalized and hashed
 * again. The runs are merged with the previous snapshot in one sequential pass that writes the next
 * snapshot and the add and remove files. Heap use is bounded by the chunk size, not by the audience
 * size: 10 M members sync in a 512 MB heap. The stages live in {@code audience.internal} ({@code
 * Differ} is the entry); at debug level it logs the time per phase.
 *
 * <p><b>State.</b> The state directory holds {@code snapshot.bin} (the last synced membership:
 * key, fingerprint and SHA-256 hashes per member; never a raw email, phone or customer id) and,
 * while a sync is in progress, {@code pending/} with the next snapshot, the add/remove files and a
 * journal of accepted batches. The snapshot is replaced by an atomic rename only once every batch
 * has been accepted. A dry run writes nothing there.
 *
 * <p><b>Failures and resume.</b> The sync stops at the first batch the sink does not accept and
 * returns an incomplete report; nothing was committed. The next {@link #run} or {@link #resume}
 * first finishes that pending sync, skipping the batches the journal records as accepted, so
 * nothing accepted is sent twice.
 *
 * <p><b>Suppression.</b> A member for whom {@link SuppressionStore#isSuppressed} is true on {@link
 * dev.outlane.destination.Channel#ADS} is treated as absent: never added, removed if present.
 * Members whose raw values are unchanged are checked by customer id, by email (under the normalizer's email rule) and by phone
 * if it is already written in E.164; a phone-only suppression of a differently written number under another
 * customer id is caught when that member's raw values next change.
 *
 * <p><b>Threads.</b> Calls run on the caller's thread and the sink is called on it; the source is
 * read on it too. Keying, normalizing, hashing and suppression checks run on {@link
 * Builder#threads} worker threads, plus one thread that writes the sorted runs, all of which live
 * for the duration of the call (with {@code threads(1)}, everything runs on the caller's thread).
 * An instance is not for concurrent use, and a lock file makes a second sync using the same state
 * directory (in this process or another) fail fast with {@link AudienceSyncException}.
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

  private final SyncState state;
  private final String audience;
  private final String destination;
  private final HashingProfile profile;
  private final MetricsSink metrics;
  private final int batchSize;
  private final SyncProgress progress;
  private final @Nullable Path scratch;
  private final Differ differ;

  private AudienceSync(Builder b) {
    this.state = new SyncState(Objects.requireNonNull(b.dir, "stateDirectory: required"));
    this.audience = Objects.requireNonNull(b.audience, "audience: required");
    this.destination = b.destination == null ? audience : b.destination;
    this.profile = b.profile;
    this.metrics = b.metrics;
    this.batchSize = b.batchSize;
    this.progress = b.progress;
    this.scratch = b.scratch;
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

  /**
   * The size of the audience after the last completed sync (0 before the first).
   *
   * @throws AudienceSyncException if the snapshot cannot be read
   */
  public long audienceSize() {
    return state.size();
  }

  /** Whether an interrupted sync waits to be finished by {@link #resume} or the next {@link #run}. */
  public boolean hasPendingSync() {
    return state.hasPending();
  }

  /**
   * Syncs {@code source} to {@code sink}: finishes a pending sync first (if that fails, returns its
   * report without reading {@code source}), then computes and sends the new adds and removes. Closes
   * {@code source}.
   *
   * @throws AudienceSyncException if the state or the source cannot be read or written, or another
   *     sync holds the state directory; sink failures are not exceptions but an incomplete report
   */
  @SuppressWarnings("try") // the lock is held for the block, never referenced in it
  public SyncReport run(MemberSource source, AudienceSink sink) {
    Objects.requireNonNull(sink, "sink");
    long start = System.nanoTime();
    try (MemberSource in = source; SyncState.Lock lock = state.lock()) {
      if (state.hasPending()) {
        SyncReport resumed = sendPending(sink, start);
        if (!resumed.complete()) {
          return resumed;
        }
      }
      state.startPending();
      DiffCounts counts;
      try {
        counts = differ.compute(in, state.snapshot(), state.pending(), false, state.next(), state.adds(),
            state.removes());
      } catch (IOException | RuntimeException e) {
        state.discardPending();
        throw e;
      }
      // from here on the diff is durable and resumable
      state.writeManifest(new Manifest(counts, batchSize), "outlane audience sync " + audience);
      return sendPending(sink, start);
    } catch (IOException e) {
      throw new AudienceSyncException("audience " + audience + ": sync failed: " + e.getMessage(), e);
    }
  }

  /**
   * Finishes a pending sync, if any, sending only the batches not yet accepted.
   *
   * @return the report of the pending sync, or an empty complete report if none was pending
   * @throws AudienceSyncException as {@link #run} does
   */
  @SuppressWarnings("try") // the lock is held for the block, never referenced in it
  public SyncReport resume(AudienceSink sink) {
    long start = System.nanoTime();
    try (SyncState.Lock lock = state.lock()) {
      if (!state.hasPending()) {
        long size = state.size();
        return SyncReport.builder(audience, destination).complete(true).previousSize(size).audienceSize(size)
            .targetSize(size).elapsed(elapsed(start)).build();
      }
      return sendPending(sink, start);
    } catch (IOException e) {
      throw new AudienceSyncException("audience " + audience + ": resume failed: " + e.getMessage(), e);
    }
  }

  /**
   * Computes what {@link #run} would send, without sending anything or changing the state: it
   * writes nothing to the state directory (not even a lock file, nor the directory itself) and
   * puts its sorted runs in a temporary directory under {@link Builder#scratchDirectory}, deleted
   * before it returns. It takes a shared lock if a sync has run here, so it waits for no one but
   * fails fast while a sync runs. Closes {@code source}.
   *
   * @throws AudienceSyncException if the state or the source cannot be read, the scratch files
   *     cannot be written, or a sync holds the state directory
   */
  @SuppressWarnings("try") // the lock is held for the block, never referenced in it
  public SyncReport dryRun(MemberSource source) {
    long start = System.nanoTime();
    try (MemberSource in = source; SyncState.Lock lock = state.readLock()) {
      Path work = scratch == null ? Files.createTempDirectory("outlane-audience-dry-run-")
          : Files.createTempDirectory(Files.createDirectories(scratch), "outlane-audience-dry-run-");
      try {
        DiffCounts c = differ.compute(in, state.snapshot(), work, true, null, null, null);
        return report(c).dryRun(true).audienceSize(c.previousSize).elapsed(elapsed(start)).build();
      } finally {
        SyncState.deleteTree(work);
      }
    } catch (IOException e) {
      throw new AudienceSyncException("audience " + audience + ": dry run failed: " + e.getMessage(), e);
    }
  }

  /** Sends the pending sync's batches not yet accepted and, if all are, commits its snapshot. */
  private SyncReport sendPending(AudienceSink sink, long start) throws IOException {
    Manifest manifest = state.readManifest();
    DiffCounts c = manifest.counts();
    BatchSender.Result sent = new BatchSender(sink, progress).send(state, manifest);
    boolean complete = sent.failure() == null;
    if (complete) {
      state.commit();
      metrics.audienceSize(destination, audience, c.targetSize, c.previousSize);
      if (sent.received() != null && sent.matched() != null) {
        metrics.matchCounts(destination, sent.received(), sent.matched());
      }
      LOG.info("audience {}: synced to {}: {} adds, {} removes, size {} → {}", audience, destination, c.adds,
          c.removes, c.previousSize, c.targetSize);
    } else {
      LOG.warn("audience {}: sync to {} stopped: {}", audience, destination, sent.failure());
    }
    return report(c).complete(complete).batchesSent(sent.sent()).batchesSkipped(sent.skipped())
        .matchCounts(sent.received(), sent.matched()).audienceSize(complete ? c.targetSize : c.previousSize)
        .failure(sent.failure()).elapsed(elapsed(start)).build();
  }

  /** A report of the diff {@code c}; the caller adds what the call did. */
  private SyncReport.Builder report(DiffCounts c) {
    return SyncReport.builder(audience, destination).members(c.members).normalized(c.normalized).adds(c.adds)
        .removes(c.removes).unchanged(c.unchanged).changed(c.changed).suppressed(c.suppressed)
        .duplicates(c.duplicates).invalid(c.invalid).invalidByReason(c.reasons).previousSize(c.previousSize)
        .targetSize(c.targetSize);
  }

  private static Duration elapsed(long start) {
    return Duration.ofNanos(System.nanoTime() - start);
  }

  @Override
  public String toString() {
    return "AudienceSync{audience=" + audience + ", destination=" + destination + ", profile=" + profile.name()
        + ", dir=" + state.directory() + "}";
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
    private @Nullable Path scratch;

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

    /**
     * Where a {@link AudienceSync#dryRun dry run} puts its temporary sorted runs (about 90 bytes per
     * member, deleted before it returns); default: {@code java.io.tmpdir}. A sync puts them in the
     * state directory.
     */
    public Builder scratchDirectory(Path scratch) {
      this.scratch = Objects.requireNonNull(scratch, "scratchDirectory");
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

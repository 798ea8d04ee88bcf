package dev.outlane.audience;

import dev.outlane.ValidationException;
import dev.outlane.audience.internal.Fingerprint;
import dev.outlane.audience.internal.KeySort;
import dev.outlane.audience.internal.Records;
import dev.outlane.audience.internal.SnapshotIndex;
import dev.outlane.contract.AudienceAction;
import dev.outlane.destination.Channel;
import dev.outlane.guardrail.SuppressionStore;
import dev.outlane.hashing.HashingProfile;
import dev.outlane.identity.Identity;
import dev.outlane.identity.IdentityNormalizer;
import dev.outlane.identity.internal.EmailRule;
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
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
  private final IdentityNormalizer normalizer;
  private final @Nullable SuppressionStore suppression;
  private final MetricsSink metrics;
  private final int batchSize;
  private final int chunkSize;
  private final int threads;
  private final SyncProgress progress;
  private final String config;

  private AudienceSync(Builder b) {
    this.dir = Objects.requireNonNull(b.dir, "stateDirectory: required");
    this.audience = Objects.requireNonNull(b.audience, "audience: required");
    this.destination = b.destination == null ? audience : b.destination;
    this.profile = b.profile;
    this.normalizer = b.normalizer;
    this.suppression = b.suppression;
    this.metrics = b.metrics;
    this.batchSize = b.batchSize;
    this.chunkSize = b.chunkSize;
    this.threads = b.threads;
    this.progress = b.progress;
    // Fingerprints are only comparable if raw values would normalize and hash the same way.
    this.config = "fp1|" + profile + "|region=" + normalizer.defaultRegion() + "|lenient=" + normalizer.lenientPhone();
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
      Counts counts;
      try {
        counts = compute(in, pending, false);
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
        Counts c = compute(in, work, true);
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

  // ---------------------------------------------------------------- compute

  private static final String[] PHASES = {"key", "sort", "lookup", "normalize", "write", "merge"};

  /** Counters of one diff. */
  private static final class Counts {
    long members;
    long normalized;
    long adds;
    long removes;
    long unchanged;
    long changed;
    long suppressed;
    long duplicates;
    long invalid;
    long previousSize;
    long targetSize;
    final Map<String, Long> reasons = new HashMap<>();
    /** Wall nanos per phase (key, sort, lookup, normalize, write run, merge), for the debug log. */
    final long[] phaseNanos = new long[PHASES.length];
    /** Wall nanos reading the source (on the caller's thread, overlapping the phases above). */
    long readNanos;

    void invalid(String reason) {
      invalid++;
      reasons.merge(reason, 1L, Long::sum);
    }
  }

  /** @param dry whether only the counts matter: the next snapshot and the add/remove files are not written */
  private Counts compute(MemberSource source, Path out, boolean dry) throws IOException {
    Counts counts = new Counts();
    Path snapshot = dir.resolve(SNAPSHOT);
    Path runsDir = Files.createDirectories(out.resolve("runs"));
    List<Path> runs = new ArrayList<>();
    SnapshotIndex prev = Files.exists(snapshot) ? SnapshotIndex.open(snapshot) : null;
    ExecutorService pool = threads > 1 ? Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "outlane-audience-sync-" + audience);
      t.setDaemon(true);
      return t;
    }) : null;
    // With worker threads, chunk k is keyed, sorted and written on this thread while the caller's
    // thread reads chunk k + 1 from the source: reading (often the source's own parsing or string
    // building) overlaps with everything else. Two chunks are in memory at most.
    ExecutorService runner = pool == null ? null : Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "outlane-audience-sync-" + audience + "-runs");
      t.setDaemon(true);
      return t;
    });
    Future<?> inFlight = null;
    long blank = 0;
    try {
      boolean fingerprintsUsable = prev != null && prev.config().equals(config);
      if (prev != null && !fingerprintsUsable) {
        LOG.info("audience {}: hashing configuration changed since the last sync; normalizing every member", audience);
      }
      counts.previousSize = prev == null ? 0 : prev.count();
      SnapshotIndex usable = fingerprintsUsable ? prev : null;
      Chunk chunk = new Chunk(chunkSize);
      Chunk other = runner == null ? chunk : new Chunk(chunkSize);
      while (true) {
        long t0 = System.nanoTime();
        chunk.clear();
        while (chunk.n < chunkSize && source.hasNext()) {
          RawMember m = source.next();
          counts.members++;
          String id = strip(m.customerId());
          if (id.isEmpty()) {
            blank++; // counted after the runs are written: their thread owns counts.reasons until then
            continue;
          }
          chunk.add(id, m.email(), m.phone());
        }
        counts.readNanos += System.nanoTime() - t0;
        if (chunk.n == 0) {
          break;
        }
        progress.progress(SyncProgress.Phase.READ, counts.members, -1);
        Path run = runsDir.resolve("run-" + runs.size() + ".bin");
        runs.add(run);
        boolean last = chunk.n < chunkSize;
        if (runner == null) {
          writeRun(chunk, usable, run, counts, pool);
        } else {
          await(inFlight); // the previous chunk is written: its buffers may be refilled
          Chunk full = chunk;
          inFlight = runner.submit(() -> {
            writeRun(full, usable, run, counts, pool);
            return null;
          });
          chunk = other;
          other = full;
        }
        if (last) {
          break;
        }
      }
      await(inFlight);
      inFlight = null;
    } finally {
      if (inFlight != null) {
        // The source failed while a run was being written: let it finish before the caller
        // deletes the directory it writes to.
        try {
          inFlight.get();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
          // the failure that brought us here is the one to report
        }
      }
      if (runner != null) {
        runner.shutdownNow();
      }
      if (pool != null) {
        pool.shutdownNow();
      }
      if (prev != null) {
        prev.close();
      }
    }
    for (long i = 0; i < blank; i++) {
      counts.invalid("$.customer_id: must not be blank");
    }
    progress.progress(SyncProgress.Phase.READ, counts.members, counts.members);
    progress.progress(SyncProgress.Phase.DIFF, 0, 1);
    long t0 = System.nanoTime();
    merge(runs, snapshot, out, counts, dry);
    counts.phaseNanos[5] += System.nanoTime() - t0;
    if (LOG.isDebugEnabled()) {
      StringBuilder phases = new StringBuilder(" read=" + counts.readNanos / 1_000_000 + "ms");
      for (int i = 0; i < PHASES.length; i++) {
        phases.append(' ').append(PHASES[i]).append('=').append(counts.phaseNanos[i] / 1_000_000).append("ms");
      }
      LOG.debug("audience {}: diff of {} members in {} runs:{}", audience, counts.members, runs.size(), phases);
    }
    progress.progress(SyncProgress.Phase.DIFF, 1, 1);
    deleteTree(runsDir);
    return counts;
  }

  /**
   * Raw members of one chunk, in parallel arrays. The raw values are copied into one reused char
   * arena instead of keeping the source's strings: those then die young, and the garbage collector
   * never copies millions of live strings from chunk to chunk (it did, at about a third of the CPU
   * time of a re-sync). Strings are made again only for the few members that are normalized.
   */
  private static final class Chunk {
    /** Member i: id at {@code start[i]}, then email, then phone; a length of -1 is an absent value. */
    char[] chars;
    int used;
    final int[] start;
    final int[] idLen;
    final int[] emailLen;
    final int[] phoneLen;
    final long[] hi;
    final long[] lo;
    final int[] ord;
    final long[] fps;
    final long[] fpIn;
    final long[] found;
    final int[] todo;
    final KeySort sort;
    final Object[] results;
    int n;

    Chunk(int size) {
      // ~32 chars per member to start with (an id, a short email and a phone); grows as needed
      chars = new char[(int) Math.min(1L << 28, Math.max(1024L, 32L * size))];
      start = new int[size];
      idLen = new int[size];
      emailLen = new int[size];
      phoneLen = new int[size];
      fps = new long[size];
      fpIn = new long[size];
      sort = new KeySort(size);
      found = new long[size];
      todo = new int[size];
      results = new Object[size];
      hi = new long[size];
      lo = new long[size];
      ord = new int[size];
    }

    void clear() {
      n = 0;
      used = 0;
    }

    void add(String id, @Nullable String email, @Nullable String phone) {
      int need = id.length() + (email == null ? 0 : email.length()) + (phone == null ? 0 : phone.length());
      if (chars.length - used < need) {
        long grown = Math.max((long) used + need, chars.length + (chars.length >> 1));
        if (grown > Integer.MAX_VALUE - 16) {
          throw new AudienceSyncException("members: a chunk's raw values exceed 2^31 chars; use a smaller chunkSize");
        }
        chars = java.util.Arrays.copyOf(chars, (int) grown);
      }
      start[n] = used;
      idLen[n] = put(id);
      emailLen[n] = put(email);
      phoneLen[n] = put(phone);
      ord[n] = n;
      n++;
    }

    private int put(@Nullable String s) {
      if (s == null) {
        return -1;
      }
      int len = s.length();
      s.getChars(0, len, chars, used);
      used += len;
      return len;
    }

    int emailStart(int i) {
      return start[i] + idLen[i];
    }

    int phoneStart(int i) {
      return emailStart(i) + Math.max(0, emailLen[i]);
    }

    String id(int i) {
      return new String(chars, start[i], idLen[i]);
    }

    @Nullable String email(int i) {
      return emailLen[i] < 0 ? null : new String(chars, emailStart(i), emailLen[i]);
    }

    @Nullable String phone(int i) {
      return phoneLen[i] < 0 ? null : new String(chars, phoneStart(i), phoneLen[i]);
    }

    long fingerprint(int i) {
      return Fingerprint.of(chars, emailStart(i), emailLen[i], phoneStart(i), phoneLen[i]);
    }

    /**
     * Writes the UTF-8 bytes of member i's id into {@code buf} (grown if too small) and returns
     * their count; ids that are not ASCII go through {@link String#getBytes} so that the bytes, and
     * so the key, are exactly what they always were.
     */
    byte[] idBytes(int i, byte[][] buf, int[] len) {
      int from = start[i];
      int n = idLen[i];
      byte[] b = buf[0];
      if (b.length < n) {
        b = buf[0] = new byte[Math.max(n, 2 * b.length)];
      }
      for (int k = 0; k < n; k++) {
        char ch = chars[from + k];
        if (ch >= 0x80) {
          byte[] utf8 = id(i).getBytes(StandardCharsets.UTF_8);
          len[0] = utf8.length;
          return utf8;
        }
        b[k] = (byte) ch;
      }
      len[0] = n;
      return b;
    }
  }

  /** What normalizing one member produced: identifiers and hashes, or why it is invalid. */
  private static final class Normalized {
    @Nullable Identity identity;
    @Nullable String problem;
    byte flags;
    final byte[] hashes = new byte[2 * Records.HASH_BYTES];
    boolean suppressed;
  }

  private void writeRun(Chunk c, @Nullable SnapshotIndex prev, Path run, Counts counts, @Nullable ExecutorService pool)
      throws IOException {
    // Pass 0 (parallel): key every member by SHA-256 of its customer id and fingerprint its raw
    // values. In input order: a sequential walk of the char arena (after the sort it would be a
    // random one).
    long t = System.nanoTime();
    runAll(pool, c.n, (from, to) -> {
      MessageDigest sha = sha256();
      byte[] d = new byte[32];
      byte[][] buf = {new byte[64]};
      int[] len = new int[1];
      for (int i = from; i < to; i++) {
        sha.update(c.idBytes(i, buf, len), 0, len[0]);
        try {
          sha.digest(d, 0, d.length);
        } catch (java.security.DigestException e) {
          throw new IllegalStateException("SHA-256 digests are 32 bytes", e);
        }
        c.hi[i] = Records.getLong(d, 0);
        c.lo[i] = Records.getLong(d, 8);
        c.fpIn[i] = c.fingerprint(i);
      }
    });
    t = lap(counts, 0, t);
    c.sort.radixSort(c.hi, c.lo, c.ord, c.n);
    t = lap(counts, 1, t);
    // Pass 1 (parallel, cheap): fingerprint lookups decide who must be normalized again.
    runAll(pool, c.n, (from, to) -> {
      long pos = 0; // keys ascend within the slice: each lookup starts where the previous one ended
      for (int j = from; j < to; j++) {
        if (j + 1 < c.n && c.hi[j] == c.hi[j + 1] && c.lo[j] == c.lo[j + 1]) {
          c.found[j] = -2; // an earlier row of a repeated customer id: the later row wins
          continue;
        }
        c.fps[j] = c.fpIn[c.ord[j]];
        long found = -1;
        if (prev != null) {
          long at = prev.findFrom(pos, c.hi[j], c.lo[j]);
          if (at >= 0) {
            found = at;
            pos = at + 1;
          } else {
            pos = -at - 1;
          }
        }
        c.found[j] = found >= 0 && prev.fingerprint(found) == c.fps[j] ? found : -1;
      }
    });
    t = lap(counts, 2, t);
    int[] todo = c.todo; // reused: a fresh 1 MB array per chunk was a humongous allocation each time
    int todoCount = 0;
    for (int j = 0; j < c.n; j++) {
      if (c.found[j] != -2 && (c.found[j] < 0 || suppression != null)) {
        todo[todoCount++] = j;
      }
    }
    // Pass 2 (expensive: phone parsing, hashing, suppression lookups), on the worker threads.
    runAll(pool, todoCount, (from, to) -> {
      for (int k = from; k < to; k++) {
        int j = todo[k];
        int i = c.ord[j];
        Normalized r = new Normalized();
        if (c.found[j] >= 0) {
          r.identity = cheapIdentity(c.id(i), c.email(i), c.phone(i));
        } else {
          normalizeInto(c.id(i), c.email(i), c.phone(i), r);
        }
        if (suppression != null && r.identity != null) {
          r.suppressed = suppression.isSuppressed(r.identity, Channel.ADS);
        }
        c.results[j] = r;
      }
    });
    t = lap(counts, 3, t);
    // Pass 3 (sequential, in key order): count and write the run.
    byte[] rec = new byte[Records.SIZE];
    try (Records.Writer w = new Records.Writer(run, false, config, false)) {
      for (int j = 0; j < c.n; j++) {
        if (c.found[j] == -2) {
          counts.duplicates++;
          continue;
        }
        Normalized r = (Normalized) c.results[j];
        c.results[j] = null;
        if (c.found[j] >= 0) {
          // Raw values unchanged: the merge takes the stored hashes from the previous snapshot as
          // it streams past them, instead of a second random read of the mapping here.
          java.util.Arrays.fill(rec, (byte) 0);
          rec[Records.FLAGS] = Records.REUSE;
        } else {
          counts.normalized++;
          if (r == null || r.identity == null) {
            counts.invalid(r == null || r.problem == null ? "no email or phone" : r.problem);
            continue;
          }
          java.util.Arrays.fill(rec, (byte) 0);
          System.arraycopy(r.hashes, 0, rec, Records.EMAIL, 2 * Records.HASH_BYTES);
          rec[Records.FLAGS] = r.flags;
        }
        if (r != null && r.suppressed) {
          counts.suppressed++;
          continue;
        }
        Records.putLong(rec, Records.KEY, c.hi[j]);
        Records.putLong(rec, Records.KEY + 8, c.lo[j]);
        Records.putLong(rec, Records.FP, c.fps[j]);
        w.write(rec, 0);
      }
    }
    lap(counts, 4, t);
  }

  private static long lap(Counts counts, int phase, long since) {
    long now = System.nanoTime();
    counts.phaseNanos[phase] += now - since;
    return now;
  }

  /** Waits for a chunk's run to be written, rethrowing its failure as it was thrown. */
  private static void await(@Nullable Future<?> run) throws IOException {
    if (run == null) {
      return;
    }
    try {
      run.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while writing a sorted run");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException) {
        throw (IOException) cause;
      }
      if (cause instanceof RuntimeException) {
        throw (RuntimeException) cause;
      }
      if (cause instanceof Error) {
        throw (Error) cause;
      }
      throw new IllegalStateException(cause);
    }
  }

  /** {@link String#strip()} without scanning when neither end is white space (the usual id). */
  private static String strip(String s) {
    int n = s.length();
    if (n > 0 && !Character.isWhitespace(s.charAt(0)) && !Character.isWhitespace(s.charAt(n - 1))) {
      return s;
    }
    return s.strip();
  }

  /** A range task over [from, to). */
  private interface RangeTask {
    void run(int from, int to);
  }

  /** Runs {@code task} over [0, n) split across the pool, or inline without one. */
  private static void runAll(@Nullable ExecutorService pool, int n, RangeTask task) throws IOException {
    if (pool == null || n < 2_048) {
      task.run(0, n);
      return;
    }
    int slices = 16;
    List<Future<?>> futures = new ArrayList<>(slices);
    for (int s = 0; s < slices; s++) {
      int from = (int) ((long) n * s / slices);
      int to = (int) ((long) n * (s + 1) / slices);
      futures.add(pool.submit(() -> task.run(from, to)));
    }
    try {
      for (Future<?> f : futures) {
        f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while normalizing members");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException) {
        throw (RuntimeException) cause;
      }
      throw new IllegalStateException(cause);
    }
  }

  private void normalizeInto(String id, @Nullable String email, @Nullable String phone, Normalized r) {
    Counts scratch = new Counts();
    Identity identity = normalize(id, email, phone, scratch);
    if (identity == null) {
      r.problem = scratch.reasons.keySet().iterator().next();
      return;
    }
    r.identity = identity;
    if (identity.email() != null) {
      Records.unhex(profile.hashEmail(identity.email()), r.hashes, 0);
      r.flags |= Records.HAS_EMAIL;
    }
    if (identity.phoneE164() != null) {
      Records.unhex(profile.hashPhone(identity.phoneE164()), r.hashes, Records.HASH_BYTES);
      r.flags |= Records.HAS_PHONE;
    }
  }

  /** Normalizes each identifier on its own, so one bad value does not drop a usable other one. */
  private @Nullable Identity normalize(String id, @Nullable String email, @Nullable String phone, Counts counts) {
    String normalizedEmail = null;
    String normalizedPhone = null;
    String problem = null;
    if (email != null) {
      try {
        normalizedEmail = normalizer.normalizeEmail(email);
      } catch (ValidationException e) {
        problem = e.getMessage();
      }
    }
    if (phone != null) {
      try {
        normalizedPhone = normalizer.normalizePhone(phone);
      } catch (ValidationException e) {
        // A member with a bad email and a bad phone reports both: fixing one must not reveal the other.
        problem = problem == null ? e.getMessage() : problem + "; " + e.getMessage();
      }
    }
    if (normalizedEmail == null && normalizedPhone == null) {
      counts.invalid(problem == null ? "no email or phone" : problem);
      return null;
    }
    return new Identity(id, normalizedEmail, normalizedPhone);
  }

  /** An identity for the suppression check that costs no phone parsing (see the class javadoc). */
  private static Identity cheapIdentity(String id, @Nullable String email, @Nullable String phone) {
    // The one email rule (NFC included), so a member seen before hashes as IdentityNormalizer would.
    String e = email == null ? null : EmailRule.canonical(email);
    String p = phone != null && isE164(phone) ? phone : null;
    return new Identity(id, e, p);
  }

  private static boolean isE164(String s) {
    if (s.length() < 8 || s.length() > 16 || s.charAt(0) != '+' || s.charAt(1) == '0') {
      return false;
    }
    for (int i = 1; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  /** One sorted run being merged: the current record is {@code buf[off..off+SIZE)}. */
  private static final class Cursor {
    final Records.Reader reader;
    final int run;
    final byte[] buf;
    int off;
    long hi;
    long lo;

    Cursor(Records.Reader reader, int run) {
      this.reader = reader;
      this.run = run;
      this.buf = reader.buffer();
    }

    boolean advance() throws IOException {
      off = reader.next();
      if (off < 0) {
        return false;
      }
      hi = Records.getLong(buf, off + Records.KEY);
      lo = Records.getLong(buf, off + Records.KEY + 8);
      return true;
    }

    /** Key order; among equal keys (one customer id in two chunks) the earlier run first. */
    boolean before(Cursor o) {
      if (hi != o.hi) {
        return Long.compareUnsigned(hi, o.hi) < 0;
      }
      if (lo != o.lo) {
        return Long.compareUnsigned(lo, o.lo) < 0;
      }
      return run < o.run;
    }
  }

  /** A binary min-heap of cursors that replaces its top in place: one sift per merged record. */
  private static final class CursorHeap {
    final Cursor[] heap;
    int size;

    CursorHeap(int capacity) {
      heap = new Cursor[Math.max(1, capacity)];
    }

    void add(Cursor c) {
      int i = size++;
      heap[i] = c;
      while (i > 0) {
        int parent = (i - 1) >>> 1;
        if (!heap[i].before(heap[parent])) {
          break;
        }
        Cursor t = heap[i];
        heap[i] = heap[parent];
        heap[parent] = t;
        i = parent;
      }
    }

    /** Advances the top cursor, dropping it when its run ends, and restores the heap order. */
    void advanceTop() throws IOException {
      if (!heap[0].advance()) {
        heap[0] = heap[--size];
        heap[size] = null;
      }
      int i = 0;
      while (true) {
        int l = 2 * i + 1;
        if (l >= size) {
          return;
        }
        int m = l + 1 < size && heap[l + 1].before(heap[l]) ? l + 1 : l;
        if (!heap[m].before(heap[i])) {
          return;
        }
        Cursor t = heap[i];
        heap[i] = heap[m];
        heap[m] = t;
        i = m;
      }
    }
  }

  /** Read buffers of all runs together stay near this size, so many small chunks fit the heap. */
  private static final int MERGE_BUFFERS = 32 << 20;

  private void merge(List<Path> runs, Path snapshot, Path out, Counts counts, boolean dry) throws IOException {
    CursorHeap heap = new CursorHeap(runs.size());
    List<Records.Reader> readers = new ArrayList<>();
    Records.Reader old = null;
    int bufferSize = Math.max(1 << 16, Math.min(Records.BUFFER, MERGE_BUFFERS / Math.max(1, runs.size())));
    // Durable: the manifest written next makes these files the resumable state of the sync. A dry
    // run only counts: nobody reads its files.
    try (Records.Writer next = dry ? Records.Writer.counting() : new Records.Writer(out.resolve(NEXT), true, config, true);
        Records.Writer adds = dry ? Records.Writer.counting() : new Records.Writer(out.resolve(ADDS), false, config, true);
        Records.Writer removes = dry ? Records.Writer.counting() : new Records.Writer(out.resolve(REMOVES), false, config, true)) {
      for (int i = 0; i < runs.size(); i++) {
        Records.Reader r = new Records.Reader(runs.get(i), false, bufferSize);
        readers.add(r);
        Cursor cursor = new Cursor(r, i);
        if (cursor.advance()) {
          heap.add(cursor);
        }
      }
      old = Files.exists(snapshot) ? new Records.Reader(snapshot, true) : null;
      byte[] oldBuf = old == null ? new byte[0] : old.buffer();
      int oldOff = old == null ? -1 : old.next();
      byte[] cur = new byte[Records.SIZE];
      while (true) {
        boolean hasNew = false;
        long curHi = 0;
        long curLo = 0;
        if (heap.size > 0) {
          // Take the smallest key; among equal keys (the same customer id in two chunks) the
          // latest run, i.e. the later row, wins.
          Cursor c = heap.heap[0];
          curHi = c.hi;
          curLo = c.lo;
          System.arraycopy(c.buf, c.off, cur, 0, Records.SIZE);
          heap.advanceTop();
          while (heap.size > 0 && heap.heap[0].hi == curHi && heap.heap[0].lo == curLo) {
            Cursor d = heap.heap[0];
            System.arraycopy(d.buf, d.off, cur, 0, Records.SIZE);
            counts.duplicates++;
            heap.advanceTop();
          }
          hasNew = true;
        }
        // Emit every old record with a smaller key: gone from the segment.
        while (oldOff >= 0 && (!hasNew || Records.compareKeys(oldBuf, oldOff, cur, 0) < 0)) {
          removes.write(oldBuf, oldOff);
          oldOff = old.next();
        }
        if (!hasNew) {
          break;
        }
        boolean reuse = (cur[Records.FLAGS] & Records.REUSE) != 0;
        if (oldOff >= 0 && Records.compareKeys(oldBuf, oldOff, cur, 0) == 0) {
          if (reuse) {
            System.arraycopy(oldBuf, oldOff, cur, 0, Records.SIZE);
          }
          if (Records.sameIdentifiers(oldBuf, oldOff, cur, 0)) {
            counts.unchanged++;
          } else {
            counts.changed++;
            removes.write(oldBuf, oldOff);
            adds.write(cur, 0);
          }
          oldOff = old.next();
        } else if (reuse) {
          // found in the snapshot when the run was written; the lock keeps other writers out
          throw new IOException(SNAPSHOT + " changed while this sync was reading it");
        } else {
          adds.write(cur, 0);
        }
        next.write(cur, 0);
      }
      counts.adds = adds.count();
      counts.removes = removes.count();
      counts.targetSize = next.count();
    } finally {
      for (Records.Reader r : readers) {
        r.close();
      }
      if (old != null) {
        old.close();
      }
    }
  }

  // ---------------------------------------------------------------- send

  private void writeManifest(Path pending, Counts c) throws IOException {
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

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
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

package dev.outlane.audience;

import java.time.Duration;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * What one audience sync (or dry run) found and did. Immutable and thread-safe; contains counts
 * only, never PII.
 *
 * <p>A final class with accessors rather than a record, so that it can gain figures without
 * breaking callers; {@link AudienceSync} makes it through {@link #builder}, tests and fakes may too.
 */
public final class SyncReport {
  private final String audience;
  private final String destination;
  private final boolean dryRun;
  private final boolean complete;
  private final long members;
  private final long normalized;
  private final long adds;
  private final long removes;
  private final long unchanged;
  private final long changed;
  private final long suppressed;
  private final long duplicates;
  private final long invalid;
  private final Map<String, Long> invalidByReason;
  private final long batchesSent;
  private final long batchesSkipped;
  private final @Nullable Long received;
  private final @Nullable Long matched;
  private final long previousSize;
  private final long audienceSize;
  private final long targetSize;
  private final @Nullable String failure;
  private final Duration elapsed;

  private SyncReport(Builder b) {
    this.audience = b.audience;
    this.destination = b.destination;
    this.dryRun = b.dryRun;
    this.complete = b.complete;
    this.members = b.members;
    this.normalized = b.normalized;
    this.adds = b.adds;
    this.removes = b.removes;
    this.unchanged = b.unchanged;
    this.changed = b.changed;
    this.suppressed = b.suppressed;
    this.duplicates = b.duplicates;
    this.invalid = b.invalid;
    this.invalidByReason = Collections.unmodifiableMap(new TreeMap<>(b.invalidByReason));
    this.batchesSent = b.batchesSent;
    this.batchesSkipped = b.batchesSkipped;
    this.received = b.received;
    this.matched = b.matched;
    this.previousSize = b.previousSize;
    this.audienceSize = b.audienceSize;
    this.targetSize = b.targetSize;
    this.failure = b.failure;
    this.elapsed = b.elapsed;
  }

  /**
   * Starts a report; every count defaults to 0, {@code received}, {@code matched} and {@code
   * failure} to null, {@code elapsed} to zero.
   *
   * @throws IllegalArgumentException if either name is blank
   */
  public static Builder builder(String audience, String destination) {
    return new Builder(audience, destination);
  }

  /** A builder holding this report's values, to derive a changed copy. */
  public Builder toBuilder() {
    return new Builder(audience, destination).dryRun(dryRun).complete(complete).members(members)
        .normalized(normalized).adds(adds).removes(removes).unchanged(unchanged).changed(changed)
        .suppressed(suppressed).duplicates(duplicates).invalid(invalid).invalidByReason(invalidByReason)
        .batchesSent(batchesSent).batchesSkipped(batchesSkipped).matchCounts(received, matched)
        .previousSize(previousSize).audienceSize(audienceSize).targetSize(targetSize).failure(failure)
        .elapsed(elapsed);
  }

  /** The audience name. */
  public String audience() {
    return audience;
  }

  /** The destination name (as reported to metrics). */
  public String destination() {
    return destination;
  }

  /** True if nothing was sent and no state was written. */
  public boolean dryRun() {
    return dryRun;
  }

  /** True if every batch was accepted and the new snapshot committed (always false for a dry run). */
  public boolean complete() {
    return complete;
  }

  /** Rows read from the source. */
  public long members() {
    return members;
  }

  /**
   * Members whose raw identifiers were normalized and hashed this time; the others had the same raw
   * values as in the last snapshot and reused its hashes.
   */
  public long normalized() {
    return normalized;
  }

  /** Members to add (new members, and the new identifiers of changed members). */
  public long adds() {
    return adds;
  }

  /** Members to remove (gone, suppressed, now invalid, and the old identifiers of changed members). */
  public long removes() {
    return removes;
  }

  /** Members already in the audience with the same identifiers. */
  public long unchanged() {
    return unchanged;
  }

  /**
   * Members present before and now whose hashed identifiers changed (each is counted in both adds
   * and removes).
   */
  public long changed() {
    return changed;
  }

  /** Members left out because they are suppressed on the ads channel. */
  public long suppressed() {
    return suppressed;
  }

  /** Rows whose customer id appeared earlier in the source (the last row wins). */
  public long duplicates() {
    return duplicates;
  }

  /** Members left out because no identifier could be normalized. */
  public long invalid() {
    return invalid;
  }

  /** {@link #invalid} broken down by reason (e.g. {@code "$.email: missing '@'"}), sorted by reason. */
  public Map<String, Long> invalidByReason() {
    return invalidByReason;
  }

  /** Batches the sink accepted during this call. */
  public long batchesSent() {
    return batchesSent;
  }

  /** Batches accepted by an earlier, interrupted call and not sent again. */
  public long batchesSkipped() {
    return batchesSkipped;
  }

  /** The destination's received count summed over accepted batches, or null if it reports none. */
  public @Nullable Long received() {
    return received;
  }

  /** The destination's matched count summed over accepted batches, or null. */
  public @Nullable Long matched() {
    return matched;
  }

  /** The audience size after the last completed sync (0 for the first). */
  public long previousSize() {
    return previousSize;
  }

  /** The audience size now: the new size if complete, else {@link #previousSize}. */
  public long audienceSize() {
    return audienceSize;
  }

  /** The size the audience has once this sync completes. */
  public long targetSize() {
    return targetSize;
  }

  /** Why the sync stopped before completing, or null. */
  public @Nullable String failure() {
    return failure;
  }

  /** Wall time of the call. */
  public Duration elapsed() {
    return elapsed;
  }

  /** matched / received, or null if the destination reported no counts. */
  public @Nullable Double matchRate() {
    if (received == null || matched == null || received == 0) {
      return null;
    }
    return (double) matched / received;
  }

  /** audienceSize - previousSize. */
  public long drift() {
    return audienceSize - previousSize;
  }

  /** A multi-line summary for a CLI. */
  public String summary() {
    StringBuilder b = new StringBuilder();
    b.append(dryRun ? "dry run" : complete ? "synced" : "incomplete").append(" audience ").append(audience)
        .append(" → ").append(destination).append('\n');
    b.append("  members ").append(members).append(" (normalized ").append(normalized).append(")\n");
    b.append("  adds ").append(adds).append(", removes ").append(removes).append(", unchanged ")
        .append(unchanged).append(", changed ").append(changed).append('\n');
    b.append("  suppressed ").append(suppressed).append(", duplicates ").append(duplicates)
        .append(", invalid ").append(invalid).append('\n');
    invalidByReason.forEach((r, n) -> b.append("    ").append(n).append(" × ").append(r).append('\n'));
    if (!dryRun) {
      b.append("  batches sent ").append(batchesSent).append(", skipped (already accepted) ")
          .append(batchesSkipped).append('\n');
    }
    Double rate = matchRate();
    if (rate != null) {
      b.append("  received ").append(received).append(", matched ").append(matched)
          .append(String.format(Locale.ROOT, " (match rate %.1f%%)", rate * 100)).append('\n');
    }
    b.append("  audience size ").append(audienceSize).append(" (previous ").append(previousSize)
        .append(", drift ").append(drift() >= 0 ? "+" : "").append(drift()).append(")\n");
    if (failure != null) {
      b.append("  stopped: ").append(failure).append('\n');
    }
    return b.toString();
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof SyncReport)) {
      return false;
    }
    SyncReport r = (SyncReport) o;
    return dryRun == r.dryRun && complete == r.complete && members == r.members && normalized == r.normalized
        && adds == r.adds && removes == r.removes && unchanged == r.unchanged && changed == r.changed
        && suppressed == r.suppressed && duplicates == r.duplicates && invalid == r.invalid
        && batchesSent == r.batchesSent && batchesSkipped == r.batchesSkipped && previousSize == r.previousSize
        && audienceSize == r.audienceSize && targetSize == r.targetSize && audience.equals(r.audience)
        && destination.equals(r.destination) && invalidByReason.equals(r.invalidByReason)
        && Objects.equals(received, r.received) && Objects.equals(matched, r.matched)
        && Objects.equals(failure, r.failure) && elapsed.equals(r.elapsed);
  }

  @Override
  public int hashCode() {
    return Objects.hash(audience, destination, dryRun, complete, members, normalized, adds, removes, unchanged,
        changed, suppressed, duplicates, invalid, invalidByReason, batchesSent, batchesSkipped, received, matched,
        previousSize, audienceSize, targetSize, failure, elapsed);
  }

  /** Counts and names only (the reasons name fields, never values), like {@link #summary}. */
  @Override
  public String toString() {
    return "SyncReport{audience=" + audience + ", destination=" + destination + ", dryRun=" + dryRun
        + ", complete=" + complete + ", members=" + members + ", normalized=" + normalized + ", adds=" + adds
        + ", removes=" + removes + ", unchanged=" + unchanged + ", changed=" + changed + ", suppressed="
        + suppressed + ", duplicates=" + duplicates + ", invalid=" + invalid + ", invalidByReason="
        + invalidByReason + ", batchesSent=" + batchesSent + ", batchesSkipped=" + batchesSkipped
        + ", received=" + received + ", matched=" + matched + ", previousSize=" + previousSize
        + ", audienceSize=" + audienceSize + ", targetSize=" + targetSize + ", failure=" + failure
        + ", elapsed=" + elapsed + "}";
  }

  /**
   * Collects a {@link SyncReport}'s values. Setters validate at once ({@link IllegalArgumentException}
   * for a negative count). Not thread-safe.
   */
  public static final class Builder {
    private final String audience;
    private final String destination;
    private boolean dryRun;
    private boolean complete;
    private long members;
    private long normalized;
    private long adds;
    private long removes;
    private long unchanged;
    private long changed;
    private long suppressed;
    private long duplicates;
    private long invalid;
    private Map<String, Long> invalidByReason = Map.of();
    private long batchesSent;
    private long batchesSkipped;
    private @Nullable Long received;
    private @Nullable Long matched;
    private long previousSize;
    private long audienceSize;
    private long targetSize;
    private @Nullable String failure;
    private Duration elapsed = Duration.ZERO;

    private Builder(String audience, String destination) {
      if (audience.isBlank()) {
        throw new IllegalArgumentException("audience: must not be blank");
      }
      if (destination.isBlank()) {
        throw new IllegalArgumentException("destination: must not be blank");
      }
      this.audience = audience;
      this.destination = destination;
    }

    private static long count(String name, long value) {
      if (value < 0) {
        throw new IllegalArgumentException(name + ": must not be negative, was " + value);
      }
      return value;
    }

    public Builder dryRun(boolean dryRun) {
      this.dryRun = dryRun;
      return this;
    }

    public Builder complete(boolean complete) {
      this.complete = complete;
      return this;
    }

    public Builder members(long members) {
      this.members = count("members", members);
      return this;
    }

    public Builder normalized(long normalized) {
      this.normalized = count("normalized", normalized);
      return this;
    }

    public Builder adds(long adds) {
      this.adds = count("adds", adds);
      return this;
    }

    public Builder removes(long removes) {
      this.removes = count("removes", removes);
      return this;
    }

    public Builder unchanged(long unchanged) {
      this.unchanged = count("unchanged", unchanged);
      return this;
    }

    public Builder changed(long changed) {
      this.changed = count("changed", changed);
      return this;
    }

    public Builder suppressed(long suppressed) {
      this.suppressed = count("suppressed", suppressed);
      return this;
    }

    public Builder duplicates(long duplicates) {
      this.duplicates = count("duplicates", duplicates);
      return this;
    }

    public Builder invalid(long invalid) {
      this.invalid = count("invalid", invalid);
      return this;
    }

    /** Copied. */
    public Builder invalidByReason(Map<String, Long> invalidByReason) {
      this.invalidByReason = Map.copyOf(invalidByReason);
      return this;
    }

    public Builder batchesSent(long batchesSent) {
      this.batchesSent = count("batchesSent", batchesSent);
      return this;
    }

    public Builder batchesSkipped(long batchesSkipped) {
      this.batchesSkipped = count("batchesSkipped", batchesSkipped);
      return this;
    }

    /** The destination's summed received and matched counts; both null if it reports none. */
    public Builder matchCounts(@Nullable Long received, @Nullable Long matched) {
      if ((received == null) != (matched == null)) {
        throw new IllegalArgumentException("matchCounts: received and matched are both set or both null");
      }
      this.received = received == null ? null : count("received", received);
      this.matched = matched == null ? null : count("matched", matched);
      return this;
    }

    public Builder previousSize(long previousSize) {
      this.previousSize = count("previousSize", previousSize);
      return this;
    }

    public Builder audienceSize(long audienceSize) {
      this.audienceSize = count("audienceSize", audienceSize);
      return this;
    }

    public Builder targetSize(long targetSize) {
      this.targetSize = count("targetSize", targetSize);
      return this;
    }

    public Builder failure(@Nullable String failure) {
      this.failure = failure;
      return this;
    }

    public Builder elapsed(Duration elapsed) {
      this.elapsed = Objects.requireNonNull(elapsed, "elapsed");
      return this;
    }

    public SyncReport build() {
      return new SyncReport(this);
    }
  }
}

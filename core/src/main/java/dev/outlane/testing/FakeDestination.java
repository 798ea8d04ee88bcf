package dev.outlane.testing;

import dev.outlane.destination.Channel;
import dev.outlane.destination.DeliveryItem;
import dev.outlane.destination.Destination;
import dev.outlane.destination.DestinationLimits;
import dev.outlane.destination.Outcome;
import dev.outlane.destination.Settings;
import dev.outlane.hashing.HashingProfile;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import org.jspecify.annotations.Nullable;

/**
 * An in-memory {@link Destination} for tests: it records every item it is given, can be scripted to
 * fail, and enforces its declared limits the way a real API would.
 *
 * <pre>{@code
 * ManualScheduler time = new ManualScheduler(Instant.parse("2026-11-29T18:00:00Z"));
 * FakeDestination sms = FakeDestination.builder("sms").channel(Channel.SMS).idempotent(false)
 *     .scheduler(time)                                                 // call times in virtual time
 *     .build();
 * sms.failNext(1, Outcome.retryable("429", Duration.ofSeconds(3)));   // the next call is rate-limited
 * sms.failNext(1, Outcome.unknown("timeout after send"));             // then one unknown outcome
 * Outlane outlane = Outlane.builder().scheduler(time).clock(time.clock()).destination(sms).route(...).build();
 * ...
 * assertThat(sms.deliveredItems()).hasSize(5);
 * assertThat(sms.limitViolations()).isEmpty();
 * }</pre>
 *
 * <p><b>Outcomes.</b> Each call takes the next scripted outcome (see {@link #failNext}) and applies it to
 * every item of the call; without a script, each item goes through the per-item {@linkplain
 * Builder#rule rule} (e.g. reject one phone number as invalid), and otherwise is delivered with
 * reference {@code <name>-<n>}.
 *
 * <p><b>Limits.</b> A batch with more items than {@code maxItemsPerRequest}, more bytes than {@code
 * maxBytesPerRequest}, or an item over {@code maxBytesPerItem} (as measured by {@link #sizeOf}) is
 * recorded in {@link #limitViolations()} and fails the call with an {@link AssertionError}, so a test
 * notices instead of the fake silently accepting what the real API would refuse.
 *
 * <p><b>Call times.</b> {@link #callTimes()} are read from the clock the fake was built with: {@link
 * Builder#scheduler} for the {@link ManualScheduler} the client runs on (so "retried after exactly 3
 * s" holds in virtual time), or {@link Builder#clock}. A fake built with neither has no clock, and
 * {@code callTimes()} says so instead of returning wall-clock instants that would not match the
 * scheduler's.
 *
 * <p>Thread-safe: every method may be called from any thread while the engine delivers.
 */
public final class FakeDestination implements Destination {
  private final String name;
  private final Channel channel;
  private final DestinationLimits limits;
  private final boolean idempotent;
  private final @Nullable HashingProfile hashingProfile;
  private final ToLongFunction<DeliveryItem> sizer;
  private final Function<DeliveryItem, @Nullable Outcome> rule;
  private final @Nullable Clock clock;

  private final ArrayDeque<Outcome> script = new ArrayDeque<>();
  private final List<List<DeliveryItem>> batches = new ArrayList<>();
  private final List<Instant> callTimes = new ArrayList<>();
  private final List<DeliveryItem> delivered = new ArrayList<>();
  private final List<String> violations = new ArrayList<>();
  private long references;
  private boolean closed;

  private FakeDestination(Builder b) {
    this.name = b.name;
    this.channel = b.channel;
    this.limits = b.limits;
    this.idempotent = b.idempotent;
    this.hashingProfile = b.hashingProfile;
    this.sizer = b.sizer;
    this.rule = b.rule;
    this.clock = b.clock;
  }

  /**
   * A builder for a fake named {@code name}: channel {@link Channel#EVENTS}, idempotent, 100 items per
   * request, no byte limits, no hashing.
   */
  public static Builder builder(@Nullable String name) {
    return new Builder(name);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Channel channel() {
    return channel;
  }

  @Override
  public DestinationLimits limits() {
    return limits;
  }

  @Override
  public boolean idempotent() {
    return idempotent;
  }

  @Override
  public @Nullable HashingProfile hashingProfile() {
    return hashingProfile;
  }

  @Override
  public long sizeOf(DeliveryItem item) {
    return sizer.applyAsLong(item);
  }

  /**
   * Records the batch and returns one outcome per item.
   *
   * @throws AssertionError if the batch breaks the declared limits or the fake is closed
   */
  @Override
  public synchronized List<Outcome> deliver(List<DeliveryItem> batch) {
    if (closed) {
      violations.add(name + ": deliver called after close");
      throw new AssertionError(name + ": deliver called after close");
    }
    String violation = checkLimits(batch);
    if (violation != null) {
      violations.add(violation);
      throw new AssertionError(violation);
    }
    batches.add(List.copyOf(batch));
    if (clock != null) {
      callTimes.add(clock.instant());
    }
    Outcome scripted = script.pollFirst();
    List<Outcome> out = new ArrayList<>(batch.size());
    for (DeliveryItem item : batch) {
      Outcome o = scripted != null ? scripted : rule.apply(item);
      if (o == null) {
        o = Outcome.delivered(name + "-" + (++references));
      }
      if (o instanceof Outcome.Delivered) {
        delivered.add(item);
      }
      out.add(o);
    }
    return out;
  }

  private @Nullable String checkLimits(List<DeliveryItem> batch) {
    if (batch.isEmpty()) {
      return name + ": deliver called with an empty batch";
    }
    if (batch.size() > limits.maxItemsPerRequest()) {
      return name + ": batch of " + batch.size() + " items exceeds maxItemsPerRequest "
          + limits.maxItemsPerRequest();
    }
    long total = 0;
    for (DeliveryItem item : batch) {
      long size = sizer.applyAsLong(item);
      if (size > limits.maxBytesPerItem()) {
        return name + ": item " + item.idempotencyKey() + " of " + size
            + " bytes exceeds maxBytesPerItem " + limits.maxBytesPerItem();
      }
      total += size;
    }
    if (total > limits.maxBytesPerRequest()) {
      return name + ": batch of " + total + " bytes exceeds maxBytesPerRequest "
          + limits.maxBytesPerRequest();
    }
    return null;
  }

  /**
   * The next {@code calls} calls answer {@code outcome} for every item (after any outcomes already
   * scripted). Use {@link Outcome#retryable}, {@link Outcome#unknown}, {@link Outcome#rejected}, {@link
   * Outcome#optedOut}, or a {@link Outcome.Retryable} with a {@code retryAfter} for a rate limit.
   */
  public synchronized FakeDestination failNext(int calls, Outcome outcome) {
    if (calls < 0) {
      throw new IllegalArgumentException("calls: must be ≥ 0, was " + calls);
    }
    Objects.requireNonNull(outcome, "outcome");
    for (int i = 0; i < calls; i++) {
      script.addLast(outcome);
    }
    return this;
  }

  /** The next {@code calls} calls are rate-limited: retryable with this {@code Retry-After}. */
  public FakeDestination rateLimitNext(int calls, Duration retryAfter) {
    return failNext(calls, new Outcome.Retryable("429 Too Many Requests", "429", retryAfter));
  }

  /** Every item of every call so far, in order (retries appear again). */
  public synchronized List<DeliveryItem> items() {
    List<DeliveryItem> all = new ArrayList<>();
    for (List<DeliveryItem> b : batches) {
      all.addAll(b);
    }
    return all;
  }

  /** The batches received, in order. */
  public synchronized List<List<DeliveryItem>> batches() {
    return List.copyOf(batches);
  }

  /** How many times {@code deliver} accepted a batch. */
  public synchronized int calls() {
    return batches.size();
  }

  /**
   * When each call happened, by the clock given to {@link Builder#scheduler} or {@link
   * Builder#clock}.
   *
   * @throws IllegalStateException if the fake was built with neither: {@code callTimes: this fake
   *     has no clock; build it with scheduler(time) to pair it with a ManualScheduler, or
   *     clock(Clock)}
   */
  public synchronized List<Instant> callTimes() {
    if (clock == null) {
      throw new IllegalStateException("callTimes: this fake has no clock; build it with scheduler(time) to pair it"
          + " with a ManualScheduler, or clock(Clock)");
    }
    return List.copyOf(callTimes);
  }

  /** The items that were answered {@link Outcome.Delivered}. */
  public synchronized List<DeliveryItem> deliveredItems() {
    return List.copyOf(delivered);
  }

  /** Every broken limit, as a message; empty if the engine honoured them all. */
  public synchronized List<String> limitViolations() {
    return List.copyOf(violations);
  }

  /** Whether {@link #close()} was called. */
  public synchronized boolean isClosed() {
    return closed;
  }

  @Override
  public synchronized void close() {
    closed = true;
  }

  @Override
  public String toString() {
    return "FakeDestination{" + name + ", " + channel.wireName() + ", calls=" + calls() + "}";
  }

  /** Configures a {@link FakeDestination}. Not thread-safe. */
  public static final class Builder {
    private final String name;
    private Channel channel = Channel.EVENTS;
    private DestinationLimits limits = DestinationLimits.ofItems(100);
    private boolean idempotent = true;
    private @Nullable HashingProfile hashingProfile;
    private ToLongFunction<DeliveryItem> sizer = item -> 0;
    private Function<DeliveryItem, @Nullable Outcome> rule = item -> null;
    private @Nullable Clock clock;

    private Builder(@Nullable String name) {
      this.name = Settings.requireText("name", name);
    }

    /**
     * The channel the fake reports (default {@link Channel#EVENTS}).
     *
     * @throws IllegalArgumentException if null
     */
    public Builder channel(@Nullable Channel channel) {
      this.channel = Settings.require("channel", channel);
      return this;
    }

    /**
     * The limits the fake declares and enforces (default 100 items per request, no byte limits).
     *
     * @throws IllegalArgumentException if null
     */
    public Builder limits(@Nullable DestinationLimits limits) {
      this.limits = Settings.require("limits", limits);
      return this;
    }

    /** Whether resending is harmless (default true; SMS fakes should say false). */
    public Builder idempotent(boolean idempotent) {
      this.idempotent = idempotent;
      return this;
    }

    /** The hashing profile the fake asks the engine for; null (the default) for none. */
    public Builder hashingProfile(@Nullable HashingProfile profile) {
      this.hashingProfile = profile;
      return this;
    }

    /** How many bytes an item takes (default 0). Called from delivery threads; must be thread-safe. */
    public Builder sizeOf(@Nullable ToLongFunction<DeliveryItem> sizer) {
      this.sizer = Settings.require("sizeOf", sizer);
      return this;
    }

    /**
     * A per-item answer used when no scripted outcome applies: return an outcome, or null to deliver.
     * E.g. {@code item -> item.identity().phoneE164() != null && item.identity().phoneE164().endsWith("0000")
     * ? Outcome.rejected("21211", "invalid To") : null}. Called under the fake's lock.
     */
    public Builder rule(@Nullable Function<DeliveryItem, @Nullable Outcome> rule) {
      this.rule = Settings.require("rule", rule);
      return this;
    }

    /**
     * Pairs the fake with the scheduler the client runs on: {@link #callTimes()} are read from
     * {@code time}'s virtual clock. The same as {@code clock(time.clock())}, in one call.
     *
     * @throws IllegalArgumentException if {@code time} is null
     */
    public Builder scheduler(@Nullable ManualScheduler time) {
      this.clock = Settings.require("scheduler", time).clock();
      return this;
    }

    /**
     * The clock {@link #callTimes()} are read from, e.g. {@code Clock.systemUTC()} for a client on
     * real threads; for a {@link ManualScheduler} use {@link #scheduler}. Without either, the fake
     * records no call times.
     *
     * @throws IllegalArgumentException if {@code clock} is null
     */
    public Builder clock(@Nullable Clock clock) {
      this.clock = Settings.require("clock", clock);
      return this;
    }

    /** Builds the fake. Every setting has a default, so this never fails. */
    public FakeDestination build() {
      return new FakeDestination(this);
    }
  }
}

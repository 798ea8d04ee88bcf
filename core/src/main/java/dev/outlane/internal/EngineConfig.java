package dev.outlane.internal;

import dev.outlane.OptOutPolicy;
import dev.outlane.Problem;
import dev.outlane.Scheduler;
import dev.outlane.contract.RetentionEvent;
import dev.outlane.deadletter.DeadLetterStore;
import dev.outlane.destination.DeliveryInterceptor;
import dev.outlane.destination.Destination;
import dev.outlane.guardrail.FrequencyCap;
import dev.outlane.guardrail.IdempotencyStore;
import dev.outlane.guardrail.PreActivationCheck;
import dev.outlane.guardrail.SuppressionStore;
import dev.outlane.idempotency.IdempotencyKeys;
import dev.outlane.identity.IdentityNormalizer;
import dev.outlane.journal.EventJournal;
import dev.outlane.metrics.MetricsSink;
import dev.outlane.ratelimit.RateLimit;
import dev.outlane.retry.RetryPolicy;
import dev.outlane.routing.Route;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Everything {@link Engine} needs, as assembled and validated by {@code Outlane.Builder}. A final
 * class with a {@link Builder} rather than a record, so a setting can be added without touching
 * every call site; the accessors keep the record's names. Every setting but {@link #frequencyCap}
 * is required ({@link Builder#build} names the first one missing). Immutable, thread-safe if the
 * plug-ins it holds are.
 */
public final class EngineConfig {
  private final Map<String, LaneConfig> lanes;
  private final List<Route> routes;
  private final IdentityNormalizer normalizer;
  private final IdempotencyKeys keys;
  private final SuppressionStore suppression;
  private final @Nullable FrequencyCap frequencyCap;
  private final int frequencyCapMaxPeople;
  private final PreActivationCheck preActivationCheck;
  private final IdempotencyStore idempotency;
  private final RetryPolicy retry;
  private final MetricsSink metrics;
  private final DeadLetterStore deadLetters;
  private final EventJournal journal;
  private final OptOutPolicy optOut;
  private final int queueCapacity;
  private final boolean splitRejectedBatches;
  private final Clock clock;
  private final Scheduler scheduler;
  private final boolean ownsScheduler;
  private final Duration closeTimeout;
  private final Function<RetentionEvent, List<Problem>> validator;

  private EngineConfig(Builder b) {
    this.lanes = Collections.unmodifiableMap(new LinkedHashMap<>(require(b.lanes, "lanes")));
    this.routes = List.copyOf(require(b.routes, "routes"));
    this.normalizer = require(b.normalizer, "normalizer");
    this.keys = require(b.keys, "keys");
    this.suppression = require(b.suppression, "suppression");
    this.frequencyCap = b.frequencyCap;
    this.frequencyCapMaxPeople = b.frequencyCapMaxPeople;
    this.preActivationCheck = require(b.preActivationCheck, "preActivationCheck");
    this.idempotency = require(b.idempotency, "idempotency");
    this.retry = require(b.retry, "retry");
    this.metrics = require(b.metrics, "metrics");
    this.deadLetters = require(b.deadLetters, "deadLetters");
    this.journal = require(b.journal, "journal");
    this.optOut = require(b.optOut, "optOut");
    this.queueCapacity = b.queueCapacity;
    this.splitRejectedBatches = b.splitRejectedBatches;
    this.clock = require(b.clock, "clock");
    this.scheduler = require(b.scheduler, "scheduler");
    this.ownsScheduler = b.ownsScheduler;
    this.closeTimeout = require(b.closeTimeout, "closeTimeout");
    this.validator = require(b.validator, "validator");
  }

  private static <T> T require(@Nullable T value, String name) {
    return Objects.requireNonNull(value, name);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The destinations by name, in registration order. */
  public Map<String, LaneConfig> lanes() {
    return lanes;
  }

  /** Which event goes where. */
  public List<Route> routes() {
    return routes;
  }

  /** The client's identity rules. */
  public IdentityNormalizer normalizer() {
    return normalizer;
  }

  /** How each item's idempotency key is derived. */
  public IdempotencyKeys keys() {
    return keys;
  }

  /** Who must not be contacted on which channel. */
  public SuppressionStore suppression() {
    return suppression;
  }

  /** The frequency cap, or null for none. */
  public @Nullable FrequencyCap frequencyCap() {
    return frequencyCap;
  }

  /** How many people the frequency limiter remembers. */
  public int frequencyCapMaxPeople() {
    return frequencyCapMaxPeople;
  }

  /** The user's last check before an item is sent. */
  public PreActivationCheck preActivationCheck() {
    return preActivationCheck;
  }

  /** Keys delivered, possibly delivered and attempted. */
  public IdempotencyStore idempotency() {
    return idempotency;
  }

  /** When and after how long a failed item is retried. */
  public RetryPolicy retry() {
    return retry;
  }

  /** Where counts and latencies go. */
  public MetricsSink metrics() {
    return metrics;
  }

  /** Where items that cannot be delivered are kept. */
  public DeadLetterStore deadLetters() {
    return deadLetters;
  }

  /** The write-ahead journal (a no-op one in memory mode). */
  public EventJournal journal() {
    return journal;
  }

  /** What an opt-out suppresses and removes. */
  public OptOutPolicy optOut() {
    return optOut;
  }

  /** How many events may be accepted and not yet final. */
  public int queueCapacity() {
    return queueCapacity;
  }

  /** Whether a batch rejected as a whole is split to find the bad item. */
  public boolean splitRejectedBatches() {
    return splitRejectedBatches;
  }

  /** The engine's time. */
  public Clock clock() {
    return clock;
  }

  /** Where delivery, linger and retries run. */
  public Scheduler scheduler() {
    return scheduler;
  }

  /** Whether the engine closes the scheduler. */
  public boolean ownsScheduler() {
    return ownsScheduler;
  }

  /** How long close waits for outstanding deliveries. */
  public Duration closeTimeout() {
    return closeTimeout;
  }

  /** The contract's checks, identity excepted. */
  public Function<RetentionEvent, List<Problem>> validator() {
    return validator;
  }

  /** Collects an {@link EngineConfig}; not thread-safe. */
  public static final class Builder {
    private @Nullable Map<String, LaneConfig> lanes;
    private @Nullable List<Route> routes;
    private @Nullable IdentityNormalizer normalizer;
    private @Nullable IdempotencyKeys keys;
    private @Nullable SuppressionStore suppression;
    private @Nullable FrequencyCap frequencyCap;
    private int frequencyCapMaxPeople;
    private @Nullable PreActivationCheck preActivationCheck;
    private @Nullable IdempotencyStore idempotency;
    private @Nullable RetryPolicy retry;
    private @Nullable MetricsSink metrics;
    private @Nullable DeadLetterStore deadLetters;
    private @Nullable EventJournal journal;
    private @Nullable OptOutPolicy optOut;
    private int queueCapacity;
    private boolean splitRejectedBatches;
    private @Nullable Clock clock;
    private @Nullable Scheduler scheduler;
    private boolean ownsScheduler;
    private @Nullable Duration closeTimeout;
    private @Nullable Function<RetentionEvent, List<Problem>> validator;

    private Builder() {}

    /** The destinations by name, in registration order. */
    public Builder lanes(Map<String, LaneConfig> lanes) {
      this.lanes = lanes;
      return this;
    }

    /** Which event goes where. */
    public Builder routes(List<Route> routes) {
      this.routes = routes;
      return this;
    }

    /** The client's identity rules. */
    public Builder normalizer(IdentityNormalizer normalizer) {
      this.normalizer = normalizer;
      return this;
    }

    /** How each item's idempotency key is derived. */
    public Builder keys(IdempotencyKeys keys) {
      this.keys = keys;
      return this;
    }

    /** Who must not be contacted on which channel. */
    public Builder suppression(SuppressionStore suppression) {
      this.suppression = suppression;
      return this;
    }

    /** The frequency cap, or null for none. */
    public Builder frequencyCap(@Nullable FrequencyCap frequencyCap) {
      this.frequencyCap = frequencyCap;
      return this;
    }

    /** How many people the frequency limiter remembers. */
    public Builder frequencyCapMaxPeople(int frequencyCapMaxPeople) {
      this.frequencyCapMaxPeople = frequencyCapMaxPeople;
      return this;
    }

    /** The user's last check before an item is sent. */
    public Builder preActivationCheck(PreActivationCheck preActivationCheck) {
      this.preActivationCheck = preActivationCheck;
      return this;
    }

    /** Keys delivered, possibly delivered and attempted. */
    public Builder idempotency(IdempotencyStore idempotency) {
      this.idempotency = idempotency;
      return this;
    }

    /** When and after how long a failed item is retried. */
    public Builder retry(RetryPolicy retry) {
      this.retry = retry;
      return this;
    }

    /** Where counts and latencies go. */
    public Builder metrics(MetricsSink metrics) {
      this.metrics = metrics;
      return this;
    }

    /** Where items that cannot be delivered are kept. */
    public Builder deadLetters(DeadLetterStore deadLetters) {
      this.deadLetters = deadLetters;
      return this;
    }

    /** The write-ahead journal (a no-op one in memory mode). */
    public Builder journal(EventJournal journal) {
      this.journal = journal;
      return this;
    }

    /** What an opt-out suppresses and removes. */
    public Builder optOut(OptOutPolicy optOut) {
      this.optOut = optOut;
      return this;
    }

    /** How many events may be accepted and not yet final. */
    public Builder queueCapacity(int queueCapacity) {
      this.queueCapacity = queueCapacity;
      return this;
    }

    /** Whether a batch rejected as a whole is split to find the bad item. */
    public Builder splitRejectedBatches(boolean splitRejectedBatches) {
      this.splitRejectedBatches = splitRejectedBatches;
      return this;
    }

    /** The engine's time. */
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /** Where delivery, linger and retries run. */
    public Builder scheduler(Scheduler scheduler) {
      this.scheduler = scheduler;
      return this;
    }

    /** Whether the engine closes the scheduler. */
    public Builder ownsScheduler(boolean ownsScheduler) {
      this.ownsScheduler = ownsScheduler;
      return this;
    }

    /** How long close waits for outstanding deliveries. */
    public Builder closeTimeout(Duration closeTimeout) {
      this.closeTimeout = closeTimeout;
      return this;
    }

    /** The contract's checks, identity excepted. */
    public Builder validator(Function<RetentionEvent, List<Problem>> validator) {
      this.validator = validator;
      return this;
    }

    /** @throws NullPointerException naming the first required setting that is missing */
    public EngineConfig build() {
      return new EngineConfig(this);
    }
  }

  /**
   * One destination and how the engine drives it.
   *
   * @param interceptors the destination's interceptors, in the order they run
   */
  public record LaneConfig(Destination destination, int concurrency, @Nullable RateLimit rateLimit,
      Duration linger, List<DeliveryInterceptor> interceptors) {
    public LaneConfig {
      interceptors = List.copyOf(interceptors);
    }

    /** This lane with {@code interceptors} instead of its own. */
    public LaneConfig withInterceptors(List<DeliveryInterceptor> interceptors) {
      return new LaneConfig(destination, concurrency, rateLimit, linger, interceptors);
    }
  }
}

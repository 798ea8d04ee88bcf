package dev.outlane;

import dev.outlane.contract.EventCodec;
import dev.outlane.contract.RetentionEvent;
import dev.outlane.deadletter.DeadLetterQuery;
import dev.outlane.deadletter.DeadLetterStore;
import dev.outlane.deadletter.FileDeadLetterStore;
import dev.outlane.deadletter.InMemoryDeadLetterStore;
import dev.outlane.deadletter.ReplayOptions;
import dev.outlane.deadletter.ReplayReport;
import dev.outlane.destination.Channel;
import dev.outlane.destination.DeliveryInterceptor;
import dev.outlane.destination.Destination;
import dev.outlane.guardrail.FileIdempotencyStore;
import dev.outlane.guardrail.FileSuppressionStore;
import dev.outlane.guardrail.FrequencyCap;
import dev.outlane.guardrail.IdempotencyStore;
import dev.outlane.guardrail.InMemoryIdempotencyStore;
import dev.outlane.guardrail.InMemorySuppressionStore;
import dev.outlane.guardrail.PreActivationCheck;
import dev.outlane.guardrail.SuppressionStore;
import dev.outlane.idempotency.IdempotencyKeys;
import dev.outlane.identity.IdentityNormalizer;
import dev.outlane.internal.Engine;
import dev.outlane.internal.EngineConfig;
import dev.outlane.internal.OptOuts;
import dev.outlane.internal.QueueBudget;
import dev.outlane.journal.EventJournal;
import dev.outlane.journal.EventSerializer;
import dev.outlane.journal.FileEventJournal;
import dev.outlane.metrics.MetricsSink;
import dev.outlane.ratelimit.RateLimit;
import dev.outlane.retry.RetryPolicy;
import dev.outlane.routing.Route;
import dev.outlane.storage.RecoveryReport;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * The Outlane client: turns a Customer.io retention signal into deliveries to SMS, event pipelines and
 * ad audiences — routed, guarded, deduplicated, batched, rate-limited, retried and dead-lettered.
 *
 * <pre>{@code
 * Outlane outlane = Outlane.builder()
 *     .destination(twilioSms)
 *     .destination(metaAudience, Outlane.DestinationOptions.defaults().withLinger(Duration.ofSeconds(1)))
 *     .route(Route.builder().event("cart_abandoned").window(Duration.ZERO, Duration.ofHours(24))
 *         .to("meta-audience", "cart_recovery_0_24h").build())
 *     .build();
 * outlane.submit(event).thenAccept(result -> ...);
 * outlane.close(); // flushes; loses nothing that was accepted
 * }</pre>
 *
 * <p><b>Thread-safety.</b> Immutable configuration, thread-safe methods; share one instance. No static
 * or global state: two clients in one JVM are independent.
 *
 * <p><b>Threads.</b> Deliveries, timers and retries run on the {@link Scheduler} (by default a pool of
 * daemon threads named {@code outlane-N}). Destinations' {@code deliver}, the {@link
 * PreActivationCheck}, the {@link MetricsSink} and the stage returned by {@link #submit} are called or
 * completed on those threads — or on the thread calling {@code submit} when no delivery was needed
 * (e.g. every target stale or suppressed). Do not block in dependent stages; use the {@code *Async}
 * variants with your own executor for slow work.
 *
 * <p><b>Metrics.</b> Per destination, the {@link MetricsSink} counters ({@code submitted}, {@code
 * delivered}, {@code rejected} with the error code as reason, {@code opted_out}, {@code retried},
 * {@code deduplicated}, {@code suppressed}, {@code stale}, {@code skipped}, {@code frequency_capped},
 * {@code dead_lettered} with the dead-letter reason) plus {@code split} (a whole-batch rejection was
 * split); with destination {@code ""}: {@code invalid}, {@code queue_full} and {@code unrouted}
 * events, and {@code opted_out} / {@code lifted} calls of {@link #optOut} / {@link #lift} with the
 * suppression source's code as reason. Latency is acceptance to final state, per item.
 *
 * <p><b>Bounds.</b> At most {@code queueCapacity} accepted events may be unfinished at once; every
 * per-destination queue is bounded by it (plus the audience removes an opt-out triggers).
 *
 * <p><b>Durable mode.</b> {@code Outlane.builder().durable(Path.of("/var/lib/outlane"))} keeps the
 * write-ahead journal, the dead letters, the delivered idempotency keys and the suppressions
 * (opt-outs, denied consent) on disk (see {@link DurableOptions}). {@link #submit} then returns
 * only once the event is on disk, so acknowledge Customer.io after it returns: an accepted event is
 * delivered or dead-lettered even if the JVM dies.
 * On {@link Builder#build()} the client re-delivers what the journal holds as unfinished. Resuming
 * is safe: keys delivered before the crash are deduplicated; for a non-idempotent destination (SMS)
 * the client records each send attempt durably before the request, and a key found attempted
 * without an outcome is dead-lettered {@code needs-reconciliation}, never sent a second time. Only
 * a request in flight to an idempotent destination at the crash may be sent again (the destination
 * dedupes it).
 *
 * <p>This file is over 700 lines and stays one concept, the client a user holds: about half is
 * javadoc, because its {@link Builder} documents each of its 25 settings where it is set and each
 * public call ({@code submit} with and without a wait, {@code optOut}, {@code lift}, flush, close,
 * replay) states its thread, durability and exceptions; {@link DestinationOptions} and {@link
 * Builder} are public nested types that cannot move without breaking callers. The logic lives
 * elsewhere: opening the durable stores is {@code DurableStores}'s job, opt-outs are {@code
 * OptOuts}', and the engine's settings travel as an {@code EngineConfig} built by name.
 */
public final class Outlane implements AutoCloseable {

  private final Engine engine;
  private final OptOuts optOuts;
  private final DeadLetterStore deadLetters;
  private final @Nullable RecoveryReport recovery;
  private final EventCodec codec;
  /** Stores the client opened itself (durable mode), closed after the engine. */
  private final List<AutoCloseable> owned;

  private Outlane(Engine engine, OptOuts optOuts, DeadLetterStore deadLetters,
      @Nullable RecoveryReport recovery, List<AutoCloseable> owned, EventCodec codec) {
    this.codec = codec;
    this.engine = engine;
    this.optOuts = optOuts;
    this.deadLetters = deadLetters;
    this.recovery = recovery;
    this.owned = owned;
  }

  /**
   * Starts configuring a client. Register at least one destination and the routes that lead to it;
   * everything else has a safe default (in-memory stores, {@link RetryPolicy#defaults()}, region
   * {@code US}, no pre-activation check). Each call returns a new, independent builder.
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Validates and normalizes {@code event}, journals it, and accepts it for delivery.
   *
   * <p>A returned stage means the event was <b>accepted</b>: it completes (normally, never
   * exceptionally) with a {@link SubmitResult} once every routed destination target reached a {@link
   * FinalState}. Refusal is immediate and synchronous — nothing is journaled or queued:
   *
   * @throws ValidationException if the event is invalid, listing every problem (no PII)
   * @throws QueueFullException if {@code queueCapacity} events are unfinished; never blocks (see
   *     {@link #submit(RetentionEvent, Duration)} for a bounded wait instead)
   * @throws OutlaneException if the client is closed, or the journal could not record the event
   */
  public CompletionStage<SubmitResult> submit(RetentionEvent event) {
    Objects.requireNonNull(event, "event");
    return engine.submit(event);
  }

  /**
   * {@link #submit(RetentionEvent)}, but when {@code queueCapacity} events are unfinished the calling
   * thread waits up to {@code maxWait} (real time) for one to finish instead of being refused at once:
   * the bounded back-pressure a producer loop wants. Validation errors are thrown before any waiting.
   *
   * @param maxWait how long to wait for room at most; {@link Duration#ZERO} behaves as {@link
   *     #submit(RetentionEvent)}
   * @throws ValidationException if the event is invalid, listing every problem (no PII)
   * @throws QueueFullException if there was still no room after {@code maxWait}, the client started
   *     closing meanwhile, or the thread was interrupted (its interrupt status is set)
   * @throws IllegalArgumentException if {@code maxWait} is negative
   * @throws OutlaneException if the client is closed, or the journal could not record the event
   */
  public CompletionStage<SubmitResult> submit(RetentionEvent event, Duration maxWait) {
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(maxWait, "maxWait");
    if (maxWait.isNegative()) {
      throw new IllegalArgumentException("maxWait: must not be negative, was " + maxWait);
    }
    return engine.submit(event, maxWait);
  }

  /**
   * Records an opt-out reported by a receiver (a Twilio STOP, a Customer.io unsubscribe) and
   * propagates it exactly as a destination-reported opt-out is: the person is suppressed on {@link
   * OptOut#channels()} with {@link OptOut#source()} as the cause, then, if {@link
   * OptOutPolicy#removeFromAudiences()}, an audience {@code remove} is queued on every routed {@link
   * Channel#ADS} destination target. A person known only by phone or email is suppressed and removed
   * by those identifiers (an audience destination that matches by phone, as Meta's does, removes
   * them; one that needs the customer id gets an item without it).
   *
   * <p><b>Durability.</b> The suppression is on disk when this returns (durable mode, or a {@link
   * dev.outlane.guardrail.FileSuppressionStore}); the removes are journaled like an event, so a crash
   * re-queues them on the next start. Acknowledge the webhook after this returns.
   *
   * <p><b>Threads.</b> Blocks the caller for the suppression's and the journal's flush. The stage
   * completes, never exceptionally, on a delivery thread (or on the caller's when there is nothing
   * to remove) once every remove is delivered or dead-lettered.
   *
   * <p>A repeated opt-out is harmless: the suppression is already there, and with the same {@link
   * OptOut#dedupeId()} the removes are deduplicated by key.
   *
   * @throws ValidationException if the email or phone does not normalize (nothing recorded)
   * @throws dev.outlane.storage.StorageException if the suppression could not be made durable (it
   *     is then honoured until the process ends); nothing is queued
   * @throws QueueFullException if {@code queueCapacity} events are unfinished: the suppression is
   *     recorded, the removes are not queued (answer 503 so the sender retries)
   * @throws OutlaneException if the client is closed (the suppression is recorded) or the journal
   *     refused the removes
   */
  public CompletionStage<OptOutResult> optOut(OptOut optOut) {
    Objects.requireNonNull(optOut, "optOut");
    return optOuts.optOut(optOut).thenApply(removes -> new OptOutResult(optOut.channels(), removes));
  }

  /**
   * Lifts what {@link OptOut#source()} suppressed on {@link OptOut#channels()} for the person (a
   * Twilio START lifts the STOP's SMS suppression); another source's suppression on the same channel
   * stays (a START never lifts a consent denial). Nothing is re-added to audiences: the next event
   * that routes there adds the person again. The dedupe id is ignored.
   *
   * <p>Runs on the caller's thread; with a durable store it returns once the lift is on disk.
   *
   * @return the channels on which a suppression by that source was lifted (empty if none was there)
   * @throws ValidationException if the email or phone does not normalize
   * @throws dev.outlane.storage.StorageException if the lift could not be made durable (nothing is
   *     lifted)
   * @throws UnsupportedOperationException if the configured {@link
   *     dev.outlane.guardrail.SuppressionStore} cannot lift
   */
  public Set<Channel> lift(OptOut optOut) {
    Objects.requireNonNull(optOut, "optOut");
    return optOuts.lift(optOut);
  }

  /**
   * Waits until every event accepted before this call reached a final state everywhere (delivered,
   * rejected, suppressed, deduplicated, dead-lettered…). Lingering partial batches are sent at once.
   *
   * <p>Call it from your own threads, not from a stage callback: those run on delivery threads, which
   * the flush may be waiting for.
   *
   * @return true if everything is final; false if {@code timeout} passed first (or the thread was
   *     interrupted; its interrupt flag is then set again). Delivery continues either way.
   */
  public boolean flush(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    return engine.flush(timeout);
  }

  /**
   * Stops accepting events, flushes for up to the builder's {@code closeTimeout}, then closes every
   * destination and the journal, and stops the scheduler if the client created it. Whatever is still
   * queued after the timeout is dead-lettered (reason {@code undeliverable}), so nothing accepted is
   * silently lost. Stores you passed in (dead-letter, suppression, idempotency) stay open for
   * reading; in durable mode the client closes the stores it opened (releasing the directory).
   * Idempotent: later calls return at once.
   */
  @Override
  public void close() {
    engine.close();
    for (AutoCloseable c : owned) {
      try {
        c.close();
      } catch (Exception e) {
        LoggerHolder.log.warn("close of {} failed ({})", c, e.getClass().getName());
      }
    }
  }

  /**
   * Re-submits the matching unresolved dead letters through the normal pipeline, each to <em>its
   * own</em> destination only and with its recorded idempotency key, so suppression, the
   * pre-activation check, the frequency cap and dedupe all apply again. Blocks the calling thread
   * until every replayed delivery reached a final state (at most 256 are in flight at once).
   *
   * <p>A record is marked resolved only after its replay reached {@link FinalState#DELIVERED} or
   * {@link FinalState#DEDUPLICATED}. DEDUPLICATED counts because the key is remembered only once a
   * delivery of it succeeded: by an earlier replay interrupted before it could mark the record, or
   * by a later duplicate of the event. That makes a replay safe to run twice and safe to interrupt:
   * a resolved record is never replayed, an unreplayed one stays unresolved, and one delivered but
   * not yet marked is found deduplicated next time instead of being sent again (in durable mode,
   * where delivered keys survive a restart). Anything else (dead-lettered again, suppressed,
   * skipped, frequency-capped) leaves it unresolved, with its record updated in place.
   *
   * <p>{@code needs-reconciliation} records (an SMS whose outcome is unknown — it may have been
   * sent) are skipped unless {@link ReplayOptions#resendUnknownOutcomes()} is set: resending one is
   * an operator's decision, taken after checking the destination (e.g. the Twilio console) that it
   * did not go out.
   *
   * @param query which records (its {@code includeResolved} is ignored: resolved ones are counted
   *     as {@link ReplayReport#skippedResolved()}, never replayed)
   * @param options a dry run or not, and whether unknown outcomes are resent
   * @throws OutlaneException if the client is closed, or the dead-letter store cannot record a
   *     resolution (the records after it are left unresolved)
   */
  public ReplayReport replayDeadLetters(DeadLetterQuery query, ReplayOptions options) {
    Objects.requireNonNull(query, "query");
    Objects.requireNonNull(options, "options");
    return engine.replay(query, options.dryRun(), options.resendUnknownOutcomes());
  }

  /**
   * {@link #replayDeadLetters(DeadLetterQuery, ReplayOptions)} with {@link
   * ReplayOptions#defaults()}: sends, never resends an unknown outcome.
   */
  public ReplayReport replayDeadLetters(DeadLetterQuery query) {
    return replayDeadLetters(query, ReplayOptions.defaults());
  }

  /**
   * Two positional booleans.
   *
   * @deprecated use {@link #replayDeadLetters(DeadLetterQuery, ReplayOptions)}; removed before 1.0
   */
  @Deprecated
  public ReplayReport replayDeadLetters(DeadLetterQuery query, boolean dryRun,
      boolean resendUnknownOutcomes) {
    return replayDeadLetters(query, ReplayOptions.builder().dryRun(dryRun)
        .resendUnknownOutcomes(resendUnknownOutcomes).build());
  }

  /**
   * A positional boolean.
   *
   * @deprecated use {@link #replayDeadLetters(DeadLetterQuery, ReplayOptions)}; removed before 1.0
   */
  @Deprecated
  public ReplayReport replayDeadLetters(DeadLetterQuery query, boolean dryRun) {
    return replayDeadLetters(query, ReplayOptions.builder().dryRun(dryRun).build());
  }

  /**
   * The codec that matches this client: built with the client's {@link
   * Builder#identityNormalizer IdentityNormalizer}, so an event it parses is one {@link #submit}
   * accepts (a GB client's codec reads {@code "020 7946 0018"}; {@link EventCodec#create()} would
   * refuse it as a US number). Use it to read the JSON you submit. Immutable and thread-safe.
   */
  public EventCodec codec() {
    return codec;
  }

  /** The dead-letter store this client writes to, for listing ({@link DeadLetterStore#list}). */
  public DeadLetterStore deadLetters() {
    return deadLetters;
  }

  /**
   * What opening the durable journal found (torn tail truncated, records recovered); empty unless
   * the client was built with {@link Builder#durable}.
   */
  public Optional<RecoveryReport> journalRecovery() {
    return Optional.ofNullable(recovery);
  }

  /**
   * What recovery did when this client was built: the unfinished events the journal gave back, how
   * many have reached a final state so far, and their dead letters by reason. A snapshot: call it
   * after {@link #flush} to report the outcome. {@link RecoverySummary#none()} when nothing was
   * recovered. Thread-safe.
   */
  public RecoverySummary recovery() {
    return engine.recoverySummary();
  }

  /**
   * What opening the durable dead-letter store found, notably {@link
   * RecoveryReport#unreadableRecords()} (records kept on disk but not listed); empty unless the
   * dead-letter store is a {@link FileDeadLetterStore} (as in {@link Builder#durable}).
   */
  public Optional<RecoveryReport> deadLetterRecovery() {
    return deadLetters instanceof FileDeadLetterStore file
        ? Optional.of(file.recoveryReport()) : Optional.empty();
  }

  private static final class LoggerHolder {
    static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Outlane.class);
  }

  /** How many accepted events have not reached a final state yet. */
  public int outstanding() {
    return engine.outstanding();
  }

  /**
   * How one destination is driven: concurrent requests, rate limit, linger. Immutable.
   *
   * @param concurrency at most this many requests in flight at once (≥ 1)
   * @param rateLimit a token-bucket limit on requests, or null for none
   * @param linger how long a partial batch may wait for more items ({@link Duration#ZERO}: send at
   *     once; batches still form while a request is in flight)
   */
  public record DestinationOptions(int concurrency, @Nullable RateLimit rateLimit, Duration linger) {
    public DestinationOptions {
      if (concurrency < 1) {
        throw new IllegalArgumentException("concurrency: must be ≥ 1, was " + concurrency);
      }
      Objects.requireNonNull(linger, "linger");
      if (linger.isNegative()) {
        throw new IllegalArgumentException("linger: must not be negative, was " + linger);
      }
    }

    /** One request at a time, no rate limit, no linger. */
    public static DestinationOptions defaults() {
      return new DestinationOptions(1, null, Duration.ZERO);
    }

    /**
     * A copy allowing {@code concurrency} requests in flight at once.
     *
     * @throws IllegalArgumentException if below 1
     */
    public DestinationOptions withConcurrency(int concurrency) {
      return new DestinationOptions(concurrency, rateLimit, linger);
    }

    /** A copy with {@code rateLimit} on requests; null for none. */
    public DestinationOptions withRateLimit(@Nullable RateLimit rateLimit) {
      return new DestinationOptions(concurrency, rateLimit, linger);
    }

    /**
     * A copy whose partial batches wait up to {@code linger} for more items.
     *
     * @throws IllegalArgumentException if negative
     */
    public DestinationOptions withLinger(Duration linger) {
      return new DestinationOptions(concurrency, rateLimit, linger);
    }
  }

  /**
   * Configures an {@link Outlane}. Each setter validates its value at once and names the field in its
   * message. Not thread-safe.
   */
  public static final class Builder {
    /**
     * The smallest default capacity. The default itself is sized by memory ({@code
     * dev.outlane.internal.QueueBudget}): unfinished events may take one eighth of the maximum heap at
     * ≈ 2 KB each, between 10,000 and 1,000,000 events (65,536 with {@code -Xmx1g}).
     */
    public static final int DEFAULT_QUEUE_CAPACITY = 10_000;

    private final Map<String, EngineConfig.LaneConfig> lanes = new LinkedHashMap<>();
    private final List<Route> routes = new ArrayList<>();
    private final List<DeliveryInterceptor> interceptors = new ArrayList<>();
    private final Map<String, List<DeliveryInterceptor>> destinationInterceptors =
        new LinkedHashMap<>();
    private IdentityNormalizer normalizer = IdentityNormalizer.create();
    private IdempotencyKeys keys = IdempotencyKeys.create();
    private SuppressionStore suppression = new InMemorySuppressionStore();
    private @Nullable FrequencyCap frequencyCap;
    private int frequencyCapMaxPeople = 1_000_000;
    private PreActivationCheck preActivationCheck = PreActivationCheck.none();
    private @Nullable IdempotencyStore idempotencyStore;
    private RetryPolicy retry = RetryPolicy.defaults();
    private MetricsSink metrics = MetricsSink.noop();
    private DeadLetterStore deadLetters = new InMemoryDeadLetterStore();
    private EventJournal journal = EventJournal.none();
    private OptOutPolicy optOut = OptOutPolicy.defaults();
    private int queueCapacity = QueueBudget.defaultCapacity(Runtime.getRuntime().maxMemory());
    private boolean splitRejectedBatches = true;
    private Clock clock = Clock.systemUTC();
    private @Nullable Scheduler scheduler;
    private Duration closeTimeout = Duration.ofSeconds(30);
    private @Nullable DurableOptions durable;
    private boolean storesSet;
    private boolean suppressionSet;

    private Builder() {}

    /**
     * Durable mode in {@code directory}: {@link #durable(DurableOptions)} with {@link
     * DurableOptions#at}.
     */
    public Builder durable(Path directory) {
      return durable(DurableOptions.at(Objects.requireNonNull(directory, "durable")));
    }

    /**
     * Durable mode: {@link #build()} opens a {@link FileEventJournal}, a {@link FileDeadLetterStore},
     * a {@link FileIdempotencyStore} and a {@link FileSuppressionStore} in {@code
     * options.directory()} (subdirectories {@code journal}, {@code dead-letters}, {@code
     * idempotency}, {@code suppression}), writing events as the contract's JSON with this client's
     * identity rules, and the client closes them on {@link Outlane#close()}. Cannot be combined with
     * {@link #journal}, {@link #deadLetterStore} or {@link #idempotencyStore}. It can be combined
     * with {@link #suppressionStore}: your store (e.g. backed by your own suppression database) is
     * then used instead of {@code suppression/}, and you keep it durable and close it.
     */
    public Builder durable(DurableOptions options) {
      this.durable = Objects.requireNonNull(options, "durable");
      return this;
    }

    /** Registers a destination with {@link DestinationOptions#defaults()}. */
    public Builder destination(Destination destination) {
      return destination(destination, DestinationOptions.defaults());
    }

    /**
     * Registers a destination under its {@link Destination#name()}.
     *
     * @throws IllegalArgumentException if the name is blank or already registered
     */
    public Builder destination(Destination destination, DestinationOptions options) {
      Objects.requireNonNull(destination, "destination");
      Objects.requireNonNull(options, "options");
      String name = destination.name();
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("destination: name must not be blank");
      }
      if (lanes.containsKey(name)) {
        throw new IllegalArgumentException("destination: \"" + name + "\" is already registered");
      }
      Objects.requireNonNull(destination.limits(), "destination " + name + ": limits");
      Objects.requireNonNull(destination.channel(), "destination " + name + ": channel");
      lanes.put(name, new EngineConfig.LaneConfig(destination, options.concurrency(),
          options.rateLimit(), options.linger(), List.of()));
      return this;
    }

    /** Adds a route; routes are evaluated in the order added. */
    public Builder route(Route route) {
      routes.add(Objects.requireNonNull(route, "route"));
      return this;
    }

    /**
     * How emails and phones are normalized before routing, dedupe, suppression and hashing (default
     * {@link IdentityNormalizer#create()}: region {@code US}, strict phone validation). The one region
     * setting end to end: {@link Outlane#codec()} reads webhook JSON with it too.
     */
    public Builder identityNormalizer(IdentityNormalizer normalizer) {
      this.normalizer = Objects.requireNonNull(normalizer, "identityNormalizer");
      return this;
    }

    /** How idempotency keys are derived (default: 24 h window). */
    public Builder idempotencyKeys(IdempotencyKeys keys) {
      this.keys = Objects.requireNonNull(keys, "idempotencyKeys");
      return this;
    }

    /**
     * Who must not be activated (default: in memory; in {@link #durable(Path) durable mode}: a {@link
     * FileSuppressionStore} in {@code suppression/}). A store set here is used in durable mode too,
     * and is not closed by the client.
     */
    public Builder suppressionStore(SuppressionStore store) {
      this.suppression = Objects.requireNonNull(store, "suppressionStore");
      this.suppressionSet = true;
      return this;
    }

    /** Caps activations per person; null (the default) for no cap. */
    public Builder frequencyCap(@Nullable FrequencyCap cap) {
      this.frequencyCap = cap;
      return this;
    }

    /**
     * How many people the frequency cap tracks at most (least recently used evicted first).
     *
     * @throws IllegalArgumentException if below 1
     */
    public Builder frequencyCapMaxPeople(int maxPeople) {
      if (maxPeople < 1) {
        throw new IllegalArgumentException("frequencyCapMaxPeople: must be ≥ 1, was " + maxPeople);
      }
      this.frequencyCapMaxPeople = maxPeople;
      return this;
    }

    /**
     * The last look right before each activation goes out, e.g. "did they buy since
     * {@code event_time}?" (default: never skips). It runs on a delivery thread, once per item and
     * attempt, so it must be thread-safe and fast; {@code true} ends the item {@link
     * FinalState#SKIPPED}, and a throw makes it retryable. See {@link PreActivationCheck}.
     */
    public Builder preActivationCheck(PreActivationCheck check) {
      this.preActivationCheck = Objects.requireNonNull(check, "preActivationCheck");
      return this;
    }

    /**
     * Where delivered keys are remembered. Default: {@link InMemoryIdempotencyStore} with the key
     * window as TTL and {@link InMemoryIdempotencyStore#DEFAULT_MAX_ENTRIES} entries.
     */
    public Builder idempotencyStore(IdempotencyStore store) {
      this.idempotencyStore = Objects.requireNonNull(store, "idempotencyStore");
      storesSet = true;
      return this;
    }

    /**
     * When and how often a retryable failure is tried again (default {@link RetryPolicy#defaults()}:
     * retried for 10 min after an item's first failure, 1 h in durable mode, unless the policy sets
     * its own {@code retryWindow}; capped exponential backoff with jitter; a failing lane paused and
     * probed with one request; {@code Retry-After} honoured). Never
     * applied to an unknown outcome on a destination that is not idempotent (an SMS): that is
     * dead-lettered instead.
     */
    public Builder retryPolicy(RetryPolicy retry) {
      this.retry = Objects.requireNonNull(retry, "retryPolicy");
      return this;
    }

    /**
     * Where counters and timings go (default {@link MetricsSink#noop()}); called from {@code submit}
     * and from delivery threads, so it must be thread-safe and fast. {@link
     * dev.outlane.metrics.MicrometerMetricsSink} binds it to Micrometer.
     */
    public Builder metrics(MetricsSink metrics) {
      this.metrics = Objects.requireNonNull(metrics, "metrics");
      return this;
    }

    /**
     * Where rejected, opted-out and undeliverable items are kept for listing and replay (default an
     * {@link InMemoryDeadLetterStore}; in durable mode a {@link FileDeadLetterStore}, and then this
     * setter must not be used). A store passed here is not closed by the client.
     */
    public Builder deadLetterStore(DeadLetterStore store) {
      this.deadLetters = Objects.requireNonNull(store, "deadLetterStore");
      storesSet = true;
      return this;
    }

    /**
     * The write-ahead journal (default {@link EventJournal#none()}). On {@link #build()} every event it
     * holds as pending is submitted again.
     */
    public Builder journal(EventJournal journal) {
      this.journal = Objects.requireNonNull(journal, "journal");
      storesSet = true;
      return this;
    }

    /**
     * What an opt-out at a destination (a Twilio STOP, 21610) does to the person everywhere else
     * (default {@link OptOutPolicy#defaults()}: suppress SMS, email and ads, and remove them from
     * every routed audience).
     */
    public Builder optOutPolicy(OptOutPolicy policy) {
      this.optOut = Objects.requireNonNull(policy, "optOutPolicy");
      return this;
    }

    /**
     * At most this many accepted events unfinished at once; {@code submit} then throws {@link
     * QueueFullException} (or waits, see {@link Outlane#submit(RetentionEvent, Duration)}). Default:
     * sized by memory, one eighth of the maximum heap at ≈ 2 KB per event, between 10,000 and
     * 1,000,000 — so with the default a refusal means the backlog would otherwise grow without bound.
     *
     * @throws IllegalArgumentException if below 1
     */
    public Builder queueCapacity(int capacity) {
      if (capacity < 1) {
        throw new IllegalArgumentException("queueCapacity: must be ≥ 1, was " + capacity);
      }
      this.queueCapacity = capacity;
      return this;
    }

    /**
     * Adds a stage every destination's batches pass through right before {@link Destination#deliver}
     * (after suppression, the pre-activation check, the frequency cap and the recorded send attempt).
     * Interceptors for every destination run first, in the order added, then those for the batch's
     * destination. See {@link DeliveryInterceptor} for the thread it runs on and what happens when
     * it throws.
     */
    public Builder interceptor(DeliveryInterceptor interceptor) {
      interceptors.add(Objects.requireNonNull(interceptor, "interceptor"));
      return this;
    }

    /**
     * Adds a stage for one destination's batches only, after the interceptors for every destination.
     * The destination may be registered before or after; {@link #build} refuses a name that never is.
     */
    public Builder interceptor(String destination, DeliveryInterceptor interceptor) {
      Objects.requireNonNull(destination, "destination");
      Objects.requireNonNull(interceptor, "interceptor");
      destinationInterceptors.computeIfAbsent(destination, k -> new ArrayList<>()).add(interceptor);
      return this;
    }

    /**
     * Whether a batch rejected as a whole ({@code Rejected.wholeBatch}) is split in halves, recursively,
     * to isolate the bad item (default true).
     */
    public Builder splitRejectedBatches(boolean split) {
      this.splitRejectedBatches = split;
      return this;
    }

    /** The clock for event age, dedupe expiry, frequency windows and rate limits (default UTC system). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * The scheduler that runs deliveries and timers. Default: {@link Scheduler#threads} with one
     * thread per allowed concurrent request plus one, created by and closed with the client. A
     * scheduler passed here is not closed by the client.
     */
    public Builder scheduler(Scheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /**
     * How long {@link Outlane#close()} waits for outstanding deliveries (default 30 s).
     *
     * @throws IllegalArgumentException if negative
     */
    public Builder closeTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "closeTimeout");
      if (timeout.isNegative()) {
        throw new IllegalArgumentException("closeTimeout: must not be negative, was " + timeout);
      }
      this.closeTimeout = timeout;
      return this;
    }

    /**
     * Builds the client and re-submits every event the journal holds as pending.
     *
     * @throws IllegalStateException if no destination is registered, a route or an interceptor names
     *     a destination that is not registered, or durable mode is combined with a journal or store of your own
     * @throws dev.outlane.storage.StorageException in durable mode, if a store cannot be opened
     *     (directory not writable, already in use by another client)
     */
    public Outlane build() {
      if (lanes.isEmpty()) {
        throw new IllegalStateException("destinations: register at least one destination");
      }
      for (Route r : routes) {
        for (Route.Target t : r.targets()) {
          if (!lanes.containsKey(t.destination())) {
            throw new IllegalStateException("routes: route for \"" + r.event()
                + "\" targets unknown destination \"" + t.destination() + "\" (registered: "
                + String.join(", ", lanes.keySet()) + ")");
          }
        }
      }
      for (String d : destinationInterceptors.keySet()) {
        if (!lanes.containsKey(d)) {
          throw new IllegalStateException("interceptors: interceptor for unknown destination \"" + d
              + "\" (registered: " + String.join(", ", lanes.keySet()) + ")");
        }
      }
      if (durable != null && storesSet) {
        throw new IllegalStateException("durable: the client opens its own journal, dead-letter and"
            + " idempotency stores; do not also set journal, deadLetterStore or idempotencyStore");
      }
      boolean owns = scheduler == null;
      Scheduler s = scheduler;
      if (s == null) {
        int threads = 1;
        for (EngineConfig.LaneConfig lc : lanes.values()) {
          threads += lc.concurrency();
        }
        s = Scheduler.threads(threads, "outlane");
      }
      EventCodec codec = EventCodec.builder().identityNormalizer(normalizer).build();
      IdempotencyStore store = idempotencyStore;
      DeadLetterStore deadLetterStore = deadLetters;
      SuppressionStore suppressionStore = suppression;
      EventJournal eventJournal = journal;
      RecoveryReport recovery = null;
      List<AutoCloseable> owned = List.of();
      if (durable != null) {
        DurableStores stores;
        try {
          stores = DurableStores.open(durable, EventSerializer.json(codec), !suppressionSet,
              keys.window(), clock);
        } catch (RuntimeException e) {
          if (owns) {
            s.close();
          }
          throw e;
        }
        if (stores.suppression != null) {
          suppressionStore = stores.suppression;
        }
        store = stores.idempotency;
        deadLetterStore = stores.deadLetters;
        eventJournal = stores.journal;
        recovery = stores.recoveryReport();
        owned = stores.closedByClient();
      }
      if (store == null) {
        store = new InMemoryIdempotencyStore(keys.window(), InMemoryIdempotencyStore.DEFAULT_MAX_ENTRIES);
      }
      Map<String, EngineConfig.LaneConfig> lanesWithStages = new LinkedHashMap<>();
      lanes.forEach((name, lc) -> {
        List<DeliveryInterceptor> stages = new ArrayList<>(interceptors);
        stages.addAll(destinationInterceptors.getOrDefault(name, List.of()));
        lanesWithStages.put(name, lc.withInterceptors(stages));
      });
      EngineConfig config = EngineConfig.builder()
          .lanes(lanesWithStages)
          .routes(routes)
          .normalizer(normalizer)
          .keys(keys)
          .suppression(suppressionStore)
          .frequencyCap(frequencyCap)
          .frequencyCapMaxPeople(frequencyCapMaxPeople)
          .preActivationCheck(preActivationCheck)
          .idempotency(store)
          .retry(retry.withDefaultRetryWindow(durable != null
              ? RetryPolicy.DEFAULT_DURABLE_RETRY_WINDOW : RetryPolicy.DEFAULT_RETRY_WINDOW))
          .metrics(metrics)
          .deadLetters(deadLetterStore)
          .journal(eventJournal)
          .optOut(optOut)
          .queueCapacity(queueCapacity)
          .splitRejectedBatches(splitRejectedBatches)
          .clock(clock)
          .scheduler(s)
          .ownsScheduler(owns)
          .closeTimeout(closeTimeout)
          .validator(codec::validateExceptIdentity)
          .build();
      Engine engine = new Engine(config);
      engine.recover();
      return new Outlane(engine, new OptOuts(config, engine), deadLetterStore, recovery,
          List.copyOf(owned), codec);
    }
  }
}

package dev.outlane.internal;

import dev.outlane.DestinationResult;
import dev.outlane.OutlaneException;
import dev.outlane.RecoverySummary;
import dev.outlane.SubmitResult;
import dev.outlane.contract.RetentionEvent;
import dev.outlane.deadletter.DeadLetterQuery;
import dev.outlane.deadletter.ReplayReport;
import dev.outlane.identity.Identity;
import dev.outlane.journal.EventJournal;
import dev.outlane.metrics.MetricsSink;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery engine behind {@code Outlane}: wires the stages an event goes through and owns what
 * spans them (the pending submissions, the submit/replay call gate, flush and close). All timing
 * goes through the injected {@link dev.outlane.Scheduler} and {@link Clock}.
 *
 * <p>Life of an event: {@link Intake} (validate, reserve, journal) → denied consent recorded →
 * {@link Router} (targets or stale) → per item, the intake {@link ItemGuard}s ({@link
 * ConsentGuard}, {@link SuppressionGuard}, {@link SizeGuard}, {@link DedupeGuard}) → the lane's
 * {@link Dispatcher} (queue, linger, token bucket, pause) → its {@link DeliveryChain} on a
 * delivery thread (suppression re-check, pre-activation check, frequency cap, {@link
 * AttemptRecorder}, users' interceptors, the destination) → {@link OutcomeHandler} (final state,
 * retry, split, opt-out, dead letter). {@link Recovery} and {@link Replayer} re-submit through the
 * same path.
 *
 * <p>Thread-safe: {@code submit} and {@code replay} may be called from any thread; stages run on the
 * submitting thread or a delivery thread. Logs carry customer ids, event ids and idempotency keys
 * only — never an email or a phone.
 *
 * <p>At about 500 lines: what is left here spans the stages (the call gate, the pending
 * submissions, completion, flush and close) plus the opt-out marker path ({@code
 * removeFromAudiences}), which needs the same pending set and completion as an event.
 */
public final class Engine {
  private static final Logger log = LoggerFactory.getLogger("dev.outlane.engine");

  private final EngineConfig config;
  private final Clock clock;
  private final MetricsSink metrics;
  private final Map<String, Lane> lanes = new LinkedHashMap<>();
  private final OutcomeHandler outcomes;
  private final @Nullable FrequencyLimiter frequency;
  private final InFlightKeys inFlight;
  private final Failures failures;
  private final WorkFactory works;
  private final Intake intake;
  private final Router router;
  private final List<ItemGuard> intakeGuards;
  private final Set<Submission> pending = ConcurrentHashMap.newKeySet();
  private final AtomicInteger flushing = new AtomicInteger();
  private final CallGate gate = new CallGate();
  private final Recovery recovery;
  private final Replayer replayer;

  public Engine(EngineConfig config) {
    this.config = config;
    this.clock = config.clock();
    this.metrics = config.metrics();
    this.failures = new Failures(metrics);
    this.works = new WorkFactory(config.keys(), failures);
    this.inFlight = new InFlightKeys(config.idempotency(), clock);
    this.frequency = config.frequencyCap() == null
        ? null
        : new FrequencyLimiter(config.frequencyCap(), config.frequencyCapMaxPeople());
    // Right before sending, in this order: a suppression that arrived while the item waited, the
    // user's last check, then the cap (taken last, so a skipped item does not use up a slot).
    List<ItemGuard> beforeSending = new ArrayList<>(3);
    beforeSending.add(SuppressionGuard.beforeDelivery(config.suppression()));
    beforeSending.add(new PreActivationGuard(config.preActivationCheck(), failures));
    if (frequency != null) {
      beforeSending.add(new FrequencyGuard(frequency, clock));
    }
    AttemptRecorder attempts = new AttemptRecorder(config.idempotency());
    config.lanes().forEach((name, lc) -> lanes.put(name, new Lane(name, lc, beforeSending,
        attempts, failures, config.retry(), clock, config.scheduler(), metrics,
        () -> flushing.get() > 0 || gate.isClosed(), this::deliverBatch)));

    this.intake = new Intake(config.validator(), config.normalizer(), config.journal(), metrics,
        clock, config.queueCapacity());
    this.router = new Router(config.routes(), lanes, works);
    // Dedupe last: its claim must be released by whatever ends the item.
    this.intakeGuards = List.of(new ConsentGuard(), SuppressionGuard.atIntake(config.suppression()),
        new SizeGuard(), new DedupeGuard(inFlight));
    Hooks hooks = new Hooks();
    this.outcomes = new OutcomeHandler(config, lanes, inFlight, frequency, works, hooks);
    this.recovery = new Recovery(config.journal(), intake, clock, hooks);
    this.replayer = new Replayer(config, lanes, intake, works, hooks);
  }

  // ---------------------------------------------------------------------------------------------
  // Accepting events

  /** See {@code Outlane.submit}. */
  public CompletableFuture<SubmitResult> submit(RetentionEvent event) {
    return submit(event, Duration.ZERO);
  }

  /** See {@code Outlane.submit(event, maxWait)}; {@link Duration#ZERO} never waits. */
  public CompletableFuture<SubmitResult> submit(RetentionEvent event, Duration maxWait) {
    gate.enter();
    try {
      if (gate.isClosed()) {
        throw new OutlaneException("client is closed; event " + event.eventId() + " was not accepted");
      }
      return accept(intake.admit(event, maxWait, gate::isClosed));
    } finally {
      gate.exit();
    }
  }

  /**
   * See {@code Outlane.optOut} ({@link OptOuts}): journals {@code marker} and queues an audience
   * remove of {@code identity} on every routed audience target. The stage completes when each is
   * final.
   *
   * @throws dev.outlane.QueueFullException if {@code queueCapacity} events are unfinished
   * @throws OutlaneException if the client is closed or the journal refused the marker
   */
  public CompletableFuture<SubmitResult> removeFromAudiences(RetentionEvent marker, Identity identity) {
    gate.enter();
    try {
      if (gate.isClosed()) {
        throw new OutlaneException("client is closed; the opt-out's audience removes were not queued");
      }
      return acceptRemoves(intake.admitMarker(marker, identity));
    } finally {
      gate.exit();
    }
  }

  private CompletableFuture<SubmitResult> acceptRemoves(Submission sub) {
    pending.add(sub);
    List<Work> removes = outcomes.markerRemoves(sub);
    for (Work w : removes) {
      sub.add(w);
    }
    synchronized (sub) {
      sub.sealed = true;
    }
    for (Work w : removes) {
      startSafely(w);
    }
    if (sub.tryComplete()) {
      completed(sub);
    }
    return sub.future;
  }

  /** Re-submits what the journal holds as pending; see {@link Recovery}. */
  public int recover() {
    return recovery.recover();
  }

  private CompletableFuture<SubmitResult> accept(Submission sub) {
    RetentionEvent event = sub.event;
    Identity identity = sub.identity;
    Instant now = sub.acceptedAt;
    pending.add(sub);
    ConsentGuard.recordDenials(config.suppression(), identity, event.consent());

    Duration age = Duration.between(event.eventTime(), now);
    if (age.isNegative()) {
      age = Duration.ZERO; // producer clock skew: a slightly future event_time counts as brand new
    }
    List<Work> toStart;
    try {
      toStart = router.route(sub, age);
    } catch (Throwable e) {
      // Our own routing code over a validated event: only a defect or a dying JVM gets here. The
      // event is journaled, so it is dead-lettered rather than refused: nothing accepted is lost.
      log.error("event_id={} customer_id={}: routing failed ({}); dead-lettered", event.eventId(),
          identity.customerId(), e.getClass().getName());
      failWhole(sub, "could not be routed: " + e.getClass().getName());
      return sub.future;
    }
    if (sub.isUnrouted()) {
      metrics.count("", "unrouted", "", 1);
      log.debug("event_id={} customer_id={}: no route matches event {}", event.eventId(),
          identity.customerId(), event.eventName());
    }
    for (Work w : toStart) {
      if (w.stale) {
        metrics.count(w.lane.name, "submitted", "", 1);
        outcomes.end(w, Completion.stale(age));
      } else {
        startSafely(w);
      }
    }
    if (sub.tryComplete()) {
      completed(sub);
    }
    return sub.future;
  }

  /**
   * Ends a journaled event that cannot be processed: one dead letter ({@code undeliverable}, with
   * {@code detail}) per target of every route naming its event, so it can be listed and replayed.
   * Routes are matched by event name alone, as the event may be too broken to match on more. If
   * even that fails, the record stays pending in the journal for the next start.
   */
  private void failWhole(Submission sub, String detail) {
    List<Work> failed = List.of();
    try {
      failed = router.byEventName(sub);
    } catch (Throwable e) {
      sub.journalSafe = false;
      log.error("event_id={}: could not even dead-letter it ({}); it stays pending in the journal",
          sub.event.eventId(), e.getClass().getName());
    }
    synchronized (sub) {
      sub.works.clear();
      sub.works.addAll(failed);
      sub.open = failed.size();
      sub.sealed = true;
    }
    for (Work w : failed) {
      outcomes.end(w, Completion.undeliverable(detail));
    }
    if (sub.tryComplete()) {
      completed(sub);
    }
  }

  /**
   * {@link #start}, with anything it throws ending this item (dead-lettered undeliverable) rather
   * than the caller: the other items of the event, or of a recovery, proceed.
   */
  private void startSafely(Work w) {
    try {
      start(w);
    } catch (Throwable e) {
      failures.report(w.lane, "queueing an item", e);
      if (!w.done) {
        outcomes.end(w, Completion.undeliverable("could not be queued: " + e.getClass().getName()));
      }
    }
  }

  /** Intake guards, then the lane. Runs on the submitting thread or a delivery thread. */
  private void start(Work w) {
    if (!w.counted) {
      w.counted = true; // a duplicate restarted after its leader failed is not submitted twice
      metrics.count(w.lane.name, "submitted", "", 1);
    }
    for (int i = 0, n = intakeGuards.size(); i < n; i++) { // per item: no iterator
      ItemGuard guard = intakeGuards.get(i);
      Verdict v = guard.check(w);
      if (v instanceof Verdict.Finish f) {
        outcomes.end(w, f.completion());
        return;
      }
      if (v instanceof Verdict.Wait) {
        return;
      }
      if (v instanceof Verdict.RetryLater) {
        // A retry re-enters the dispatcher, past the later intake guards (dedupe among them). A
        // store that fails at intake proceeds instead; the check before delivery fails closed.
        throw new IllegalStateException("intake guards do not retry: " + guard.getClass().getSimpleName());
      }
    }
    w.lane.dispatcher.enqueue(w);
  }

  // ---------------------------------------------------------------------------------------------
  // Delivering

  /** Runs on a scheduler thread; the lane's dispatcher counts this batch in flight until it returns. */
  private void deliverBatch(Lane lane, List<Work> batch) {
    try {
      lane.chain.send(lane, batch, outcomes);
    } catch (Throwable e) {
      // Last resort (a store or a sink threw an Error): no item of the batch may stay in flight.
      // Whether it was sent is not known, so it is treated as an unknown outcome.
      failures.report(lane, "delivering a batch", e);
      String reason = "delivery failed: " + e.getClass().getName();
      for (Work w : batch) {
        if (!w.done) {
          w.tries++; // even if it was not sent: an Error on every attempt must not retry forever
          outcomes.unknownOutcome(lane, w, reason, null);
        }
      }
    }
  }

  private void completed(Submission sub) {
    List<DestinationResult> results = new ArrayList<>(sub.works.size());
    for (Work w : sub.works) {
      results.add(w.result);
    }
    if (sub.journalSafe) {
      try {
        config.journal().complete(sub.seq);
      } catch (RuntimeException e) {
        log.error("journal could not record completion of event_id={} ({}); it will be re-delivered"
            + " on restart", sub.event.eventId(), e.getClass().getName());
      }
    }
    recovery.completed(sub, results);
    pending.remove(sub);
    intake.release();
    sub.future.complete(new SubmitResult(sub.event.eventId(), sub.identity.customerId(), results));
  }

  // ---------------------------------------------------------------------------------------------
  // Dead-letter replay

  /** See {@code Outlane.replayDeadLetters}. Runs on the caller's thread, which it blocks. */
  public ReplayReport replay(DeadLetterQuery query, boolean dryRun, boolean resendUnknown) {
    gate.enter();
    try {
      if (gate.isClosed()) {
        throw new OutlaneException("client is closed; dead letters were not replayed");
      }
      return replayer.replay(query, dryRun, resendUnknown);
    } finally {
      gate.exit();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Flush and close

  /** See {@code Outlane.flush}. */
  public boolean flush(Duration timeout) {
    List<CompletableFuture<SubmitResult>> futures = new ArrayList<>();
    for (Submission s : pending) {
      futures.add(s.future);
    }
    if (futures.isEmpty()) {
      return true;
    }
    flushing.incrementAndGet();
    try {
      for (Lane lane : lanes.values()) {
        lane.dispatcher.schedulePump(); // linger no longer applies: send partial batches now
      }
      CompletableFuture<Void> all = CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0]));
      return config.scheduler().await(all, timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      flushing.decrementAndGet();
    }
  }

  /** See {@code Outlane.close}. */
  public void close() {
    if (!gate.close()) {
      return;
    }
    long startNanos = System.nanoTime();
    if (!gate.await(config.closeTimeout())) {
      log.warn("close: submits or a replay still running after {}; closing anyway",
          config.closeTimeout());
    }
    Duration left = config.closeTimeout().minusNanos(System.nanoTime() - startNanos);
    boolean done = flush(left.isNegative() ? Duration.ZERO : left);
    if (!done) {
      int abandoned = 0;
      for (Lane lane : lanes.values()) {
        for (Work w : lane.dispatcher.drain()) {
          abandoned++;
          outcomes.end(w, Completion.undeliverable(Completion.CLOSED_BEFORE_DELIVERY));
        }
      }
      int inFlightItems = abandonInFlight();
      log.warn("close: not everything reached a final state within {}; {} queued items were"
          + " dead-lettered as undeliverable, {} in flight were dead-lettered as well",
          config.closeTimeout(), abandoned, inFlightItems);
    }
    for (Lane lane : lanes.values()) {
      try {
        lane.destination.close();
      } catch (RuntimeException e) {
        log.warn("{}: close failed ({})", lane.name, e.getClass().getName());
      }
    }
    try {
      config.journal().close();
    } catch (RuntimeException e) {
      log.warn("journal close failed ({})", e.getClass().getName());
    }
    if (config.ownsScheduler()) {
      config.scheduler().close();
    }
  }

  /**
   * Ends every item still open after the close timeout (in a request that has not returned, or a
   * duplicate waiting for one) so every stage completes: one handed to a non-idempotent destination
   * may have acted, so it needs reconciliation; anything else is undeliverable. A late outcome from
   * the destination is then ignored.
   */
  private int abandonInFlight() {
    // Leaders first: finishing one ends its duplicates the way a delivery would (deduplicated
    // behind a needs-reconciliation SMS) or restarts them; whatever that restarted is caught below.
    int n = abandonOpen(true);
    for (Lane lane : lanes.values()) {
      for (Work w : lane.dispatcher.drain()) {
        n += abandon(w, Completion.CLOSED_BEFORE_DELIVERY);
      }
    }
    return n + abandonOpen(false);
  }

  private int abandonOpen(boolean leadersOnly) {
    int n = 0;
    for (Submission sub : List.copyOf(pending)) {
      List<Work> open;
      synchronized (sub) {
        open = new ArrayList<>(sub.works);
      }
      for (Work w : open) {
        if (!leadersOnly || w.leader) {
          n += abandon(w, Completion.CLOSED_IN_FLIGHT);
        }
      }
    }
    return n;
  }

  private int abandon(Work w, String detail) {
    if (w.done) {
      return 0;
    }
    outcomes.end(w, Completion.abandoned(!w.lane.destination.idempotent() && w.sends > 0, detail));
    return 1;
  }

  /** See {@code Outlane.recovery}. */
  public RecoverySummary recoverySummary() {
    return recovery.summary();
  }

  public boolean isClosed() {
    return gate.isClosed();
  }

  /** Events accepted and not yet final. */
  public int outstanding() {
    return intake.outstanding();
  }

  private static String code(@Nullable String code) {
    return code == null ? "" : code;
  }

  /** What the stages ask of the engine: start an item, take a submission in, complete it. */
  private final class Hooks implements OutcomeHandler.Hooks, Recovery.Hooks, Replayer.Hooks {
    @Override
    public void start(Work w) {
      startSafely(w);
    }

    @Override
    public void completed(Submission sub) {
      Engine.this.completed(sub);
    }

    @Override
    public void accept(Submission sub) {
      Engine.this.accept(sub);
    }

    @Override
    public void fail(Submission sub, String detail) {
      pending.add(sub);
      failWhole(sub, detail);
    }

    @Override
    public void recoverOptOut(EventJournal.Pending p) {
      Identity identity;
      try {
        identity = OptOuts.identityOfMarker(p.event(), config.normalizer());
      } catch (RuntimeException e) {
        // Nothing to dead-letter against (no route names it); the suppression itself is durable.
        log.warn("journal record {}: an opt-out whose identity no longer normalizes ({}); its"
            + " audience removes are dropped", p.sequence(), e.getClass().getName());
        Submission sub = new Submission(p.event(), new Identity("", null, null), p.sequence(),
            clock.instant(), true);
        pending.add(sub);
        synchronized (sub) {
          sub.sealed = true;
        }
        if (sub.tryComplete()) {
          completed(sub);
        }
        return;
      }
      acceptRemoves(new Submission(p.event(), identity, p.sequence(), clock.instant(), true));
    }

    @Override
    public void admitted(Submission sub) {
      pending.add(sub);
    }

    @Override
    public boolean closed() {
      return gate.isClosed();
    }
  }
}

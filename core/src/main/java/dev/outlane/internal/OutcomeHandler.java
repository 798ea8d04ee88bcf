package dev.outlane.internal;

import dev.outlane.guardrail.SuppressionSource;
import dev.outlane.idempotency.IdempotencyKeys;
import dev.outlane.DestinationResult;
import dev.outlane.FinalState;
import dev.outlane.contract.AudienceAction;
import dev.outlane.contract.RetentionEvent;
import dev.outlane.deadletter.DeadLetter;
import dev.outlane.deadletter.DeadLetterReason;
import dev.outlane.destination.Channel;
import dev.outlane.destination.Outcome;
import dev.outlane.identity.Identity;
import dev.outlane.metrics.MetricsSink;
import dev.outlane.routing.Route;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last stage: turns what happened to an item into what happens next. Each {@link Outcome} of a
 * sent batch becomes a final state ({@link #end}: the dead letter first, if the ending has one, then
 * the result, the key released and its duplicates ended or restarted), a retry ({@link
 * #retryLater}, or a pause of the destination on {@code Retry-After}), a split of a batch rejected
 * as a whole, or an opt-out's suppression and audience removes. The earlier stages end items
 * through it too, so every ending is recorded one way.
 *
 * <p>Runs on whichever thread decided (a delivery thread, the submitting thread for intake
 * endings, the closing thread). Thread-safe: per-item state is only touched by the one thread
 * handling the item, {@link #end} is idempotent per item.
 */
final class OutcomeHandler {
  private static final Logger log = LoggerFactory.getLogger("dev.outlane.engine");

  /** What the engine does around the outcomes: restart an item, complete a submission. */
  interface Hooks {
    /** Starts {@code w} through the intake guards (a restarted duplicate, an audience remove). */
    void start(Work w);

    /** Every item of {@code sub} is final. */
    void completed(Submission sub);
  }

  private final EngineConfig config;
  private final Clock clock;
  private final MetricsSink metrics;
  private final InFlightKeys inFlight;
  private final @Nullable FrequencyLimiter frequency;
  private final WorkFactory works;
  private final Hooks hooks;
  private final List<RemoveTarget> removeTargets = new ArrayList<>();

  OutcomeHandler(EngineConfig config, Map<String, Lane> lanes, InFlightKeys inFlight,
      @Nullable FrequencyLimiter frequency, WorkFactory works, Hooks hooks) {
    this.config = config;
    this.clock = config.clock();
    this.metrics = config.metrics();
    this.inFlight = inFlight;
    this.frequency = frequency;
    this.works = works;
    this.hooks = hooks;
    Set<String> seen = new HashSet<>();
    for (Route r : config.routes()) {
      for (Route.Target t : r.targets()) {
        Lane lane = lanes.get(t.destination());
        if (lane != null && lane.destination.channel() == Channel.ADS
            && seen.add(t.destination() + '\u0000' + t.target())) {
          removeTargets.add(new RemoveTarget(lane, t));
        }
      }
    }
  }

  /** An ads target an opt-out removes the person from. */
  private record RemoveTarget(Lane lane, Route.Target target) {}

  /**
   * Handles the outcomes of one sent batch, {@code outcomes.get(i)} being {@code send.get(i)}'s
   * (the caller checked the count). Runs on the lane's delivery thread.
   */
  void handle(Lane lane, List<Work> send, List<Outcome> outcomes) {
    boolean idempotentLane = lane.destination.idempotent();
    List<Work> split = new ArrayList<>();
    List<Work> paused = new ArrayList<>();
    Duration pause = null;
    for (int i = 0; i < send.size(); i++) {
      Work w = send.get(i);
      Outcome o = outcomes.get(i);
      if (!idempotentLane && !(o instanceof Outcome.Delivered) && !(o instanceof Outcome.Unknown)) {
        clearAttempt(lane, w); // it did not act: a retry, split or later duplicate may send it
      }
      if (o instanceof Outcome.Delivered d) {
        if (d.received() != null || d.matched() != null) {
          metrics.matchCounts(lane.name, d.received() == null ? 0 : d.received(),
              d.matched() == null ? 0 : d.matched());
        }
        end(w, Completion.delivered(d.reference()));
      } else if (o instanceof Outcome.Rejected r) {
        releaseFrequency(w);
        if (r.wholeBatch() && config.splitRejectedBatches() && send.size() > 1) {
          split.add(w);
        } else {
          end(w, Completion.rejected(r.code(), r.reason()));
        }
      } else if (o instanceof Outcome.OptedOut oo) {
        releaseFrequency(w);
        propagateOptOut(w);
        end(w, Completion.optedOut(oo.code(), oo.reason()));
      } else if (o instanceof Outcome.Retryable r) {
        releaseFrequency(w);
        if (r.retryAfter() != null && mayRetry(w)) {
          Duration d = config.retry().delay(w.retries + 1, r.retryAfter());
          pause = pause == null || d.compareTo(pause) > 0 ? d : pause;
          w.retries++;
          metrics.count(lane.name, "retried", code(r.code()), 1);
          log.debug("{} customer_id={} key={}: retryable ({}), destination paused {}", lane.name,
              w.sub.identity.customerId(), w.key, r.reason(), d);
          paused.add(w);
        } else {
          retryLater(lane, w, r.reason(), r.code(), null);
        }
      } else if (o instanceof Outcome.Unknown u) {
        unknownOutcome(lane, w, u.reason(), u.code());
      }
    }
    lane.dispatcher.batchDone(LaneBreaker.reached(outcomes),
        LaneBreaker.failed(outcomes, lane.destination.idempotent()), pause);
    if (pause != null) {
      lane.dispatcher.pause(clock.instant().plus(pause), paused);
    }
    if (!split.isEmpty()) {
      if (split.size() == 1) {
        Work w = split.get(0);
        end(w, Completion.rejectedAsWholeBatch());
      } else {
        int half = split.size() / 2;
        for (Work w : split) {
          w.tries--; // a split resend is not a retry
        }
        metrics.count(lane.name, "split", "", 1);
        log.debug("{}: batch of {} rejected as a whole; splitting it in halves", lane.name, split.size());
        lane.dispatcher.enqueueSplit(List.copyOf(split.subList(0, half)), List.copyOf(split.subList(half, split.size())));
      }
    }
  }

  /** An outcome that may or may not have acted: retried if the lane is idempotent, else dead-lettered. */
  void unknownOutcome(Lane lane, Work w, String reason, @Nullable String code) {
    releaseFrequency(w);
    if (lane.destination.idempotent()) {
      retryLater(lane, w, reason, code, null);
    } else {
      // Never resend: the first attempt may have acted (an SMS may have gone out).
      end(w, Completion.needsReconciliation(reason, code));
    }
  }

  void clearAttempt(Lane lane, Work w) {
    try {
      config.idempotency().clearAttempt(w.key);
    } catch (RuntimeException e) {
      // Left unresolved, a restart dead-letters it for reconciliation: safe, never a second send.
      log.warn("{} key={}: could not clear the send attempt ({})", lane.name, w.key,
          e.getClass().getName());
    }
  }

  void retryLater(Lane lane, Work w, String reason, @Nullable String code,
      @Nullable Duration retryAfter) {
    if (!mayRetry(w)) {
      end(w, Completion.retriesExhausted(w.tries, reason, code));
      return;
    }
    w.retries++;
    Duration delay = config.retry().delay(w.retries, retryAfter);
    metrics.count(lane.name, "retried", code(code), 1);
    log.debug("{} customer_id={} key={}: retry {} in {} ({})", lane.name,
        w.sub.identity.customerId(), w.key, w.retries, delay, reason);
    lane.dispatcher.retryAfter(w, delay);
  }

  /** Whether {@code w}, which just failed retryably, is within its retry window and attempt cap. */
  private boolean mayRetry(Work w) {
    Instant now = clock.instant();
    if (w.firstFailure == null) {
      w.firstFailure = now;
    }
    return config.retry().canRetry(w.tries, Duration.between(w.firstFailure, now));
  }

  void releaseFrequency(Work w) {
    if (frequency != null && w.frequencySlot != null && w.frequencyKey != null) {
      frequency.release(w.frequencyKey, w.frequencySlot);
      w.frequencySlot = null;
    }
  }

  private void propagateOptOut(Work w) {
    Identity identity = w.sub.identity;
    Set<Channel> channels = config.optOut().suppressChannels();
    try {
      config.suppression().suppress(identity, channels, SuppressionSource.DESTINATION_OPT_OUT);
    } catch (RuntimeException e) {
      log.error("{} customer_id={}: could not record the opt-out in the suppression store ({})",
          w.lane.name, identity.customerId(), e.getClass().getName());
    }
    log.debug("{} customer_id={}: opted out; suppressed on {}", w.lane.name, identity.customerId(), channels);
    if (!config.optOut().removeFromAudiences()) {
      return;
    }
    for (RemoveTarget rt : removeTargets) {
      Work remove = removeWork(w.sub, rt, null);
      w.sub.add(remove);
      log.debug("{} customer_id={} key={}: audience remove after opt-out", rt.lane.name,
          identity.customerId(), remove.key);
      hooks.start(remove);
    }
  }

  /**
   * The audience remove of {@code sub}'s person at {@code rt}; {@code key} as recorded, or null to
   * derive it from the remove event as any event's.
   */
  private Work removeWork(Submission sub, RemoveTarget rt, @Nullable String key) {
    String audience = rt.target.target() != null ? rt.target.target() : rt.lane.name;
    RetentionEvent removeEvent =
        sub.event.toBuilder().audience(audience, AudienceAction.Action.REMOVE).build();
    Work remove = works.create(sub, rt.lane, rt.target, AudienceAction.Action.REMOVE, removeEvent,
        key, true);
    remove.origin = DestinationResult.Origin.OPT_OUT;
    return remove;
  }

  /**
   * The audience removes of an {@code Outlane.optOut} marker ({@link OptOuts}), one per routed
   * audience target, keyed per occurrence of the marker's id (derived from the inbound dedupe id):
   * a retried STOP gets the same keys, whatever the configured key mode.
   */
  List<Work> markerRemoves(Submission sub) {
    List<Work> removes = new ArrayList<>(removeTargets.size());
    for (RemoveTarget rt : removeTargets) {
      String keyDestination =
          rt.target.target() == null ? rt.lane.name : rt.lane.name + "/" + rt.target.target();
      removes.add(removeWork(sub, rt, IdempotencyKeys.perOccurrence().keyFor(keyDestination, sub.event)));
    }
    return removes;
  }

  /**
   * Ends {@code w} as {@code c} says: writes its dead letter first, if it has one, so a stage that
   * completes has every record it reports in the store. Runs on whichever thread decided it.
   */
  void end(Work w, Completion c) {
    DeadLetterReason reason = c.deadLetter();
    if (reason != null) {
      deadLetter(w, reason, c.deadLetterDetail(), c.code());
    }
    finish(w, c);
  }

  private void deadLetter(Work w, DeadLetterReason reason, String detail, @Nullable String code) {
    if (w.done) {
      return; // already final (close abandoned it while its request was in flight)
    }
    Instant now = clock.instant();
    Instant first = w.firstAttempt == null ? now : w.firstAttempt;
    Instant last = w.lastAttempt == null ? now : w.lastAttempt;
    // A replayed record keeps its id, so failing again updates it instead of adding a second one.
    String id = w.deadLetterId != null ? w.deadLetterId : UUID.randomUUID().toString();
    DeadLetter dl = new DeadLetter(id, w.eventForItem, w.lane.name, w.key,
        reason, detail, code, w.sends, first, last, false);
    try {
      config.deadLetters().add(dl);
    } catch (RuntimeException | Error e) {
      // Keep the event pending in the journal so a restart tries again rather than losing it.
      w.sub.journalSafe = false;
      log.error("{} customer_id={} key={}: dead-letter store refused the record ({}); the event stays"
          + " pending in the journal", w.lane.name, w.sub.identity.customerId(), w.key,
          e.getClass().getName());
    }
    metrics.count(w.lane.name, "dead_lettered", reason.wireName(), 1);
  }

  /** Records a final state. Runs on whichever thread decided it. */
  private void finish(Work w, Completion c) {
    synchronized (w) {
      if (w.done) {
        return;
      }
      w.done = true;
    }
    Lane lane = w.lane;
    FinalState state = c.state();
    DeadLetterReason recorded = c.deadLetter();
    String code = c.code();
    String detail = c.detail();
    w.result = DestinationResult.builder(lane.name, state)
        .target(w.target.target())
        .action(w.action)
        .origin(w.origin)
        .deadLetterReason(recorded)
        .reference(c.reference())
        .code(code)
        .detail(detail)
        .attempts(w.sends)
        .build();
    if (state != FinalState.DEAD_LETTERED) {
      // dead_lettered was counted with its reason when the record was written
      metrics.count(lane.name, state.metricName(), state == FinalState.REJECTED ? code(code) : "", 1);
    }
    metrics.latency(lane.name, Duration.between(w.sub.acceptedAt, clock.instant()));
    if (log.isDebugEnabled()) {
      log.debug("{} customer_id={} event_id={} key={} action={}: {}{}", lane.name,
          w.sub.identity.customerId(), w.sub.event.eventId(), w.key, w.action.wireName(),
          state.metricName(), detail.isEmpty() ? "" : " (" + detail + ")");
    }
    if (w.leader) {
      List<Work> followers = inFlight.release(w, state, recorded);
      for (Work f : followers) {
        if (state == FinalState.DELIVERED) {
          end(f, Completion.duplicateOfDelivery());
        } else if (recorded == DeadLetterReason.NEEDS_RECONCILIATION) {
          end(f, Completion.duplicateAwaitingReconciliation());
        } else {
          hooks.start(f); // the first attempt failed: a duplicate may try again
        }
      }
    }
    if (w.sub.workDone()) {
      hooks.completed(w.sub);
    }
  }


  private static String code(@Nullable String code) {
    return code == null ? "" : code;
  }
}

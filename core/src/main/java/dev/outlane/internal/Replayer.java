package dev.outlane.internal;

import dev.outlane.DestinationResult;
import dev.outlane.FinalState;
import dev.outlane.ValidationException;
import dev.outlane.contract.AudienceAction;
import dev.outlane.contract.RetentionEvent;
import dev.outlane.deadletter.DeadLetter;
import dev.outlane.deadletter.DeadLetterListing;
import dev.outlane.deadletter.DeadLetterQuery;
import dev.outlane.deadletter.DeadLetterReason;
import dev.outlane.deadletter.ReplayReport;
import dev.outlane.identity.Identity;
import dev.outlane.routing.Route;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dead-letter replay: sends matching records back through the same intake guards, dispatcher and
 * chain as a new event, each to its own destination only and with its recorded idempotency key (so
 * a record delivered meanwhile is found deduplicated, never sent twice). A record is resolved only
 * after its replay delivered it; {@code needs-reconciliation} records are skipped unless the
 * operator asked to resend them. Records go out {@value #REPLAY_CHUNK} at a time, so a replay of a
 * large store cannot fill the queue; close stops it between chunks.
 *
 * <p>{@link #replay} runs on the caller's thread, which it blocks; the engine counts it as a call
 * close waits for. Thread-safe.
 */
final class Replayer {
  private static final Logger log = LoggerFactory.getLogger("dev.outlane.engine");

  /** Records re-submitted at once: bounded so a replay of a large store cannot fill the queue. */
  static final int REPLAY_CHUNK = 256;

  /** How the engine takes a replayed record in. */
  interface Hooks {
    /** Tracks {@code sub} as pending (flush and close wait for it). */
    void admitted(Submission sub);

    /** Starts {@code w} through the intake guards. */
    void start(Work w);

    /** Whether close began (the replay stops between chunks). */
    boolean closed();
  }

  private final EngineConfig config;
  private final Map<String, Lane> lanes;
  private final Intake intake;
  private final WorkFactory works;
  private final Clock clock;
  private final Hooks hooks;

  Replayer(EngineConfig config, Map<String, Lane> lanes, Intake intake, WorkFactory works,
      Hooks hooks) {
    this.config = config;
    this.lanes = lanes;
    this.intake = intake;
    this.works = works;
    this.clock = config.clock();
    this.hooks = hooks;
  }

  private static void awaitQuietly(List<CompletableFuture<DestinationResult>> futures) {
    for (CompletableFuture<DestinationResult> f : futures) {
      try {
        f.join();
      } catch (RuntimeException ignored) {
        // Its outcome is not reported: the replay is failing with the store's exception.
      }
    }
  }

  ReplayReport replay(DeadLetterQuery query, boolean dryRun, boolean resendUnknown) {
    List<DeadLetter> matching = config.deadLetters()
        .list(new DeadLetterQuery(query.destination(), query.reason(), true));
    String[] outcomes = new String[matching.size()];
    int skippedResolved = 0;
    int skipped = 0;
    int replayed = 0;
    int resolved = 0;
    int stillFailing = 0;
    List<Integer> toReplay = new ArrayList<>();
    for (int i = 0; i < matching.size(); i++) {
      DeadLetter d = matching.get(i);
      if (d.resolved()) {
        skippedResolved++;
      } else if (!lanes.containsKey(d.destination())) {
        skipped++;
        outcomes[i] = "skipped: destination \"" + d.destination() + "\" is not registered";
      } else if (d.reason() == DeadLetterReason.NEEDS_RECONCILIATION && !resendUnknown) {
        skipped++;
        outcomes[i] = "skipped: needs-reconciliation (it may have been sent; check the destination,"
            + " then resend explicitly)";
      } else {
        replayed++;
        if (dryRun) {
          outcomes[i] = "would-replay";
        } else {
          toReplay.add(i);
        }
      }
    }
    for (int from = 0; from < toReplay.size(); from += REPLAY_CHUNK) {
      if (hooks.closed()) {
        // close() is waiting for this replay: stop between chunks; the rest stay unresolved.
        for (int i : toReplay.subList(from, toReplay.size())) {
          outcomes[i] = "skipped: the client was closed during the replay";
          replayed--;
          skipped++;
        }
        break;
      }
      List<Integer> part = toReplay.subList(from, Math.min(toReplay.size(), from + REPLAY_CHUNK));
      List<CompletableFuture<DestinationResult>> futures = new ArrayList<>(part.size());
      for (int i : part) {
        futures.add(replayOne(matching.get(i), resendUnknown));
      }
      for (int j = 0; j < part.size(); j++) {
        DeadLetter d = matching.get(part.get(j));
        DestinationResult r = futures.get(j).join();
        if (r.state() == FinalState.DELIVERED || r.state() == FinalState.DEDUPLICATED) {
          // Resolved only now, after the outcome: an interrupted replay leaves it unresolved, and
          // the next run finds a delivered key deduplicated instead of sending it twice.
          try {
            config.deadLetters().markResolved(d.id());
          } catch (RuntimeException e) {
            // The store failed: the replay stops here, but what this chunk already handed to the
            // lanes is still in flight. Let it finish before the caller hears of the failure, so
            // "interrupted" means a settled state (those records stay unresolved and dedupe next
            // time), not deliveries still running after replay returned.
            awaitQuietly(futures.subList(j + 1, futures.size()));
            throw e;
          }
          resolved++;
          outcomes[part.get(j)] = "resolved: " + r.state().metricName();
        } else {
          stillFailing++;
          outcomes[part.get(j)] = "still-failing: " + r.state().metricName()
              + (r.detail().isEmpty() ? "" : " (" + r.detail() + ")");
        }
      }
    }
    List<ReplayReport.Item> items = new ArrayList<>();
    for (int i = 0; i < matching.size(); i++) {
      if (outcomes[i] != null) {
        DeadLetter d = matching.get(i);
        items.add(new ReplayReport.Item(d.id(), DeadLetterListing.line(d), outcomes[i]));
      }
    }
    log.info("dead-letter replay{}: {} matched, {} already resolved, {} skipped, {} replayed, {}"
        + " resolved, {} still failing", dryRun ? " (dry run)" : "", matching.size(),
        skippedResolved, skipped, replayed, resolved, stillFailing);
    return new ReplayReport(dryRun, matching.size(), skippedResolved, skipped, replayed, resolved,
        stillFailing, items);
  }

  /** Re-submits one record to its own destination only, with its recorded idempotency key. */
  private CompletableFuture<DestinationResult> replayOne(DeadLetter d, boolean resendUnknown) {
    Lane lane = lanes.get(d.destination());
    RetentionEvent event = d.event();
    Identity identity;
    try {
      identity = intake.validate(event);
    } catch (ValidationException e) {
      return CompletableFuture.completedFuture(
          DestinationResult.builder(d.destination(), FinalState.REJECTED)
              .detail("the recorded event is no longer valid: " + e.problems().size() + " problem(s)")
              .build());
    }
    if (d.reason() == DeadLetterReason.NEEDS_RECONCILIATION && resendUnknown) {
      // The operator decided to resend. A key marked delivered (by an earlier forced replay whose
      // resolve was lost) stays blocked, so that replay is found deduplicated, not sent again.
      config.idempotency().forgetUnknown(d.idempotencyKey());
    }
    AudienceAction.Action action =
        event.audience() == null ? AudienceAction.Action.ADD : event.audience().action();
    // Replays bypass the capacity check (like recovery) but are bounded by REPLAY_CHUNK.
    intake.reserveUnchecked();
    Submission sub = new Submission(event, identity, -1, clock.instant(), false);
    sub.journalSafe = false; // not journaled: the dead letter itself is the durable record
    hooks.admitted(sub);
    Work w = works.create(sub, lane, targetFor(lane, d), action, event, d.idempotencyKey(), true);
    w.deadLetterId = d.id();
    synchronized (sub) {
      sub.works.add(w);
      sub.open++;
      sub.sealed = true;
    }
    hooks.start(w);
    return sub.future.thenApply(r -> r.results().get(0));
  }

  /** The route target that produced the record's key (for its audience and options), if any. */
  private Route.Target targetFor(Lane lane, DeadLetter d) {
    Route.Target first = null;
    for (Route r : config.routes()) {
      for (Route.Target t : r.targets()) {
        if (!t.destination().equals(lane.name)) {
          continue;
        }
        if (works.keyFor(lane, t, d.event()).equals(d.idempotencyKey())) {
          return t;
        }
        if (first == null) {
          first = t;
        }
      }
    }
    return first != null ? first : new Route.Target(lane.name, null, Map.of());
  }
}

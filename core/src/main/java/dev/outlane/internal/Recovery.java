package dev.outlane.internal;

import dev.outlane.DestinationResult;
import dev.outlane.Problem;
import dev.outlane.RecoverySummary;
import dev.outlane.ValidationException;
import dev.outlane.contract.RetentionEvent;
import dev.outlane.deadletter.DeadLetterReason;
import dev.outlane.identity.Identity;
import dev.outlane.journal.EventJournal;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Crash recovery: re-submits what the journal holds from before a crash or an unclean stop through
 * the same path as a new event (validation, routing, guards), without the capacity check, and keeps
 * the {@link RecoverySummary}. Each record is processed in isolation: one that is no longer valid,
 * or that anything fails on while it is routed, sized or queued, is dead-lettered {@code
 * undeliverable} at each target its routes name, with the reason, and the rest proceed. Recovery is
 * never blocked by one bad record.
 *
 * <p>{@link #recover} runs once, on the building thread, before the client is returned; {@link
 * #completed} on whichever thread finishes a recovered event. Thread-safe.
 */
final class Recovery {
  private static final Logger log = LoggerFactory.getLogger("dev.outlane.engine");

  /** How the engine takes a recovered event in. */
  interface Hooks {
    /** Routes and starts a valid recovered event, as a new one is. */
    void accept(Submission sub);

    /** Dead-letters a recovered event that cannot be processed, with {@code detail}. */
    void fail(Submission sub, String detail);

    /** Re-queues the audience removes of a journaled {@code Outlane.optOut} marker. */
    void recoverOptOut(EventJournal.Pending p);
  }

  private final EventJournal journal;
  private final Intake intake;
  private final Clock clock;
  private final Hooks hooks;
  /** Journal records {@link #recover} re-submitted; written once, before the client is returned. */
  private volatile int recovered;
  /** Recovered events final so far and their dead letters by reason; guarded by itself. */
  private final EnumMap<DeadLetterReason, Integer> recoveredDeadLetters =
      new EnumMap<>(DeadLetterReason.class);
  private int recoveredFinished; // guarded by recoveredDeadLetters

  Recovery(EventJournal journal, Intake intake, Clock clock, Hooks hooks) {
    this.journal = journal;
    this.intake = intake;
    this.clock = clock;
    this.hooks = hooks;
  }

  /** Re-submits every pending journal record; returns how many. */
  int recover() {
    int n = 0;
    for (EventJournal.Pending p : journal.pending()) {
      RetentionEvent event = p.event();
      // Recovered events were accepted before: they may exceed the capacity for a while.
      intake.reserveUnchecked();
      n++;
      if (OptOuts.isMarker(event)) {
        hooks.recoverOptOut(p);
        continue;
      }
      Identity identity;
      try {
        // Normalize under the rules the event was accepted with, when the journal kept them: a
        // region changed since must not turn an accepted event into an invalid one.
        identity = p.identity() == null ? intake.validate(event) : intake.validate(event, p.identity());
      } catch (Throwable e) {
        String detail = e instanceof ValidationException v
            ? "the journaled event is no longer valid: " + problemPaths(v.problems())
            : "the journaled event could not be validated: " + e.getClass().getName();
        log.warn("journal record {} (event_id={}): {}; dead-lettered, recovery goes on",
            p.sequence(), event.eventId(), detail);
        hooks.fail(new Submission(event, new Identity(event.customerId(), null, null),
            p.sequence(), clock.instant(), true), detail);
        continue;
      }
      hooks.accept(new Submission(event, identity, p.sequence(), clock.instant(), true));
    }
    recovered = n;
    if (n > 0) {
      log.info("recovered {} pending events from the journal", n);
    }
    return n;
  }

  /** The problems' field paths, never their values: {@code 2 problem(s) at $.phone, $.email}. */
  private static String problemPaths(List<Problem> problems) {
    List<String> paths = new ArrayList<>(problems.size());
    for (Problem p : problems) {
      paths.add(p.path());
    }
    return problems.size() + " problem(s) at " + String.join(", ", paths);
  }

  /** Counts a final submission in the summary if recovery re-submitted it. */
  void completed(Submission sub, List<DestinationResult> results) {
    if (!sub.recovered) {
      return;
    }
    synchronized (recoveredDeadLetters) {
      recoveredFinished++;
      for (DestinationResult r : results) {
        if (r.deadLetterReason() != null) {
          recoveredDeadLetters.merge(r.deadLetterReason(), 1, Integer::sum);
        }
      }
    }
  }

  /** See {@code Outlane.recovery}. */
  RecoverySummary summary() {
    int n = recovered;
    if (n == 0) {
      return RecoverySummary.none();
    }
    synchronized (recoveredDeadLetters) {
      return new RecoverySummary(n, recoveredFinished, recoveredDeadLetters);
    }
  }
}

package dev.outlane.internal;

import dev.outlane.FinalState;
import dev.outlane.deadletter.DeadLetterReason;
import dev.outlane.guardrail.IdempotencyStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Idempotency keys being delivered right now → the work delivering them (the key's leader);
 * duplicates wait as its followers and are handed back when the leader is final. Backed by the
 * {@link IdempotencyStore} for keys delivered before. Thread-safe.
 */
final class InFlightKeys {
  private static final Logger log = LoggerFactory.getLogger("dev.outlane.engine");

  /** What {@link #claim} found for an item's idempotency key. */
  enum Claim {
    /** Nobody delivers the key: this item does (it is the key's leader now). */
    LEAD,
    /** Another item delivers the key right now: this one waits as its follower. */
    FOLLOW,
    /** The key was delivered before: nothing to do. */
    DUPLICATE,
    /**
     * This item leads, but an earlier run recorded an attempt for the key without an outcome: the
     * process stopped between sending and learning the answer, so the message may have gone out.
     */
    LEAD_UNRESOLVED
  }

  private final ConcurrentHashMap<String, Work> inFlight = new ConcurrentHashMap<>();
  private final IdempotencyStore idempotency;
  private final Clock clock;

  InFlightKeys(IdempotencyStore idempotency, Clock clock) {
    this.idempotency = idempotency;
    this.clock = clock;
  }

  /** Claims {@code w}'s key; sets {@code w.leader} when it leads. Store failures propagate. */
  Claim claim(Work w) {
    Instant now = clock.instant();
    Work leader = inFlight.compute(w.key, (k, current) -> {
      if (current != null) {
        current.followers().add(w);
        return current;
      }
      return idempotency.isDone(k, now) ? null : w;
    });
    if (leader == null) {
      return Claim.DUPLICATE;
    }
    if (leader != w) {
      return Claim.FOLLOW;
    }
    // Leader from here on, so that whatever ends w (even a store failure below) releases the key.
    w.leader = true;
    // Only the key's leader sends, so the recorded attempts cannot change under this check.
    return !w.lane.destination.idempotent() && idempotency.attemptUnresolved(w.key)
        ? Claim.LEAD_UNRESOLVED : Claim.LEAD;
  }

  /**
   * Releases the key {@code w} leads, recording a delivery (or a possible one) in the store, and
   * returns its followers, for the caller to end or restart.
   */
  List<Work> release(Work w, FinalState state, @Nullable DeadLetterReason reason) {
    Instant now = clock.instant();
    List<Work> followers = new ArrayList<>();
    inFlight.compute(w.key, (k, cur) -> {
      if (cur != w) {
        return cur;
      }
      // A needs-reconciliation key may have acted: block duplicates of it too, or one could send the
      // same SMS a second time. Reconciliation or a dead-letter replay decides what happens next.
      try {
        if (state == FinalState.DELIVERED) {
          idempotency.markDone(k, now);
        } else if (reason == DeadLetterReason.NEEDS_RECONCILIATION) {
          idempotency.markUnknown(k, now);
        }
      } catch (RuntimeException e) {
        log.error("{} key={}: idempotency store failed to record the outcome ({})", w.lane.name, k,
            e.getClass().getName());
      }
      if (w.followers != null) {
        followers.addAll(w.followers);
      }
      return null;
    });
    return followers;
  }
}

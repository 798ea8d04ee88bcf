package dev.outlane.internal;

import dev.outlane.SubmitResult;
import dev.outlane.contract.RetentionEvent;
import dev.outlane.identity.Identity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One accepted event on its way through the engine: its {@link Work} per routed target and the
 * future its caller holds. It completes once it is sealed (every target known) and no work is open;
 * {@link #workDone} and {@link #tryComplete} say when, exactly once, so the caller then completes it.
 * Thread-safe: the mutable fields are guarded by this.
 */
final class Submission {
  final RetentionEvent event;
  final Identity identity;
  /** Its journal sequence, or -1 if it was not journaled (a replay). */
  final long seq;
  final Instant acceptedAt;
  final CompletableFuture<SubmitResult> future = new CompletableFuture<>();
  final List<Work> works = new ArrayList<>(4); // guarded by this
  int open; // guarded by this
  boolean sealed; // guarded by this
  boolean completed; // guarded by this
  boolean unrouted; // guarded by this
  volatile boolean journalSafe = true;
  /** Whether recovery re-submitted it from the journal (counted in the recovery summary). */
  final boolean recovered;

  Submission(RetentionEvent event, Identity identity, long seq, Instant acceptedAt,
      boolean recovered) {
    this.recovered = recovered;
    this.event = event;
    this.identity = identity;
    this.seq = seq;
    this.acceptedAt = acceptedAt;
  }

  /** Whether no route matched (known once routed). */
  boolean isUnrouted() {
    synchronized (this) {
      return unrouted;
    }
  }

  /** Adds one more open work item (an opt-out's audience remove, a replay). */
  void add(Work w) {
    synchronized (this) {
      works.add(w);
      open++;
    }
  }

  /** One of its works is final; true if the submission is complete now (the caller completes it). */
  boolean workDone() {
    synchronized (this) {
      open--;
    }
    return tryComplete();
  }

  /** True exactly once: when it is sealed and nothing is open any more. */
  boolean tryComplete() {
    synchronized (this) {
      if (!sealed || open > 0 || completed) {
        return false;
      }
      completed = true;
      return true;
    }
  }
}

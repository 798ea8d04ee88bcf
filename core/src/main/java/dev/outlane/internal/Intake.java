package dev.outlane.internal;

import dev.outlane.OutlaneException;
import dev.outlane.Problem;
import dev.outlane.QueueFullException;
import dev.outlane.ValidationException;
import dev.outlane.contract.RetentionEvent;
import dev.outlane.identity.Identity;
import dev.outlane.identity.IdentityNormalizer;
import dev.outlane.journal.EventJournal;
import dev.outlane.metrics.MetricsSink;
import java.time.Clock;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first stage of every event: validate (contract and identity, every problem at once), reserve
 * a place in the bounded queue, journal. It also owns the count of events accepted and not yet
 * final, which bounds the queue. Thread-safe.
 */
final class Intake {
  private static final Logger log = LoggerFactory.getLogger("dev.outlane.engine");

  private final Function<RetentionEvent, List<Problem>> validator;
  private final IdentityNormalizer normalizer;
  private final EventJournal journal;
  private final MetricsSink metrics;
  private final Clock clock;
  private final int queueCapacity;
  private final AtomicInteger outstanding = new AtomicInteger();
  /** Where a bounded {@code submit(event, maxWait)} waits for a release. */
  private final CapacityWait capacityWait = new CapacityWait();

  Intake(Function<RetentionEvent, List<Problem>> validator, IdentityNormalizer normalizer,
      EventJournal journal, MetricsSink metrics, Clock clock, int queueCapacity) {
    this.validator = validator;
    this.normalizer = normalizer;
    this.journal = journal;
    this.metrics = metrics;
    this.clock = clock;
    this.queueCapacity = queueCapacity;
  }

  /**
   * Validates, reserves and journals {@code event}; the submission it returns is counted as
   * outstanding until {@link #release}d.
   *
   * @throws ValidationException if the event is invalid (nothing reserved)
   * @throws QueueFullException if the queue is full (nothing reserved)
   * @throws OutlaneException if the journal append failed (the reservation is released)
   */
  Submission admit(RetentionEvent event) {
    return admit(event, Duration.ZERO, () -> false);
  }

  /**
   * As {@link #admit(RetentionEvent)}, waiting up to {@code maxWait} for room when the queue is full
   * (not at all for {@link Duration#ZERO}), and giving up early once {@code closing} says so.
   */
  Submission admit(RetentionEvent event, Duration maxWait, BooleanSupplier closing) {
    Identity identity = validate(event);
    if (maxWait.isZero() ? !reserve() : !capacityWait.await(this::reserve, maxWait, closing)) {
      refuseFull("event_id=" + event.eventId() + " customer_id=" + event.customerId());
    }
    return journaled(event, identity, "event " + event.eventId() + " was not accepted");
  }

  /**
   * Reserves and journals an {@code Outlane.optOut} marker ({@link OptOuts}), already normalized as
   * {@code identity}; no validation (the marker is the engine's own).
   *
   * @throws QueueFullException if the queue is full (nothing reserved)
   * @throws OutlaneException if the journal append failed (the reservation is released)
   */
  Submission admitMarker(RetentionEvent marker, Identity identity) {
    if (!reserve()) {
      refuseFull("an opt-out's audience removes");
    }
    return journaled(marker, identity, "the opt-out's audience removes were not queued");
  }

  private void refuseFull(String what) {
    metrics.count("", "queue_full", "", 1);
    log.debug("refused {}: queue full", what);
    throw new QueueFullException(queueCapacity);
  }

  /** Journals a reserved {@code event}; a failed append releases the reservation. */
  private Submission journaled(RetentionEvent event, Identity identity, String notAccepted) {
    long seq;
    try {
      seq = journal.append(event);
    } catch (RuntimeException e) {
      release();
      throw new OutlaneException("journal append failed (" + e.getClass().getSimpleName() + "); "
          + notAccepted, e);
    }
    return new Submission(event, identity, seq, clock.instant(), false);
  }

  /** Validates {@code event} under the client's identity rules. */
  Identity validate(RetentionEvent event) {
    return validate(event, null);
  }

  /** Validates {@code event}; {@code accepted} is its identity as normalized when it was accepted. */
  Identity validate(RetentionEvent event, @Nullable Identity accepted) {
    List<Problem> problems = new ArrayList<>(validator.apply(event));
    Identity identity = accepted;
    if (identity == null) {
      try {
        identity = normalizer.normalize(event.customerId(), event.email(), event.phone());
      } catch (ValidationException e) {
        problems.addAll(e.problems());
      }
    }
    if (!problems.isEmpty() || identity == null) {
      metrics.count("", "invalid", "", 1);
      log.debug("refused event_id={} customer_id={}: {} problem(s)", event.eventId(),
          event.customerId(), problems.size());
      throw new ValidationException(problems);
    }
    return identity;
  }

  private boolean reserve() {
    while (true) {
      int n = outstanding.get();
      if (n >= queueCapacity) {
        return false;
      }
      if (outstanding.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  /**
   * Counts an event accepted before (recovery) or re-sent from the store (replay) without the
   * capacity check: it may exceed the capacity for a while.
   */
  void reserveUnchecked() {
    outstanding.incrementAndGet();
  }

  /** An outstanding event is final. */
  void release() {
    outstanding.decrementAndGet();
    capacityWait.released();
  }

  /** Events accepted and not yet final. */
  int outstanding() {
    return outstanding.get();
  }
}

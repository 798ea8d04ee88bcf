package dev.outlane.internal;

import dev.outlane.destination.DeliveryInterceptor;
import dev.outlane.destination.DeliveryItem;
import dev.outlane.destination.Destination;
import dev.outlane.destination.Outcome;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One destination's batch chain, everything between the dispatcher and the outcome handler, on the
 * destination's delivery thread:
 *
 * <ol>
 *   <li>the engine's own per-item stages ({@link ItemGuard}s: suppression re-check, pre-activation
 *       check, frequency cap, in that order), each ending or retrying an item or letting it on;
 *   <li>for a non-idempotent destination, the {@link AttemptRecorder} (the attempt is durable
 *       before anything can send);
 *   <li>users' {@link DeliveryInterceptor}s, in order, then {@link Destination#deliver}.
 * </ol>
 *
 * <p>The engine's stages come first so that users' interceptors see exactly what is about to be
 * sent (never a suppressed, skipped or capped item) and so that an interceptor that sends (an audit
 * copy, a preview) runs only after the attempt is recorded. The outcomes' count is checked once, on
 * what the whole chain returns; a throw from an interceptor or the destination is an unknown
 * outcome for every item, as the contract of {@link DeliveryInterceptor} documents. Without
 * interceptors the public part is a plain {@code deliver} call (nothing allocated). Immutable,
 * thread-safe.
 */
final class DeliveryChain {
  private static final Logger log = LoggerFactory.getLogger("dev.outlane.engine");

  private final Destination destination;
  private final List<ItemGuard> stages;
  private final @Nullable AttemptRecorder attempts;
  private final List<DeliveryInterceptor> interceptors;
  private final Failures failures;
  private final Clock clock;

  /**
   * @param stages the engine's per-item stages, in order
   * @param attempts the attempt recorder, or null for an idempotent destination
   */
  DeliveryChain(Destination destination, List<ItemGuard> stages, @Nullable AttemptRecorder attempts,
      List<DeliveryInterceptor> interceptors, Failures failures, Clock clock) {
    this.destination = destination;
    this.stages = List.copyOf(stages);
    this.attempts = attempts;
    this.interceptors = List.copyOf(interceptors);
    this.failures = failures;
    this.clock = clock;
  }

  /**
   * Runs {@code batch} through the chain and hands what was sent, with its outcomes, to {@code
   * outcomes}. Whatever a store or a sink throws outside the interceptors and the destination
   * propagates (the caller treats the rest of the batch as an unknown outcome).
   */
  void send(Lane lane, List<Work> batch, OutcomeHandler outcomes) {
    Instant now = clock.instant();
    List<Work> send = new ArrayList<>(batch.size());
    for (Work w : batch) {
      if (w.done || !passes(lane, w, outcomes)) {
        continue;
      }
      w.tries++;
      w.sends++;
      if (w.firstAttempt == null) {
        w.firstAttempt = now;
      }
      w.lastAttempt = now;
      send.add(w);
    }
    if (send.isEmpty()) {
      return;
    }
    if (attempts != null && !attempts.record(lane, send, now, outcomes)) {
      return;
    }
    List<DeliveryItem> items = new ArrayList<>(send.size());
    for (Work w : send) {
      items.add(w.item(w.sends));
    }
    List<Outcome> answers;
    try {
      answers = deliver(Collections.unmodifiableList(items));
      if (answers == null || answers.size() != items.size()) {
        String reason = "destination returned " + (answers == null ? "null" : answers.size())
            + " outcomes for " + items.size() + " items";
        log.error("{}: {}; treating every item of the batch as an unknown outcome", lane.name, reason);
        answers = Collections.nCopies(items.size(), Outcome.unknown(reason));
      }
    } catch (Throwable e) {
      // The Destination contract says classify, don't throw; anything thrown after the request may
      // have been written (a missing class, an OutOfMemoryError in a template) is exactly an unknown
      // outcome. Catching Errors too: one LinkageError must not leave a batch in flight forever.
      failures.report(lane, "deliver", e);
      answers = Collections.nCopies(items.size(),
          Outcome.unknown("deliver threw " + e.getClass().getName()));
    }
    outcomes.handle(lane, send, answers);
  }

  /** Runs the engine's stages on {@code w}; false if one ended it or put it back for a retry. */
  private boolean passes(Lane lane, Work w, OutcomeHandler outcomes) {
    for (int i = 0, n = stages.size(); i < n; i++) { // per item: no iterator
      ItemGuard stage = stages.get(i);
      Verdict v = stage.check(w);
      if (v instanceof Verdict.Finish f) {
        outcomes.end(w, f.completion());
        return false;
      }
      if (v instanceof Verdict.RetryLater r) {
        w.tries++;
        outcomes.retryLater(lane, w, r.reason(), null, null);
        return false;
      }
      if (v instanceof Verdict.Wait) {
        throw new IllegalStateException("a delivery stage cannot make an item wait: "
            + stage.getClass().getSimpleName());
      }
    }
    return true;
  }

  /** Delivers {@code batch} (unmodifiable) through the interceptors; whatever a stage throws propagates. */
  List<Outcome> deliver(List<DeliveryItem> batch) {
    if (interceptors.isEmpty()) {
      return destination.deliver(batch);
    }
    return new Link(0, batch).proceed(batch);
  }

  /** The chain as the interceptor at {@code index} sees it. */
  private final class Link implements DeliveryInterceptor.Chain {
    private final int index;
    private final List<DeliveryItem> batch;

    Link(int index, List<DeliveryItem> batch) {
      this.index = index;
      this.batch = batch;
    }

    @Override
    public Destination destination() {
      return destination;
    }

    @Override
    public List<DeliveryItem> batch() {
      return batch;
    }

    @Override
    public List<Outcome> proceed(List<DeliveryItem> next) {
      List<DeliveryItem> handed = next == batch ? next : List.copyOf(next);
      if (index == interceptors.size()) {
        return destination.deliver(handed);
      }
      return interceptors.get(index).intercept(new Link(index + 1, handed));
    }
  }
}

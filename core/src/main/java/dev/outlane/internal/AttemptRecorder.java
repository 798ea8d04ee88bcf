package dev.outlane.internal;

import dev.outlane.guardrail.IdempotencyStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The batch stage of a non-idempotent destination: durably records that the batch is about to be
 * sent (see {@link IdempotencyStore#recordAttempts}), so a crash between sending and learning the
 * answer is found on restart and never sent twice. If that fails nothing is sent and each item is
 * retried later. Runs on the lane's delivery thread; thread-safe if the store is.
 */
final class AttemptRecorder {
  private static final Logger log = LoggerFactory.getLogger("dev.outlane.engine");

  private final IdempotencyStore idempotency;

  AttemptRecorder(IdempotencyStore idempotency) {
    this.idempotency = idempotency;
  }

  /** Whether {@code send} may go out; if not, every item of it was handed back for a retry. */
  boolean record(Lane lane, List<Work> send, Instant now, OutcomeHandler outcomes) {
    List<String> keys = new ArrayList<>(send.size());
    for (Work w : send) {
      keys.add(w.key);
    }
    try {
      idempotency.recordAttempts(keys, now);
      return true;
    } catch (RuntimeException e) {
      log.error("{}: could not record {} send attempts before sending ({}); not sent", lane.name,
          keys.size(), e.getClass().getName());
      for (Work w : send) {
        outcomes.releaseFrequency(w);
        w.sends--;
        outcomes.retryLater(lane, w, "could not record the attempt before sending", null, null);
      }
      return false;
    }
  }
}

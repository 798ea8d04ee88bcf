package dev.outlane.deadletter;

import dev.outlane.contract.RetentionEvent;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One delivery that could not be completed, with everything an operator needs to debug and replay it.
 * Immutable; {@link #toString()} never prints PII (the event's own {@code toString} redacts it).
 *
 * @param id unique id of this record in its store
 * @param event the event, as accepted
 * @param destination the destination's name
 * @param idempotencyKey the key the delivery used
 * @param reason why it ended here
 * @param detail the last error message, without PII
 * @param errorCode the destination's error code, or null
 * @param attempts how many attempts were made
 * @param firstAttempt when the first attempt was made
 * @param lastAttempt when the last attempt was made
 * @param resolved whether a replay delivered it (resolved records are not replayed again)
 */
public record DeadLetter(
    String id,
    RetentionEvent event,
    String destination,
    String idempotencyKey,
    DeadLetterReason reason,
    String detail,
    @Nullable String errorCode,
    int attempts,
    Instant firstAttempt,
    Instant lastAttempt,
    boolean resolved) {
  public DeadLetter {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(destination, "destination");
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(detail, "detail");
    Objects.requireNonNull(firstAttempt, "firstAttempt");
    Objects.requireNonNull(lastAttempt, "lastAttempt");
  }

  /** A copy marked resolved. */
  public DeadLetter asResolved() {
    return new DeadLetter(id, event, destination, idempotencyKey, reason, detail, errorCode, attempts,
        firstAttempt, lastAttempt, true);
  }
}

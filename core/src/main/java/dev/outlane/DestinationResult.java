package dev.outlane;

import dev.outlane.contract.AudienceAction;
import dev.outlane.deadletter.DeadLetterReason;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The final state of one event at one destination target. Immutable; contains no PII.
 *
 * @param destination the destination's name
 * @param target the route's target in that destination (an audience id…), or null
 * @param action {@code ADD} for activations, {@code REMOVE} for audience removes the engine emitted
 *     after an opt-out
 * @param state the final state
 * @param deadLetterReason why it is in the dead-letter store, or null if it is not there
 * @param reference the destination's reference for a delivery (e.g. a message SID), or null
 * @param code the destination's error code, or null
 * @param detail a short human-readable explanation, without PII ({@code ""} when delivered)
 * @param attempts how many times it was handed to the destination (0 if it never was)
 */
public record DestinationResult(
    String destination,
    @Nullable String target,
    AudienceAction.Action action,
    FinalState state,
    @Nullable DeadLetterReason deadLetterReason,
    @Nullable String reference,
    @Nullable String code,
    String detail,
    int attempts) {
  public DestinationResult {
    Objects.requireNonNull(destination, "destination");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(detail, "detail");
  }
}

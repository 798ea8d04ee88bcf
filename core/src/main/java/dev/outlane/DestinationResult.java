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
 * @param action the audience action this result belongs to: the event's own ({@code REMOVE} for an
 *     event that asks to remove someone from an audience, {@code ADD} otherwise, including every
 *     non-audience delivery such as an SMS), or {@code REMOVE} for a remove the engine emitted after
 *     an opt-out
 * @param origin why the engine made this delivery: a route, or an opt-out seen at another
 *     destination
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
    DestinationResult.Origin origin,
    FinalState state,
    @Nullable DeadLetterReason deadLetterReason,
    @Nullable String reference,
    @Nullable String code,
    String detail,
    int attempts) {
  public DestinationResult {
    Objects.requireNonNull(destination, "destination");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(detail, "detail");
  }

  /** Why a delivery was made, so an opt-out's audience removes are told apart from routed ones. */
  public enum Origin {
    /** A route matched the event: this is the event's own delivery to that target. */
    ROUTE,
    /**
     * The person opted out at some destination and the {@link OptOutPolicy} removes them from the
     * ad audiences the routes feed: an audience {@code REMOVE} the event itself did not ask for.
     */
    OPT_OUT
  }
}

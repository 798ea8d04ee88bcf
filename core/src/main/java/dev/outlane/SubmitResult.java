package dev.outlane;

import dev.outlane.contract.AudienceAction;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What became of one submitted event: one {@link DestinationResult} per routed destination target, in
 * routing order, followed by any audience removes the event's opt-out triggered. An event no route
 * matched has no results. Immutable; contains no PII.
 *
 * @param eventId the event's id
 * @param customerId the normalized customer id
 * @param results the per-destination results
 */
public record SubmitResult(String eventId, String customerId, List<DestinationResult> results) {
  public SubmitResult {
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(customerId, "customerId");
    results = List.copyOf(results);
  }

  /**
   * The state of the (first) activation sent to {@code destination}, or null if the event was not routed
   * there.
   */
  public @Nullable FinalState state(String destination) {
    for (DestinationResult r : results) {
      if (r.destination().equals(destination) && r.action() == AudienceAction.Action.ADD) {
        return r.state();
      }
    }
    return null;
  }

  /** Whether every result is {@link FinalState#DELIVERED} (true for an event with no routes). */
  public boolean allDelivered() {
    return results.stream().allMatch(r -> r.state() == FinalState.DELIVERED);
  }
}

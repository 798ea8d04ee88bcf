package dev.outlane;

import dev.outlane.contract.AudienceAction;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What became of one submitted event: one {@link DestinationResult} per routed destination target, in
 * routing order, followed by any audience removes the event's opt-out triggered. An event no route
 * matched has no results and is {@link #unrouted()}: it was accepted (and journaled) but nothing was
 * sent, which is never {@link #allDelivered()}. Immutable; contains no PII.
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

  /**
   * Whether no route matched the event (by its name), so it went nowhere: often a typo in the event
   * name or a route not configured yet. Counted as {@code unrouted} in the metrics.
   */
  public boolean unrouted() {
    // Every matched route yields at least one result, so empty results mean nothing matched.
    return results.isEmpty();
  }

  /**
   * Whether the event was routed and every result is {@link FinalState#DELIVERED}; false for an
   * {@link #unrouted()} event, which was delivered nowhere.
   */
  public boolean allDelivered() {
    return !results.isEmpty() && results.stream().allMatch(r -> r.state() == FinalState.DELIVERED);
  }
}

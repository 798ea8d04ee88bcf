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
   * The state of the event's own delivery to {@code destination} (its first routed target there),
   * whatever its action: for an event asking for an audience remove, the remove's state. Removes an
   * opt-out triggered ({@link DestinationResult.Origin#OPT_OUT}) are never returned here; read them
   * with {@link #state(String, AudienceAction.Action)} or {@link #results(String)}.
   *
   * @return the state, or null if no route sent the event to {@code destination}
   */
  public @Nullable FinalState state(String destination) {
    Objects.requireNonNull(destination, "destination");
    for (DestinationResult r : results) {
      if (r.destination().equals(destination) && r.origin() == DestinationResult.Origin.ROUTE) {
        return r.state();
      }
    }
    return null;
  }

  /**
   * The state of the first result at {@code destination} with {@code action}, routed results
   * first: {@code state("meta-cart", REMOVE)} after an opt-out reads the remove the engine emitted,
   * while {@code state("meta-cart", ADD)} reads the activation.
   *
   * @return the state, or null if there is no such result
   */
  public @Nullable FinalState state(String destination, AudienceAction.Action action) {
    Objects.requireNonNull(destination, "destination");
    Objects.requireNonNull(action, "action");
    for (DestinationResult r : results) {
      if (r.destination().equals(destination) && r.action() == action) {
        return r.state();
      }
    }
    return null;
  }

  /** Every result at {@code destination}, in order (routed targets, then opt-out removes). */
  public List<DestinationResult> results(String destination) {
    Objects.requireNonNull(destination, "destination");
    return results.stream().filter(r -> r.destination().equals(destination)).toList();
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

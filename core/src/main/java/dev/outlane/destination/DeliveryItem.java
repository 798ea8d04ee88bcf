package dev.outlane.destination;

import dev.outlane.contract.AudienceAction;
import dev.outlane.contract.RetentionEvent;
import dev.outlane.hashing.HashedIdentity;
import dev.outlane.identity.Identity;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One activation handed to a {@link Destination}: the event, the normalized identity, the identifiers
 * hashed with the destination's {@link Destination#hashingProfile() profile}, and what the route
 * asked for.
 *
 * <p>Immutable. {@link #toString()} never prints PII.
 *
 * @param idempotencyKey the key that makes retries and duplicates safe; destinations that support
 *     dedupe send it (Segment {@code messageId}, Meta {@code event_id})
 * @param event the validated event
 * @param identity the normalized identity
 * @param hashed identifiers hashed for this destination, or null if it declares no hashing profile
 * @param target what the route points at in this destination (an audience id, a pixel id), or null
 * @param action whether the person is added to ({@code ADD}) or removed from the target
 * @param options the route's per-destination options (e.g. {@code template}, {@code action_source})
 * @param attempt 1 for the first attempt, incremented on each retry
 */
public record DeliveryItem(
    String idempotencyKey,
    RetentionEvent event,
    Identity identity,
    @Nullable HashedIdentity hashed,
    @Nullable String target,
    AudienceAction.Action action,
    Map<String, String> options,
    int attempt) {
  public DeliveryItem {
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(action, "action");
    options = Map.copyOf(options);
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt: must be ≥ 1, was " + attempt);
    }
  }

  /** This item for its next attempt. */
  public DeliveryItem nextAttempt() {
    return new DeliveryItem(idempotencyKey, event, identity, hashed, target, action, options, attempt + 1);
  }

  /** The route option {@code name}, or null. */
  public @Nullable String option(String name) {
    return options.get(name);
  }

  @Override
  public String toString() {
    return "DeliveryItem{key=" + idempotencyKey + ", eventId=" + event.eventId() + ", customerId="
        + identity.customerId() + ", target=" + target + ", action=" + action + ", attempt=" + attempt + "}";
  }
}

package dev.outlane.internal;

import dev.outlane.contract.AudienceAction;
import dev.outlane.contract.RetentionEvent;
import dev.outlane.destination.DeliveryItem;
import dev.outlane.hashing.HashingProfile;
import dev.outlane.idempotency.IdempotencyKeys;
import dev.outlane.routing.Route;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Builds {@link Work}: derives its idempotency key and, once, its hashed and sized {@link
 * DeliveryItem}. A destination that cannot size the item does not throw out of here: the work
 * carries why ({@link Work#unsizable}) and the size guard dead-letters it. Thread-safe.
 */
final class WorkFactory {
  private final IdempotencyKeys keys;
  private final Failures failures;

  WorkFactory(IdempotencyKeys keys, Failures failures) {
    this.keys = keys;
    this.failures = failures;
  }

  /** The key {@code target} of {@code lane} derives for {@code event}. */
  String keyFor(Lane lane, Route.Target target, RetentionEvent event) {
    String keyDestination = target.target() == null ? lane.name : lane.name + "/" + target.target();
    return keys.keyFor(keyDestination, event);
  }

  Work create(Submission sub, @Nullable Lane lane, Route.Target target,
      AudienceAction.Action action, RetentionEvent eventForItem) {
    return create(sub, lane, target, action, eventForItem, null, true);
  }

  /**
   * @param recordedKey the key a dead letter recorded, or null to derive it
   * @param prepare whether to build and size the item; false for work that is dead-lettered at
   *     once (an event that cannot be processed), which never reaches the destination
   */
  Work create(Submission sub, @Nullable Lane lane, Route.Target target,
      AudienceAction.Action action, RetentionEvent eventForItem, @Nullable String recordedKey,
      boolean prepare) {
    Objects.requireNonNull(lane, "lane");
    String key = recordedKey != null ? recordedKey : keyFor(lane, target, eventForItem);
    DeliveryItem item = null;
    long itemSize = 0;
    Throwable failure = null;
    if (prepare) {
      try {
        HashingProfile profile = lane.destination.hashingProfile();
        item = new DeliveryItem(key, eventForItem, sub.identity,
            profile == null ? null : profile.hash(sub.identity), target.target(), action,
            target.options(), 1);
        itemSize = lane.destination.sizeOf(item);
      } catch (Throwable e) {
        // A value the destination cannot even size (a number whose plain form is gigabytes) must
        // not take the submitting thread, or recovery, down with it: the size guard dead-letters it.
        failures.report(lane, "sizeOf", e);
        failure = e;
      }
    }
    String unsizable = !prepare ? "not prepared: dead-lettered at once"
        : failure == null ? null
        : "the destination could not size the item: sizeOf threw " + failure.getClass().getName();
    return new Work(sub, lane, target, action, eventForItem, key, item, itemSize, unsizable);
  }
}

package dev.outlane.internal;

import dev.outlane.DestinationResult;
import dev.outlane.contract.AudienceAction;
import dev.outlane.contract.RetentionEvent;
import dev.outlane.destination.DeliveryItem;
import dev.outlane.routing.Route;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One event's item for one destination target, from routing to its final state. Built by {@link
 * WorkFactory}. Not thread-safe in general: a work item is handled by one thread at a time (the
 * submitting thread, then the lane's delivery thread); {@link #done} is written under this, {@link
 * #followers} under the in-flight map's lock for its key.
 */
final class Work implements Dispatcher.Item {
  final Submission sub;
  final Lane lane;
  final Route.Target target;
  final AudienceAction.Action action;
  final RetentionEvent eventForItem;
  final String key;
  final long size;
  /** Null only if {@link #unsizable} is set; such work is dead-lettered before it is queued. */
  final @Nullable DeliveryItem firstItem;
  /** Why the destination could not build or size the item, or null. */
  final @Nullable String unsizable;
  int tries; // attempts consumed, for the retry policy
  int sends; // times handed to the destination
  int retries;
  boolean leader;
  boolean stale;
  boolean counted;
  /** Set before the work is started; read when it finishes. */
  DestinationResult.Origin origin = DestinationResult.Origin.ROUTE;
  volatile boolean done; // written under this
  @Nullable Instant enqueuedAt;
  @Nullable Instant firstAttempt;
  @Nullable Instant lastAttempt;
  @Nullable Instant firstFailure; // the retry window counts from here
  @Nullable String frequencyKey;
  @Nullable Instant frequencySlot;
  @Nullable List<Work> followers; // guarded by the in-flight map's bin lock for this key
  @Nullable DestinationResult result;
  /** The dead letter this work replays, or null. */
  @Nullable String deadLetterId;

  Work(Submission sub, Lane lane, Route.Target target, AudienceAction.Action action,
      RetentionEvent eventForItem, String key, @Nullable DeliveryItem firstItem, long size,
      @Nullable String unsizable) {
    this.sub = sub;
    this.lane = Objects.requireNonNull(lane, "lane");
    this.target = target;
    this.action = action;
    this.eventForItem = eventForItem;
    this.key = key;
    this.firstItem = firstItem;
    this.size = size;
    this.unsizable = unsizable;
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public void queuedAt(Instant at) {
    enqueuedAt = at;
  }

  @Override
  public Instant queuedAt() {
    return Objects.requireNonNull(enqueuedAt, "enqueuedAt");
  }

  boolean isRemove() {
    return action == AudienceAction.Action.REMOVE;
  }

  List<Work> followers() {
    if (followers == null) {
      followers = new ArrayList<>(1);
    }
    return followers;
  }

  DeliveryItem item(int attempt) {
    DeliveryItem first = Objects.requireNonNull(firstItem, "firstItem");
    if (attempt == 1) {
      return first;
    }
    return new DeliveryItem(first.idempotencyKey(), first.event(), first.identity(),
        first.hashed(), first.target(), first.action(), first.options(), attempt);
  }
}

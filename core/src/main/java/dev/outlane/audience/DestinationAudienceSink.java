package dev.outlane.audience;

import dev.outlane.contract.AudienceAction;
import dev.outlane.contract.RetentionEvent;
import dev.outlane.destination.DeliveryItem;
import dev.outlane.destination.Destination;
import dev.outlane.destination.Outcome;
import dev.outlane.hashing.HashedIdentity;
import dev.outlane.hashing.HashingProfile;
import dev.outlane.identity.Identity;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An {@link AudienceSink} over any audience {@link Destination} (Meta Custom Audiences, TikTok,
 * Google Data Manager): each member becomes a {@link DeliveryItem} whose {@code target} is the
 * audience id, split into requests of the destination's {@link
 * dev.outlane.destination.DestinationLimits#maxItemsPerRequest()}.
 *
 * <p>The items carry a synthetic event ({@code event_name = audience_sync}, {@code source =
 * outlane-audience-sync}) whose customer id is the member's {@link HashedMember#key()}: the sync
 * never stores raw customer ids, so none is sent. A batch is accepted only if every item is {@link
 * Outcome.Delivered}; a {@link Outcome.Retryable} or {@link Outcome.Unknown} outcome makes it a
 * retryable failure, a {@link Outcome.Rejected} one a failure that needs a fix.
 *
 * <p>Thread-safe if the destination is; runs on the caller's thread.
 */
public final class DestinationAudienceSink implements AudienceSink {
  private final Destination destination;
  private final String audienceId;
  private final String profileName;
  private final Clock clock;

  private DestinationAudienceSink(Destination destination, String audienceId, Clock clock) {
    this.destination = Objects.requireNonNull(destination, "destination");
    if (audienceId.isBlank()) {
      throw new IllegalArgumentException("audienceId: must not be blank");
    }
    this.audienceId = audienceId;
    HashingProfile profile = destination.hashingProfile();
    this.profileName = profile == null ? "none" : profile.name();
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** A sink sending to {@code audienceId} at {@code destination}. */
  public static DestinationAudienceSink of(Destination destination, String audienceId) {
    return new DestinationAudienceSink(destination, audienceId, Clock.systemUTC());
  }

  /** As {@link #of(Destination, String)}, stamping events with {@code clock}. */
  public static DestinationAudienceSink of(Destination destination, String audienceId, Clock clock) {
    return new DestinationAudienceSink(destination, audienceId, clock);
  }

  @Override
  public SinkResult send(List<HashedMember> members, AudienceAction.Action action) {
    int max = destination.limits().maxItemsPerRequest();
    long received = 0;
    long matched = 0;
    boolean counted = false;
    for (int from = 0; from < members.size(); from += max) {
      List<HashedMember> slice = members.subList(from, Math.min(members.size(), from + max));
      List<DeliveryItem> items = new ArrayList<>(slice.size());
      for (HashedMember m : slice) {
        items.add(item(m, action));
      }
      List<Outcome> outcomes = destination.deliver(items);
      if (outcomes.size() != items.size()) {
        return SinkResult.failed(destination.name() + " returned " + outcomes.size() + " outcomes for "
            + items.size() + " items", true, null);
      }
      for (Outcome o : outcomes) {
        if (o instanceof Outcome.Delivered) {
          Outcome.Delivered d = (Outcome.Delivered) o;
          if (d.received() != null) {
            received += d.received();
            matched += d.matched() == null ? d.received() : d.matched();
            counted = true;
          }
        } else {
          return failure(o);
        }
      }
    }
    return counted ? SinkResult.accepted(received, matched) : SinkResult.accepted();
  }

  private static SinkResult failure(Outcome o) {
    if (o instanceof Outcome.Retryable) {
      Outcome.Retryable r = (Outcome.Retryable) o;
      return SinkResult.failed(r.reason(), true, r.retryAfter());
    }
    if (o instanceof Outcome.Unknown) {
      return SinkResult.failed(((Outcome.Unknown) o).reason(), true, (Duration) null);
    }
    if (o instanceof Outcome.Rejected) {
      Outcome.Rejected r = (Outcome.Rejected) o;
      return SinkResult.failed(r.code() == null ? r.reason() : r.reason() + " [" + r.code() + "]", false, null);
    }
    Outcome.OptedOut opted = (Outcome.OptedOut) o;
    return SinkResult.failed(opted.reason(), false, null);
  }

  private DeliveryItem item(HashedMember m, AudienceAction.Action action) {
    RetentionEvent event = RetentionEvent.builder()
        .eventId("sync-" + m.key())
        .eventName("audience_sync")
        .source("outlane-audience-sync")
        .customerId(m.key())
        .eventTime(clock.instant())
        .build();
    @Nullable String email = m.emailSha256();
    @Nullable String phone = m.phoneSha256();
    // EXTERN_ID is left empty: the key is not the customer id the destination knows.
    HashedIdentity hashed = new HashedIdentity(profileName, "", email, phone);
    return new DeliveryItem("sync-" + action.wireName() + "-" + m.key(), event, new Identity(m.key(), null, null),
        hashed, audienceId, action, Map.of(), 1);
  }

  @Override
  public String toString() {
    return "DestinationAudienceSink{destination=" + destination.name() + ", audience=" + audienceId + "}";
  }
}

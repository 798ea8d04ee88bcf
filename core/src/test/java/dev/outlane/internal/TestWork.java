package dev.outlane.internal;

import dev.outlane.OptOutPolicy;
import dev.outlane.contract.AudienceAction;
import dev.outlane.deadletter.InMemoryDeadLetterStore;
import dev.outlane.guardrail.InMemoryIdempotencyStore;
import dev.outlane.guardrail.InMemorySuppressionStore;
import dev.outlane.identity.IdentityNormalizer;
import dev.outlane.journal.EventJournal;
import dev.outlane.retry.RetryPolicy;
import dev.outlane.contract.RetentionEvent;
import dev.outlane.destination.Channel;
import dev.outlane.destination.DeliveryInterceptor;
import dev.outlane.destination.DeliveryItem;
import dev.outlane.destination.Destination;
import dev.outlane.guardrail.IdempotencyStore;
import dev.outlane.destination.DestinationLimits;
import dev.outlane.idempotency.IdempotencyKeys;
import dev.outlane.identity.Identity;
import dev.outlane.metrics.InMemoryMetrics;
import dev.outlane.routing.Route;
import dev.outlane.testing.FakeDestination;
import dev.outlane.testing.ManualScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * Work items for testing one stage alone: a lane around a {@link FakeDestination} whose dispatcher
 * records the batches it forms (in {@link #batches}, in virtual time) instead of sending them, and
 * work built by the real {@link WorkFactory}, each the one item of its own sealed submission.
 */
final class TestWork {
  static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
  static final Identity PERSON = new Identity("c1", "person1@example.com", "+14155552001");

  final ManualScheduler time = new ManualScheduler(T0);
  /** The store the lanes' attempt recorder writes to. */
  final InMemoryIdempotencyStore idempotency = new InMemoryIdempotencyStore(Duration.ofHours(24), 100);
  /** Batches the lanes' dispatchers formed, as {@code lane[eventIds]}. */
  final List<String> batches = new ArrayList<>();
  final InMemoryMetrics metrics = new InMemoryMetrics();
  /** Keys by event id, so two events of the same person differ and the same id is a duplicate. */
  final WorkFactory works = new WorkFactory(IdempotencyKeys.perOccurrence(), new Failures(metrics));

  Lane lane(String name, Channel channel, boolean idempotent, DestinationLimits limits) {
    return lane(name, channel, idempotent, limits, item -> 1);
  }

  Lane lane(String name, Channel channel, boolean idempotent, DestinationLimits limits,
      ToLongFunction<DeliveryItem> sizer) {
    FakeDestination d = FakeDestination.builder(name).channel(channel).idempotent(idempotent)
        .limits(limits).sizeOf(sizer).build();
    return lane(d, List.of(), List.of(), idempotency);
  }

  /** A lane whose chain runs {@code stages} and {@code interceptors} before {@code d}. */
  Lane lane(Destination d, List<ItemGuard> stages, List<DeliveryInterceptor> interceptors,
      IdempotencyStore attemptStore) {
    EngineConfig.LaneConfig lc =
        new EngineConfig.LaneConfig(d, 1, null, Duration.ZERO, interceptors);
    return new Lane(d.name(), lc, stages, new AttemptRecorder(attemptStore), new Failures(metrics),
        dev.outlane.retry.RetryPolicy.defaults(), time.clock(), time, metrics, () -> false,
        (l, batch) -> batches.add(l.name + batch.stream().map(w -> w.sub.event.eventId()).toList()));
  }

  static EngineConfig.LaneConfig laneConfig(String name) {
    return new EngineConfig.LaneConfig(FakeDestination.builder(name).build(), 1, null,
        Duration.ZERO, List.of());
  }

  /** Every required setting, in memory, at {@link #T0}; no lanes, no routes. */
  static EngineConfig.Builder config() {
    ManualScheduler time = new ManualScheduler(T0);
    return EngineConfig.builder()
        .lanes(Map.of())
        .routes(List.of())
        .normalizer(IdentityNormalizer.create())
        .keys(IdempotencyKeys.create())
        .suppression(new InMemorySuppressionStore())
        .frequencyCapMaxPeople(100)
        .preActivationCheck((event, identity, destination) -> false)
        .idempotency(new InMemoryIdempotencyStore(Duration.ofHours(24), 100))
        .retry(RetryPolicy.defaults())
        .metrics(new InMemoryMetrics())
        .deadLetters(new InMemoryDeadLetterStore())
        .journal(EventJournal.none())
        .optOut(OptOutPolicy.defaults())
        .queueCapacity(100)
        .clock(time.clock())
        .scheduler(time)
        .closeTimeout(Duration.ofSeconds(1))
        .validator(event -> List.of());
  }

  Lane sms() {
    return lane("sms", Channel.SMS, false, DestinationLimits.ofItems(10));
  }

  Lane ads() {
    return lane("ads", Channel.ADS, true, DestinationLimits.ofItems(10));
  }

  static RetentionEvent.Builder event(String eventId) {
    return RetentionEvent.builder()
        .eventId(eventId)
        .eventName("cart_abandoned")
        .source("customerio")
        .customerId(PERSON.customerId())
        .eventTime(T0)
        .email(PERSON.email())
        .phone(PERSON.phoneE164());
  }

  Work work(Lane lane, RetentionEvent event) {
    return work(lane, event, AudienceAction.Action.ADD);
  }

  Work work(Lane lane, RetentionEvent event, AudienceAction.Action action) {
    Identity person = new Identity(event.customerId(), event.email(), event.phone());
    Submission sub = new Submission(event, person, 1, T0, false);
    Work w = works.create(sub, lane, new Route.Target(lane.name, null, Map.of()), action, event);
    sub.add(w);
    synchronized (sub) {
      sub.sealed = true;
    }
    return w;
  }
}

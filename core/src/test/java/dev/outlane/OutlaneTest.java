package dev.outlane;

import static dev.outlane.TestEvents.T0;
import static dev.outlane.TestEvents.cart;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.outlane.contract.AudienceAction;
import dev.outlane.contract.Consent;
import dev.outlane.contract.ConsentStatus;
import dev.outlane.contract.RetentionEvent;
import dev.outlane.deadletter.DeadLetter;
import dev.outlane.deadletter.DeadLetterQuery;
import dev.outlane.deadletter.DeadLetterReason;
import dev.outlane.deadletter.InMemoryDeadLetterStore;
import dev.outlane.destination.Channel;
import dev.outlane.destination.DeliveryItem;
import dev.outlane.destination.Destination;
import dev.outlane.destination.DestinationLimits;
import dev.outlane.destination.Outcome;
import dev.outlane.guardrail.FrequencyCap;
import dev.outlane.guardrail.InMemorySuppressionStore;
import dev.outlane.hashing.HashingProfile;
import dev.outlane.hashing.Sha256;
import dev.outlane.identity.Identity;
import dev.outlane.metrics.InMemoryMetrics;
import dev.outlane.ratelimit.RateLimit;
import dev.outlane.retry.RetryPolicy;
import dev.outlane.routing.Route;
import dev.outlane.testing.FakeDestination;
import dev.outlane.testing.ManualScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The engine's behaviours, each asserted with exact counts in virtual time. */
class OutlaneTest {
  private final ManualScheduler time = new ManualScheduler(T0);
  private final InMemoryMetrics metrics = new InMemoryMetrics();
  private final InMemoryDeadLetterStore deadLetters = new InMemoryDeadLetterStore();
  private final InMemorySuppressionStore suppression = new InMemorySuppressionStore();

  private FakeDestination.Builder fake(String name) {
    return FakeDestination.builder(name).clock(time.clock());
  }

  private FakeDestination sms() {
    return fake("sms").channel(Channel.SMS).idempotent(false).limits(DestinationLimits.single()).build();
  }

  private Outlane.Builder client(Destination... destinations) {
    Outlane.Builder b = Outlane.builder()
        .scheduler(time)
        .clock(time.clock())
        .metrics(metrics)
        .deadLetterStore(deadLetters)
        .suppressionStore(suppression)
        .retryPolicy(RetryPolicy.builder().initialBackoff(Duration.ofSeconds(1))
            .maxBackoff(Duration.ofSeconds(10)).jitter(() -> 1.0).build());
    if (destinations.length == 0) {
      return b;
    }
    Route.Builder route = Route.builder().event("cart_abandoned");
    for (Destination d : destinations) {
      b.destination(d);
      route.to(d.name());
    }
    return b.route(route.build());
  }

  private static SubmitResult result(CompletionStage<SubmitResult> stage) {
    CompletableFuture<SubmitResult> f = stage.toCompletableFuture();
    assertThat(f).as("stage completed").isDone();
    return f.join();
  }

  @Test
  void deliversARoutedEventWithItsKeyHashesTargetAndOptions() {
    FakeDestination meta = fake("meta").channel(Channel.ADS).hashingProfile(HashingProfile.META).build();
    Outlane outlane = client()
        .destination(meta)
        .route(Route.builder().event("cart_abandoned")
            .to("meta", "cart_recovery_0_24h", Map.of("action_source", "system_generated")).build())
        .build();

    CompletionStage<SubmitResult> stage = outlane.submit(cart("e1", 1).build());
    assertThat(meta.calls()).as("nothing runs before the scheduler does").isZero();
    time.runDue();

    SubmitResult r = result(stage);
    assertThat(r.results()).hasSize(1);
    DestinationResult d = r.results().get(0);
    assertThat(d.state()).isEqualTo(FinalState.DELIVERED);
    assertThat(d.reference()).isEqualTo("meta-1");
    assertThat(d.target()).isEqualTo("cart_recovery_0_24h");
    assertThat(d.attempts()).isEqualTo(1);
    DeliveryItem item = meta.items().get(0);
    assertThat(item.idempotencyKey()).startsWith("ol1-").hasSize(68);
    assertThat(item.target()).isEqualTo("cart_recovery_0_24h");
    assertThat(item.option("action_source")).isEqualTo("system_generated");
    assertThat(item.identity().phoneE164()).isEqualTo("+14155552001");
    assertThat(item.hashed().phoneSha256()).isEqualTo(Sha256.hex("14155552001"));
    assertThat(item.hashed().emailSha256()).isEqualTo(Sha256.hex("person.number1@example.com"));
    assertThat(metrics.count("meta", "submitted")).isEqualTo(1);
    assertThat(metrics.count("meta", "delivered")).isEqualTo(1);
    assertThat(metrics.latencyCount("meta")).isEqualTo(1);
  }

  @Test
  void fiveDuplicatesInZeroDuplicateDeliveriesOut() {
    FakeDestination events = fake("events").build();
    Outlane outlane = client(events).build();

    // Three duplicates while the first is still queued, two after it was delivered.
    List<CompletionStage<SubmitResult>> stages = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      stages.add(outlane.submit(cart("e" + i, 1).build()));
    }
    time.runDue();
    for (int i = 4; i < 6; i++) {
      stages.add(outlane.submit(cart("e" + i, 1).build()));
    }
    time.runDue();

    assertThat(events.items()).hasSize(1);
    assertThat(stages.stream().map(s -> result(s).state("events")).collect(Collectors.toList()))
        .containsExactly(FinalState.DELIVERED, FinalState.DEDUPLICATED, FinalState.DEDUPLICATED,
            FinalState.DEDUPLICATED, FinalState.DEDUPLICATED, FinalState.DEDUPLICATED);
    assertThat(metrics.count("events", "deduplicated")).isEqualTo(5);
    assertThat(metrics.count("events", "delivered")).isEqualTo(1);
  }

  @Test
  void aFailedFirstAttemptDoesNotBlockALaterDuplicate() {
    FakeDestination events = fake("events").build();
    events.failNext(1, Outcome.rejected("400", "bad request"));
    Outlane outlane = client(events).build();

    CompletionStage<SubmitResult> first = outlane.submit(cart("e1", 1).build());
    time.runDue();
    CompletionStage<SubmitResult> second = outlane.submit(cart("e2", 1).build());
    time.runDue();

    assertThat(result(first).state("events")).isEqualTo(FinalState.REJECTED);
    assertThat(result(second).state("events")).isEqualTo(FinalState.DELIVERED);
    assertThat(events.calls()).isEqualTo(2);
  }

  @Test
  void aDuplicateWaitingOnAFailedFirstAttemptIsSentItself() {
    FakeDestination events = fake("events").limits(DestinationLimits.single()).build();
    events.failNext(1, Outcome.rejected("400", "bad request"));
    Outlane outlane = client(events).build();

    CompletionStage<SubmitResult> first = outlane.submit(cart("e1", 1).build());
    CompletionStage<SubmitResult> second = outlane.submit(cart("e2", 1).build());
    time.runDue();

    assertThat(result(first).state("events")).isEqualTo(FinalState.REJECTED);
    assertThat(result(second).state("events")).isEqualTo(FinalState.DELIVERED);
    assertThat(events.deliveredItems()).hasSize(1);
  }

  @Test
  void anUnknownOutcomeOnSmsIsDeadLetteredForReconciliationAndNeverSentTwice() {
    FakeDestination sms = sms();
    sms.failNext(1, Outcome.unknown("read timeout after the request was sent"));
    Outlane outlane = client(sms).build();

    CompletionStage<SubmitResult> stage = outlane.submit(cart("e1", 1).build());
    time.advance(Duration.ofMinutes(10));
    CompletionStage<SubmitResult> duplicate = outlane.submit(cart("e2", 1).build());
    time.advance(Duration.ofMinutes(10));

    DestinationResult r = result(stage).results().get(0);
    assertThat(r.state()).isEqualTo(FinalState.DEAD_LETTERED);
    assertThat(r.deadLetterReason()).isEqualTo(DeadLetterReason.NEEDS_RECONCILIATION);
    assertThat(r.detail()).isEqualTo(
        "unknown outcome on a non-idempotent destination: read timeout after the request was sent");
    assertThat(result(duplicate).state("sms")).isEqualTo(FinalState.DEDUPLICATED);
    assertThat(sms.calls()).isEqualTo(1);
    List<DeadLetter> dl = deadLetters.list(DeadLetterQuery.unresolved());
    assertThat(dl).hasSize(1);
    assertThat(dl.get(0).reason()).isEqualTo(DeadLetterReason.NEEDS_RECONCILIATION);
    assertThat(dl.get(0).attempts()).isEqualTo(1);
    assertThat(dl.get(0).destination()).isEqualTo("sms");
    assertThat(metrics.count("sms", "dead_lettered", "needs-reconciliation")).isEqualTo(1);
  }

  @Test
  void anUnknownOutcomeOnAnIdempotentDestinationIsRetried() {
    FakeDestination events = fake("events").build();
    events.failNext(1, Outcome.unknown("502"));
    Outlane outlane = client(events).build();

    CompletionStage<SubmitResult> stage = outlane.submit(cart("e1", 1).build());
    time.runDue();
    assertThat(events.calls()).isEqualTo(1);
    time.advance(Duration.ofSeconds(1));

    assertThat(result(stage).results().get(0).attempts()).isEqualTo(2);
    assertThat(events.items().get(1).attempt()).isEqualTo(2);
    assertThat(metrics.count("events", "retried")).isEqualTo(1);
    assertThat(metrics.count("events", "delivered")).isEqualTo(1);
  }

  @Test
  void a429WithRetryAfter3PausesOnlyThatDestinationFor3SecondsOfFakeClock() {
    FakeDestination limited = fake("limited").build();
    FakeDestination other = fake("other").build();
    limited.rateLimitNext(1, Duration.ofSeconds(3));
    Outlane outlane = client(limited, other).build();

    CompletionStage<SubmitResult> first = outlane.submit(cart("e1", 1).build());
    time.runDue();
    time.advance(Duration.ofSeconds(1));
    CompletionStage<SubmitResult> second = outlane.submit(cart("e2", 2).build());
    time.runDue();
    assertThat(other.callTimes()).containsExactly(T0, T0.plusSeconds(1));
    time.advance(Duration.ofMillis(1999));
    assertThat(limited.callTimes()).as("paused until T0+3s").containsExactly(T0);
    time.advance(Duration.ofMillis(1));

    // After the pause one item probes the lane (issue 12's breaker), then the rest goes.
    assertThat(limited.callTimes()).containsExactly(T0, T0.plusSeconds(3), T0.plusSeconds(3));
    assertThat(limited.batches().get(1)).hasSize(1);
    assertThat(limited.batches().get(2)).hasSize(1);
    assertThat(result(first).allDelivered()).isTrue();
    assertThat(result(second).allDelivered()).isTrue();
    assertThat(metrics.count("limited", "retried", "429")).isEqualTo(1);
  }

  @Test
  void retryAfterIsCappedByThePolicy() {
    FakeDestination limited = fake("limited").build();
    limited.rateLimitNext(1, Duration.ofHours(1));
    Outlane outlane = client(limited)
        .retryPolicy(RetryPolicy.builder().maxRetryAfter(Duration.ofSeconds(5)).build())
        .build();

    outlane.submit(cart("e1", 1).build());
    time.advance(Duration.ofSeconds(10));

    assertThat(limited.callTimes()).containsExactly(T0, T0.plusSeconds(5));
  }

  @Test
  void exhaustedRetriesAreDeadLetteredWithTheLastReasonAfterCappedExponentialBackoff() {
    FakeDestination events = fake("events").build();
    events.failNext(3, new Outcome.Retryable("503 Service Unavailable", "503", null));
    Outlane outlane = client(events)
        .retryPolicy(RetryPolicy.builder().maxAttempts(3).initialBackoff(Duration.ofSeconds(1))
            .maxBackoff(Duration.ofSeconds(10)).jitter(() -> 1.0).build())
        .build();

    CompletionStage<SubmitResult> stage = outlane.submit(cart("e1", 1).build());
    time.advance(Duration.ofMinutes(1));

    assertThat(events.callTimes()).containsExactly(T0, T0.plusSeconds(1), T0.plusSeconds(3));
    DestinationResult r = result(stage).results().get(0);
    assertThat(r.state()).isEqualTo(FinalState.DEAD_LETTERED);
    assertThat(r.deadLetterReason()).isEqualTo(DeadLetterReason.RETRIES_EXHAUSTED);
    assertThat(r.detail()).isEqualTo("retries exhausted after 3 attempts: 503 Service Unavailable");
    DeadLetter dl = deadLetters.list(DeadLetterQuery.unresolved()).get(0);
    assertThat(dl.reason()).isEqualTo(DeadLetterReason.RETRIES_EXHAUSTED);
    assertThat(dl.detail()).isEqualTo("503 Service Unavailable");
    assertThat(dl.errorCode()).isEqualTo("503");
    assertThat(dl.attempts()).isEqualTo(3);
    assertThat(dl.firstAttempt()).isEqualTo(T0);
    assertThat(dl.lastAttempt()).isEqualTo(T0.plusSeconds(3));
    assertThat(metrics.count("events", "retried")).isEqualTo(2);
  }

  @Test
  void aRejectedItemIsAlsoKeptInTheDeadLetterStore() {
    FakeDestination sms = fake("sms").channel(Channel.SMS).idempotent(false)
        .rule(item -> item.event().customerId().equals("c2")
            ? Outcome.rejected("21211", "invalid 'To' phone number") : null)
        .build();
    Outlane outlane = client(sms).build();

    CompletionStage<SubmitResult> ok = outlane.submit(cart("e1", 1).build());
    CompletionStage<SubmitResult> bad = outlane.submit(cart("e2", 2).build());
    time.runDue();

    assertThat(result(ok).state("sms")).isEqualTo(FinalState.DELIVERED);
    DestinationResult r = result(bad).results().get(0);
    assertThat(r.state()).isEqualTo(FinalState.REJECTED);
    assertThat(r.code()).isEqualTo("21211");
    assertThat(r.deadLetterReason()).isEqualTo(DeadLetterReason.REJECTED);
    assertThat(deadLetters.list(DeadLetterQuery.unresolved()))
        .extracting(DeadLetter::reason, DeadLetter::errorCode)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(DeadLetterReason.REJECTED, "21211"));
    assertThat(metrics.count("sms", "rejected", "21211")).isEqualTo(1);
  }

  @Test
  void anOptOutSuppressesThePersonAndRemovesThemFromEveryRoutedAudience() {
    FakeDestination sms = fake("sms").channel(Channel.SMS).idempotent(false)
        .rule(item -> Outcome.optedOut("21610", "recipient replied STOP")).build();
    FakeDestination meta = fake("meta").channel(Channel.ADS).build();
    FakeDestination tiktok = fake("tiktok").channel(Channel.ADS).build();
    Outlane outlane = client()
        .destination(sms).destination(meta).destination(tiktok)
        .route(Route.builder().event("sms_nudge").to("sms").build())
        .route(Route.builder().event("cart_abandoned").to("meta", "aud_a").to("tiktok", "aud_b").build())
        .build();

    CompletionStage<SubmitResult> cartStage = outlane.submit(cart("e0", 1).build());
    time.runDue();
    CompletionStage<SubmitResult> smsStage = outlane.submit(cart("e1", 1).eventName("sms_nudge").build());
    time.runDue();

    assertThat(result(cartStage).allDelivered()).isTrue();
    SubmitResult r = result(smsStage);
    assertThat(r.results()).extracting(DestinationResult::destination, DestinationResult::action,
            DestinationResult::state)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("sms", AudienceAction.Action.ADD, FinalState.OPTED_OUT),
            org.assertj.core.groups.Tuple.tuple("meta", AudienceAction.Action.REMOVE, FinalState.DELIVERED),
            org.assertj.core.groups.Tuple.tuple("tiktok", AudienceAction.Action.REMOVE, FinalState.DELIVERED));
    DeliveryItem remove = meta.items().get(1);
    assertThat(remove.action()).isEqualTo(AudienceAction.Action.REMOVE);
    assertThat(remove.target()).isEqualTo("aud_a");
    assertThat(remove.idempotencyKey()).isNotEqualTo(meta.items().get(0).idempotencyKey());
    assertThat(deadLetters.list(DeadLetterQuery.unresolved()))
        .extracting(DeadLetter::reason).containsExactly(DeadLetterReason.OPTED_OUT);

    // The same phone under another customer id is now suppressed on SMS and on ads.
    Identity samePhone = new Identity("someone-else", null, "+14155552001");
    assertThat(suppression.isSuppressed(samePhone, Channel.SMS)).isTrue();
    assertThat(suppression.isSuppressed(samePhone, Channel.ADS)).isTrue();
    assertThat(suppression.isSuppressed(samePhone, Channel.EVENTS)).isFalse();
    CompletionStage<SubmitResult> later = outlane.submit(RetentionEvent.builder().eventId("e9")
        .eventName("sms_nudge").source("customerio").customerId("someone-else").eventTime(T0)
        .phone(TestEvents.phone(1)).build());
    time.runDue();
    assertThat(result(later).state("sms")).isEqualTo(FinalState.SUPPRESSED);
    assertThat(sms.calls()).isEqualTo(1);
    assertThat(metrics.count("sms", "opted_out", "")).isEqualTo(1);
  }

  @Test
  void optOutPropagationFollowsThePolicy() {
    FakeDestination sms = fake("sms").channel(Channel.SMS).idempotent(false)
        .rule(item -> Outcome.optedOut("21610", "STOP")).build();
    FakeDestination meta = fake("meta").channel(Channel.ADS).build();
    Outlane outlane = client(sms, meta).optOutPolicy(OptOutPolicy.none()).build();

    CompletionStage<SubmitResult> stage = outlane.submit(cart("e1", 1).build());
    time.runDue();

    assertThat(result(stage).results()).hasSize(2);
    assertThat(meta.items()).extracting(DeliveryItem::action).containsExactly(AudienceAction.Action.ADD);
    assertThat(suppression.isSuppressed(new Identity("c1", null, null), Channel.SMS)).isFalse();
  }

  @Test
  void deniedConsentSuppressesThatChannelFromThenOn() {
    FakeDestination sms = sms();
    FakeDestination events = fake("events").build();
    Outlane outlane = client(sms, events).build();

    CompletionStage<SubmitResult> denied = outlane.submit(cart("e1", 1)
        .consent(new Consent(ConsentStatus.DENIED, ConsentStatus.UNKNOWN, ConsentStatus.GRANTED)).build());
    CompletionStage<SubmitResult> later = outlane.submit(cart("e2", 1)
        .eventTime(T0.minus(Duration.ofDays(2))).build());
    time.runDue();

    assertThat(result(denied).state("sms")).isEqualTo(FinalState.SUPPRESSED);
    assertThat(result(denied).state("events")).isEqualTo(FinalState.DELIVERED);
    assertThat(result(later).state("sms")).isEqualTo(FinalState.SUPPRESSED);
    assertThat(sms.calls()).isZero();
    assertThat(metrics.count("sms", "suppressed")).isEqualTo(2);
  }

  @Test
  void aFailingSuppressionStoreFailsClosedAndNeverSendsUnchecked() {
    FakeDestination sms = sms();
    boolean[] broken = {true};
    dev.outlane.guardrail.SuppressionStore flaky = new dev.outlane.guardrail.SuppressionStore() {
      @Override
      public boolean isSuppressed(Identity identity, Channel channel) {
        if (broken[0]) {
          throw new IllegalStateException("redis down");
        }
        return false;
      }

      @Override
      public void suppress(Identity identity, Set<Channel> channels, String reason) {
        throw new IllegalStateException("redis down");
      }
    };
    Outlane outlane = client(sms).suppressionStore(flaky).build();

    CompletionStage<SubmitResult> denied = outlane.submit(cart("e1", 1)
        .consent(new Consent(ConsentStatus.DENIED, ConsentStatus.UNKNOWN, ConsentStatus.UNKNOWN)).build());
    CompletionStage<SubmitResult> other = outlane.submit(cart("e2", 2).build());
    time.runDue();
    assertThat(sms.calls()).isZero();
    broken[0] = false;
    time.advance(Duration.ofSeconds(1));

    assertThat(result(denied).state("sms")).isEqualTo(FinalState.SUPPRESSED);
    assertThat(result(other).state("sms")).isEqualTo(FinalState.DELIVERED);
    assertThat(sms.calls()).isEqualTo(1);
  }

  @Test
  void routesByEventAgeWindowAndCountsEventsOutsideEveryWindowAsStale() {
    FakeDestination early = fake("early").channel(Channel.ADS).build();
    FakeDestination late = fake("late").channel(Channel.ADS).build();
    FakeDestination sms = sms();
    Outlane outlane = client()
        .destination(early).destination(late).destination(sms)
        .route(Route.builder().event("cart_abandoned").window(Duration.ZERO, Duration.ofHours(24))
            .to("early", "cart_recovery_0_24h").build())
        .route(Route.builder().event("cart_abandoned").window(Duration.ofHours(24), Duration.ofHours(72))
            .to("late", "cart_recovery_24_72h").build())
        .route(Route.builder().event("cart_abandoned").to("sms").build())
        .build();

    SubmitResult fresh = submitAged(outlane, "e1", 1, Duration.ofHours(1));
    SubmitResult edge = submitAged(outlane, "e2", 2, Duration.ofHours(24));
    SubmitResult old = submitAged(outlane, "e3", 3, Duration.ofHours(80));

    assertThat(fresh.results()).extracting(DestinationResult::destination).containsExactly("early", "sms");
    assertThat(edge.results()).extracting(DestinationResult::destination).containsExactly("late", "sms");
    assertThat(old.results()).extracting(DestinationResult::destination, DestinationResult::state)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("early", FinalState.STALE),
            org.assertj.core.groups.Tuple.tuple("late", FinalState.STALE),
            org.assertj.core.groups.Tuple.tuple("sms", FinalState.DELIVERED));
    assertThat(early.items()).hasSize(1);
    assertThat(late.items()).hasSize(1);
    assertThat(metrics.count("early", "stale")).isEqualTo(1);
    assertThat(metrics.count("late", "stale")).isEqualTo(1);
  }

  private SubmitResult submitAged(Outlane outlane, String id, int person, Duration age) {
    CompletionStage<SubmitResult> s = outlane.submit(cart(id, person).eventTime(time.now().minus(age)).build());
    time.runDue();
    return result(s);
  }

  @Test
  void thePreActivationCheckRunsRightBeforeDeliveryNotAtEnqueue() {
    Set<String> purchased = ConcurrentHashMap.newKeySet();
    List<String> checkedOn = new ArrayList<>();
    FakeDestination sms = sms();
    Outlane outlane = client(sms)
        .preActivationCheck((event, identity, destination) -> {
          checkedOn.add(Thread.currentThread().getName() + "/" + destination);
          return purchased.contains(identity.customerId());
        })
        .build();

    CompletionStage<SubmitResult> raced = outlane.submit(cart("e1", 1).build());
    CompletionStage<SubmitResult> kept = outlane.submit(cart("e2", 2).build());
    purchased.add("c1"); // the purchase lands while the cart recovery is queued
    time.runDue();

    assertThat(result(raced).state("sms")).isEqualTo(FinalState.SKIPPED);
    assertThat(result(kept).state("sms")).isEqualTo(FinalState.DELIVERED);
    assertThat(sms.items()).extracting(i -> i.event().customerId()).containsExactly("c2");
    assertThat(checkedOn).containsExactly(Thread.currentThread().getName() + "/sms",
        Thread.currentThread().getName() + "/sms");
    assertThat(metrics.count("sms", "skipped")).isEqualTo(1);
  }

  @Test
  void aFailingPreActivationCheckIsRetriedNotIgnored() {
    int[] calls = {0};
    FakeDestination sms = sms();
    Outlane outlane = client(sms)
        .preActivationCheck((event, identity, destination) -> {
          if (calls[0]++ == 0) {
            throw new IllegalStateException("orders database unavailable");
          }
          return false;
        })
        .build();

    CompletionStage<SubmitResult> stage = outlane.submit(cart("e1", 1).build());
    time.runDue();
    assertThat(sms.calls()).isZero();
    time.advance(Duration.ofSeconds(1));

    assertThat(result(stage).state("sms")).isEqualTo(FinalState.DELIVERED);
    assertThat(sms.calls()).isEqualTo(1);
  }

  @Test
  void theFrequencyCapAllowsNActivationsPerPersonPerWindow() {
    FakeDestination sms = sms();
    Outlane outlane = client(sms)
        .frequencyCap(FrequencyCap.perDestination(2, Duration.ofHours(24)))
        .idempotencyKeys(dev.outlane.idempotency.IdempotencyKeys.perOccurrence())
        .build();

    List<CompletionStage<SubmitResult>> day1 = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      day1.add(outlane.submit(cart("d1-" + i, 1).build()));
    }
    time.runDue();
    time.advance(Duration.ofHours(24));
    CompletionStage<SubmitResult> day2 = outlane.submit(cart("d2", 1).build());
    time.runDue();

    assertThat(day1.stream().map(s -> result(s).state("sms")).collect(Collectors.toList()))
        .containsExactly(FinalState.DELIVERED, FinalState.DELIVERED, FinalState.FREQUENCY_CAPPED);
    assertThat(result(day2).state("sms")).isEqualTo(FinalState.DELIVERED);
    assertThat(sms.items()).hasSize(3);
    assertThat(metrics.count("sms", "frequency_capped")).isEqualTo(1);
  }

  @Test
  void aFrequencyCapAcrossDestinationsCountsThemTogether() {
    FakeDestination a = fake("a").build();
    FakeDestination b = fake("b").build();
    Outlane outlane = client(a, b)
        .frequencyCap(FrequencyCap.acrossDestinations(1, Duration.ofHours(1)))
        .build();

    CompletionStage<SubmitResult> stage = outlane.submit(cart("e1", 1).build());
    time.runDue();

    assertThat(result(stage).results()).extracting(DestinationResult::state)
        .containsExactlyInAnyOrder(FinalState.DELIVERED, FinalState.FREQUENCY_CAPPED);
  }

  @Test
  void batchesRespectTheItemCountLimit() {
    FakeDestination events = fake("events").limits(DestinationLimits.ofItems(100)).build();
    Outlane outlane = client(events).queueCapacity(1000).build();

    for (int i = 0; i < 250; i++) {
      outlane.submit(cart("e" + i, i).build());
    }
    time.runDue();

    assertThat(events.batches()).extracting(List::size).containsExactly(100, 100, 50);
    assertThat(events.limitViolations()).isEmpty();
  }

  @Test
  void matchCountsAndQueueDepthReachTheMetricsSink() {
    FakeDestination meta = fake("meta").channel(Channel.ADS)
        .rule(item -> new Outcome.Delivered("session-1", 10L, 7L)).build();
    Outlane outlane = client(meta).build();

    outlane.submit(cart("e1", 1).build());
    outlane.submit(cart("e2", 2).build());
    assertThat(metrics.queueDepth("meta")).isEqualTo(2);
    time.runDue();

    assertThat(metrics.received("meta")).isEqualTo(20);
    assertThat(metrics.matched("meta")).isEqualTo(14);
    assertThat(metrics.queueDepth("meta")).isZero();
    assertThat(metrics.latencyCount("meta")).isEqualTo(2);
  }

  @Test
  void batchesRespectTheByteLimit() {
    FakeDestination events = fake("events")
        .limits(new DestinationLimits(100, 35, 20)).sizeOf(item -> 10).build();
    Outlane outlane = client(events).build();

    for (int i = 0; i < 7; i++) {
      outlane.submit(cart("e" + i, i).build());
    }
    time.runDue();

    assertThat(events.batches()).extracting(List::size).containsExactly(3, 3, 1);
    assertThat(events.limitViolations()).isEmpty();
  }

  @Test
  void anItemOverTheItemByteLimitIsDeadLetteredUndeliverableWithoutSending() {
    FakeDestination events = fake("events").limits(new DestinationLimits(10, 1000, 100))
        .sizeOf(item -> item.event().customerId().equals("c2") ? 101 : 10).build();
    Outlane outlane = client(events).build();

    outlane.submit(cart("e1", 1).build());
    CompletionStage<SubmitResult> big = outlane.submit(cart("e2", 2).build());
    time.runDue();

    DestinationResult r = result(big).results().get(0);
    assertThat(r.state()).isEqualTo(FinalState.DEAD_LETTERED);
    assertThat(r.deadLetterReason()).isEqualTo(DeadLetterReason.UNDELIVERABLE);
    assertThat(r.detail()).isEqualTo("item is 101 bytes, over the limit of 100");
    assertThat(r.attempts()).isZero();
    assertThat(events.items()).hasSize(1);
    assertThat(deadLetters.list(DeadLetterQuery.unresolved()).get(0).detail())
        .isEqualTo("item is 101 bytes, over the destination's limit of 100 bytes");
  }

  @Test
  void lingerWaitsForMoreItemsUntilTheBatchIsFullOrTheLingerEnds() {
    FakeDestination events = fake("events").limits(DestinationLimits.ofItems(3)).build();
    Outlane outlane = client()
        .destination(events, Outlane.DestinationOptions.defaults().withLinger(Duration.ofSeconds(2)))
        .route(Route.builder().event("cart_abandoned").to("events").build())
        .build();

    outlane.submit(cart("e1", 1).build());
    time.advance(Duration.ofSeconds(1));
    outlane.submit(cart("e2", 2).build());
    time.advance(Duration.ofMillis(999));
    assertThat(events.calls()).isZero();
    time.advance(Duration.ofMillis(1));
    assertThat(events.callTimes()).containsExactly(T0.plusSeconds(2));
    assertThat(events.batches().get(0)).hasSize(2);

    for (int i = 3; i <= 5; i++) {
      outlane.submit(cart("e" + i, i).build());
    }
    time.runDue();
    assertThat(events.callTimes()).as("a full batch does not wait")
        .containsExactly(T0.plusSeconds(2), T0.plusSeconds(2));
  }

  @Test
  void flushSendsLingeringBatchesAtOnce() {
    FakeDestination events = fake("events").build();
    Outlane outlane = client()
        .destination(events, Outlane.DestinationOptions.defaults().withLinger(Duration.ofMinutes(5)))
        .route(Route.builder().event("cart_abandoned").to("events").build())
        .build();

    CompletionStage<SubmitResult> stage = outlane.submit(cart("e1", 1).build());
    assertThat(outlane.flush(Duration.ofSeconds(1))).isTrue();

    assertThat(events.callTimes()).containsExactly(T0);
    assertThat(result(stage).allDelivered()).isTrue();
    assertThat(outlane.outstanding()).isZero();
  }

  @Test
  void flushReturnsFalseWhenTheTimeoutPassesFirst() {
    FakeDestination events = fake("events").build();
    events.rateLimitNext(1, Duration.ofSeconds(60));
    Outlane outlane = client(events).build();

    outlane.submit(cart("e1", 1).build());

    assertThat(outlane.flush(Duration.ofSeconds(10))).isFalse();
    assertThat(outlane.flush(Duration.ofSeconds(60))).isTrue();
    assertThat(events.calls()).isEqualTo(2);
  }

  @Test
  void theTokenBucketSpacesRequestsToTheRate() {
    FakeDestination sms = sms();
    FakeDestination other = fake("other").limits(DestinationLimits.single()).build();
    Outlane outlane = client()
        .destination(sms, Outlane.DestinationOptions.defaults().withRateLimit(new RateLimit(1, 1)))
        .destination(other)
        .route(Route.builder().event("cart_abandoned").to("sms").to("other").build())
        .build();

    for (int i = 0; i < 3; i++) {
      outlane.submit(cart("e" + i, i).build());
    }
    time.runDue();
    assertThat(other.callTimes()).containsExactly(T0, T0, T0);
    time.advance(Duration.ofSeconds(5));

    assertThat(sms.callTimes()).containsExactly(T0, T0.plusSeconds(1), T0.plusSeconds(2));
  }

  @Test
  void concurrencyAllowsSeveralRequestsInFlightAtOnce() {
    List<Integer> inFlight = new ArrayList<>();
    int[] current = {0};
    Destination slow = new Destination() {
      @Override
      public String name() {
        return "slow";
      }

      @Override
      public Channel channel() {
        return Channel.EVENTS;
      }

      @Override
      public DestinationLimits limits() {
        return DestinationLimits.single();
      }

      @Override
      public boolean idempotent() {
        return true;
      }

      @Override
      public synchronized List<Outcome> deliver(List<DeliveryItem> batch) {
        current[0]++;
        inFlight.add(current[0]);
        return List.of(Outcome.delivered(null));
      }
    };
    // Concurrency 3: one pump hands out three single-item batches in one pass.
    Outlane outlane = client()
        .destination(slow, Outlane.DestinationOptions.defaults().withConcurrency(3))
        .route(Route.builder().event("cart_abandoned").to("slow").build())
        .build();
    for (int i = 0; i < 3; i++) {
      outlane.submit(cart("e" + i, i).build());
    }
    int tasksBefore = time.pendingTasks();
    time.runDue();

    assertThat(tasksBefore).isEqualTo(1);
    assertThat(inFlight).containsExactly(1, 2, 3);
    assertThat(outlane.outstanding()).isZero();
  }

  @Test
  void aBatchRejectedAsAWholeIsSplitInHalvesToIsolateTheBadItem() {
    BatchRejecting dest = new BatchRejecting("c5");
    Outlane outlane = client(dest).build();

    List<CompletionStage<SubmitResult>> stages = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      stages.add(outlane.submit(cart("e" + i, i).build()));
    }
    time.runDue();

    assertThat(stages.stream().map(s -> result(s).state("batchy")).collect(Collectors.toList()))
        .containsExactly(FinalState.DELIVERED, FinalState.DELIVERED, FinalState.DELIVERED,
            FinalState.DELIVERED, FinalState.DELIVERED, FinalState.REJECTED, FinalState.DELIVERED,
            FinalState.DELIVERED);
    // Depth first: the clean half goes through, the poisoned half is split again until one is left.
    assertThat(dest.batchSizes).containsExactly(8, 4, 4, 2, 1, 1, 2);
    assertThat(deadLetters.list(DeadLetterQuery.unresolved())).hasSize(1);
  }

  @Test
  void withoutSplittingAWholeBatchRejectionRejectsEveryItem() {
    BatchRejecting dest = new BatchRejecting("c5");
    Outlane outlane = client(dest).splitRejectedBatches(false).build();

    for (int i = 0; i < 8; i++) {
      outlane.submit(cart("e" + i, i).build());
    }
    time.runDue();

    assertThat(dest.batchSizes).containsExactly(8);
    assertThat(metrics.count("batchy", "rejected")).isEqualTo(8);
  }

  /** Rejects any batch containing the bad customer as a whole, like a 400 for the whole request. */
  private static final class BatchRejecting implements Destination {
    final String bad;
    final List<Integer> batchSizes = new ArrayList<>();

    BatchRejecting(String bad) {
      this.bad = bad;
    }

    @Override
    public String name() {
      return "batchy";
    }

    @Override
    public Channel channel() {
      return Channel.ADS;
    }

    @Override
    public DestinationLimits limits() {
      return DestinationLimits.ofItems(100);
    }

    @Override
    public boolean idempotent() {
      return true;
    }

    @Override
    public List<Outcome> deliver(List<DeliveryItem> batch) {
      batchSizes.add(batch.size());
      boolean poisoned = batch.stream().anyMatch(i -> i.event().customerId().equals(bad));
      Outcome o = poisoned ? new Outcome.Rejected("400", "invalid payload", true) : Outcome.delivered(null);
      return java.util.Collections.nCopies(batch.size(), o);
    }
  }

  @Test
  void aDestinationThatThrowsGivesUnknownOutcomes() {
    Destination throwing = new Destination() {
      @Override
      public String name() {
        return "sms";
      }

      @Override
      public Channel channel() {
        return Channel.SMS;
      }

      @Override
      public DestinationLimits limits() {
        return DestinationLimits.single();
      }

      @Override
      public boolean idempotent() {
        return false;
      }

      @Override
      public List<Outcome> deliver(List<DeliveryItem> batch) {
        throw new IllegalStateException("socket closed");
      }
    };
    Outlane outlane = client(throwing).build();

    CompletionStage<SubmitResult> stage = outlane.submit(cart("e1", 1).build());
    time.runDue();

    DestinationResult r = result(stage).results().get(0);
    assertThat(r.deadLetterReason()).isEqualTo(DeadLetterReason.NEEDS_RECONCILIATION);
    assertThat(r.detail()).isEqualTo("unknown outcome on a non-idempotent destination: deliver threw"
        + " java.lang.IllegalStateException");
  }

  @Test
  void aFullQueueRefusesAtOnceWithQueueFullExceptionAndQueuesNothing() {
    FakeDestination events = fake("events").build();
    RecordingJournal journal = new RecordingJournal();
    Outlane outlane = client(events).queueCapacity(2).journal(journal).build();

    outlane.submit(cart("e1", 1).build());
    outlane.submit(cart("e2", 2).build());
    assertThatThrownBy(() -> outlane.submit(cart("e3", 3).build()))
        .isInstanceOf(QueueFullException.class)
        .hasMessage("queue full: 2 accepted events have not reached a final state yet"
            + " (queueCapacity=2); the event was not accepted, submit it again later");
    time.runDue();
    assertThat(events.items()).hasSize(2);
    assertThat(journal.appended).hasSize(2);

    CompletionStage<SubmitResult> again = outlane.submit(cart("e3", 3).build());
    time.runDue();
    assertThat(result(again).allDelivered()).isTrue();
    assertThat(metrics.count("", "queue_full")).isEqualTo(1);
  }

  @Test
  void anInvalidEventIsRefusedWithEveryProblemAndNeverJournaled() {
    FakeDestination events = fake("events").build();
    RecordingJournal journal = new RecordingJournal();
    Outlane outlane = client(events).journal(journal).build();

    assertThatThrownBy(() -> outlane.submit(cart("e1", 1).eventName("Cart-Abandoned")
            .phone("+1 415 555").email("not-an-email").build()))
        .isInstanceOf(ValidationException.class)
        .hasMessage("$.event_name: must match [a-z][a-z0-9_]{0,63}, was \"Cart-Abandoned\"\n"
            + "$.email: missing '@'\n"
            + "$.phone: not a valid phone number for its region");
    time.runDue();
    assertThat(journal.appended).isEmpty();
    assertThat(events.calls()).isZero();
    assertThat(outlane.outstanding()).isZero();
  }

  @Test
  void theJournalRecordsAcceptanceBeforeQueueingAndCompletionAfterTheFinalState() {
    FakeDestination events = fake("events").build();
    RecordingJournal journal = new RecordingJournal();
    Outlane outlane = client(events).journal(journal).build();

    outlane.submit(cart("e1", 1).build());
    assertThat(journal.appended).extracting(RetentionEvent::eventId).containsExactly("e1");
    assertThat(journal.completed).isEmpty();
    time.runDue();

    assertThat(journal.completed).containsExactly(1L);
  }

  @Test
  void aJournalFailureRefusesTheEventAndQueuesNothing() {
    FakeDestination events = fake("events").build();
    RecordingJournal journal = new RecordingJournal();
    journal.failAppends = true;
    Outlane outlane = client(events).journal(journal).queueCapacity(1).build();

    assertThatThrownBy(() -> outlane.submit(cart("e1", 1).build()))
        .isInstanceOf(OutlaneException.class)
        .hasMessage("journal append failed (OutlaneException); event e1 was not accepted")
        .hasCauseInstanceOf(OutlaneException.class);
    time.runDue();
    assertThat(events.calls()).isZero();
    assertThat(outlane.outstanding()).as("capacity given back").isZero();
  }

  @Test
  void buildRedeliversWhatTheJournalHoldsAsPending() {
    FakeDestination events = fake("events").build();
    RecordingJournal journal = new RecordingJournal();
    journal.pendingOnOpen.add(new dev.outlane.journal.EventJournal.Pending(41, cart("old", 1).build()));
    Outlane outlane = client(events).journal(journal).build();

    assertThat(outlane.outstanding()).isEqualTo(1);
    time.runDue();

    assertThat(events.items()).extracting(i -> i.event().eventId()).containsExactly("old");
    assertThat(journal.completed).containsExactly(41L);
    assertThat(journal.appended).as("recovery does not append again").isEmpty();
  }

  @Test
  void whenTheDeadLetterStoreRefusesARecordTheEventStaysPendingInTheJournal() {
    FakeDestination sms = sms();
    sms.failNext(2, Outcome.rejected("21211", "invalid 'To' phone number"));
    RecordingJournal journal = new RecordingJournal();
    Outlane outlane = client(sms).journal(journal).deadLetterStore(new InMemoryDeadLetterStore(1)).build();

    CompletionStage<SubmitResult> kept = outlane.submit(cart("e1", 1).build());
    CompletionStage<SubmitResult> refused = outlane.submit(cart("e2", 2).build());
    time.runDue();

    assertThat(result(kept).state("sms")).isEqualTo(FinalState.REJECTED);
    assertThat(result(refused).state("sms")).isEqualTo(FinalState.REJECTED);
    assertThat(journal.completed).as("only the event whose dead letter was stored").containsExactly(1L);
  }

  @Test
  void aJournalRecordThatIsNoLongerValidIsDeadLetteredAndCompletedInsteadOfRecovered() {
    FakeDestination events = fake("events").build();
    RecordingJournal journal = new RecordingJournal();
    journal.pendingOnOpen.add(new dev.outlane.journal.EventJournal.Pending(7,
        cart("old", 1).phone("+1 415").build()));
    Outlane outlane = client(events).journal(journal).build();
    time.runDue();

    assertThat(events.calls()).isZero();
    assertThat(journal.completed).containsExactly(7L);
    assertThat(outlane.outstanding()).isZero();
    assertThat(deadLetters.list(DeadLetterQuery.unresolved())).singleElement().satisfies(d -> {
      assertThat(d.destination()).isEqualTo("events");
      assertThat(d.reason()).isEqualTo(DeadLetterReason.UNDELIVERABLE);
      assertThat(d.detail()).isEqualTo("the journaled event is no longer valid: 1 problem(s) at $.phone");
    });
  }

  @Test
  void closeFlushesIsIdempotentAndRefusesLaterEvents() {
    FakeDestination events = fake("events").build();
    RecordingJournal journal = new RecordingJournal();
    Outlane outlane = client()
        .destination(events, Outlane.DestinationOptions.defaults().withLinger(Duration.ofMinutes(1)))
        .route(Route.builder().event("cart_abandoned").to("events").build())
        .journal(journal)
        .build();

    CompletionStage<SubmitResult> stage = outlane.submit(cart("e1", 1).build());
    outlane.close();
    outlane.close();

    assertThat(result(stage).allDelivered()).isTrue();
    assertThat(events.isClosed()).isTrue();
    assertThat(journal.closed).isEqualTo(1);
    assertThatThrownBy(() -> outlane.submit(cart("e2", 2).build()))
        .isInstanceOf(OutlaneException.class)
        .hasMessage("client is closed; event e2 was not accepted");
  }

  @Test
  void closeDeadLettersWhatCouldNotBeDeliveredInTimeSoNothingIsLost() {
    FakeDestination events = fake("events").build();
    events.rateLimitNext(1, Duration.ofMinutes(5));
    Outlane outlane = client(events).closeTimeout(Duration.ofSeconds(10)).build();

    CompletionStage<SubmitResult> stage = outlane.submit(cart("e1", 1).build());
    outlane.close();

    DestinationResult r = result(stage).results().get(0);
    assertThat(r.state()).isEqualTo(FinalState.DEAD_LETTERED);
    assertThat(r.deadLetterReason()).isEqualTo(DeadLetterReason.UNDELIVERABLE);
    assertThat(r.detail()).isEqualTo("client closed before delivery");
    assertThat(deadLetters.list(DeadLetterQuery.unresolved())).hasSize(1);
  }

  @Test
  void anEventNoRouteMatchesCompletesAtOnceWithNoResults() {
    FakeDestination events = fake("events").build();
    Outlane outlane = client(events).build();

    CompletionStage<SubmitResult> stage = outlane.submit(cart("e1", 1).eventName("page_viewed").build());

    assertThat(result(stage).results()).isEmpty();
    assertThat(metrics.count("", "unrouted")).isEqualTo(1);
  }

  @Test
  void theBuilderNamesTheFieldOfEveryBadValue() {
    assertThatThrownBy(() -> Outlane.builder().queueCapacity(0))
        .hasMessage("queueCapacity: must be ≥ 1, was 0");
    assertThatThrownBy(() -> Outlane.builder().closeTimeout(Duration.ofSeconds(-1)))
        .hasMessage("closeTimeout: must not be negative, was PT-1S");
    assertThatThrownBy(() -> Outlane.builder().frequencyCapMaxPeople(0))
        .hasMessage("frequencyCapMaxPeople: must be ≥ 1, was 0");
    assertThatThrownBy(() -> Outlane.DestinationOptions.defaults().withConcurrency(0))
        .hasMessage("concurrency: must be ≥ 1, was 0");
    assertThatThrownBy(() -> Outlane.builder().build())
        .hasMessage("destinations: register at least one destination");
    FakeDestination a = fake("a").build();
    assertThatThrownBy(() -> Outlane.builder().destination(a).destination(fake("a").build()))
        .hasMessage("destination: \"a\" is already registered");
    assertThatThrownBy(() -> Outlane.builder().destination(a)
            .route(Route.builder().event("x").to("b").build()).build())
        .hasMessage("routes: route for \"x\" targets unknown destination \"b\" (registered: a)");
  }

  /** A journal that records calls; the durable one is tested in its own module. */
  static final class RecordingJournal implements dev.outlane.journal.EventJournal {
    final List<RetentionEvent> appended = new ArrayList<>();
    final List<Long> completed = new ArrayList<>();
    final List<Pending> pendingOnOpen = new ArrayList<>();
    boolean failAppends;
    int closed;
    long seq;

    @Override
    public synchronized long append(RetentionEvent event) {
      if (failAppends) {
        throw new OutlaneException("disk full");
      }
      appended.add(event);
      return ++seq;
    }

    @Override
    public synchronized void complete(long sequence) {
      completed.add(sequence);
    }

    @Override
    public List<Pending> pending() {
      return pendingOnOpen;
    }

    @Override
    public void close() {
      closed++;
    }
  }
}

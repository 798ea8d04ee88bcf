package dev.outlane.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.outlane.DestinationResult;
import dev.outlane.FinalState;
import dev.outlane.contract.AudienceAction;
import dev.outlane.deadletter.DeadLetter;
import dev.outlane.deadletter.DeadLetterQuery;
import dev.outlane.deadletter.DeadLetterReason;
import dev.outlane.deadletter.InMemoryDeadLetterStore;
import dev.outlane.destination.Channel;
import dev.outlane.destination.Outcome;
import dev.outlane.guardrail.InMemoryIdempotencyStore;
import dev.outlane.guardrail.InMemorySuppressionStore;
import dev.outlane.retry.RetryPolicy;
import dev.outlane.routing.Route;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The outcome handler alone: real in-memory stores, lanes that record batches, recording hooks. */
class OutcomeHandlerTest {
  private final TestWork t = new TestWork();
  private final InMemoryDeadLetterStore deadLetters = new InMemoryDeadLetterStore();
  private final InMemoryIdempotencyStore idempotency =
      new InMemoryIdempotencyStore(Duration.ofHours(24), 100);
  private final InMemorySuppressionStore suppression = new InMemorySuppressionStore();
  private final InFlightKeys inFlight = new InFlightKeys(idempotency, t.time.clock());
  private final Lane sms = t.sms();
  private final Lane ads = t.ads();
  private final List<Work> started = new ArrayList<>();
  private final List<Submission> completed = new ArrayList<>();

  private OutcomeHandler handler(EngineConfig.Builder config) {
    Map<String, Lane> lanes = new LinkedHashMap<>();
    lanes.put("sms", sms);
    lanes.put("ads", ads);
    return new OutcomeHandler(config.deadLetters(deadLetters).idempotency(idempotency)
        .suppression(suppression).build(), lanes, inFlight, null, t.works,
        new OutcomeHandler.Hooks() {
          @Override
          public void start(Work w) {
            started.add(w);
          }

          @Override
          public void completed(Submission sub) {
            completed.add(sub);
          }
        });
  }

  private OutcomeHandler handler() {
    return handler(TestWork.config());
  }

  /** A work item that has been claimed (it leads its key) and handed to the destination once. */
  private Work sent(Lane lane, String eventId) {
    Work w = t.work(lane, TestWork.event(eventId).build());
    assertThat(inFlight.claim(w)).isEqualTo(InFlightKeys.Claim.LEAD);
    w.tries++;
    w.sends++;
    return w;
  }

  @Test
  void aDeliveredItemEndsDeliveredItsKeyIsRememberedAndItsEventCompletes() {
    Work w = sent(ads, "e1");

    handler().handle(ads, List.of(w), List.of(Outcome.delivered("ref-1")));

    DestinationResult r = w.result;
    assertThat(r.state()).isEqualTo(FinalState.DELIVERED);
    assertThat(r.reference()).isEqualTo("ref-1");
    assertThat(r.attempts()).isEqualTo(1);
    assertThat(idempotency.isDone(w.key, TestWork.T0)).isTrue();
    assertThat(completed).containsExactly(w.sub);
    assertThat(deadLetters.list(DeadLetterQuery.unresolved())).isEmpty();
  }

  @Test
  void aRejectedItemIsDeadLetteredWithTheDestinationsCodeAndReasonBeforeItsEventCompletes() {
    Work w = sent(ads, "e1");

    handler().handle(ads, List.of(w), List.of(Outcome.rejected("E100", "bad audience")));

    List<DeadLetter> letters = deadLetters.list(DeadLetterQuery.unresolved());
    assertThat(letters).hasSize(1);
    assertThat(letters.get(0).reason()).isEqualTo(DeadLetterReason.REJECTED);
    assertThat(letters.get(0).errorCode()).isEqualTo("E100");
    assertThat(letters.get(0).detail()).isEqualTo("bad audience");
    assertThat(w.result.state()).isEqualTo(FinalState.REJECTED);
    assertThat(completed).containsExactly(w.sub);
  }

  @Test
  void anUnknownOutcomeOnANonIdempotentDestinationIsDeadLetteredForReconciliationNeverRetried() {
    Work w = sent(sms, "e1");

    handler().handle(sms, List.of(w), List.of(Outcome.unknown("read timed out")));

    assertThat(w.result.deadLetterReason()).isEqualTo(DeadLetterReason.NEEDS_RECONCILIATION);
    assertThat(w.result.detail())
        .isEqualTo("unknown outcome on a non-idempotent destination: read timed out");
    t.time.advance(Duration.ofHours(1));
    assertThat(t.batches).isEmpty();
  }

  @Test
  void aRetryableItemIsRequeuedAfterThePolicysDelayAndDeadLetteredOnceItsAttemptsRunOut() {
    Work w = sent(ads, "e1");
    OutcomeHandler retrying = handler(TestWork.config().retry(RetryPolicy.builder()
        .maxAttempts(2).initialBackoff(Duration.ofSeconds(1)).maxBackoff(Duration.ofSeconds(1))
        .jitter(() -> 1.0).build()));

    retrying.handle(ads, List.of(w), List.of(Outcome.retryable("503", null)));
    t.time.advance(Duration.ofSeconds(1));
    assertThat(t.batches).containsExactly("ads[e1]");
    assertThat(w.done).isFalse();

    w.tries++;
    retrying.handle(ads, List.of(w), List.of(Outcome.retryable("503", null)));
    assertThat(w.result.deadLetterReason()).isEqualTo(DeadLetterReason.RETRIES_EXHAUSTED);
  }

  @Test
  void aBatchRejectedAsAWholeIsSplitInHalvesAndTheResendIsNotCountedAsARetry() {
    List<Work> batch = List.of(sent(ads, "e1"), sent(ads, "e2"), sent(ads, "e3"), sent(ads, "e4"));
    Outcome whole = new Outcome.Rejected("E1", "one item is bad", true);

    handler(TestWork.config().splitRejectedBatches(true))
        .handle(ads, batch, List.of(whole, whole, whole, whole));
    t.time.runDue();

    assertThat(t.batches).first().isEqualTo("ads[e1, e2]");
    assertThat(batch).allSatisfy(w -> assertThat(w.tries).isZero());
    assertThat(deadLetters.list(DeadLetterQuery.unresolved())).isEmpty();
  }

  @Test
  void anOptOutSuppressesThePersonAndRemovesThemFromEveryRoutedAdsAudience() {
    Work w = sent(sms, "e1");
    Route route = Route.builder().event("cart_abandoned").to("sms").to("ads", "winback").build();

    handler(TestWork.config().routes(List.of(route)))
        .handle(sms, List.of(w), List.of(Outcome.optedOut("21610", "STOP")));

    assertThat(w.result.state()).isEqualTo(FinalState.OPTED_OUT);
    assertThat(suppression.isSuppressed(TestWork.PERSON, Channel.SMS)).isTrue();
    assertThat(suppression.isSuppressed(TestWork.PERSON, Channel.ADS)).isTrue();
    assertThat(started).hasSize(1);
    Work remove = started.get(0);
    assertThat(remove.lane).isSameAs(ads);
    assertThat(remove.action).isEqualTo(AudienceAction.Action.REMOVE);
    assertThat(remove.origin).isEqualTo(DestinationResult.Origin.OPT_OUT);
    assertThat(remove.eventForItem.audience().name()).isEqualTo("winback");
    assertThat(completed).as("the remove is still open").isEmpty();
  }

  @Test
  void aDuplicateWaitingBehindAFailedLeaderIsRestartedAndOneBehindADeliveryIsDeduplicated() {
    Work failedLeader = sent(ads, "e1");
    Work waiting = t.work(ads, TestWork.event("e1").build());
    assertThat(inFlight.claim(waiting)).isEqualTo(InFlightKeys.Claim.FOLLOW);
    OutcomeHandler h = handler();

    h.handle(ads, List.of(failedLeader), List.of(Outcome.rejected(null, "no")));
    assertThat(started).containsExactly(waiting);

    Work leader = sent(ads, "e2");
    Work duplicate = t.work(ads, TestWork.event("e2").build());
    inFlight.claim(duplicate);
    h.handle(ads, List.of(leader), List.of(Outcome.delivered(null)));
    assertThat(duplicate.result.state()).isEqualTo(FinalState.DEDUPLICATED);
  }
}

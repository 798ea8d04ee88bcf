package dev.outlane.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.outlane.FinalState;
import dev.outlane.contract.AudienceAction;
import dev.outlane.deadletter.InMemoryDeadLetterStore;
import dev.outlane.destination.Channel;
import dev.outlane.destination.DeliveryInterceptor;
import dev.outlane.destination.DeliveryItem;
import dev.outlane.guardrail.FrequencyCap;
import dev.outlane.guardrail.IdempotencyStore;
import dev.outlane.guardrail.InMemoryIdempotencyStore;
import dev.outlane.guardrail.InMemorySuppressionStore;
import dev.outlane.testing.FakeDestination;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The engine's stages right before sending, each alone, then in their chain: no engine. */
class DeliveryStagesTest {
  private final TestWork t = new TestWork();
  private final List<String> log = new ArrayList<>();

  /** An idempotency store that logs attempt records, and refuses them when told to. */
  private final class RecordingStore implements IdempotencyStore {
    private final InMemoryIdempotencyStore delegate = new InMemoryIdempotencyStore(Duration.ofHours(24), 100);
    boolean refuse;

    @Override
    public boolean isDone(String key, Instant now) {
      return delegate.isDone(key, now);
    }

    @Override
    public void markDone(String key, Instant now) {
      delegate.markDone(key, now);
    }

    @Override
    public void recordAttempts(List<String> keys, Instant now) {
      if (refuse) {
        throw new IllegalStateException("disk full");
      }
      log.add("recordAttempts " + keys.size());
    }
  }

  private OutcomeHandler outcomes(Map<String, Lane> lanes) {
    EngineConfig config = TestWork.config().deadLetters(new InMemoryDeadLetterStore()).build();
    return new OutcomeHandler(config, lanes, new InFlightKeys(config.idempotency(), t.time.clock()),
        null, t.works, new OutcomeHandler.Hooks() {
          @Override
          public void start(Work w) {}

          @Override
          public void completed(Submission sub) {}
        });
  }

  @Test
  void thePreActivationCheckSkipsAnItemItSaysIsNoLongerWanted() {
    PreActivationGuard guard = new PreActivationGuard(
        (event, identity, destination) -> destination.equals("sms"), new Failures(t.metrics));

    assertThat(guard.check(t.work(t.sms(), TestWork.event("e1").build())))
        .isEqualTo(Verdict.finish(Completion.skipped()));
    assertThat(guard.check(t.work(t.ads(), TestWork.event("e1").build()))).isSameAs(Verdict.PROCEED);
  }

  @Test
  void aPreActivationCheckThatThrowsAnErrorRetriesTheItemAndIsCountedNotSent() {
    PreActivationGuard guard = new PreActivationGuard((event, identity, destination) -> {
      throw new ExceptionInInitializerError("crm client");
    }, new Failures(t.metrics));

    Verdict v = guard.check(t.work(t.sms(), TestWork.event("e1").build()));

    assertThat(v).isEqualTo(Verdict.retryLater("pre-activation check failed: ExceptionInInitializerError"));
    assertThat(t.metrics.count("sms", "destination_error", "ExceptionInInitializerError")).isEqualTo(1);
  }

  @Test
  void theFrequencyCapLetsTheFirstSendThroughAndCapsTheNextWithinTheWindow() {
    FrequencyGuard guard = new FrequencyGuard(
        new FrequencyLimiter(FrequencyCap.perDestination(1, Duration.ofHours(1)), 100), t.time.clock());
    Lane sms = t.sms();
    Work first = t.work(sms, TestWork.event("e1").build());

    assertThat(guard.check(first)).isSameAs(Verdict.PROCEED);
    assertThat(first.frequencySlot).isEqualTo(TestWork.T0);
    assertThat(guard.check(t.work(sms, TestWork.event("e2").build())))
        .isEqualTo(Verdict.finish(Completion.frequencyCapped()));
    t.time.advance(Duration.ofHours(1));
    assertThat(guard.check(t.work(sms, TestWork.event("e3").build()))).isSameAs(Verdict.PROCEED);
  }

  @Test
  void anAudienceRemoveIsNeitherSkippedNorCapped() {
    FrequencyGuard cap = new FrequencyGuard(
        new FrequencyLimiter(FrequencyCap.perDestination(1, Duration.ofHours(1)), 100), t.time.clock());
    PreActivationGuard skipAll = new PreActivationGuard((e, i, d) -> true, new Failures(t.metrics));
    Lane ads = t.ads();
    for (int i = 0; i < 2; i++) {
      Work remove = t.work(ads, TestWork.event("r" + i).build(), AudienceAction.Action.REMOVE);
      assertThat(cap.check(remove)).isSameAs(Verdict.PROCEED);
      assertThat(skipAll.check(remove)).isSameAs(Verdict.PROCEED);
    }
  }

  @Test
  void theEnginesStagesRunFirstThenTheAttemptIsRecordedThenUsersInterceptorsThenTheDestination() {
    InMemorySuppressionStore suppression = new InMemorySuppressionStore();
    FakeDestination sms = FakeDestination.builder("sms").channel(Channel.SMS).idempotent(false).build();
    DeliveryInterceptor audit = chain -> {
      log.add("intercept " + chain.batch().stream().map(DeliveryItem::idempotencyKey).count());
      return chain.proceed(chain.batch());
    };
    RecordingStore store = new RecordingStore();
    Lane lane = t.lane(sms, List.of(SuppressionGuard.beforeDelivery(suppression)), List.of(audit), store);
    Work stays = t.work(lane, TestWork.event("e1").build());
    Work suppressedMeanwhile = t.work(lane, TestWork.event("e2").customerId("c2").build());
    suppression.suppressCustomer("c2", Set.of(Channel.SMS));

    lane.chain.send(lane, List.of(stays, suppressedMeanwhile), outcomes(Map.of("sms", lane)));

    assertThat(log).containsExactly("recordAttempts 1", "intercept 1");
    assertThat(sms.batches()).hasSize(1);
    assertThat(sms.batches().get(0)).extracting(DeliveryItem::idempotencyKey).containsExactly(stays.key);
    assertThat(stays.result.state()).isEqualTo(FinalState.DELIVERED);
    assertThat(suppressedMeanwhile.result.detail()).isEqualTo("suppressed on sms before delivery");
  }

  @Test
  void anAttemptThatCannotBeRecordedSendsNothingAndRetriesEveryItemLater() {
    FakeDestination sms = FakeDestination.builder("sms").channel(Channel.SMS).idempotent(false).build();
    RecordingStore store = new RecordingStore();
    store.refuse = true;
    Lane lane = t.lane(sms, List.of(), List.of(), store);
    Work w = t.work(lane, TestWork.event("e1").build());

    lane.chain.send(lane, List.of(w), outcomes(Map.of("sms", lane)));

    assertThat(sms.calls()).isZero();
    assertThat(w.done).isFalse();
    assertThat(w.sends).isZero();
    assertThat(w.retries).isEqualTo(1);
  }

  @Test
  void anIdempotentDestinationRecordsNoAttempts() {
    FakeDestination ads = FakeDestination.builder("ads").channel(Channel.ADS).idempotent(true).build();
    RecordingStore store = new RecordingStore();
    Lane lane = t.lane(ads, List.of(), List.of(), store);

    lane.chain.send(lane, List.of(t.work(lane, TestWork.event("e1").build())),
        outcomes(Map.of("ads", lane)));

    assertThat(log).isEmpty();
    assertThat(ads.calls()).isEqualTo(1);
  }
}

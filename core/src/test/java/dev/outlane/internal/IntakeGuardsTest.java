package dev.outlane.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.outlane.contract.AudienceAction;
import dev.outlane.contract.Consent;
import dev.outlane.contract.ConsentStatus;
import dev.outlane.destination.Channel;
import dev.outlane.destination.DestinationLimits;
import dev.outlane.guardrail.FileIdempotencyStore;
import dev.outlane.guardrail.InMemoryIdempotencyStore;
import dev.outlane.guardrail.InMemorySuppressionStore;
import dev.outlane.guardrail.SuppressionStore;
import dev.outlane.identity.Identity;
import java.time.Duration;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each intake guard alone, on work built with in-memory stores: no engine. */
class IntakeGuardsTest {
  private final TestWork t = new TestWork();
  @TempDir Path dir;

  private FileIdempotencyStore openStore() {
    return FileIdempotencyStore.builder().directory(dir).clock(t.time.clock()).open();
  }

  private static final Consent SMS_DENIED =
      new Consent(ConsentStatus.DENIED, ConsentStatus.GRANTED, ConsentStatus.GRANTED);

  /** A store that fails every call, as a broken file store would. */
  private static final class FailingSuppressionStore implements SuppressionStore {
    @Override
    public boolean isSuppressed(Identity identity, Channel channel) {
      throw new IllegalStateException("store down");
    }

    @Override
    public void suppress(Identity identity, Set<Channel> channels, String reason) {
      throw new IllegalStateException("store down");
    }
  }

  @Test
  void anEventDenyingConsentOnTheChannelFinishesItsItemSuppressed() {
    Verdict v = new ConsentGuard().check(t.work(t.sms(), TestWork.event("e1").consent(SMS_DENIED).build()));

    assertThat(v).isEqualTo(Verdict.finish(Completion.suppressed(Channel.SMS)));
    assertThat(((Verdict.Finish) v).completion().detail()).isEqualTo("suppressed on sms");
  }

  @Test
  void consentDeniedOnAnotherChannelLetsTheItemProceed() {
    Verdict v = new ConsentGuard().check(t.work(t.ads(), TestWork.event("e1").consent(SMS_DENIED).build()));

    assertThat(v).isSameAs(Verdict.PROCEED);
  }

  @Test
  void anAudienceRemoveProceedsEvenWhenConsentIsDenied() {
    Consent adsDenied = new Consent(ConsentStatus.GRANTED, ConsentStatus.GRANTED, ConsentStatus.DENIED);
    Work remove = t.work(t.ads(), TestWork.event("e1").consent(adsDenied).build(),
        AudienceAction.Action.REMOVE);

    assertThat(new ConsentGuard().check(remove)).isSameAs(Verdict.PROCEED);
  }

  @Test
  void aSuppressedPersonFinishesSuppressedAtIntakeAndBeforeDeliveryWithItsOwnWording() {
    InMemorySuppressionStore store = new InMemorySuppressionStore();
    store.suppress(TestWork.PERSON, Set.of(Channel.SMS), "opted-out");
    Work w = t.work(t.sms(), TestWork.event("e1").build());

    Verdict atIntake = SuppressionGuard.atIntake(store).check(w);
    Verdict beforeDelivery = SuppressionGuard.beforeDelivery(store).check(w);

    assertThat(((Verdict.Finish) atIntake).completion().detail()).isEqualTo("suppressed on sms");
    assertThat(((Verdict.Finish) beforeDelivery).completion().detail())
        .isEqualTo("suppressed on sms before delivery");
  }

  @Test
  void aFailingSuppressionStoreLetsTheItemBeQueuedButRetriesItBeforeDelivery() {
    Work w = t.work(t.sms(), TestWork.event("e1").build());
    SuppressionStore broken = new FailingSuppressionStore();

    assertThat(SuppressionGuard.atIntake(broken).check(w)).isSameAs(Verdict.PROCEED);
    assertThat(SuppressionGuard.beforeDelivery(broken).check(w))
        .isEqualTo(Verdict.retryLater("suppression check failed"));
  }

  @Test
  void anAudienceRemoveIsNeverHeldBackBySuppression() {
    Work remove = t.work(t.ads(), TestWork.event("e1").build(), AudienceAction.Action.REMOVE);

    assertThat(SuppressionGuard.beforeDelivery(new FailingSuppressionStore()).check(remove))
        .isSameAs(Verdict.PROCEED);
  }

  @Test
  void anItemLargerThanTheDestinationTakesFinishesTooLargeNamingBothSizes() {
    Lane lane = t.lane("tiny", Channel.SMS, true, new DestinationLimits(10, 1_000, 5), item -> 6);
    Work w = t.work(lane, TestWork.event("e1").build());

    Verdict v = new SizeGuard().check(w);

    assertThat(v).isEqualTo(Verdict.finish(Completion.tooLarge(w.size, 5)));
  }

  @Test
  void anItemWithinTheLimitsProceeds() {
    assertThat(new SizeGuard().check(t.work(t.sms(), TestWork.event("e1").build())))
        .isSameAs(Verdict.PROCEED);
  }

  @Test
  void theFirstItemOfAKeyLeadsAndADuplicateInFlightWaitsAsItsFollower() {
    InMemoryIdempotencyStore store = new InMemoryIdempotencyStore(Duration.ofHours(24), 100);
    DedupeGuard guard = new DedupeGuard(new InFlightKeys(store, t.time.clock()));
    Lane lane = t.ads();
    Work first = t.work(lane, TestWork.event("e1").build());
    Work duplicate = t.work(lane, TestWork.event("e1").build());

    assertThat(guard.check(first)).isSameAs(Verdict.PROCEED);
    assertThat(first.leader).isTrue();
    assertThat(guard.check(duplicate)).isSameAs(Verdict.WAIT);
    assertThat(first.followers).containsExactly(duplicate);
  }

  @Test
  void aKeyDeliveredBeforeFinishesDeduplicated() {
    InMemoryIdempotencyStore store = new InMemoryIdempotencyStore(Duration.ofHours(24), 100);
    Work w = t.work(t.ads(), TestWork.event("e1").build());
    store.markDone(w.key, TestWork.T0);

    Verdict v = new DedupeGuard(new InFlightKeys(store, t.time.clock())).check(w);

    assertThat(v).isEqualTo(Verdict.finish(Completion.alreadyDelivered()));
    assertThat(w.leader).isFalse();
  }

  @Test
  void anAttemptAnEarlierRunNeverResolvedFinishesForReconciliationOnANonIdempotentDestination() {
    Work w = t.work(t.sms(), TestWork.event("e1").build());
    try (FileIdempotencyStore earlierRun = openStore()) {
      earlierRun.recordAttempts(List.of(w.key), TestWork.T0);
    }
    Verdict v;
    try (FileIdempotencyStore store = openStore()) {
      v = new DedupeGuard(new InFlightKeys(store, t.time.clock())).check(w);
    }

    assertThat(v).isEqualTo(Verdict.finish(Completion.sentBeforeTheProcessStopped()));
    assertThat(w.leader).as("it leads, so ending it releases the key").isTrue();
  }
}

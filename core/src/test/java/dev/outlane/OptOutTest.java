package dev.outlane;

import static dev.outlane.TestEvents.T0;
import static dev.outlane.TestEvents.cart;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import dev.outlane.contract.AudienceAction;
import dev.outlane.deadletter.InMemoryDeadLetterStore;
import dev.outlane.destination.Channel;
import dev.outlane.destination.DeliveryItem;
import dev.outlane.destination.DestinationLimits;
import dev.outlane.guardrail.InMemorySuppressionStore;
import dev.outlane.guardrail.SuppressionSource;
import dev.outlane.hashing.HashingProfile;
import dev.outlane.identity.Identity;
import dev.outlane.metrics.InMemoryMetrics;
import dev.outlane.routing.Route;
import dev.outlane.testing.FakeDestination;
import dev.outlane.testing.ManualScheduler;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Outlane#optOut} and {@link Outlane#lift}: the entry every inbound receiver calls. */
class OptOutTest {
  private final ManualScheduler time = new ManualScheduler(T0);
  private final InMemoryMetrics metrics = new InMemoryMetrics();
  private final InMemorySuppressionStore suppression = new InMemorySuppressionStore();
  private final FakeDestination sms = FakeDestination.builder("sms").clock(time.clock())
      .channel(Channel.SMS).idempotent(false).limits(DestinationLimits.single()).build();
  private final FakeDestination meta = FakeDestination.builder("meta").clock(time.clock())
      .channel(Channel.ADS).hashingProfile(HashingProfile.META).build();

  @TempDir Path dir;

  private Outlane.Builder client() {
    return durableClient().deadLetterStore(new InMemoryDeadLetterStore());
  }

  private Outlane.Builder durableClient() {
    return Outlane.builder().scheduler(time).clock(time.clock()).metrics(metrics)
        .destination(sms).destination(meta)
        .route(Route.builder().event("sms_nudge").to("sms").build())
        .route(Route.builder().event("cart_abandoned").to("meta", "aud_cart").build());
  }

  private static OptOut stop(String phone) {
    return OptOut.builder().source(SuppressionSource.TWILIO_STOP).channels(Channel.SMS)
        .phone(phone).dedupeId("SM0001").build();
  }

  private static <T> T done(CompletionStage<T> stage) {
    CompletableFuture<T> f = stage.toCompletableFuture();
    assertThat(f).as("stage completed").isDone();
    return f.join();
  }

  @Test
  void aStopKnownOnlyByPhoneSuppressesSmsAndRemovesThePhoneFromEveryRoutedAudience() {
    Outlane outlane = client().suppressionStore(suppression).build();

    CompletionStage<OptOutResult> stage = outlane.optOut(stop(TestEvents.phone(1)));
    time.runDue();

    OptOutResult r = done(stage);
    assertThat(r.suppressed()).containsExactly(Channel.SMS);
    assertThat(r.audienceRemoves())
        .extracting(DestinationResult::destination, DestinationResult::action,
            DestinationResult::state, DestinationResult::origin)
        .containsExactly(tuple("meta", AudienceAction.Action.REMOVE, FinalState.DELIVERED,
            DestinationResult.Origin.OPT_OUT));
    DeliveryItem remove = meta.items().get(0);
    assertThat(remove.target()).isEqualTo("aud_cart");
    assertThat(remove.identity()).isEqualTo(new Identity("", null, "+14155552001"));
    assertThat(remove.hashed().phoneSha256()).isNotNull();
    assertThat(remove.hashed().externalId()).isEmpty();

    // The next event for that phone, under any customer id, is suppressed on SMS.
    CompletionStage<SubmitResult> next =
        outlane.submit(cart("e1", 1).eventName("sms_nudge").customerId("someone").build());
    time.runDue();
    assertThat(done(next).state("sms")).isEqualTo(FinalState.SUPPRESSED);
    assertThat(sms.calls()).isZero();
    assertThat(metrics.count("", "opted_out", "twilio-stop")).isEqualTo(1);
  }

  @Test
  void theSameStopDeliveredTwiceRemovesOnce() {
    Outlane outlane = client().suppressionStore(suppression).build();
    CompletionStage<OptOutResult> first = outlane.optOut(stop(TestEvents.phone(1)));
    time.runDue();
    CompletionStage<OptOutResult> retry = outlane.optOut(stop(TestEvents.phone(1)));
    time.runDue();

    assertThat(done(first).audienceRemoves()).extracting(DestinationResult::state)
        .containsExactly(FinalState.DELIVERED);
    assertThat(done(retry).audienceRemoves()).extracting(DestinationResult::state)
        .containsExactly(FinalState.DEDUPLICATED);
    assertThat(meta.items()).hasSize(1);
  }

  @Test
  void startLiftsOnlyTheStopAndNotADenialOnTheSameChannel() {
    Outlane outlane = client().suppressionStore(suppression).build();
    Identity person = new Identity("c2", null, "+14155552002");
    suppression.suppress(new Identity("c2", null, null), Set.of(Channel.SMS),
        SuppressionSource.CONSENT_DENIED);
    CompletionStage<OptOutResult> stopped = outlane.optOut(stop(TestEvents.phone(2)));
    time.runDue();
    done(stopped);

    OptOut start = stop(TestEvents.phone(2));
    assertThat(outlane.lift(start)).containsExactly(Channel.SMS);
    assertThat(suppression.isSuppressed(new Identity("c9", null, "+14155552002"), Channel.SMS)).isFalse();
    assertThat(suppression.isSuppressed(person, Channel.SMS)).isTrue(); // c2's denial stays
    assertThat(outlane.lift(start)).isEmpty();
  }

  @Test
  void withThePolicyOffNothingIsRemovedButTheSuppressionIsRecorded() {
    Outlane outlane = client().suppressionStore(suppression).optOutPolicy(OptOutPolicy.none()).build();
    OptOutResult r = done(outlane.optOut(stop(TestEvents.phone(1))));
    assertThat(r.audienceRemoves()).isEmpty();
    assertThat(meta.items()).isEmpty();
    assertThat(suppression.isSuppressed(new Identity("x", null, "+14155552001"), Channel.SMS)).isTrue();
  }

  @Test
  void anOptOutByCustomerIdAndEmailIsRemovedWithTheCustomerIdAsExternalId() {
    Outlane outlane = client().suppressionStore(suppression).build();
    CompletionStage<OptOutResult> stage = outlane.optOut(OptOut.builder()
        .source(SuppressionSource.CUSTOMERIO).channels(Set.of(Channel.values()))
        .customerId(" c3 ").email(TestEvents.email(3)).build());
    time.runDue();
    done(stage);
    assertThat(meta.items().get(0).hashed().externalId()).isEqualTo("c3");
    assertThat(suppression.isSuppressed(new Identity("c3", null, null), Channel.EVENTS)).isTrue();
  }

  @Test
  void aDurableClientKeepsTheTypedSuppressionAcrossARestart() {
    try (Outlane outlane = durableClient().durable(dir).build()) {
      CompletionStage<OptOutResult> stage = outlane.optOut(stop(TestEvents.phone(1)));
      time.runDue();
      done(stage);
    }
    try (Outlane outlane = durableClient().durable(dir).build()) {
      CompletionStage<SubmitResult> next = outlane.submit(cart("e1", 1).eventName("sms_nudge").build());
      time.runDue();
      assertThat(done(next).state("sms")).isEqualTo(FinalState.SUPPRESSED);
      assertThat(outlane.lift(stop(TestEvents.phone(1)))).containsExactly(Channel.SMS);
    }
  }

  @Test
  void theBuilderNamesWhatIsMissing() {
    assertThatThrownBy(() -> OptOut.builder().channels(Channel.SMS).phone("+14155552001").build())
        .isInstanceOf(IllegalStateException.class).hasMessage("source: required");
    assertThatThrownBy(() -> OptOut.builder().source(SuppressionSource.OPERATOR).phone("+1").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("channels: at least one channel is required");
    assertThatThrownBy(() -> OptOut.builder().source(SuppressionSource.OPERATOR)
            .channels(Channel.SMS).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("person: at least one of customerId, email or phone is required");
    assertThatThrownBy(() -> OptOut.builder().email(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("email: must not be blank (pass null if unknown)");
    assertThat(stop("+14155552001").toString()).doesNotContain("4155552001");
  }

  @Test
  void anInvalidPhoneIsRefusedWithItsFieldAndNothingIsRecorded() {
    Outlane outlane = client().suppressionStore(suppression).build();
    assertThatThrownBy(() -> outlane.optOut(stop("not a phone")))
        .isInstanceOf(ValidationException.class)
        .satisfies(e -> assertThat(((ValidationException) e).problems())
            .extracting(Problem::path).containsExactly("$.phone"));
    assertThat(suppression.size()).isZero();
  }
}

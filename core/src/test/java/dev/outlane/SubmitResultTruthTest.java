package dev.outlane;

import static dev.outlane.TestEvents.T0;
import static dev.outlane.TestEvents.cart;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.outlane.DestinationResult.Origin;
import dev.outlane.contract.AudienceAction.Action;
import dev.outlane.destination.Channel;
import dev.outlane.destination.Outcome;
import dev.outlane.metrics.InMemoryMetrics;
import dev.outlane.routing.Route;
import dev.outlane.testing.FakeDestination;
import dev.outlane.testing.ManualScheduler;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** A {@link SubmitResult} says what happened: nothing routed is not "delivered", actions are told apart. */
class SubmitResultTruthTest {
  private final ManualScheduler time = new ManualScheduler(T0);
  private final InMemoryMetrics metrics = new InMemoryMetrics();

  private FakeDestination.Builder fake(String name) {
    return FakeDestination.builder(name).clock(time.clock());
  }

  private Outlane.Builder client() {
    return Outlane.builder().scheduler(time).clock(time.clock()).metrics(metrics);
  }

  private static SubmitResult result(CompletionStage<SubmitResult> stage) {
    CompletableFuture<SubmitResult> f = stage.toCompletableFuture();
    assertThat(f).as("stage completed").isDone();
    return f.join();
  }

  @Test
  void anEventNoRouteMatchesIsUnroutedNotDeliveredCountedAndLoggedWithItsName() {
    Logger engineLog = (Logger) LoggerFactory.getLogger("dev.outlane.engine");
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    Level before = engineLog.getLevel();
    engineLog.setLevel(Level.DEBUG);
    engineLog.addAppender(logs);
    try {
      FakeDestination events = fake("events").build();
      Outlane outlane = client().destination(events)
          .route(Route.builder().event("cart_abandoned").to("events").build()).build();

      SubmitResult typo = result(outlane.submit(cart("e1", 1).eventName("cart_abandonned").build()));

      assertThat(typo.results()).isEmpty();
      assertThat(typo.unrouted()).isTrue();
      assertThat(typo.allDelivered()).isFalse();
      assertThat(typo.state("events")).isNull();
      assertThat(metrics.count("", "unrouted")).isEqualTo(1);
      assertThat(logs.list).extracting(ILoggingEvent::getFormattedMessage)
          .contains("event_id=e1 customer_id=c1: no route matches event cart_abandonned");
    } finally {
      engineLog.detachAppender(logs);
      engineLog.setLevel(before);
    }
  }

  @Test
  void aRoutedEventIsNotUnroutedEvenWhenNothingWasDelivered() {
    FakeDestination events = fake("events").rule(item -> Outcome.rejected("400", "bad")).build();
    Outlane outlane = client().destination(events)
        .route(Route.builder().event("cart_abandoned").to("events").build()).build();

    CompletionStage<SubmitResult> stage = outlane.submit(cart("e1", 1).build());
    time.runDue();

    assertThat(result(stage).unrouted()).isFalse();
    assertThat(result(stage).allDelivered()).isFalse();
    assertThat(metrics.count("", "unrouted")).isZero();
  }

  @Test
  void aDeliveredAudienceRemoveAskedForByTheEventIsItsState() {
    FakeDestination meta = fake("meta-cart").channel(Channel.ADS).build();
    Outlane outlane = client().destination(meta)
        .route(Route.builder().event("cart_abandoned").to("meta-cart", "aud_a").build()).build();

    CompletionStage<SubmitResult> stage =
        outlane.submit(cart("e1", 1).audience("aud_a", Action.REMOVE).build());
    time.runDue();

    SubmitResult r = result(stage);
    assertThat(r.state("meta-cart")).isEqualTo(FinalState.DELIVERED);
    assertThat(r.state("meta-cart", Action.REMOVE)).isEqualTo(FinalState.DELIVERED);
    assertThat(r.state("meta-cart", Action.ADD)).isNull();
    assertThat(r.results()).extracting(DestinationResult::action, DestinationResult::origin)
        .containsExactly(tuple(Action.REMOVE, Origin.ROUTE));
  }

  @Test
  void afterAnOptOutTheActivationAndTheRemoveAtTheSameAudienceAreToldApart() {
    FakeDestination sms = fake("sms").channel(Channel.SMS).idempotent(false)
        .rule(item -> Outcome.optedOut("21610", "recipient replied STOP")).build();
    FakeDestination meta = fake("meta-cart").channel(Channel.ADS).build();
    Outlane outlane = client().destination(sms).destination(meta)
        .route(Route.builder().event("cart_abandoned").to("sms").to("meta-cart", "aud_a").build())
        .build();

    CompletionStage<SubmitResult> stage = outlane.submit(cart("e1", 1).build());
    time.runDue();

    SubmitResult r = result(stage);
    assertThat(r.results()).extracting(DestinationResult::destination, DestinationResult::action,
            DestinationResult::origin, DestinationResult::state)
        .containsExactly(
            tuple("sms", Action.ADD, Origin.ROUTE, FinalState.OPTED_OUT),
            // The opt-out suppresses ads before the activation goes out; the remove still does.
            tuple("meta-cart", Action.ADD, Origin.ROUTE, FinalState.SUPPRESSED),
            tuple("meta-cart", Action.REMOVE, Origin.OPT_OUT, FinalState.DELIVERED));
    assertThat(r.state("meta-cart")).as("the event's own activation").isEqualTo(FinalState.SUPPRESSED);
    assertThat(r.state("meta-cart", Action.ADD)).isEqualTo(FinalState.SUPPRESSED);
    assertThat(r.state("meta-cart", Action.REMOVE)).isEqualTo(FinalState.DELIVERED);
    assertThat(r.results("meta-cart")).hasSize(2);
    assertThat(r.allDelivered()).isFalse();
  }

  @Test
  void anOptOutRemoveAtADestinationTheEventWasNotRoutedToIsNotItsState() {
    FakeDestination sms = fake("sms").channel(Channel.SMS).idempotent(false)
        .rule(item -> Outcome.optedOut("21610", "recipient replied STOP")).build();
    FakeDestination meta = fake("meta-cart").channel(Channel.ADS).build();
    Outlane outlane = client().destination(sms).destination(meta)
        .route(Route.builder().event("sms_nudge").to("sms").build())
        .route(Route.builder().event("cart_abandoned").to("meta-cart", "aud_a").build())
        .build();

    CompletionStage<SubmitResult> stage = outlane.submit(cart("e1", 1).eventName("sms_nudge").build());
    time.runDue();

    SubmitResult r = result(stage);
    assertThat(r.state("meta-cart")).as("not routed there").isNull();
    assertThat(r.state("meta-cart", Action.REMOVE)).isEqualTo(FinalState.DELIVERED);
    assertThat(r.results("meta-cart")).extracting(DestinationResult::origin)
        .containsExactly(Origin.OPT_OUT);
  }
}

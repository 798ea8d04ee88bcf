package dev.outlane;

import static dev.outlane.TestEvents.T0;
import static dev.outlane.TestEvents.cart;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
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
}

package dev.outlane;

import static dev.outlane.TestEvents.T0;
import static dev.outlane.TestEvents.cart;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.outlane.routing.Route;
import dev.outlane.testing.FakeDestination;
import dev.outlane.testing.ManualScheduler;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/** {@code submit(event, maxWait)}: bounded back-pressure instead of an immediate refusal. */
class BoundedSubmitTest {
  private final ManualScheduler time = new ManualScheduler(T0);
  private final FakeDestination events = FakeDestination.builder("events").clock(time.clock()).build();
  private final Outlane outlane = Outlane.builder().scheduler(time).clock(time.clock())
      .queueCapacity(1).destination(events)
      .route(Route.builder().event("cart_abandoned").to("events").build()).build();

  @Test
  void aSubmitWaitingForRoomIsAcceptedAsSoonAsAnEventFinishes() throws Exception {
    outlane.submit(cart("e1", 1).build());
    CompletableFuture<CompletionStage<SubmitResult>> second = new CompletableFuture<>();
    Thread producer = new Thread(() -> {
      try {
        second.complete(outlane.submit(cart("e2", 2).build(), Duration.ofMinutes(5)));
      } catch (Throwable e) {
        second.completeExceptionally(e);
      }
    });
    producer.start();
    while (producer.getState() != Thread.State.TIMED_WAITING && !second.isDone()) {
      Thread.onSpinWait(); // until it waits for room
    }
    assertThat(second).isNotDone();

    time.runDue(); // e1 is delivered and finishes: room for e2
    CompletionStage<SubmitResult> accepted = second.get();
    producer.join();
    time.runDue();

    assertThat(accepted.toCompletableFuture().join().results().get(0).state())
        .isEqualTo(FinalState.DELIVERED);
    assertThat(events.deliveredItems()).hasSize(2);
  }

  @Test
  void aSubmitThatFindsNoRoomWithinItsWaitIsRefusedAndNothingIsQueued() {
    outlane.submit(cart("e1", 1).build());

    assertThatThrownBy(() -> outlane.submit(cart("e2", 2).build(), Duration.ofMillis(20)))
        .isInstanceOf(QueueFullException.class)
        .hasMessage("queue full: 1 accepted events have not reached a final state yet"
            + " (queueCapacity=1); the event was not accepted, submit it again later");
    assertThatThrownBy(() -> outlane.submit(cart("e3", 3).build(), Duration.ZERO))
        .isInstanceOf(QueueFullException.class);
    time.runDue();
    assertThat(events.deliveredItems()).hasSize(1);
  }

  @Test
  void anInvalidEventIsRefusedBeforeAnyWaitingAndANegativeWaitIsABug() {
    outlane.submit(cart("e1", 1).build());

    assertThatThrownBy(() -> outlane.submit(cart("e2", 2).customerId("").build(), Duration.ofHours(1)))
        .isInstanceOf(ValidationException.class);
    assertThatThrownBy(() -> outlane.submit(cart("e3", 3).build(), Duration.ofMillis(-1)))
        .hasMessage("maxWait: must not be negative, was PT-0.001S");
  }
}

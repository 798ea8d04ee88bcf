package dev.outlane;

import static dev.outlane.TestEvents.T0;
import static dev.outlane.TestEvents.cart;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.outlane.deadletter.DeadLetterReason;
import dev.outlane.destination.Channel;
import dev.outlane.destination.DeliveryInterceptor;
import dev.outlane.destination.DeliveryItem;
import dev.outlane.destination.Outcome;
import dev.outlane.metrics.InMemoryMetrics;
import dev.outlane.routing.Route;
import dev.outlane.testing.FakeDestination;
import dev.outlane.testing.ManualScheduler;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/** Interceptors on the batch chain: order, short-circuit, a changed batch, failures. */
class DeliveryInterceptorTest {
  private final ManualScheduler time = new ManualScheduler(T0);
  private final InMemoryMetrics metrics = new InMemoryMetrics();
  private final List<String> calls = Collections.synchronizedList(new ArrayList<>());
  private final FakeDestination sms =
      FakeDestination.builder("sms").channel(Channel.SMS).idempotent(false).build();
  private final FakeDestination events = FakeDestination.builder("events").build();

  private Outlane.Builder builder() {
    return Outlane.builder()
        .scheduler(time)
        .clock(time.clock())
        .metrics(metrics)
        .destination(sms)
        .destination(events)
        .route(Route.builder().event("cart_abandoned").to("sms").to("events").build());
  }

  private DeliveryInterceptor recording(String name) {
    return chain -> {
      calls.add(name + ":" + chain.destination().name());
      return chain.proceed(chain.batch());
    };
  }

  private static SubmitResult result(CompletionStage<SubmitResult> stage) {
    return stage.toCompletableFuture().join();
  }

  @Test
  void interceptorsForEveryDestinationRunFirstInOrderThenThoseForTheBatchsDestination() {
    Outlane outlane = builder()
        .interceptor("sms", recording("sms-only"))
        .interceptor(recording("first"))
        .interceptor(recording("second"))
        .build();

    CompletionStage<SubmitResult> stage = outlane.submit(cart("e1", 1).build());
    time.runDue();

    assertThat(calls).containsExactlyInAnyOrder("first:sms", "second:sms", "sms-only:sms",
        "first:events", "second:events");
    assertThat(calls).filteredOn(c -> c.endsWith(":sms"))
        .containsExactly("first:sms", "second:sms", "sms-only:sms");
    assertThat(result(stage).results()).extracting(DestinationResult::state)
        .containsOnly(FinalState.DELIVERED);
    assertThat(sms.calls()).isEqualTo(1);
    assertThat(events.calls()).isEqualTo(1);
  }

  @Test
  void anInterceptorThatDoesNotProceedShortCircuitsTheDestinationAndItsOutcomesAreFinal() {
    Outlane outlane = builder()
        .interceptor(chain -> Collections.nCopies(chain.batch().size(), Outcome.delivered("preview")))
        .interceptor(recording("never"))
        .build();

    CompletionStage<SubmitResult> stage = outlane.submit(cart("e1", 1).build());
    time.runDue();

    assertThat(result(stage).results()).extracting(DestinationResult::state, DestinationResult::reference)
        .containsOnly(org.assertj.core.groups.Tuple.tuple(FinalState.DELIVERED, "preview"));
    assertThat(calls).isEmpty();
    assertThat(sms.calls()).isZero();
    assertThat(events.calls()).isZero();
  }

  @Test
  void anInterceptorCanAnswerPartOfABatchAndProceedWithTheRest() {
    // Delivers odd-numbered customers only; answers the others as rejected without sending them.
    DeliveryInterceptor onlyOdd = chain -> {
      List<DeliveryItem> send = new ArrayList<>();
      for (DeliveryItem item : chain.batch()) {
        if (!item.identity().customerId().equals("c2")) {
          send.add(item);
        }
      }
      List<Outcome> sent = chain.proceed(send);
      List<Outcome> out = new ArrayList<>();
      int next = 0;
      for (DeliveryItem item : chain.batch()) {
        out.add(item.identity().customerId().equals("c2")
            ? Outcome.rejected("held", "held back by the interceptor") : sent.get(next++));
      }
      return out;
    };
    Outlane outlane = builder().interceptor("events", onlyOdd).build();

    CompletionStage<SubmitResult> first = outlane.submit(cart("e1", 1).build());
    CompletionStage<SubmitResult> second = outlane.submit(cart("e2", 2).build());
    time.runDue();

    assertThat(events.deliveredItems()).extracting(i -> i.identity().customerId()).containsExactly("c1");
    DestinationResult held = result(second).results().stream()
        .filter(r -> r.destination().equals("events")).findFirst().orElseThrow();
    assertThat(held.state()).isEqualTo(FinalState.REJECTED);
    assertThat(held.code()).isEqualTo("held");
    assertThat(held.detail()).isEqualTo("held back by the interceptor");
    assertThat(result(first).results()).extracting(DestinationResult::state)
        .containsOnly(FinalState.DELIVERED);
  }

  @Test
  void anInterceptorThatThrowsIsTreatedLikeAThrowingDestination() {
    Outlane outlane = builder()
        .interceptor("sms", chain -> {
          throw new IllegalStateException("audit log full");
        })
        .build();

    CompletionStage<SubmitResult> stage = outlane.submit(cart("e1", 1).build());
    time.runDue();

    DestinationResult r = result(stage).results().stream()
        .filter(x -> x.destination().equals("sms")).findFirst().orElseThrow();
    assertThat(r.state()).isEqualTo(FinalState.DEAD_LETTERED);
    assertThat(r.deadLetterReason()).isEqualTo(DeadLetterReason.NEEDS_RECONCILIATION);
    assertThat(r.detail()).isEqualTo("unknown outcome on a non-idempotent destination:"
        + " deliver threw java.lang.IllegalStateException");
    assertThat(sms.calls()).isZero();
    assertThat(metrics.count("sms", "destination_error", "IllegalStateException")).isEqualTo(1);
  }

  @Test
  void anInterceptorReturningTheWrongNumberOfOutcomesMakesEveryItemAnUnknownOutcome() {
    Outlane outlane = builder().interceptor("sms", chain -> List.of()).build();

    CompletionStage<SubmitResult> stage = outlane.submit(cart("e1", 1).build());
    time.runDue();

    DestinationResult r = result(stage).results().stream()
        .filter(x -> x.destination().equals("sms")).findFirst().orElseThrow();
    assertThat(r.deadLetterReason()).isEqualTo(DeadLetterReason.NEEDS_RECONCILIATION);
    assertThat(r.detail()).isEqualTo("unknown outcome on a non-idempotent destination:"
        + " destination returned 0 outcomes for 1 items");
  }

  @Test
  void anInterceptorForADestinationThatIsNeverRegisteredIsRefusedAtBuild() {
    assertThatThrownBy(() -> builder().interceptor("emial", recording("x")).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("interceptors: interceptor for unknown destination \"emial\""
            + " (registered: sms, events)");
  }
}

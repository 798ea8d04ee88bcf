package dev.outlane;

import static dev.outlane.TestEvents.T0;
import static dev.outlane.TestEvents.cart;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.outlane.deadletter.DeadLetter;
import dev.outlane.deadletter.DeadLetterQuery;
import dev.outlane.deadletter.DeadLetterReason;
import dev.outlane.deadletter.InMemoryDeadLetterStore;
import dev.outlane.destination.Channel;
import dev.outlane.destination.DeliveryItem;
import dev.outlane.destination.Destination;
import dev.outlane.destination.DestinationLimits;
import dev.outlane.destination.Outcome;
import dev.outlane.metrics.InMemoryMetrics;
import dev.outlane.retry.RetryPolicy;
import dev.outlane.routing.Route;
import dev.outlane.testing.FakeDestination;
import dev.outlane.testing.ManualScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A destination that throws (any Throwable: a missing class, a stack overflow, an OutOfMemoryError
 * from sizing a huge number) never leaves an item in flight: every item ends in a final state, the
 * cause is logged at ERROR once per destination and cause, and counted.
 */
class ThrowingDestinationTest {
  private final ManualScheduler time = new ManualScheduler(T0);
  private final InMemoryMetrics metrics = new InMemoryMetrics();
  private final InMemoryDeadLetterStore deadLetters = new InMemoryDeadLetterStore();
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger engineLog = (Logger) LoggerFactory.getLogger("dev.outlane.engine");

  @BeforeEach
  void captureLogs() {
    logs.start();
    engineLog.addAppender(logs);
  }

  @AfterEach
  void releaseLogs() {
    engineLog.detachAppender(logs);
  }

  private Outlane client(Destination... destinations) {
    Outlane.Builder b = Outlane.builder()
        .scheduler(time)
        .clock(time.clock())
        .metrics(metrics)
        .deadLetterStore(deadLetters)
        .retryPolicy(RetryPolicy.builder().maxAttempts(3).initialBackoff(Duration.ofSeconds(1))
            .maxBackoff(Duration.ofSeconds(10)).jitter(() -> 1.0).build());
    Route.Builder route = Route.builder().event("cart_abandoned");
    for (Destination d : destinations) {
      b.destination(d);
      route.to(d.name());
    }
    return b.route(route.build()).build();
  }

  private static SubmitResult result(CompletionStage<SubmitResult> stage) {
    CompletableFuture<SubmitResult> f = stage.toCompletableFuture();
    assertThat(f).as("stage completed").isDone();
    return f.join();
  }

  private List<String> errorLines() {
    List<String> out = new ArrayList<>();
    for (ILoggingEvent e : logs.list) {
      if (e.getLevel() == Level.ERROR) {
        out.add(e.getFormattedMessage());
      }
    }
    return out;
  }

  /** A destination whose deliver throws what {@code error} supplies, counting its calls. */
  static final class ThrowingDestination implements Destination {
    private final String name;
    private final boolean idempotent;
    private final Supplier<Throwable> error;
    int calls;

    ThrowingDestination(String name, boolean idempotent, Supplier<Throwable> error) {
      this.name = name;
      this.idempotent = idempotent;
      this.error = error;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public Channel channel() {
      return idempotent ? Channel.EVENTS : Channel.SMS;
    }

    @Override
    public DestinationLimits limits() {
      return DestinationLimits.single();
    }

    @Override
    public boolean idempotent() {
      return idempotent;
    }

    @Override
    public List<Outcome> deliver(List<DeliveryItem> batch) {
      calls++;
      Throwable t = error.get();
      if (t instanceof Error e) {
        throw e;
      }
      throw (RuntimeException) t;
    }
  }

  @Test
  void aMissingClassInDeliverDeadLettersEveryItemOnSmsForReconciliationAndLogsTheCauseOnce() {
    ThrowingDestination sms =
        new ThrowingDestination("sms", false, () -> new NoClassDefFoundError("okio/Socket"));
    Outlane outlane = client(sms);

    List<CompletionStage<SubmitResult>> stages = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      stages.add(outlane.submit(cart("e" + i, i).build()));
    }
    time.runDue();

    for (CompletionStage<SubmitResult> stage : stages) {
      DestinationResult r = result(stage).results().get(0);
      assertThat(r.state()).isEqualTo(FinalState.DEAD_LETTERED);
      assertThat(r.deadLetterReason()).isEqualTo(DeadLetterReason.NEEDS_RECONCILIATION);
      assertThat(r.detail()).isEqualTo("unknown outcome on a non-idempotent destination:"
          + " deliver threw java.lang.NoClassDefFoundError");
    }
    assertThat(sms.calls).as("one call per item, none resent").isEqualTo(3);
    assertThat(deadLetters.list(DeadLetterQuery.unresolved())).extracting(DeadLetter::reason)
        .containsOnly(DeadLetterReason.NEEDS_RECONCILIATION).hasSize(3);
    assertThat(metrics.count("sms", "destination_error", "NoClassDefFoundError")).isEqualTo(3);
    assertThat(errorLines()).singleElement().asString()
        .startsWith("sms: deliver threw java.lang.NoClassDefFoundError: okio/Socket at ")
        .endsWith("; the items concerned are retried or dead-lettered (further"
            + " NoClassDefFoundError from sms in deliver are logged at DEBUG)");
    assertThat(outlane.outstanding()).isZero();
    assertThat(outlane.flush(Duration.ofSeconds(1))).isTrue();
  }

  @Test
  void aStackOverflowInDeliverOnAnIdempotentDestinationIsRetriedThenDeadLetteredRetriesExhausted() {
    ThrowingDestination events = new ThrowingDestination("events", true, StackOverflowError::new);
    Outlane outlane = client(events);

    CompletionStage<SubmitResult> stage = outlane.submit(cart("e1", 1).build());
    time.advance(Duration.ofMinutes(1));

    DestinationResult r = result(stage).results().get(0);
    assertThat(r.state()).isEqualTo(FinalState.DEAD_LETTERED);
    assertThat(r.deadLetterReason()).isEqualTo(DeadLetterReason.RETRIES_EXHAUSTED);
    assertThat(r.detail())
        .isEqualTo("retries exhausted after 3 attempts: deliver threw java.lang.StackOverflowError");
    assertThat(r.attempts()).isEqualTo(3);
    assertThat(events.calls).isEqualTo(3);
    assertThat(metrics.count("events", "destination_error", "StackOverflowError")).isEqualTo(3);
    assertThat(errorLines()).hasSize(1);
  }

  @Test
  void eachDestinationAndCauseIsLoggedAtErrorOnceNotOncePerItem() {
    ThrowingDestination sms =
        new ThrowingDestination("sms", false, () -> new NoClassDefFoundError("okio/Socket"));
    ThrowingDestination events = new ThrowingDestination("events", true,
        () -> new IllegalStateException("customer maya@example.com"));
    Outlane outlane = client(sms, events);

    for (int i = 1; i <= 4; i++) {
      outlane.submit(cart("e" + i, i).build());
    }
    time.advance(Duration.ofMinutes(1));

    assertThat(outlane.outstanding()).isZero();
    assertThat(errorLines()).hasSize(2);
    assertThat(errorLines()).filteredOn(l -> l.startsWith("events:")).singleElement().asString()
        .as("the message of an ordinary exception may carry data: not logged")
        .startsWith("events: deliver threw java.lang.IllegalStateException at ")
        .doesNotContain("maya");
    assertThat(metrics.count("events", "destination_error", "IllegalStateException"))
        .as("4 items × 3 attempts").isEqualTo(12);
  }

  @Test
  void anOutOfMemoryErrorFromSizeOfDeadLettersThatItemAsUndeliverableAndTheRestProceed() {
    FakeDestination segment = FakeDestination.builder("segment").clock(time.clock())
        .sizeOf(item -> {
          if (item.event().properties().containsKey("coupon")) {
            throw new OutOfMemoryError("Requested array size exceeds VM limit");
          }
          return 100;
        })
        .build();
    FakeDestination sms = FakeDestination.builder("sms").clock(time.clock()).channel(Channel.SMS)
        .idempotent(false).limits(DestinationLimits.single()).build();
    Outlane outlane = client(segment, sms);

    CompletionStage<SubmitResult> before = outlane.submit(cart("e1", 1).build());
    CompletionStage<SubmitResult> poison =
        outlane.submit(cart("e2", 2).property("coupon", 1).build());
    CompletionStage<SubmitResult> after = outlane.submit(cart("e3", 3).build());
    time.runDue();

    assertThat(result(before).allDelivered()).isTrue();
    assertThat(result(after).allDelivered()).isTrue();
    SubmitResult p = result(poison);
    assertThat(p.state("sms")).as("the other destination is not affected")
        .isEqualTo(FinalState.DELIVERED);
    DestinationResult r = p.results().get(0);
    assertThat(r.destination()).isEqualTo("segment");
    assertThat(r.state()).isEqualTo(FinalState.DEAD_LETTERED);
    assertThat(r.deadLetterReason()).isEqualTo(DeadLetterReason.UNDELIVERABLE);
    assertThat(r.detail()).isEqualTo(
        "the destination could not size the item: sizeOf threw java.lang.OutOfMemoryError");
    assertThat(r.attempts()).isZero();
    assertThat(deadLetters.list(DeadLetterQuery.unresolved())).singleElement().satisfies(d -> {
      assertThat(d.destination()).isEqualTo("segment");
      assertThat(d.reason()).isEqualTo(DeadLetterReason.UNDELIVERABLE);
      assertThat(d.event().eventId()).isEqualTo("e2");
    });
    assertThat(segment.deliveredItems()).extracting(i -> i.event().eventId())
        .containsExactly("e1", "e3");
    assertThat(metrics.count("segment", "destination_error", "OutOfMemoryError")).isEqualTo(1);
    assertThat(errorLines()).singleElement().asString().startsWith(
        "segment: sizeOf threw java.lang.OutOfMemoryError: Requested array size exceeds VM limit at ");
  }

  @Test
  void aPreActivationCheckThatThrowsAnErrorIsRetriedAndNeverLeavesTheItemInFlight() {
    FakeDestination events = FakeDestination.builder("events").clock(time.clock()).build();
    Outlane outlane = Outlane.builder()
        .scheduler(time)
        .clock(time.clock())
        .metrics(metrics)
        .deadLetterStore(deadLetters)
        .retryPolicy(RetryPolicy.builder().maxAttempts(2).initialBackoff(Duration.ofSeconds(1))
            .jitter(() -> 1.0).build())
        .preActivationCheck((event, identity, destination) -> {
          throw new ExceptionInInitializerError("crm client");
        })
        .destination(events)
        .route(Route.builder().event("cart_abandoned").to("events").build())
        .build();

    CompletionStage<SubmitResult> stage = outlane.submit(cart("e1", 1).build());
    time.advance(Duration.ofMinutes(1));

    DestinationResult r = result(stage).results().get(0);
    assertThat(r.state()).isEqualTo(FinalState.DEAD_LETTERED);
    assertThat(r.detail()).isEqualTo("retries exhausted after 2 attempts: pre-activation check"
        + " failed: ExceptionInInitializerError");
    assertThat(events.calls()).isZero();
  }
}

package dev.outlane.twilio.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.outlane.DestinationResult;
import dev.outlane.FinalState;
import dev.outlane.Outlane;
import dev.outlane.SubmitResult;
import dev.outlane.contract.RetentionEvent;
import dev.outlane.deadletter.DeadLetter;
import dev.outlane.deadletter.DeadLetterQuery;
import dev.outlane.deadletter.DeadLetterReason;
import dev.outlane.deadletter.InMemoryDeadLetterStore;
import dev.outlane.destination.Channel;
import dev.outlane.guardrail.InMemorySuppressionStore;
import dev.outlane.identity.Identity;
import dev.outlane.retry.RetryPolicy;
import dev.outlane.routing.Route;
import dev.outlane.testing.Fault;
import dev.outlane.testing.ManualScheduler;
import dev.outlane.twilio.segment.SegmentDestination;
import dev.outlane.twilio.sms.TwilioSmsDestination;
import dev.outlane.twilio.testing.FakeSegmentServer;
import dev.outlane.twilio.testing.FakeTwilioServer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A real {@link Outlane} client driving the real Twilio adapters against their in-process fakes, in
 * virtual time ({@link ManualScheduler}: deliveries run on the test thread, so a {@code Retry-After}
 * is asserted without sleeping). Shows the engine and the adapters agree on what 21610 and 429 mean.
 */
class OptOutPropagationTest {
  private static final Instant NOW = Instant.parse("2026-11-29T18:00:00Z");
  private static final String PHONE = "+14155550123";
  private static final String WRITE_KEY = "it-write-key";

  @Test
  void aStopReplyAtTwilioSuppressesThePersonSoALaterEventIsNeverSent() {
    ManualScheduler time = new ManualScheduler(NOW);
    InMemorySuppressionStore suppression = new InMemorySuppressionStore();
    InMemoryDeadLetterStore deadLetters = new InMemoryDeadLetterStore();
    try (FakeTwilioServer twilio = FakeTwilioServer.start()) {
      twilio.optOut(PHONE);
      TwilioSmsDestination sms =
          TwilioSmsDestination.builder()
              .accountSid(FakeTwilioServer.ACCOUNT_SID)
              .authToken(FakeTwilioServer.AUTH_TOKEN)
              .from("+14155550000")
              .defaultTemplate("Hi {{properties.first_name}}, your cart is waiting")
              .baseUrl(twilio.url())
              .build();
      try (Outlane outlane =
          Outlane.builder()
              .scheduler(time)
              .clock(time.clock())
              .suppressionStore(suppression)
              .deadLetterStore(deadLetters)
              .destination(sms)
              .route(Route.builder().event("cart_abandoned").to("twilio-sms").build())
              .route(Route.builder().event("back_in_stock").to("twilio-sms").build())
              .build()) {
        CompletableFuture<SubmitResult> first =
            outlane.submit(event("evt-1", "cart_abandoned", NOW.minus(Duration.ofHours(1)))).toCompletableFuture();
        assertThat(outlane.flush(Duration.ofSeconds(10))).isTrue();

        DestinationResult optedOut = first.join().results().get(0);
        assertThat(optedOut.state()).isEqualTo(FinalState.OPTED_OUT);
        assertThat(optedOut.code()).isEqualTo("21610");
        assertThat(optedOut.attempts()).isEqualTo(1);
        Identity person = new Identity("cust-1", null, PHONE);
        assertThat(suppression.isSuppressed(person, Channel.SMS)).isTrue();
        assertThat(suppression.isSuppressed(person, Channel.EVENTS)).isFalse();

        CompletableFuture<SubmitResult> later =
            outlane.submit(event("evt-2", "back_in_stock", NOW.minus(Duration.ofMinutes(5)))).toCompletableFuture();
        assertThat(outlane.flush(Duration.ofSeconds(10))).isTrue();

        assertThat(later.join().state("twilio-sms")).isEqualTo(FinalState.SUPPRESSED);
        assertThat(later.join().results().get(0).attempts()).isZero();
      }
      // Exactly one POST reached Twilio: the one answered 21610.
      assertThat(twilio.requestCount()).isEqualTo(1);
      assertThat(twilio.takeRequest().getUrl().encodedPath())
          .isEqualTo("/2010-04-01/Accounts/" + FakeTwilioServer.ACCOUNT_SID + "/Messages.json");
      assertThat(twilio.messages()).isEmpty();
      List<DeadLetter> dead = deadLetters.list(DeadLetterQuery.unresolved());
      assertThat(dead).extracting(DeadLetter::reason).containsExactly(DeadLetterReason.OPTED_OUT);
    }
  }

  @Test
  void segmentsTooManyRequestsIsRetriedExactlyAfterItsRetryAfter() {
    ManualScheduler time = new ManualScheduler(NOW);
    try (FakeSegmentServer segment = FakeSegmentServer.start(WRITE_KEY)) {
      segment.enqueueFault(Fault.tooManyRequests("3"));
      SegmentDestination events =
          SegmentDestination.builder().writeKey(WRITE_KEY).baseUrl(segment.url()).clock(time.clock()).build();
      try (Outlane outlane =
          Outlane.builder()
              .scheduler(time)
              .clock(time.clock())
              // Backoff far longer than Retry-After: a retry at +3 s can only come from the header.
              .retryPolicy(RetryPolicy.builder().initialBackoff(Duration.ofMinutes(1))
                  .maxBackoff(Duration.ofMinutes(1)).jitter(() -> 1.0).build())
              .destination(events)
              .route(Route.builder().event("cart_abandoned").to(events.name()).build())
              .build()) {
        CompletableFuture<SubmitResult> result =
            outlane.submit(event("evt-1", "cart_abandoned", NOW.minus(Duration.ofHours(1)))).toCompletableFuture();

        time.runDue();
        assertThat(segment.requestCount()).isEqualTo(1);
        assertThat(result).isNotDone();

        time.advance(Duration.ofMillis(2_999));
        assertThat(segment.requestCount()).isEqualTo(1);
        assertThat(result).isNotDone();

        time.advance(Duration.ofMillis(1));
        assertThat(segment.requestCount()).isEqualTo(2);
        assertThat(result).isDone();

        DestinationResult delivered = result.join().results().get(0);
        assertThat(delivered.state()).isEqualTo(FinalState.DELIVERED);
        assertThat(delivered.attempts()).isEqualTo(2);
      }
      assertThat(segment.acceptedCount()).isEqualTo(1);
      assertThat(segment.duplicateCount()).isZero();
      assertThat(segment.events()).singleElement()
          .satisfies(e -> assertThat(e).containsEntry("event", "cart_abandoned").containsEntry("userId", "cust-1"));
    }
  }

  private static RetentionEvent event(String id, String name, Instant at) {
    return RetentionEvent.builder()
        .eventId(id)
        .eventName(name)
        .source("customerio")
        .customerId("cust-1")
        .eventTime(at)
        .phone(PHONE)
        .properties(Map.of("first_name", "Ada"))
        .build();
  }
}

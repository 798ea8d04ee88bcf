package com.example.shop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outlane.FinalState;
import dev.outlane.Outlane;
import dev.outlane.SubmitResult;
import dev.outlane.contract.RetentionEvent;
import dev.outlane.routing.Route;
import dev.outlane.twilio.segment.SegmentDestination;
import dev.outlane.twilio.sms.TwilioSmsDestination;
import dev.outlane.twilio.testing.FakeSegmentServer;
import dev.outlane.twilio.testing.FakeTwilioServer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What a user's first test does: a real client, the real adapters, the shipped fakes, real threads.
 * With the wrong okio on the classpath the fakes fail to start ({@code NoClassDefFoundError:
 * okio/Socket}) and deliveries never complete.
 */
class CoreFirstDeliveryTest {
  private static final String WRITE_KEY = "consumer-write-key";

  @Test
  void anEventIsDeliveredBySmsAndToSegmentThroughTheRealAdapters() throws Exception {
    try (FakeTwilioServer twilio = FakeTwilioServer.start();
        FakeSegmentServer segment = FakeSegmentServer.start(WRITE_KEY)) {
      TwilioSmsDestination sms = TwilioSmsDestination.builder()
          .accountSid(FakeTwilioServer.ACCOUNT_SID)
          .authToken(FakeTwilioServer.AUTH_TOKEN)
          .from("+14155550100")
          .defaultTemplate("Hi {{properties.first_name}}, your cart is waiting")
          .baseUrl(twilio.url())
          .build();
      SegmentDestination events = SegmentDestination.builder()
          .writeKey(WRITE_KEY)
          .baseUrl(segment.url())
          .build();
      SubmitResult result;
      try (Outlane outlane = Outlane.builder()
          .destination(sms)
          .destination(events)
          .route(Route.builder().event("cart_abandoned").to(sms.name()).build())
          .route(Route.builder().event("cart_abandoned").to(events.name()).build())
          .closeTimeout(Duration.ofSeconds(5))
          .build()) {
        result = outlane.submit(cartAbandoned()).toCompletableFuture().get(20, TimeUnit.SECONDS);
      }

      assertEquals(FinalState.DELIVERED, result.state("twilio-sms"), result.toString());
      assertEquals(FinalState.DELIVERED, result.state("segment"), result.toString());
      assertEquals(1, twilio.messages().size());
      assertEquals("Hi Ada, your cart is waiting", twilio.messages().get(0).body());
      assertEquals(1L, segment.acceptedCount());
      assertEquals("cart_abandoned", segment.events().get(0).get("event"));
      assertTrue(result.allDelivered(), result.toString());
    }
  }

  private static RetentionEvent cartAbandoned() {
    return RetentionEvent.builder()
        .eventId("evt-consumer-1")
        .eventName("cart_abandoned")
        .source("customerio")
        .customerId("cust-1")
        .eventTime(Instant.now().minus(Duration.ofMinutes(5)))
        .phone("+14155550123")
        .properties(Map.of("first_name", "Ada"))
        .build();
  }
}

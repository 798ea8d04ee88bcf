package dev.outlane.customerio;

import static org.assertj.core.api.Assertions.assertThat;

import dev.outlane.Outlane;
import dev.outlane.inbound.InboundAuth;
import dev.outlane.inbound.InboundRequest;
import dev.outlane.routing.Route;
import dev.outlane.twilio.sms.TwilioSmsDestination;
import dev.outlane.twilio.testing.FakeTwilioServer;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The acceptance case end to end: Customer.io retries, Twilio (the fake, over HTTP) sends once. */
class RetriedDeliveryToTwilioTest {
  @Test
  void aDeliveryRetriedThreeTimesWithTheSameIdempotencyKeyIsOneSmsAtTheFakeTwilioServer() {
    try (FakeTwilioServer twilio = FakeTwilioServer.start()) {
      TwilioSmsDestination sms = TwilioSmsDestination.builder()
          .name("sms")
          .accountSid(FakeTwilioServer.ACCOUNT_SID)
          .authToken(FakeTwilioServer.AUTH_TOKEN)
          .from("+14155550000")
          .defaultTemplate("You left something in your cart. Reply STOP to opt out.")
          .baseUrl(twilio.url())
          .build();
      try (Outlane client = Outlane.builder().destination(sms)
          .route(Route.builder().event("cart_abandoned").to("sms").build()).build()) {
        CustomerIoWebhookReceiver receiver = CustomerIoWebhookReceiver.builder(client)
            .auth(InboundAuth.builder().header("Authorization", "Bearer t").build())
            .build();
        String body = "{\"schema_version\":\"1.0\",\"event_name\":\"cart_abandoned\",\"source\":\"customerio\","
            + "\"customer_id\":\"c-1\",\"event_time\":" + (System.currentTimeMillis() / 1000)
            + ",\"phone\":\"+14155552671\"}";
        InboundRequest delivery = InboundRequest.builder("POST", URI.create("https://h/customerio/webhook"))
            .header("Authorization", "Bearer t")
            .header("x-cio-idempotency-key", "idem-twilio-1")
            .body(body)
            .build();

        List<Integer> statuses = new ArrayList<>();
        for (int attempt = 0; attempt < 4; attempt++) {
          statuses.add(receiver.handle(delivery).status());
          // Each retry after the first arrives while, or after, the SMS is being sent.
          if (attempt == 1) {
            assertThat(client.flush(Duration.ofSeconds(10))).isTrue();
          }
        }
        assertThat(client.flush(Duration.ofSeconds(10))).isTrue();

        assertThat(statuses).containsExactly(202, 202, 202, 202);
        assertThat(twilio.messages()).hasSize(1);
      }
    }
  }
}

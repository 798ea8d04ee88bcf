package dev.outlane.examples;

// README:begin imports
import dev.outlane.Outlane;
import dev.outlane.SubmitResult;
import dev.outlane.contract.RetentionEvent;
import dev.outlane.identity.IdentityNormalizer;
import dev.outlane.routing.Route;
import dev.outlane.twilio.segment.SegmentDestination;
import dev.outlane.twilio.sms.TwilioSmsDestination;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
// README:end imports

import dev.outlane.twilio.testing.FakeSegmentServer;
import dev.outlane.twilio.testing.FakeTwilioServer;
import java.io.PrintStream;
import java.time.Instant;

/**
 * The README's quick start, compiled and run: one Customer.io webhook body in, one final state per
 * routed destination out. The code between the {@code README:begin} and {@code README:end} markers
 * is the README's snippet, character for character ({@code QuickStartTest} fails when they differ).
 *
 * <p>{@link #main} runs it against the shipped fakes ({@link FakeTwilioServer}, {@link
 * FakeSegmentServer}) on 127.0.0.1, so nothing leaves the machine:
 * {@code java -cp examples/target/outlane.jar dev.outlane.examples.QuickStart}.
 */
public final class QuickStart {
  private static final String FAKE_WRITE_KEY = "quick-start-write-key";

  private QuickStart() {}

  /** Whether a customer bought something since an instant: your order database in real life. */
  public interface Orders {
    /**
     * Whether {@code customerId} placed an order after {@code since}; called on a delivery thread.
     *
     * @param customerId the event's {@code customer_id}
     * @param since the event's {@code event_time}
     * @return true to skip the activation (the person already bought)
     */
    boolean purchasedSince(String customerId, Instant since);
  }

  /**
   * Starts the Twilio and Segment fakes, runs {@link #handle} on one cart-abandoned webhook and
   * prints the result.
   *
   * @param args ignored
   * @throws Exception if the event could not be delivered within 10 s or the fakes could not start
   */
  public static void main(String[] args) throws Exception {
    run(System.out);
  }

  /**
   * What {@link #main} does, printing to {@code out}; returns the result it printed.
   *
   * @param out where the result is printed
   * @return the final state per routed destination
   * @throws Exception if the event could not be delivered within 10 s or the fakes could not start
   */
  public static SubmitResult run(PrintStream out) throws Exception {
    try (FakeTwilioServer twilio = FakeTwilioServer.start();
        FakeSegmentServer segment = FakeSegmentServer.start(FAKE_WRITE_KEY)) {
      // What System.getenv() holds in production; here, the fakes' addresses and credentials.
      Map<String, String> env = Map.of(
          "TWILIO_ACCOUNT_SID", FakeTwilioServer.ACCOUNT_SID,
          "TWILIO_AUTH_TOKEN", FakeTwilioServer.AUTH_TOKEN,
          "TWILIO_BASE_URL", twilio.url().toString(),
          "SEGMENT_WRITE_KEY", FAKE_WRITE_KEY,
          "SEGMENT_BASE_URL", segment.url().toString());
      SubmitResult result = handle(cartAbandonedWebhook(Instant.now()), env, (customerId, since) -> false);
      out.println(result);
      return result;
    }
  }

  /**
   * The quick start itself: builds the destinations and a client from {@code env}, reads the
   * webhook body, submits it and waits for its final states. A real service builds the client once
   * and keeps it; this builds one per call to stay a single readable block.
   *
   * @param webhookBody a contract-v1 JSON object, as Customer.io's webhook action sends it
   * @param env the settings ({@code System.getenv()} in production)
   * @param orders the last look before sending
   * @return one final state per routed destination
   * @throws dev.outlane.ValidationException if the body breaks the contract, listing every problem
   * @throws java.util.concurrent.TimeoutException if delivery took more than 10 s
   * @throws Exception if the waiting thread was interrupted
   */
  public static SubmitResult handle(String webhookBody, Map<String, String> env, Orders orders) throws Exception {
    // README:begin
    IdentityNormalizer identities = IdentityNormalizer.builder().defaultRegion("US").build();

    TwilioSmsDestination sms = TwilioSmsDestination.builder()
        .name("twilio-sms")
        .accountSid(env.get("TWILIO_ACCOUNT_SID"))
        .authToken(env.get("TWILIO_AUTH_TOKEN"))
        .messagingServiceSid("MG00000000000000000000000000000000")
        .defaultTemplate("Hi {{properties.first_name}}, your {{commerce.cart_value}} {{commerce.currency}} cart is waiting")
        .baseUrl(env.getOrDefault("TWILIO_BASE_URL", "https://api.twilio.com"))
        .build();
    SegmentDestination segment = SegmentDestination.builder()
        .name("segment")
        .writeKey(env.get("SEGMENT_WRITE_KEY"))
        .baseUrl(env.getOrDefault("SEGMENT_BASE_URL", "https://api.segment.io"))
        .build();

    try (Outlane outlane = Outlane.builder()
        .identityNormalizer(identities)
        .destination(sms)
        .destination(segment)
        // Customer.io says "cart abandoned": SMS only within 24 h of the event, Segment always.
        .route(Route.builder().event("cart_abandoned").window(Duration.ZERO, Duration.ofHours(24)).to("twilio-sms").build())
        .route(Route.builder().event("cart_abandoned").to("segment").build())
        // The last look right before sending: did they buy meanwhile?
        .preActivationCheck((event, identity, destination) -> orders.purchasedSince(identity.customerId(), event.eventTime()))
        .build()) {

      RetentionEvent event = outlane.codec().read(webhookBody);    // the client's region; ValidationException lists every problem
      return outlane.submit(event)                                   // refused at once if invalid or the queue is full
          .toCompletableFuture()
          .get(10, TimeUnit.SECONDS);                                // one final state per routed destination
    }
    // README:end
  }

  /** A cart-abandoned signal as Customer.io's webhook action sends it, {@code at} its event time. */
  static String cartAbandonedWebhook(Instant at) {
    return """
        {"schema_version":"1.0","event_id":"cio_quickstart_1","event_name":"cart_abandoned",\
        "source":"customerio","customer_id":"cus_18342","event_time":"%s",\
        "phone":"+1 201-555-0123","commerce":{"cart_value":"412.50","currency":"USD"},\
        "consent":{"sms":"granted"},"properties":{"first_name":"Maya"}}"""
        .formatted(at.minus(Duration.ofMinutes(10)));
  }
}

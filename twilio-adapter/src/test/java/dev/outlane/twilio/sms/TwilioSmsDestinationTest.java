package dev.outlane.twilio.sms;

import static dev.outlane.twilio.Fixtures.CLOCK;
import static dev.outlane.twilio.Fixtures.PHONE;
import static dev.outlane.twilio.Fixtures.event;
import static dev.outlane.twilio.Fixtures.item;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.outlane.destination.Channel;
import dev.outlane.destination.DeliveryItem;
import dev.outlane.destination.DestinationLimits;
import dev.outlane.destination.Outcome;
import dev.outlane.testing.Fault;
import dev.outlane.twilio.Fixtures;
import dev.outlane.twilio.testing.FakeTwilioServer;
import java.io.IOException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TwilioSmsDestinationTest {
  private static final String FROM = "+14155550000";
  private static final String SERVICE = "MG0123456789abcdef0123456789abcdef";
  private static final String KEY_SID = "SK0123456789abcdef0123456789abcdef";

  private final FakeTwilioServer twilio = FakeTwilioServer.start();

  @AfterEach
  void stop() {
    twilio.close();
  }

  private TwilioSmsDestination.Builder destination() {
    return TwilioSmsDestination.builder()
        .accountSid(FakeTwilioServer.ACCOUNT_SID)
        .authToken(FakeTwilioServer.AUTH_TOKEN)
        .from(FROM)
        .defaultTemplate("Hi {{properties.first_name}}, your {{commerce.cart_value}} {{commerce.currency}} cart is waiting")
        .baseUrl(twilio.url())
        .clock(CLOCK);
  }

  private static DeliveryItem cart() {
    return item("key-1", event("cust-1").build());
  }

  @Test
  void describesItselfAsANonIdempotentSmsDestinationSendingOneMessagePerRequest() {
    TwilioSmsDestination sms = destination().build();
    assertThat(sms.name()).isEqualTo("twilio-sms");
    assertThat(sms.channel()).isEqualTo(Channel.SMS);
    assertThat(sms.idempotent()).isFalse();
    assertThat(sms.limits()).isEqualTo(DestinationLimits.single());
  }

  @Test
  void sendsOneMessageWithExactFormFieldsAndBasicAuthAndReturnsItsSid() {
    TwilioSmsDestination sms =
        destination()
            .statusCallback(URI.create("https://hooks.example.com/twilio/status"))
            .validityPeriod(Duration.ofMinutes(10))
            .build();

    List<Outcome> outcomes = sms.deliver(List.of(cart()));

    assertThat(twilio.messages()).hasSize(1);
    FakeTwilioServer.SentMessage sent = twilio.messages().get(0);
    assertThat(sent.sid()).matches("SM[0-9a-f]{32}");
    assertThat(outcomes).containsExactly(Outcome.delivered(sent.sid()));

    RecordedRequest request = twilio.takeRequest();
    assertThat(request.getMethod()).isEqualTo("POST");
    assertThat(request.getUrl().encodedPath())
        .isEqualTo("/2010-04-01/Accounts/" + FakeTwilioServer.ACCOUNT_SID + "/Messages.json");
    assertThat(request.getHeaders().get("Authorization"))
        .isEqualTo(basic(FakeTwilioServer.ACCOUNT_SID, FakeTwilioServer.AUTH_TOKEN));
    assertThat(request.getHeaders().get("Content-Type")).startsWith("application/x-www-form-urlencoded");
    assertThat(sent.params())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "To", PHONE,
                "From", FROM,
                "Body", "Hi Ada, your 129.90 EUR cart is waiting",
                "StatusCallback", "https://hooks.example.com/twilio/status",
                "ValidityPeriod", "600"));
    assertThat(twilio.requestCount()).isEqualTo(1);
  }

  @Test
  void sendsWithAMessagingServiceInsteadOfAFromNumber() {
    TwilioSmsDestination sms =
        TwilioSmsDestination.builder()
            .accountSid(FakeTwilioServer.ACCOUNT_SID)
            .authToken(FakeTwilioServer.AUTH_TOKEN)
            .messagingServiceSid(SERVICE)
            .defaultTemplate("Hello {{customer_id}}")
            .baseUrl(twilio.url())
            .build();

    assertThat(sms.deliver(List.of(cart())).get(0)).isInstanceOf(Outcome.Delivered.class);

    assertThat(twilio.messages().get(0).params())
        .containsExactlyInAnyOrderEntriesOf(Map.of("To", PHONE, "MessagingServiceSid", SERVICE, "Body", "Hello cust-1"));
  }

  @Test
  void authenticatesWithAnApiKeyWhileTheAccountSidStaysInThePath() {
    twilio.close();
    try (FakeTwilioServer keyed = FakeTwilioServer.builder().apiKey(KEY_SID, "key-secret").start()) {
      TwilioSmsDestination sms =
          TwilioSmsDestination.builder()
              .accountSid(FakeTwilioServer.ACCOUNT_SID)
              .apiKey(KEY_SID, "key-secret")
              .from(FROM)
              .defaultTemplate("Hi")
              .baseUrl(keyed.url())
              .build();

      assertThat(sms.deliver(List.of(cart())).get(0)).isInstanceOf(Outcome.Delivered.class);

      RecordedRequest request = keyed.takeRequest();
      assertThat(request.getHeaders().get("Authorization")).isEqualTo(basic(KEY_SID, "key-secret"));
      assertThat(request.getUrl().encodedPath()).contains("/Accounts/" + FakeTwilioServer.ACCOUNT_SID + "/");
    }
  }

  @Test
  void aRouteTemplateOverridesTheDefaultTemplate() {
    TwilioSmsDestination sms = destination().build();

    sms.deliver(List.of(item("k", event("cust-9").build(), Map.of("template", "{{event_name}} for {{ properties.first_name }}"))));

    assertThat(twilio.messages().get(0).body()).isEqualTo("cart_abandoned for Ada");
  }

  @Test
  void aValueMissingAtRenderTimeRejectsTheItemWithoutARequest() {
    TwilioSmsDestination sms = destination().build();
    DeliveryItem noName = item("k", event("cust-2").properties(Map.of()).build());

    assertThat(sms.deliver(List.of(noName)))
        .containsExactly(Outcome.rejected("template", "$.template: no value for {{properties.first_name}}"));
    assertThat(twilio.requestCount()).isZero();
  }

  @Test
  void anUnknownPlaceholderInARouteTemplateRejectsTheItem() {
    TwilioSmsDestination sms = destination().build();
    DeliveryItem item = item("k", event("c").build(), Map.of("template", "Hi {{commerce.discount}}"));

    Outcome outcome = sms.deliver(List.of(item)).get(0);

    assertThat(outcome).isInstanceOf(Outcome.Rejected.class);
    assertThat(((Outcome.Rejected) outcome).reason())
        .startsWith("$.template: unknown placeholder {{commerce.discount}} at offset 3 (known: ");
    assertThat(twilio.requestCount()).isZero();
  }

  @Test
  void anIdentityWithoutAPhoneIsRejectedWithoutARequest() {
    TwilioSmsDestination sms = destination().build();

    assertThat(sms.deliver(List.of(Fixtures.withPhone(cart(), null))))
        .containsExactly(Outcome.rejected("no_phone", "no phone number: the identity has no E.164 phone"));
    assertThat(twilio.requestCount()).isZero();
  }

  @Test
  void aRecipientWhoRepliedStopIsReportedOptedOut() {
    twilio.optOut(PHONE);
    TwilioSmsDestination sms = destination().build();

    assertThat(sms.deliver(List.of(cart())))
        .containsExactly(
            Outcome.optedOut(
                "21610",
                "recipient opted out: replied STOP; Twilio blocks messages until START"
                    + " (https://www.twilio.com/docs/errors/21610)"));
    assertThat(twilio.messages()).isEmpty();
  }

  @Test
  void invalidNotMobileAndUnverifiedNumbersAreRejectedWithTheirCodesAndNoNumberInTheReason() {
    String invalid = "+14155550001";
    String landline = "+14155550002";
    String unverified = "+14155550003";
    twilio.invalid(invalid).notMobile(landline).unverified(unverified);
    TwilioSmsDestination sms = destination().build();

    List<Outcome> outcomes =
        sms.deliver(
            List.of(
                Fixtures.withPhone(cart(), invalid),
                Fixtures.withPhone(cart(), landline),
                Fixtures.withPhone(cart(), unverified)));

    assertThat(outcomes)
        .containsExactly(
            Outcome.rejected("21211", "invalid To: not a valid phone number (https://www.twilio.com/docs/errors/21211)"),
            Outcome.rejected("21614", "invalid To: not a mobile number (https://www.twilio.com/docs/errors/21614)"),
            Outcome.rejected(
                "21608", "To is not verified for this trial account (https://www.twilio.com/docs/errors/21608)"));
  }

  @Test
  void otherTwilioErrorsAreRejectedWithTheirCodeAndRequestId() {
    TwilioSmsDestination sms =
        TwilioSmsDestination.builder()
            .accountSid(FakeTwilioServer.ACCOUNT_SID)
            .authToken("wrong-token")
            .from(FROM)
            .defaultTemplate("Hi")
            .baseUrl(twilio.url())
            .build();

    Outcome outcome = sms.deliver(List.of(cart())).get(0);

    assertThat(outcome).isInstanceOf(Outcome.Rejected.class);
    Outcome.Rejected rejected = (Outcome.Rejected) outcome;
    assertThat(rejected.code()).isEqualTo("20003");
    assertThat(rejected.reason())
        .matches("Twilio refused the message: error 20003, HTTP 401, request RQ[0-9a-f]{32}"
            + " \\(https://www.twilio.com/docs/errors/20003\\)");
  }

  @Test
  void tooManyRequestsIsRetryableAfterTheRetryAfterSeconds() {
    twilio.enqueueFault(Fault.tooManyRequests(7));
    TwilioSmsDestination sms = destination().build();

    Outcome outcome = sms.deliver(List.of(cart())).get(0);

    assertThat(outcome).isInstanceOf(Outcome.Retryable.class);
    Outcome.Retryable retryable = (Outcome.Retryable) outcome;
    assertThat(retryable.code()).isEqualTo("20429");
    assertThat(retryable.retryAfter()).isEqualTo(Duration.ofSeconds(7));
    assertThat(twilio.messages()).isEmpty();
  }

  @Test
  void tooManyRequestsWithAnHttpDateWaitsUntilThatDateOnTheInjectedClock() {
    twilio.enqueueFault(Fault.tooManyRequests("Sun, 29 Nov 2026 18:00:30 GMT"));
    TwilioSmsDestination sms = destination().build();

    Outcome.Retryable retryable = (Outcome.Retryable) sms.deliver(List.of(cart())).get(0);

    assertThat(retryable.retryAfter()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void aServerErrorsOutcomeCarriesTheStatusTwiliosCodeAndRequestIdAsFields() {
    twilio.enqueueFault(Fault.status(500));
    TwilioSmsDestination sms = destination().build();

    Outcome outcome = sms.deliver(List.of(cart())).get(0);

    assertThat(outcome.error().httpStatus()).hasValue(500);
    assertThat(outcome.error().code()).isEqualTo("20500");
    assertThat(outcome.error().requestId()).startsWith("RQ");
    assertThat(outcome.error().mayHaveActed()).isTrue();
  }

  @Test
  void aRefusedConnectionsOutcomeSaysTheRequestCannotHaveActed() throws IOException {
    HttpUrl closed;
    try (MockWebServer gone = new MockWebServer()) {
      gone.start();
      closed = gone.url("/");
    }

    Outcome outcome = destination().baseUrl(closed).build().deliver(List.of(cart())).get(0);

    assertThat(outcome.error().mayHaveActed()).isFalse();
    assertThat(outcome.error().httpStatus()).isEmpty();
  }

  @Test
  void aDestinationBuiltWithoutAClientShutsTheOneItCreatedDownWhenClosed() {
    TwilioSmsDestination sms = destination().build();

    sms.close();

    assertThat(sms.ownedClient().dispatcher().executorService().isShutdown()).isTrue();
  }

  @Test
  void aDestinationGivenAClientLeavesItToItsOwnerWhenClosed() {
    OkHttpClient mine = new OkHttpClient();
    TwilioSmsDestination sms = destination().okHttpClient(mine).build();

    sms.close();

    assertThat(sms.ownedClient()).isNull();
    assertThat(mine.dispatcher().executorService().isShutdown()).isFalse();
  }

  @Test
  void aServerErrorIsAnUnknownOutcomeAndIsNeverResent() {
    twilio.enqueueFault(Fault.status(500));
    TwilioSmsDestination sms = destination().build();

    Outcome outcome = sms.deliver(List.of(cart())).get(0);

    assertThat(outcome).isInstanceOf(Outcome.Unknown.class);
    assertThat(((Outcome.Unknown) outcome).code()).isEqualTo("20500");
    assertThat(((Outcome.Unknown) outcome).reason())
        .startsWith("outcome unknown: HTTP 500 after the request was written; the SMS may have been sent, request RQ");
    // twilio-java's own client would have sent it up to 3 times.
    assertThat(twilio.requestCount()).isEqualTo(1);
  }

  @Test
  void aTimeoutAfterTheRequestWasWrittenIsUnknownAndSentExactlyOnce() {
    twilio.enqueueFault(Fault.stall());
    OkHttpClient impatient = new OkHttpClient.Builder().readTimeout(Duration.ofMillis(300)).build();
    TwilioSmsDestination sms = destination().okHttpClient(impatient).build();

    Outcome outcome = sms.deliver(List.of(cart())).get(0);

    assertThat(outcome)
        .isEqualTo(
            Outcome.unknown(
                "outcome unknown: SocketTimeoutException after the request was written; the SMS may have been sent"));
    assertThat(twilio.requestCount()).isEqualTo(1);
    // The fake did act on it: resending would have been a second SMS.
    assertThat(twilio.messages()).hasSize(1);
  }

  @Test
  void aConnectionDroppedAfterTheRequestWasReadIsUnknownEvenWithACallerClientThatRetries() {
    twilio.enqueueFault(Fault.dropAfterRequest());
    OkHttpClient retrying = new OkHttpClient.Builder().retryOnConnectionFailure(true).build();
    TwilioSmsDestination sms = destination().okHttpClient(retrying).build();

    Outcome outcome = sms.deliver(List.of(cart())).get(0);

    assertThat(outcome).isInstanceOf(Outcome.Unknown.class);
    assertThat(((Outcome.Unknown) outcome).reason()).endsWith("after the request was written; the SMS may have been sent");
    assertThat(twilio.requestCount()).isEqualTo(1);
    assertThat(twilio.messages()).hasSize(1);
  }

  @Test
  void aCreatedAnswerWhoseBodyIsCutOffStillCountsAsDelivered() throws IOException {
    try (MockWebServer raw = new MockWebServer()) {
      raw.enqueue(
          new MockResponse.Builder()
              .code(201)
              .body("{\"sid\":\"SM0123456789abcdef0123456789abcdef\",\"status\":\"queued\"}")
              .onResponseBody(new SocketEffect.CloseSocket())
              .build());
      raw.start();
      TwilioSmsDestination sms = destination().baseUrl(raw.url("/")).build();

      assertThat(sms.deliver(List.of(cart()))).containsExactly(Outcome.delivered(null));
      assertThat(raw.getRequestCount()).isEqualTo(1);
    }
  }

  @Test
  void aProxyErrorPageWithoutTwilioJsonIsClassifiedByStatusAlone() throws IOException {
    try (MockWebServer raw = new MockWebServer()) {
      raw.enqueue(new MockResponse.Builder().code(502).body("<html>Bad Gateway</html>").build());
      raw.enqueue(new MockResponse.Builder().code(400).body("<html>Bad Request</html>").build());
      raw.start();
      TwilioSmsDestination sms = destination().baseUrl(raw.url("/")).build();

      assertThat(sms.deliver(List.of(cart(), cart())))
          .containsExactly(
              new Outcome.Unknown(
                  "outcome unknown: HTTP 502 after the request was written; the SMS may have been sent", "502"),
              Outcome.rejected("http_400", "Twilio refused the message: HTTP 400"));
    }
  }

  @Test
  void aRefusedConnectionIsRetryableBecauseNothingWasSent() throws IOException {
    HttpUrl closed;
    try (MockWebServer gone = new MockWebServer()) {
      gone.start();
      closed = gone.url("/");
    }
    TwilioSmsDestination sms = destination().baseUrl(closed).build();

    assertThat(sms.deliver(List.of(cart())))
        .containsExactly(Outcome.retryable("not sent: ConnectException before the request was written", null));
  }

  @Test
  void aDnsFailureIsRetryableBecauseNothingWasSent() {
    OkHttpClient noDns =
        new OkHttpClient.Builder()
            .dns(host -> {
              throw new UnknownHostException("no DNS in tests: " + host);
            })
            .build();
    TwilioSmsDestination sms = destination().baseUrl("http://twilio.invalid").okHttpClient(noDns).build();

    assertThat(sms.deliver(List.of(cart())))
        .containsExactly(Outcome.retryable("not sent: UnknownHostException before the request was written", null));
  }

  @Test
  void aRegionAndEdgeRouteRequestsToThatTwilioHostThroughTheCallersClient() {
    AtomicReference<HttpUrl> seen = new AtomicReference<>();
    OkHttpClient capturing =
        new OkHttpClient.Builder()
            .addInterceptor(chain -> {
              seen.set(chain.request().url());
              return new Response.Builder()
                  .request(chain.request())
                  .protocol(Protocol.HTTP_1_1)
                  .code(201)
                  .message("Created")
                  .body(ResponseBody.create("{\"sid\":\"SM0123456789abcdef0123456789abcdef\"}", MediaType.get("application/json")))
                  .build();
            })
            .build();
    TwilioSmsDestination sms =
        TwilioSmsDestination.builder()
            .accountSid(FakeTwilioServer.ACCOUNT_SID)
            .authToken(FakeTwilioServer.AUTH_TOKEN)
            .from(FROM)
            .defaultTemplate("Hi")
            .region("ie1")
            .edge("dublin")
            .okHttpClient(capturing)
            .build();

    assertThat(sms.deliver(List.of(cart())))
        .containsExactly(Outcome.delivered("SM0123456789abcdef0123456789abcdef"));
    assertThat(seen.get().host()).isEqualTo("api.dublin.ie1.twilio.com");
    assertThat(seen.get().scheme()).isEqualTo("https");
  }

  @Test
  void deliversABatchItemByItemInOrder() {
    twilio.optOut("+14155550009");
    TwilioSmsDestination sms = destination().build();

    List<Outcome> outcomes = sms.deliver(List.of(cart(), Fixtures.withPhone(cart(), "+14155550009"), cart()));

    assertThat(outcomes).hasSize(3);
    assertThat(outcomes.get(0)).isInstanceOf(Outcome.Delivered.class);
    assertThat(outcomes.get(1)).isInstanceOf(Outcome.OptedOut.class);
    assertThat(outcomes.get(2)).isInstanceOf(Outcome.Delivered.class);
    assertThat(twilio.requestCount()).isEqualTo(3);
  }

  @Test
  void theBuilderNamesTheFieldAndNeverEchoesSecrets() {
    TwilioSmsDestination.Builder b = TwilioSmsDestination.builder();
    assertThatThrownBy(() -> b.accountSid("AC123"))
        .hasMessage("accountSid: must be \"AC\" followed by 32 hex digits");
    assertThatThrownBy(() -> b.apiKey("SKnope", "s3cret-value"))
        .hasMessage("apiKeySid: must be \"SK\" followed by 32 hex digits");
    assertThatThrownBy(() -> b.apiKey(KEY_SID, " "))
        .hasMessage("apiKeySecret: required, was blank");
    assertThatThrownBy(() -> b.messagingServiceSid("MG1"))
        .hasMessage("messagingServiceSid: must be \"MG\" followed by 32 hex digits");
    assertThatThrownBy(() -> b.validityPeriod(Duration.ofHours(11)))
        .hasMessage("validityPeriod: must be whole seconds between 1 and 36000, was PT11H");
    assertThatThrownBy(() -> b.defaultTemplate("Hi {{first_name"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("defaultTemplate: unclosed \"{{\" at offset 3");
  }

  @Test
  void anUnsetEnvironmentVariableGivesTheSettingsNameNotANullPointer() {
    String unset = System.getenv("OUTLANE_TEST_SURELY_UNSET_VARIABLE");
    TwilioSmsDestination.Builder b = TwilioSmsDestination.builder();
    assertThatThrownBy(() -> b.accountSid(unset))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("accountSid: required, was null");
    assertThatThrownBy(() -> b.authToken(unset)).hasMessage("authToken: required, was null");
    assertThatThrownBy(() -> b.apiKey(unset, "s3cret")).hasMessage("apiKeySid: required, was null");
    assertThatThrownBy(() -> b.apiKey(KEY_SID, unset)).hasMessage("apiKeySecret: required, was null");
    assertThatThrownBy(() -> b.from(unset)).hasMessage("from: required, was null");
    assertThatThrownBy(() -> b.messagingServiceSid(unset)).hasMessage("messagingServiceSid: required, was null");
    assertThatThrownBy(() -> b.defaultTemplate(unset)).hasMessage("defaultTemplate: required, was null");
    assertThatThrownBy(() -> b.baseUrl(unset)).hasMessage("baseUrl: required, was null");
    assertThatThrownBy(() -> b.region(unset)).hasMessage("region: required, was null");
    assertThatThrownBy(() -> b.edge(unset)).hasMessage("edge: required, was null");
    assertThatThrownBy(() -> b.name(unset)).hasMessage("name: required, was null");
    assertThatThrownBy(() -> b.okHttpClient(null)).hasMessage("okHttpClient: required, was null");
    assertThatThrownBy(() -> b.clock(null)).hasMessage("clock: required, was null");
    assertThatThrownBy(() -> b.authToken("  ")).hasMessage("authToken: required, was blank");
  }

  @Test
  void aDefaultTemplateWithABarePropertyNameFailsAtBuildTime() {
    assertThatThrownBy(() -> TwilioSmsDestination.builder().defaultTemplate("Hi {{firstname}}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "defaultTemplate: unknown placeholder {{firstname}} at offset 3 (an event property is written"
                + " {{properties.firstname}}; known: ");
  }

  @Test
  void aBaseUrlPathIsKeptAsAPrefixBeforeTwiliosPath() {
    AtomicReference<HttpUrl> seen = new AtomicReference<>();
    TwilioSmsDestination sms = destination().baseUrl("http://127.0.0.1:9/proxy/twilio").okHttpClient(answering201(seen)).build();

    assertThat(sms.deliver(List.of(cart()))).containsExactly(Outcome.delivered("SM0123456789abcdef0123456789abcdef"));
    assertThat(seen.get().toString())
        .isEqualTo("http://127.0.0.1:9/proxy/twilio/2010-04-01/Accounts/" + FakeTwilioServer.ACCOUNT_SID + "/Messages.json");
  }

  @Test
  void aBaseUrlThatAlreadyHoldsTwiliosPathOrIsNoUrlIsRefusedSayingTheExpectedForm() {
    TwilioSmsDestination.Builder b = TwilioSmsDestination.builder();
    assertThatThrownBy(() -> b.baseUrl("https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("baseUrl: expected a base URL like https://api.twilio.com, without /2010-04-01/Accounts/…");
    assertThatThrownBy(() -> b.baseUrl("api.twilio.com"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("baseUrl: expected an http or https URL like https://api.twilio.com");
  }

  private static OkHttpClient answering201(AtomicReference<HttpUrl> seen) {
    return new OkHttpClient.Builder()
        .addInterceptor(chain -> {
          seen.set(chain.request().url());
          return new Response.Builder()
              .request(chain.request())
              .protocol(Protocol.HTTP_1_1)
              .code(201)
              .message("Created")
              .body(ResponseBody.create("{\"sid\":\"SM0123456789abcdef0123456789abcdef\"}", MediaType.get("application/json")))
              .build();
        })
        .build();
  }

  @Test
  void theBuilderRequiresExactlyOneSenderAndOneKindOfCredentials() {
    assertThatThrownBy(() -> TwilioSmsDestination.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("accountSid: required, was not set");
    assertThatThrownBy(
            () -> TwilioSmsDestination.builder().accountSid(FakeTwilioServer.ACCOUNT_SID).from(FROM).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("credentials: set authToken or apiKey");
    assertThatThrownBy(
            () ->
                TwilioSmsDestination.builder()
                    .accountSid(FakeTwilioServer.ACCOUNT_SID)
                    .authToken("t0ken-secret")
                    .apiKey(KEY_SID, "k3y-secret")
                    .from(FROM)
                    .build())
        .hasMessage("credentials: set authToken or apiKey, not both");
    assertThatThrownBy(
            () ->
                TwilioSmsDestination.builder()
                    .accountSid(FakeTwilioServer.ACCOUNT_SID)
                    .authToken("t0ken-secret")
                    .from(FROM)
                    .messagingServiceSid(SERVICE)
                    .build())
        .hasMessage("from, messagingServiceSid: set exactly one (both were set)");
    assertThatThrownBy(
            () -> TwilioSmsDestination.builder().accountSid(FakeTwilioServer.ACCOUNT_SID).authToken("t0ken").build())
        .hasMessage("from, messagingServiceSid: set exactly one (neither was set)");
  }

  @Test
  void toStringShowsTheAccountButNoCredentials() {
    TwilioSmsDestination sms = destination().build();
    assertThat(sms.toString())
        .isEqualTo("TwilioSmsDestination{name=twilio-sms, accountSid=" + FakeTwilioServer.ACCOUNT_SID + "}")
        .doesNotContain(FakeTwilioServer.AUTH_TOKEN);
  }

  private static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

}

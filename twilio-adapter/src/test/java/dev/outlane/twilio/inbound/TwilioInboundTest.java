package dev.outlane.twilio.inbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.outlane.FinalState;
import dev.outlane.Outlane;
import dev.outlane.SubmitResult;
import dev.outlane.contract.AudienceAction;
import dev.outlane.contract.RetentionEvent;
import dev.outlane.deadletter.InMemoryDeadLetterStore;
import dev.outlane.destination.Channel;
import dev.outlane.destination.DestinationLimits;
import dev.outlane.guardrail.InMemorySuppressionStore;
import dev.outlane.guardrail.SuppressionSource;
import dev.outlane.hashing.HashingProfile;
import dev.outlane.identity.Identity;
import dev.outlane.inbound.InboundRequest;
import dev.outlane.inbound.InboundResponse;
import dev.outlane.metrics.InMemoryMetrics;
import dev.outlane.routing.Route;
import dev.outlane.testing.FakeDestination;
import dev.outlane.testing.ManualScheduler;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Twilio inbound receivers, called with {@link InboundRequest}s directly. Signatures are
 * computed independently of our code, e.g.
 * {@code printf '%s' "https://hooks.example.com/twilio/messages?x=1BodySTOPFrom+14155552001MessageSidSM0001To+14155550000" | openssl dgst -sha1 -hmac tok-current -binary | base64}.
 */
class TwilioInboundTest {
  private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
  /** Where the server sees the request: behind a proxy, not the URL Twilio signed. */
  private static final URI SERVER_SIDE = URI.create("http://10.0.0.5:8080/twilio/messages?x=1");
  private static final URI PUBLIC_BASE = URI.create("https://hooks.example.com");
  private static final String PHONE = "+14155552001";

  // openssl as above with Body=STOP / start / HELP under tok-current, then under tok-previous.
  private static final String SIG_STOP = "yEqM6g2sHFk+8LT7JmhG3NwG7aA=";
  private static final String SIG_START = "MpjCbHJE0wJ8eiFW2L/T11SGPAs=";
  private static final String SIG_HELP = "WlYa+DzGfrkSdQ55fXgWmUTzsbI=";
  private static final String SIG_STOP_PREVIOUS_TOKEN = "e0OYS6k5l/fwBpygrIheCKlTsFI=";
  // B='{"Body":"STOP"}'; H=$(printf '%s' "$B" | openssl dgst -sha256 | awk '{print $2}')
  private static final String JSON_BODY = "{\"Body\":\"STOP\"}";
  private static final String JSON_SHA = "d002af3153af51c2c1d960dbb16a19c8641f9f9e3ab473c886a04bc427d5bccc";
  // printf '%s' "https://hooks.example.com/twilio/messages?bodySHA256=$H" | openssl dgst -sha1 -hmac tok-current -binary | base64
  private static final String SIG_JSON = "Sms5cTjUM5WI97/qa/Nlag8WptU=";
  // printf '%s' "https://hooks.example.com/twilio/statusErrorCode21610MessageSidSM0002MessageStatusundeliveredTo+14155552003" | ...
  private static final String SIG_STATUS_21610 = "hov0vPKxHTOJPnbbN1UUvmZ6Gts=";
  // printf '%s' "https://hooks.example.com/twilio/statusMessageSidSM0003MessageStatusdeliveredTo+14155552003" | ...
  private static final String SIG_STATUS_DELIVERED = "MCpiR1E5n9dIVEbKcT+5rokihpk=";

  private final ManualScheduler time = new ManualScheduler(T0);
  private final InMemoryMetrics metrics = new InMemoryMetrics();
  private final InMemorySuppressionStore suppression = new InMemorySuppressionStore();
  private final FakeDestination sms = FakeDestination.builder("sms").clock(time.clock())
      .channel(Channel.SMS).idempotent(false).limits(DestinationLimits.single()).build();
  private final FakeDestination meta = FakeDestination.builder("meta").clock(time.clock())
      .channel(Channel.ADS).hashingProfile(HashingProfile.META).build();
  private final Outlane outlane = Outlane.builder().scheduler(time).clock(time.clock())
      .metrics(metrics).deadLetterStore(new InMemoryDeadLetterStore()).suppressionStore(suppression)
      .destination(sms).destination(meta)
      .route(Route.builder().event("sms_nudge").to("sms").build())
      .route(Route.builder().event("cart_abandoned").to("meta", "aud_cart").build())
      .build();
  private final TwilioInbound twilio = TwilioInbound.builder().outlane(outlane)
      .authToken("tok-current").previousAuthToken("tok-previous").publicBaseUrl(PUBLIC_BASE)
      .metrics(metrics).build();

  @AfterEach
  void close() {
    outlane.close();
  }

  private static String form(String body) {
    return "Body=" + body + "&From=%2B14155552001&MessageSid=SM0001&To=%2B14155550000";
  }

  private static InboundRequest post(URI url, String body, String signature) {
    return InboundRequest.builder("POST", url)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("X-Twilio-Signature", signature)
        .body(body).build();
  }

  private SubmitResult nudge(String eventId, String customerId) {
    CompletionStage<SubmitResult> stage = outlane.submit(RetentionEvent.builder().eventId(eventId)
        .eventName("sms_nudge").source("customerio").customerId(customerId).eventTime(T0)
        .phone(PHONE).build());
    time.runDue();
    CompletableFuture<SubmitResult> f = stage.toCompletableFuture();
    assertThat(f).isDone();
    return f.join();
  }

  @Test
  void aStopSuppressesTheNextEventForThatPhoneOnSmsAndRemovesItFromTheAudience() {
    InboundResponse r = twilio.messages().handle(post(SERVER_SIDE, form("STOP"), SIG_STOP));
    time.runDue();

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Content-Type")).isEqualTo("text/xml; charset=utf-8");
    assertThat(r.bodyText()).isEqualTo("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>");
    assertThat(nudge("e1", "c1").state("sms")).isEqualTo(FinalState.SUPPRESSED);
    assertThat(sms.calls()).isZero();
    assertThat(meta.items()).singleElement().satisfies(item -> {
      assertThat(item.action()).isEqualTo(AudienceAction.Action.REMOVE);
      assertThat(item.target()).isEqualTo("aud_cart");
      assertThat(item.hashed().phoneSha256()).isNotNull();
    });
    assertThat(metrics.inboundCount("twilio-messages", "stop")).isEqualTo(1);
  }

  @Test
  void startLiftsOnlyTheStopAndLeavesAnOperatorsSmsSuppression() {
    twilio.messages().handle(post(SERVER_SIDE, form("STOP"), SIG_STOP));
    time.runDue();
    suppression.suppress(new Identity("c1", null, null), Set.of(Channel.SMS), SuppressionSource.OPERATOR);

    InboundResponse r = twilio.messages().handle(post(SERVER_SIDE, form("start"), SIG_START));

    assertThat(r.status()).isEqualTo(200);
    assertThat(nudge("e1", "c2").state("sms")).isEqualTo(FinalState.DELIVERED);
    assertThat(nudge("e2", "c1").state("sms")).isEqualTo(FinalState.SUPPRESSED); // the operator's
    assertThat(metrics.inboundCount("twilio-messages", "start")).isEqualTo(1);
  }

  @Test
  void helpAndOtherMessagesAreAnsweredWithoutAction() {
    InboundResponse r = twilio.messages().handle(post(SERVER_SIDE, form("HELP"), SIG_HELP));
    time.runDue();
    assertThat(r.status()).isEqualTo(200);
    assertThat(suppression.size()).isZero();
    assertThat(meta.items()).isEmpty();
  }

  @Test
  void theTokenBeingRetiredIsStillAccepted() {
    InboundResponse r =
        twilio.messages().handle(post(SERVER_SIDE, form("STOP"), SIG_STOP_PREVIOUS_TOKEN));
    assertThat(r.status()).isEqualTo(200);
    assertThat(suppression.isSuppressed(new Identity("c1", null, PHONE), Channel.SMS)).isTrue();
  }

  @Test
  void aTamperedBodyAWrongTokenOrAWrongPublicUrlIsRefusedWith401AndNoDetail() {
    InboundRequest tampered = post(SERVER_SIDE, form("STOP").replace("2001", "2009"), SIG_STOP);
    TwilioInbound wrongToken = TwilioInbound.builder().outlane(outlane).authToken("tok-other")
        .publicBaseUrl(PUBLIC_BASE).metrics(metrics).build();
    TwilioInbound wrongUrl = TwilioInbound.builder().outlane(outlane).authToken("tok-current")
        .publicBaseUrl(URI.create("http://10.0.0.5:8080")).metrics(metrics).build();

    for (InboundResponse r : List.of(
        twilio.messages().handle(tampered),
        twilio.messages().handle(post(SERVER_SIDE, form("STOP"), "")),
        wrongToken.messages().handle(post(SERVER_SIDE, form("STOP"), SIG_STOP)),
        wrongUrl.messages().handle(post(SERVER_SIDE, form("STOP"), SIG_STOP)))) {
      assertThat(r.status()).isEqualTo(401);
      assertThat(r.body()).isEmpty();
    }
    assertThat(suppression.size()).isZero();
    assertThat(metrics.inboundCount("twilio-messages", "unauthorized")).isEqualTo(4);
  }

  @Test
  void aJsonBodyIsVerifiedByItsBodySha256() {
    URI url = URI.create("http://10.0.0.5:8080/twilio/messages?bodySHA256=" + JSON_SHA);
    InboundRequest ok = InboundRequest.builder("POST", url).header("Content-Type", "application/json")
        .header("X-Twilio-Signature", SIG_JSON).body(JSON_BODY).build();
    InboundRequest tampered = InboundRequest.builder("POST", url)
        .header("Content-Type", "application/json").header("X-Twilio-Signature", SIG_JSON)
        .body("{\"Body\":\"START\"}").build();

    assertThat(twilio.messages().handle(ok).status()).isEqualTo(200);
    assertThat(twilio.messages().handle(tampered).status()).isEqualTo(401);
  }

  @Test
  void aRetriedIdempotencyTokenActsOnce() {
    InboundRequest first = InboundRequest.builder("POST", SERVER_SIDE)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("X-Twilio-Signature", SIG_STOP).header("I-Twilio-Idempotency-Token", "tok-1")
        .body(form("STOP")).build();
    assertThat(twilio.messages().handle(first).status()).isEqualTo(200);
    time.runDue();
    assertThat(twilio.messages().handle(first).status()).isEqualTo(200);
    time.runDue();

    assertThat(metrics.inboundCount("twilio-messages", "stop")).isEqualTo(1);
    assertThat(metrics.inboundCount("twilio-messages", "duplicate")).isEqualTo(1);
    assertThat(meta.items()).hasSize(1);
  }

  @Test
  void aBodyOverTheLimitIs413BeforeAnyCheck() {
    TwilioInbound small = TwilioInbound.builder().outlane(outlane).authToken("tok-current")
        .publicBaseUrl(PUBLIC_BASE).maxBodyBytes(1024).metrics(metrics).build();
    InboundResponse r = small.messages().handle(post(SERVER_SIDE, "Body=" + "x".repeat(2000), SIG_STOP));
    assertThat(r.status()).isEqualTo(413);
    assertThat(metrics.inboundCount("twilio-messages", "too_large")).isEqualTo(1);
  }

  @Test
  void aClosedClientAnswers503WithRetryAfter() {
    outlane.close();
    InboundResponse r = twilio.messages().handle(post(SERVER_SIDE, form("STOP"), SIG_STOP));
    assertThat(r.status()).isEqualTo(503);
    assertThat(r.header("Retry-After")).isEqualTo("5");
  }

  @Test
  void aStatusCallbackWith21610OptsTheRecipientOutAndEveryStatusIsCounted() {
    URI url = URI.create("http://10.0.0.5:8080/twilio/status");
    InboundResponse r = twilio.statusCallbacks().handle(post(url,
        "MessageSid=SM0002&MessageStatus=undelivered&ErrorCode=21610&To=%2B14155552003",
        SIG_STATUS_21610));
    InboundResponse delivered = twilio.statusCallbacks().handle(post(url,
        "MessageSid=SM0003&MessageStatus=delivered&To=%2B14155552003", SIG_STATUS_DELIVERED));
    time.runDue();

    assertThat(r.status()).isEqualTo(204);
    assertThat(delivered.status()).isEqualTo(204);
    assertThat(suppression.lift(new Identity("", null, "+14155552003"), Set.of(Channel.SMS),
        SuppressionSource.DESTINATION_OPT_OUT)).containsExactly(Channel.SMS);
    assertThat(metrics.inboundCount("twilio-status", "status_undelivered")).isEqualTo(1);
    assertThat(metrics.inboundCount("twilio-status", "status_delivered")).isEqualTo(1);
  }

  @Test
  void keywordsFollowAdvancedOptOutFirstThenTwiliosDefaultList() {
    assertThat(TwilioInbound.keyword("", "  stopall ")).isEqualTo(TwilioInbound.Keyword.STOP);
    assertThat(TwilioInbound.keyword("", "Unstop")).isEqualTo(TwilioInbound.Keyword.START);
    assertThat(TwilioInbound.keyword("", "stop please")).isEqualTo(TwilioInbound.Keyword.NONE);
    assertThat(TwilioInbound.keyword("STOP", "arrêt")).isEqualTo(TwilioInbound.Keyword.STOP);
    assertThat(TwilioInbound.keyword("HELP", "stop")).isEqualTo(TwilioInbound.Keyword.HELP);
  }

  @Test
  void theBuilderNamesWhatIsMissing() {
    assertThatThrownBy(() -> TwilioInbound.builder().outlane(outlane).publicBaseUrl(PUBLIC_BASE).build())
        .isInstanceOf(IllegalStateException.class).hasMessage("authToken: required");
    assertThatThrownBy(() -> TwilioInbound.builder().publicBaseUrl(URI.create("https://h/x?y=1")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("publicBaseUrl: must be an absolute URL without query or fragment, was https://h/x?y=1");
  }

  @Test
  void signMatchesTheOpensslVector() {
    assertThat(TwilioSignature.sign("tok-current", "https://hooks.example.com/twilio/messages?x=1",
        Map.of("Body", List.of("STOP"), "From", List.of(PHONE), "MessageSid", List.of("SM0001"),
            "To", List.of("+14155550000")))).isEqualTo(SIG_STOP);
  }
}

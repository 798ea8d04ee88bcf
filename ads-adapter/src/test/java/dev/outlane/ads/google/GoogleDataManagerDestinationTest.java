package dev.outlane.ads.google;

import static dev.outlane.ads.TestItems.item;
import static dev.outlane.ads.TestItems.people;
import static dev.outlane.contract.AudienceAction.Action.ADD;
import static dev.outlane.contract.AudienceAction.Action.REMOVE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.outlane.ads.testing.FakeGoogleDataManagerServer;
import dev.outlane.destination.Outcome;
import dev.outlane.hashing.HashingProfile;
import dev.outlane.hashing.Sha256;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GoogleDataManagerDestinationTest {
  private static final String TOKEN = "ya29.secret";
  private final FakeGoogleDataManagerServer google = FakeGoogleDataManagerServer.start(TOKEN);
  private final MockWebServer server = google.mockWebServer();
  private GoogleDataManagerDestination destination;

  @BeforeEach
  void start() throws Exception {
    destination = builder(() -> TOKEN).build();
  }

  private GoogleDataManagerDestination.Builder builder(AccessTokenProvider tokens) {
    return GoogleDataManagerDestination.builder().accessTokenProvider(tokens)
        .operatingAccount("GOOGLE_ADS", "123-456-7890").baseUrl(google.url().toString());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void ingestPostsDestinationsMembersAndHexEncodingWithABearerToken() throws Exception {
    GoogleDataManagerDestination withConsent = builder(() -> TOKEN)
        .loginAccount("GOOGLE_ADS", "555")
        .consent("CONSENT_GRANTED", "CONSENT_GRANTED").customerMatchTermsAccepted(true).build();

    List<Outcome> outcomes = withConsent.deliver(List.of(
        item(HashingProfile.GOOGLE, "c1", "ada.lovelace+ads@gmail.com", "+16505551212", "9001", ADD)));

    assertThat(outcomes).containsExactly(Outcome.delivered("fake-request-1"));
    RecordedRequest request = server.takeRequest();
    assertThat(request.getUrl().encodedPath()).isEqualTo("/v1/audienceMembers:ingest");
    assertThat(request.getHeaders().get("Authorization")).isEqualTo("Bearer " + TOKEN);
    String email = Sha256.hex("adalovelace@gmail.com");
    String phone = Sha256.hex("+16505551212");
    assertThat(request.getBody().utf8()).isEqualTo("{\"destinations\":[{\"operatingAccount\":{\"accountType\":"
        + "\"GOOGLE_ADS\",\"accountId\":\"1234567890\"},\"loginAccount\":{\"accountType\":\"GOOGLE_ADS\",\"accountId\":"
        + "\"555\"},\"productDestinationId\":\"9001\"}],\"audienceMembers\":[{\"userData\":{\"userIdentifiers\":["
        + "{\"emailAddress\":\"" + email + "\"},{\"phoneNumber\":\"" + phone + "\"}]}}],\"consent\":{\"adUserData\":"
        + "\"CONSENT_GRANTED\",\"adPersonalization\":\"CONSENT_GRANTED\"},\"termsOfService\":"
        + "{\"customerMatchTermsOfServiceStatus\":\"ACCEPTED\"},\"encoding\":\"HEX\"}");
    assertThat(google.audience("9001")).containsExactlyInAnyOrder("email:" + email, "phone:" + phone);
  }

  @Test
  void removeCallsTheRemoveMethod() throws Exception {
    destination.deliver(List.of(item(HashingProfile.GOOGLE, "c1", "a@example.com", null, "9001", ADD)));
    server.takeRequest();

    destination.deliver(List.of(item(HashingProfile.GOOGLE, "c1", "a@example.com", null, "9001", REMOVE)));

    RecordedRequest request = server.takeRequest();
    assertThat(request.getUrl().encodedPath()).isEqualTo("/v1/audienceMembers:remove");
    assertThat(request.getBody().utf8()).doesNotContain("consent");
    assertThat(google.audience("9001")).isEmpty();
  }

  @Test
  void quotaExhaustionIsRetryableAfterTheRetryAfterHeader() {
    google.failNextWithQuotaExhausted(42);

    Outcome outcome = destination.deliver(List.of(item(HashingProfile.GOOGLE, "c1", "a@example.com", null, "9001", ADD))).get(0);

    assertThat(outcome).isEqualTo(new Outcome.Retryable("Data Manager API quota exhausted (HTTP 429 RESOURCE_EXHAUSTED): "
        + "Quota exceeded for quota metric 'IngestionMutateRequestsPerMinutePerProject'.", "RESOURCE_EXHAUSTED",
        Duration.ofSeconds(42)));
  }

  @Test
  void aRejectedTokenIsAPermanentFailureThatSaysSo() {
    GoogleDataManagerDestination wrong = builder(() -> "expired").build();

    Outcome outcome = wrong.deliver(List.of(item(HashingProfile.GOOGLE, "c1", "a@example.com", null, "9001", ADD))).get(0);

    assertThat(outcome).isEqualTo(new Outcome.Rejected("UNAUTHENTICATED", "access token rejected by the Data Manager "
        + "API (HTTP 401 UNAUTHENTICATED): refresh the token your AccessTokenProvider returns; it needs the "
        + "datamanager scope", false));
  }

  @Test
  void serverErrorsAreRetryableAndOtherErrorsRejectedWithGooglesStatus() {
    google.failNext(503, "UNAVAILABLE", "The service is currently unavailable.");
    google.failNext(403, "PERMISSION_DENIED", "The caller does not have permission.");

    Outcome unavailable = destination.deliver(List.of(item(HashingProfile.GOOGLE, "c1", "a@example.com", null, "9001", ADD))).get(0);
    Outcome denied = destination.deliver(List.of(item(HashingProfile.GOOGLE, "c1", "a@example.com", null, "9001", ADD))).get(0);

    assertThat(unavailable).isEqualTo(new Outcome.Retryable("Data Manager API HTTP 503 UNAVAILABLE: The service is "
        + "currently unavailable.; audience changes are idempotent, so safe to resend", "UNAVAILABLE", null));
    assertThat(denied).isEqualTo(new Outcome.Rejected("PERMISSION_DENIED",
        "Data Manager API HTTP 403 PERMISSION_DENIED: The caller does not have permission.", true));
  }

  @Test
  void aTokenProviderFailureIsRetryableAndSendsNothing() {
    GoogleDataManagerDestination broken = builder(() -> {
      throw new IOException("metadata server unreachable");
    }).build();

    Outcome outcome = broken.deliver(List.of(item(HashingProfile.GOOGLE, "c1", "a@example.com", null, "9001", ADD))).get(0);

    assertThat(outcome).isEqualTo(new Outcome.Retryable("no Google access token available: IOException", null, null));
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void exactlyTenThousandMembersGoInOneRequestAndOneMoreNeedsASecond() {
    destination.deliver(people(HashingProfile.GOOGLE, 10_000, "9002", ADD));
    assertThat(server.getRequestCount()).isEqualTo(1);

    List<Outcome> outcomes = destination.deliver(people(HashingProfile.GOOGLE, 10_001, "9003", ADD));

    assertThat(server.getRequestCount()).isEqualTo(3);
    assertThat(outcomes).allMatch(o -> o instanceof Outcome.Delivered);
    assertThat(google.audience("9003")).hasSize(10_001);
  }

  @Test
  void theBuilderValidatesAccountsAndConsentAsTheyAreSet() {
    assertThatThrownBy(() -> GoogleDataManagerDestination.builder().operatingAccount("ADS", "1"))
        .hasMessage("operatingAccount.accountType: must be one of [DATA_PARTNER, DISPLAY_VIDEO_ADVERTISER, "
            + "DISPLAY_VIDEO_PARTNER, GOOGLE_ADS]");
    assertThatThrownBy(() -> GoogleDataManagerDestination.builder().operatingAccount("GOOGLE_ADS", "12x4"))
        .hasMessage("operatingAccount.accountId: must be digits (dashes allowed)");
    assertThatThrownBy(() -> GoogleDataManagerDestination.builder().consent("YES", null))
        .hasMessage("consent.adUserData: must be CONSENT_GRANTED or CONSENT_DENIED");
  }

  @Test
  void aDestinationBuiltWithoutAClientShutsTheOneItCreatedDownWhenClosed() {
    GoogleDataManagerDestination own = builder(() -> TOKEN).build();

    own.close();

    assertThat(own.httpClient().dispatcher().executorService().isShutdown()).isTrue();
  }

  @Test
  void aDestinationGivenAClientLeavesItToItsOwnerWhenClosed() {
    okhttp3.OkHttpClient mine = new okhttp3.OkHttpClient();
    GoogleDataManagerDestination borrowed = builder(() -> TOKEN).okHttpClient(mine).build();

    borrowed.close();

    assertThat(mine.dispatcher().executorService().isShutdown()).isFalse();
  }
}

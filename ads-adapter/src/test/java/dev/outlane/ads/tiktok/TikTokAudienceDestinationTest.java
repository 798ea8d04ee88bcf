package dev.outlane.ads.tiktok;

import static dev.outlane.ads.TestItems.item;
import static dev.outlane.ads.TestItems.people;
import static dev.outlane.contract.AudienceAction.Action.ADD;
import static dev.outlane.contract.AudienceAction.Action.REMOVE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.outlane.ads.testing.FakeTikTokServer;
import dev.outlane.destination.Outcome;
import dev.outlane.hashing.HashingProfile;
import dev.outlane.hashing.Sha256;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TikTokAudienceDestinationTest {
  private static final String TOKEN = "tt-secret-token";
  private final FakeTikTokServer tiktok = FakeTikTokServer.start(TOKEN);
  private final MockWebServer server = tiktok.mockWebServer();
  private TikTokAudienceDestination destination;

  @BeforeEach
  void start() throws Exception {
    destination = TikTokAudienceDestination.builder().accessToken(TOKEN).advertiserIds("7001", "7002")
        .baseUrl(tiktok.url().toString()).rateLimitBackoff(Duration.ofSeconds(45)).build();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void addPostsTheSegmentMappingWithOneEntryPerSchemaColumn() throws Exception {
    List<Outcome> outcomes = destination.deliver(List.of(
        item(HashingProfile.TIKTOK, "c1", "ada@example.com", "+16505551212", "aud-9", ADD),
        item(HashingProfile.TIKTOK, "c2", "bob@example.com", null, "aud-9", ADD)));

    assertThat(outcomes).containsExactly(Outcome.delivered("fake-request-1"), Outcome.delivered("fake-request-1"));
    RecordedRequest request = server.takeRequest();
    assertThat(request.getMethod()).isEqualTo("POST");
    assertThat(request.getUrl().encodedPath()).isEqualTo("/open_api/v1.3/segment/mapping/");
    assertThat(request.getHeaders().get("Access-Token")).isEqualTo(TOKEN);
    assertThat(request.getHeaders().get("Content-Type")).isEqualTo("application/json; charset=utf-8");
    assertThat(request.getBody().utf8()).isEqualTo("{\"advertiser_ids\":[\"7001\",\"7002\"],\"action\":\"add\","
        + "\"id_schema\":[\"EMAIL_SHA256\",\"PHONE_SHA256\"],\"batch_data\":["
        + "[{\"id\":\"" + Sha256.hex("ada@example.com") + "\",\"audience_ids\":[\"aud-9\"]},"
        + "{\"id\":\"" + Sha256.hex("+16505551212") + "\",\"audience_ids\":[\"aud-9\"]}],"
        + "[{\"id\":\"" + Sha256.hex("bob@example.com") + "\",\"audience_ids\":[\"aud-9\"]},{}]]}");
    assertThat(tiktok.audience("aud-9")).containsExactlyInAnyOrder(
        Sha256.hex("ada@example.com"), Sha256.hex("+16505551212"), Sha256.hex("bob@example.com"));
  }

  @Test
  void removeUsesTheDeleteAction() throws Exception {
    destination.deliver(List.of(item(HashingProfile.TIKTOK, "c1", "ada@example.com", null, "aud-9", ADD)));
    server.takeRequest();

    destination.deliver(List.of(item(HashingProfile.TIKTOK, "c1", "ada@example.com", null, "aud-9", REMOVE)));

    assertThat(server.takeRequest().getBody().utf8()).contains("\"action\":\"delete\"");
    assertThat(tiktok.audience("aud-9")).isEmpty();
  }

  @Test
  void aNonZeroCodeOnHttp200IsNotASuccess() {
    tiktok.failNextWithCode(40002, "batch_data: Invalid value.");

    Outcome outcome = destination.deliver(List.of(item(HashingProfile.TIKTOK, "c1", "a@example.com", null, "aud-9", ADD))).get(0);

    assertThat(outcome).isEqualTo(new Outcome.Rejected("40002",
        "TikTok error 40002: batch_data: Invalid value. (request_id fake-request-1)", true));
  }

  @Test
  void rateLimitCodesAreRetryableAfterTheBackoff() {
    tiktok.failNextWithCode(40100, "Too many requests.");

    Outcome outcome = destination.deliver(List.of(item(HashingProfile.TIKTOK, "c1", "a@example.com", null, "aud-9", ADD))).get(0);

    assertThat(outcome).isEqualTo(new Outcome.Retryable(
        "TikTok rate limit (code 40100): Too many requests. (request_id fake-request-1)", "40100", Duration.ofSeconds(45)));
  }

  @Test
  void aWrongTokenIsRejectedAsAnAuthProblemWithoutShowingTheToken() {
    TikTokAudienceDestination wrong = TikTokAudienceDestination.builder().accessToken("stale").advertiserIds("7001")
        .baseUrl(tiktok.url().toString()).build();

    Outcome outcome = wrong.deliver(List.of(item(HashingProfile.TIKTOK, "c1", "a@example.com", null, "aud-9", ADD))).get(0);

    assertThat(outcome).isEqualTo(new Outcome.Rejected("40105", "TikTok rejected the access token (code 40105): "
        + "Access token is incorrect or has been revoked. (request_id fake-request-1); create a new token with "
        + "audience permissions and update the configuration", false));
  }

  @Test
  void serverErrorCodesAndHttp5xxAreRetryable() {
    tiktok.failNextWithCode(50000, "System error.");
    tiktok.failNextWithHttpStatus(502);

    Outcome code = destination.deliver(List.of(item(HashingProfile.TIKTOK, "c1", "a@example.com", null, "aud-9", ADD))).get(0);
    Outcome http = destination.deliver(List.of(item(HashingProfile.TIKTOK, "c1", "a@example.com", null, "aud-9", ADD))).get(0);

    assertThat(code).isEqualTo(new Outcome.Retryable("TikTok server error (code 50000): System error. "
        + "(request_id fake-request-1)", "50000", null));
    assertThat(http).isEqualTo(new Outcome.Retryable(
        "TikTok HTTP 502; audience changes are idempotent, so safe to resend", "502", null));
  }

  @Test
  void errorCodeSetsAreConfigurableBecauseTikTokDocumentsThemInconsistently() {
    TikTokAudienceDestination custom = TikTokAudienceDestination.builder().accessToken(TOKEN).advertiserIds("7001")
        .baseUrl(tiktok.url().toString()).rateLimitCodes(Set.of(40133L)).build();
    tiktok.failNextWithCode(40133, "Slow down.");

    Outcome outcome = custom.deliver(List.of(item(HashingProfile.TIKTOK, "c1", "a@example.com", null, "aud-9", ADD))).get(0);

    assertThat(outcome).isInstanceOf(Outcome.Retryable.class);
  }

  @Test
  void exactlyTheLimitGoesInOneRequestAndOneMoreNeedsASecond() {
    assertThat(destination.limits().maxItemsPerRequest()).isEqualTo(1_000);
    destination.deliver(people(HashingProfile.TIKTOK, 1_000, "aud-1", ADD));
    assertThat(server.getRequestCount()).isEqualTo(1);

    List<Outcome> outcomes = destination.deliver(people(HashingProfile.TIKTOK, 1_001, "aud-2", ADD));

    assertThat(server.getRequestCount()).isEqualTo(3);
    assertThat(outcomes).allMatch(o -> o instanceof Outcome.Delivered);
    assertThat(tiktok.audience("aud-2")).hasSize(1_001);
  }

  @Test
  void theFakeEnforcesItsLimitWithTikToksErrorCode() {
    TikTokAudienceDestination tooBig = TikTokAudienceDestination.builder().accessToken(TOKEN).advertiserIds("7001")
        .baseUrl(tiktok.url().toString()).maxItemsPerRequest(1_001).build();

    Outcome outcome = tooBig.deliver(people(HashingProfile.TIKTOK, 1_001, "aud-3", ADD)).get(0);

    assertThat(outcome).isEqualTo(new Outcome.Rejected("40002",
        "TikTok error 40002: batch_data: Length must be between 1 and 1000. (request_id fake-request-1)", true));
  }

  @Test
  void itemsWithoutAnEmailOrPhoneAreRejectedWithoutARequest() {
    Outcome outcome = destination.deliver(List.of(item(HashingProfile.TIKTOK, "c1", null, null, "aud-9", ADD))).get(0);

    assertThat(outcome).isEqualTo(Outcome.rejected(null, "no identifier: TikTok audiences need a hashed email or phone"));
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void aDestinationBuiltWithoutAClientShutsTheOneItCreatedDownWhenClosed() {
    TikTokAudienceDestination own = TikTokAudienceDestination.builder().accessToken(TOKEN).advertiserIds("7001").build();

    own.close();

    assertThat(own.httpClient().dispatcher().executorService().isShutdown()).isTrue();
  }

  @Test
  void aDestinationGivenAClientLeavesItToItsOwnerWhenClosed() {
    okhttp3.OkHttpClient mine = new okhttp3.OkHttpClient();
    TikTokAudienceDestination borrowed = TikTokAudienceDestination.builder().accessToken(TOKEN).advertiserIds("7001").okHttpClient(mine).build();

    borrowed.close();

    assertThat(mine.dispatcher().executorService().isShutdown()).isFalse();
  }
}

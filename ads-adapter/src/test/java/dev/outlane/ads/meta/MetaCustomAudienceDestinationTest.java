package dev.outlane.ads.meta;

import static dev.outlane.ads.TestItems.item;
import static dev.outlane.ads.TestItems.people;
import static dev.outlane.contract.AudienceAction.Action.ADD;
import static dev.outlane.contract.AudienceAction.Action.REMOVE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.outlane.ads.Forms;
import dev.outlane.ads.testing.FakeMetaServer;
import dev.outlane.destination.DeliveryItem;
import dev.outlane.destination.Outcome;
import dev.outlane.hashing.HashedIdentity;
import dev.outlane.hashing.HashingProfile;
import dev.outlane.hashing.Sha256;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MetaCustomAudienceDestinationTest {
  private static final String TOKEN = "EAAB-secret-token";
  private final FakeMetaServer meta = FakeMetaServer.start(TOKEN);
  private final MockWebServer server = meta.mockWebServer();
  private MetaCustomAudienceDestination destination;

  @BeforeEach
  void start() throws Exception {
    destination = MetaCustomAudienceDestination.builder()
        .accessToken(TOKEN)
        .baseUrl(meta.url())
        .okHttpClient(new OkHttpClient.Builder().retryOnConnectionFailure(false).build())
        .rateLimitBackoff(Duration.ofMinutes(5))
        .sessionIds(() -> 777L)
        .build();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void addPostsAFormWithTheMultiKeyPayloadAndTheTokenInTheBody() throws Exception {
    List<Outcome> outcomes = destination.deliver(List.of(
        item(HashingProfile.META, "c1", "ada@example.com", "+16505551212", "2385", ADD),
        item(HashingProfile.META, "c2", null, "+16505551213", "2385", ADD)));

    assertThat(outcomes).containsExactly(new Outcome.Delivered("1", 1L, 1L), new Outcome.Delivered("1", 1L, 1L));
    RecordedRequest request = server.takeRequest();
    assertThat(request.getMethod()).isEqualTo("POST");
    assertThat(request.getUrl().encodedPath()).isEqualTo("/v24.0/2385/users");
    assertThat(request.getUrl().query()).isNull();
    assertThat(request.getHeaders().get("Content-Type")).isEqualTo("application/x-www-form-urlencoded");
    Map<String, String> form = Forms.of(request);
    assertThat(form).containsOnlyKeys("payload", "access_token");
    assertThat(form.get("access_token")).isEqualTo(TOKEN);
    assertThat(form.get("payload")).isEqualTo("{\"schema\":[\"EMAIL\",\"PHONE\",\"EXTERN_ID\"],\"data\":["
        + "[\"" + Sha256.hex("ada@example.com") + "\",\"" + Sha256.hex("16505551212") + "\",\"c1\"],"
        + "[\"\",\"" + Sha256.hex("16505551213") + "\",\"c2\"]]}");
    assertThat(meta.audienceEmailHashes("2385")).containsExactly(Sha256.hex("ada@example.com"));
    assertThat(meta.audience("2385")).hasSize(2);
  }

  @Test
  void removeSendsTheSameRowsWithDelete() throws Exception {
    DeliveryItem add = item(HashingProfile.META, "c1", "ada@example.com", null, "2385", ADD);
    DeliveryItem remove = item(HashingProfile.META, "c1", "ada@example.com", null, "2385", REMOVE);
    destination.deliver(List.of(add));
    server.takeRequest();

    assertThat(destination.deliver(List.of(remove))).allMatch(o -> o instanceof Outcome.Delivered);

    RecordedRequest request = server.takeRequest();
    assertThat(request.getMethod()).isEqualTo("DELETE");
    assertThat(request.getUrl().encodedPath()).isEqualTo("/v24.0/2385/users");
    assertThat(meta.audience("2385")).isEmpty();
  }

  @Test
  void aBatchIsSplitIntoOneRequestPerAudienceAndAction() throws Exception {
    List<Outcome> outcomes = destination.deliver(List.of(
        item(HashingProfile.META, "c1", "a@example.com", null, "111", ADD),
        item(HashingProfile.META, "c2", "b@example.com", null, "222", ADD),
        item(HashingProfile.META, "c3", "c@example.com", null, "111", REMOVE),
        item(HashingProfile.META, "c4", "d@example.com", null, "111", ADD)));

    assertThat(outcomes).hasSize(4).allMatch(o -> o instanceof Outcome.Delivered);
    assertThat(server.getRequestCount()).isEqualTo(3);
    List<String> calls = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      RecordedRequest r = server.takeRequest();
      calls.add(r.getMethod() + " " + r.getUrl().encodedPath() + " rows=" + Forms.of(r).get("payload").split("\\],\\[").length);
    }
    assertThat(calls).containsExactly("POST /v24.0/111/users rows=2", "POST /v24.0/222/users rows=1",
        "DELETE /v24.0/111/users rows=1");
  }

  @Test
  void exactlyTenThousandRowsGoInOneRequestAndOneMoreNeedsASecond() {
    assertThat(destination.limits().maxItemsPerRequest()).isEqualTo(10_000);
    destination.deliver(people(HashingProfile.META, 10_000, "333", ADD));
    assertThat(server.getRequestCount()).isEqualTo(1);

    List<Outcome> outcomes = destination.deliver(people(HashingProfile.META, 10_001, "444", ADD));

    assertThat(server.getRequestCount()).isEqualTo(3);
    assertThat(outcomes).hasSize(10_001).allMatch(o -> o instanceof Outcome.Delivered);
    assertThat(meta.audience("444")).hasSize(10_001);
  }

  @Test
  void theFakeRefusesMoreThanTenThousandRowsWithMetasErrorShape() throws Exception {
    StringBuilder data = new StringBuilder();
    for (int i = 0; i <= 10_000; i++) {
      data.append(i == 0 ? "" : ",").append("[\"").append(Sha256.hex("u" + i)).append("\",\"\",\"\"]");
    }
    okhttp3.Request request = new okhttp3.Request.Builder().url(server.url("/v24.0/2385/users"))
        .post(new okhttp3.FormBody.Builder()
            .add("payload", "{\"schema\":[\"EMAIL\",\"PHONE\",\"EXTERN_ID\"],\"data\":[" + data + "]}")
            .add("access_token", TOKEN).build())
        .build();

    try (okhttp3.Response response = new OkHttpClient().newCall(request).execute()) {
      assertThat(response.code()).isEqualTo(400);
      assertThat(response.body().string()).isEqualTo("{\"error\":{\"message\":\"(#100) Too many users in one request: "
          + "10001 (at most 10000)\",\"type\":\"OAuthException\",\"code\":100,\"error_subcode\":1870050,"
          + "\"fbtrace_id\":\"fake-trace-1\"}}");
    }
  }

  @Test
  void receivedAndInvalidCountsBecomeReceivedAndMatched() {
    HashedIdentity bad = new HashedIdentity("meta", "c2", "NOT-A-HASH", null);
    DeliveryItem good = item(HashingProfile.META, "c1", "a@example.com", null, "2385", ADD);
    DeliveryItem invalid = new DeliveryItem("k2", good.event(), good.identity(), bad, "2385", ADD, Map.of(), 1);

    List<Outcome> outcomes = destination.deliver(List.of(good, invalid));

    long received = outcomes.stream().mapToLong(o -> ((Outcome.Delivered) o).received()).sum();
    long matched = outcomes.stream().mapToLong(o -> ((Outcome.Delivered) o).matched()).sum();
    assertThat(received).isEqualTo(2);
    assertThat(matched).isEqualTo(1);
  }

  @ParameterizedTest
  @CsvSource({"17,", "613,", "80004,", "4,", "100,2446079", "100,1487742"})
  void rateLimitErrorsAreRetryableAfterTheBackoff(long code, Long subcode) {
    meta.failNextWithRateLimit(code, subcode);

    Outcome outcome = destination.deliver(List.of(item(HashingProfile.META, "c1", "a@example.com", null, "2385", ADD))).get(0);

    assertThat(outcome).isInstanceOf(Outcome.Retryable.class);
    Outcome.Retryable r = (Outcome.Retryable) outcome;
    assertThat(r.retryAfter()).isEqualTo(Duration.ofMinutes(5));
    assertThat(r.code()).isEqualTo(subcode == null ? Long.toString(code) : code + "/" + subcode);
    assertThat(r.reason()).startsWith("Meta rate limit (code " + r.code() + "): (#" + code + ") User request limit reached");
  }

  @Test
  void anExpiredTokenIsRejectedWithAClearReasonThatNeverContainsTheToken() {
    meta.failNextWithExpiredToken();

    Outcome outcome = destination.deliver(List.of(item(HashingProfile.META, "c1", "a@example.com", null, "2385", ADD))).get(0);

    assertThat(outcome).isEqualTo(new Outcome.Rejected("190/463", "Meta rejected the access token (code 190/463, "
        + "invalid or expired): Error validating access token: Session has expired. (fbtrace_id fake-trace-1); "
        + "generate a new token and update the configuration", false));
    assertThat(outcome.toString()).doesNotContain(TOKEN);
  }

  @Test
  void aWrongTokenIsRejectedByTheFakeWithCode190() {
    MetaCustomAudienceDestination wrong = MetaCustomAudienceDestination.builder().accessToken("other")
        .baseUrl(meta.url()).build();

    Outcome outcome = wrong.deliver(List.of(item(HashingProfile.META, "c1", "a@example.com", null, "2385", ADD))).get(0);

    assertThat(((Outcome.Rejected) outcome).code()).isEqualTo("190");
  }

  @Test
  void serverErrorsAreRetryableBecauseAudienceChangesAreIdempotent() {
    meta.failNextWithServerError(503);

    Outcome outcome = destination.deliver(List.of(item(HashingProfile.META, "c1", "a@example.com", null, "2385", ADD))).get(0);

    assertThat(outcome).isEqualTo(new Outcome.Retryable(
        "Meta HTTP 503; audience changes are idempotent, so safe to resend", "503", null));
  }

  @Test
  void ioErrorsAreRetryable() {
    meta.failNextWithDisconnect();

    Outcome outcome = destination.deliver(List.of(item(HashingProfile.META, "c1", "a@example.com", null, "2385", ADD))).get(0);

    assertThat(outcome).isInstanceOf(Outcome.Retryable.class);
    assertThat(((Outcome.Retryable) outcome).reason()).startsWith("I/O error talking to Meta (");
  }

  @Test
  void otherClientErrorsAreRejectedWithMetasCodeAndMessage() {
    meta.failNext(400, 100, 1713230L, "Invalid parameter");

    Outcome outcome = destination.deliver(List.of(item(HashingProfile.META, "c1", "a@example.com", null, "2385", ADD))).get(0);

    assertThat(outcome).isEqualTo(new Outcome.Rejected("100/1713230",
        "Meta error 100/1713230 (HTTP 400): Invalid parameter (fbtrace_id fake-trace-1)", true));
  }

  @Test
  void itemsWithoutAnAudienceOrAnIdentifierAreRejectedWithoutARequest() {
    DeliveryItem noTarget = item(HashingProfile.META, "c1", "a@example.com", null, null, ADD);
    DeliveryItem sample = item(HashingProfile.META, "c2", "b@example.com", null, "2385", ADD);
    DeliveryItem noIds = new DeliveryItem("k", sample.event(), sample.identity(),
        new HashedIdentity("meta", " ", null, null), "2385", ADD, Map.of(), 1);

    List<Outcome> outcomes = destination.deliver(List.of(noTarget, noIds));

    assertThat(outcomes).containsExactly(
        Outcome.rejected(null, "target: the route names no Meta audience id"),
        Outcome.rejected(null, "no identifier: the item has no hashed email, phone or external id"));
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void replaceUploadsInSessionBatchesAndSwapsTheMembership() throws Exception {
    destination.deliver(List.of(item(HashingProfile.META, "old", "old@example.com", null, "2385", ADD)));
    server.takeRequest();
    MetaCustomAudienceDestination small = MetaCustomAudienceDestination.builder().accessToken(TOKEN)
        .baseUrl(meta.url()).maxRowsPerRequest(2).sessionIds(() -> 777L).build();
    List<HashedIdentity> members = List.of(
        HashingProfile.META.hash(new dev.outlane.identity.Identity("a", "a@example.com", null)),
        HashingProfile.META.hash(new dev.outlane.identity.Identity("b", "b@example.com", null)),
        HashingProfile.META.hash(new dev.outlane.identity.Identity("c", "c@example.com", null)));

    MetaCustomAudienceDestination.ReplaceResult result = small.replace("2385", members.iterator(), 3);

    assertThat(result).isEqualTo(new MetaCustomAudienceDestination.ReplaceResult(777L, 2, 3, 0));
    RecordedRequest first = server.takeRequest();
    assertThat(first.getUrl().encodedPath()).isEqualTo("/v24.0/2385/usersreplace");
    assertThat(Forms.of(first).get("session"))
        .isEqualTo("{\"session_id\":777,\"batch_seq\":1,\"last_batch_flag\":false,\"estimated_num_total\":3}");
    assertThat(Forms.of(server.takeRequest()).get("session"))
        .isEqualTo("{\"session_id\":777,\"batch_seq\":2,\"last_batch_flag\":true,\"estimated_num_total\":3}");
    assertThat(meta.audienceEmailHashes("2385")).containsExactlyInAnyOrder(
        Sha256.hex("a@example.com"), Sha256.hex("b@example.com"), Sha256.hex("c@example.com"));
  }

  @Test
  void aFailedReplaceThrowsWithTheCodeAndWhetherToRetry() {
    meta.failNextWithRateLimit(17, null);
    List<HashedIdentity> members = List.of(HashingProfile.META.hash(new dev.outlane.identity.Identity("a", "a@example.com", null)));

    assertThatThrownBy(() -> destination.replace("2385", members.iterator(), 0))
        .isInstanceOfSatisfying(MetaApiException.class, e -> {
          assertThat(e.code()).isEqualTo("17");
          assertThat(e.retryable()).isTrue();
        })
        .hasMessage("usersreplace batch 1 failed: Meta rate limit (code 17): (#17) User request limit reached "
            + "(fbtrace_id fake-trace-1)");
  }

  @Test
  void toStringNeverShowsTheToken() {
    assertThat(destination.toString()).doesNotContain(TOKEN);
  }

  @Test
  void aDestinationBuiltWithoutAClientShutsTheOneItCreatedDownWhenClosed() {
    MetaCustomAudienceDestination own = MetaCustomAudienceDestination.builder().accessToken(TOKEN).baseUrl(meta.url()).build();

    own.close();

    assertThat(own.httpClient().dispatcher().executorService().isShutdown()).isTrue();
  }

  @Test
  void aDestinationGivenAClientLeavesItToItsOwnerWhenClosed() {
    okhttp3.OkHttpClient mine = new okhttp3.OkHttpClient();
    MetaCustomAudienceDestination borrowed = MetaCustomAudienceDestination.builder().accessToken(TOKEN).baseUrl(meta.url()).okHttpClient(mine).build();

    borrowed.close();

    assertThat(mine.dispatcher().executorService().isShutdown()).isFalse();
  }

  @Test
  void aServerErrorCarriesItsStatusAndSaysTheRequestMayHaveActed() {
    meta.failNextWithServerError(503);

    Outcome outcome = destination.deliver(List.of(item(HashingProfile.META, "c1", "a@example.com", null, "2385", ADD))).get(0);

    assertThat(outcome.error().httpStatus()).hasValue(503);
    assertThat(outcome.error().mayHaveActed()).isTrue();
    assertThat(outcome.error().message()).isEqualTo("Meta HTTP 503; audience changes are idempotent, so safe to resend");
  }

  @Test
  void anIoErrorBeforeAnyAnswerSaysWhetherTheRequestWasWritten() {
    meta.failNextWithDisconnect();

    Outcome outcome = destination.deliver(List.of(item(HashingProfile.META, "c1", "a@example.com", null, "2385", ADD))).get(0);

    assertThat(outcome.error().httpStatus()).isEmpty();
    assertThat(outcome.error().mayHaveActed()).isTrue();
  }
}

package dev.outlane.ads.testing;

import static dev.outlane.ads.TestItems.people;
import static dev.outlane.contract.AudienceAction.Action.ADD;
import static org.assertj.core.api.Assertions.assertThat;

import dev.outlane.ads.google.GoogleDataManagerDestination;
import dev.outlane.ads.meta.MetaCustomAudienceDestination;
import dev.outlane.ads.tiktok.TikTokAudienceDestination;
import dev.outlane.destination.Outcome;
import dev.outlane.hashing.HashingProfile;
import dev.outlane.testing.Fault;
import java.time.Duration;
import java.util.List;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;

/** The ad fakes take the same {@link Fault}s as the twilio adapter's, applied the same way. */
class AdFakeFaultsTest {
  /** No silent replay by OkHttp, so what the fake did is what the test sees. */
  private static final OkHttpClient ONCE = new OkHttpClient.Builder().retryOnConnectionFailure(false).build();

  @Test
  void aConnectionDroppedAfterTheRequestWasProcessedIsRetryableAndTheAddHappenedOnce() {
    try (FakeMetaServer meta = FakeMetaServer.start("t")) {
      meta.enqueueFault(Fault.dropAfterRequest());
      MetaCustomAudienceDestination audience = MetaCustomAudienceDestination.builder().accessToken("t")
          .baseUrl(meta.url()).okHttpClient(ONCE).build();

      List<Outcome> first = audience.deliver(people(HashingProfile.META, 1, "6001", ADD));
      List<Outcome> resent = audience.deliver(people(HashingProfile.META, 1, "6001", ADD));

      assertThat(first.get(0)).isInstanceOf(Outcome.Retryable.class);
      assertThat(resent.get(0)).isInstanceOf(Outcome.Delivered.class);
      assertThat(meta.audience("6001")).hasSize(1);
      assertThat(meta.rowsAdded("6001")).as("processed by both requests").isEqualTo(2);
      assertThat(meta.requestCount()).isEqualTo(2);
    }
  }

  @Test
  void aTooManyRequestsFaultIsRetryableAfterItsRetryAfterAndNothingIsAdded() {
    try (FakeTikTokServer tiktok = FakeTikTokServer.start("t")) {
      tiktok.enqueueFault(Fault.tooManyRequests(7));
      TikTokAudienceDestination audience = TikTokAudienceDestination.builder().accessToken("t").advertiserIds("1")
          .baseUrl(tiktok.url()).okHttpClient(ONCE).build();

      Outcome outcome = audience.deliver(people(HashingProfile.TIKTOK, 1, "a1", ADD)).get(0);

      assertThat(outcome).isInstanceOf(Outcome.Retryable.class);
      assertThat(((Outcome.Retryable) outcome).retryAfter()).isEqualTo(Duration.ofSeconds(7));
      assertThat(tiktok.audience("a1")).isEmpty();
    }
  }

  @Test
  void aStatusFaultAnswersInTheApisErrorShapeWithoutProcessing() {
    try (FakeGoogleDataManagerServer google = FakeGoogleDataManagerServer.start("t")) {
      google.enqueueFault(Fault.status(503), 1);
      GoogleDataManagerDestination audience = GoogleDataManagerDestination.builder().accessTokenProvider(() -> "t")
          .operatingAccount("GOOGLE_ADS", "1").customerMatchTermsAccepted(true).baseUrl(google.url())
          .okHttpClient(ONCE).build();

      Outcome outcome = audience.deliver(people(HashingProfile.GOOGLE, 1, "9", ADD)).get(0);

      assertThat(outcome).isInstanceOf(Outcome.Retryable.class);
      assertThat(((Outcome.Retryable) outcome).reason()).contains("503");
      assertThat(google.takeRequest().getUrl().encodedPath()).isEqualTo("/v1/audienceMembers:ingest");
      assertThat(google.audience("9")).isEmpty();
      assertThat(audience.deliver(people(HashingProfile.GOOGLE, 1, "9", ADD)).get(0)).isInstanceOf(Outcome.Delivered.class);
    }
  }
}

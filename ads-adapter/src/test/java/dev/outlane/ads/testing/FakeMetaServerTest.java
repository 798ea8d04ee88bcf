package dev.outlane.ads.testing;

import static dev.outlane.ads.TestItems.people;
import static dev.outlane.contract.AudienceAction.Action.ADD;
import static dev.outlane.contract.AudienceAction.Action.REMOVE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.outlane.ads.meta.MetaCustomAudienceDestination;
import dev.outlane.hashing.HashingProfile;
import org.junit.jupiter.api.Test;

class FakeMetaServerTest {
  @Test
  void aCountingOnlyFakeCountsRowsButKeepsNoMembers() {
    try (FakeMetaServer meta = FakeMetaServer.builder("t").countingOnly().start()) {
      MetaCustomAudienceDestination destination = MetaCustomAudienceDestination.builder().accessToken("t")
          .baseUrl(meta.url()).build();

      destination.deliver(people(HashingProfile.META, 5, "1", ADD));
      destination.deliver(people(HashingProfile.META, 2, "1", REMOVE));

      assertThat(meta.rowsAdded("1")).isEqualTo(5);
      assertThat(meta.rowsRemoved("1")).isEqualTo(2);
      assertThat(meta.requestCount()).isEqualTo(2);
      assertThatThrownBy(() -> meta.audience("1"))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("this FakeMetaServer counts only; build it without countingOnly() to keep members");
    }
  }

  @Test
  void aMissingTokenGetsMetasOAuthError() throws Exception {
    try (FakeMetaServer meta = FakeMetaServer.start("t")) {
      okhttp3.Request request = new okhttp3.Request.Builder().url(meta.url().resolve("/v24.0/1/users"))
          .post(okhttp3.RequestBody.create("payload=%7B%7D", okhttp3.MediaType.get("application/x-www-form-urlencoded")))
          .build();
      try (okhttp3.Response response = new okhttp3.OkHttpClient().newCall(request).execute()) {
        assertThat(response.code()).isEqualTo(400);
        assertThat(response.body().string()).isEqualTo("{\"error\":{\"message\":\"An active access token must be used "
            + "to query information.\",\"type\":\"OAuthException\",\"code\":2500,\"fbtrace_id\":\"fake-trace-1\"}}");
      }
      assertThat(meta.takeRequest().getUrl().encodedPath()).isEqualTo("/v24.0/1/users");
    }
  }

  @Test
  void everyAdFakeStartsOnLoopbackWithABaseUrlAndStopsOnClose() throws Exception {
    FakeMetaServer meta = FakeMetaServer.start("t");
    FakeTikTokServer tiktok = FakeTikTokServer.start("t");
    FakeGoogleDataManagerServer google = FakeGoogleDataManagerServer.start("t");
    assertThat(java.net.InetAddress.getByName(meta.url().host()).isLoopbackAddress()).isTrue();
    assertThat(tiktok.url().encodedPath()).isEqualTo("/");
    assertThat(google.url().scheme()).isEqualTo("http");

    okhttp3.HttpUrl url = meta.url();
    meta.close();
    tiktok.close();
    google.close();

    assertThatThrownBy(() -> new okhttp3.OkHttpClient().newCall(new okhttp3.Request.Builder().url(url).build())
            .execute())
        .isInstanceOf(java.io.IOException.class);
  }
}

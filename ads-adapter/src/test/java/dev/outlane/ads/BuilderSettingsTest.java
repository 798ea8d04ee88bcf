package dev.outlane.ads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.outlane.ads.google.GoogleDataManagerDestination;
import dev.outlane.ads.meta.MetaConversionsDestination;
import dev.outlane.ads.meta.MetaCustomAudienceDestination;
import dev.outlane.ads.tiktok.TikTokAudienceDestination;
import dev.outlane.contract.AudienceAction;
import dev.outlane.destination.Destination;
import dev.outlane.destination.Outcome;
import dev.outlane.hashing.HashingProfile;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.junit.jupiter.api.Test;

/** The one rule for bad or missing settings, checked in every ad destination's builder. */
class BuilderSettingsTest {
  private static final String UNSET = System.getenv("OUTLANE_TEST_SURELY_UNSET_VARIABLE");

  @Test
  void anUnsetEnvironmentVariableNamesTheSettingInEveryBuilder() {
    assertThatThrownBy(() -> MetaCustomAudienceDestination.builder().accessToken(UNSET))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("accessToken: required, was null");
    assertThatThrownBy(() -> MetaConversionsDestination.builder().accessToken(UNSET))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("accessToken: required, was null");
    assertThatThrownBy(() -> MetaConversionsDestination.builder().pixelId(UNSET))
        .hasMessage("pixelId: required, was null");
    assertThatThrownBy(() -> TikTokAudienceDestination.builder().accessToken(UNSET))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("accessToken: required, was null");
    assertThatThrownBy(() -> TikTokAudienceDestination.builder().advertiserIds(UNSET))
        .hasMessage("advertiserIds: must not contain a null id");
    assertThatThrownBy(() -> GoogleDataManagerDestination.builder().operatingAccount("GOOGLE_ADS", UNSET))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("operatingAccount.accountId: required, was null");
    assertThatThrownBy(() -> GoogleDataManagerDestination.builder().accessTokenProvider(null))
        .hasMessage("accessTokenProvider: required, was null");
  }

  @Test
  void aBlankTokenIsRefusedWithTheSameWordsEverywhere() {
    assertThatThrownBy(() -> MetaCustomAudienceDestination.builder().accessToken(" "))
        .hasMessage("accessToken: required, was blank");
    assertThatThrownBy(() -> MetaConversionsDestination.builder().accessToken(""))
        .hasMessage("accessToken: required, was blank");
    assertThatThrownBy(() -> TikTokAudienceDestination.builder().accessToken("\t"))
        .hasMessage("accessToken: required, was blank");
  }

  @Test
  void aRequiredSettingNeverSetFailsTheBuildWithAnIllegalState() {
    assertThatThrownBy(() -> MetaCustomAudienceDestination.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("accessToken: required, was not set");
    assertThatThrownBy(() -> MetaConversionsDestination.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("accessToken: required, was not set");
    assertThatThrownBy(() -> TikTokAudienceDestination.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("accessToken: required, was not set");
    assertThatThrownBy(() -> TikTokAudienceDestination.builder().accessToken("t").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("advertiserIds: required, was not set");
    assertThatThrownBy(() -> GoogleDataManagerDestination.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("accessTokenProvider: required, was not set");
    assertThatThrownBy(() -> GoogleDataManagerDestination.builder().accessTokenProvider(() -> "t").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("operatingAccount: required, was not set");
  }

  @Test
  void aNullClientOrClockIsRefusedNamingTheSetting() {
    assertThatThrownBy(() -> MetaCustomAudienceDestination.builder().okHttpClient(null))
        .hasMessage("okHttpClient: required, was null");
    assertThatThrownBy(() -> MetaConversionsDestination.builder().okHttpClient(null))
        .hasMessage("okHttpClient: required, was null");
    assertThatThrownBy(() -> TikTokAudienceDestination.builder().okHttpClient(null))
        .hasMessage("okHttpClient: required, was null");
    assertThatThrownBy(() -> GoogleDataManagerDestination.builder().okHttpClient(null))
        .hasMessage("okHttpClient: required, was null");
    assertThatThrownBy(() -> TikTokAudienceDestination.builder().clock(null)).hasMessage("clock: required, was null");
  }

  @Test
  void aMalformedBaseUrlSaysWhatFormIsExpectedInsteadOfOkHttpsRawMessage() {
    assertThatThrownBy(() -> MetaCustomAudienceDestination.builder().baseUrl("graph.facebook.com"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("baseUrl: expected an http or https URL like https://graph.facebook.com");
    assertThatThrownBy(() -> MetaConversionsDestination.builder().baseUrl("https://graph.facebook.com/v24.0"))
        .hasMessage("baseUrl: expected a base URL like https://graph.facebook.com, without /v24.0/…");
    assertThatThrownBy(() -> TikTokAudienceDestination.builder()
            .baseUrl("https://business-api.tiktok.com/open_api/v1.3/segment/mapping/"))
        .hasMessage("baseUrl: expected a base URL like https://business-api.tiktok.com, without /open_api/v1.3/…");
    assertThatThrownBy(() -> GoogleDataManagerDestination.builder()
            .baseUrl("https://datamanager.googleapis.com/v1/audienceMembers:ingest"))
        .hasMessage("baseUrl: expected a base URL like https://datamanager.googleapis.com,"
            + " without /v1/audienceMembers:ingest");
    assertThatThrownBy(() -> TikTokAudienceDestination.builder().baseUrl("ftp://SECRET@host/"))
        .hasMessage("baseUrl: expected an http or https URL like https://business-api.tiktok.com");
  }

  @Test
  void aBaseUrlWithoutATrailingSlashWorksAndItsPathIsKeptAsAPrefix() {
    List<String> urls = new CopyOnWriteArrayList<>();
    OkHttpClient capturing = answering(urls);
    String base = "http://127.0.0.1:9/proxy";

    deliver(MetaCustomAudienceDestination.builder().accessToken("t").baseUrl(base).okHttpClient(capturing).build(),
        HashingProfile.META, "6001");
    deliver(MetaConversionsDestination.builder().accessToken("t").pixelId("42").baseUrl(base).okHttpClient(capturing)
        .clock(java.time.Clock.fixed(TestItems.NOW, java.time.ZoneOffset.UTC)).build(), HashingProfile.META, null);
    deliver(TikTokAudienceDestination.builder().accessToken("t").advertiserIds("7").baseUrl(base)
        .okHttpClient(capturing).build(), HashingProfile.TIKTOK, "a1");
    deliver(GoogleDataManagerDestination.builder().accessTokenProvider(() -> "t").operatingAccount("GOOGLE_ADS", "1")
        .customerMatchTermsAccepted(true).baseUrl(base).okHttpClient(capturing).build(), HashingProfile.GOOGLE, "9");

    assertThat(urls).containsExactly(
        base + "/v24.0/6001/users",
        base + "/v24.0/42/events",
        base + "/open_api/v1.3/segment/mapping/",
        base + "/v1/audienceMembers:ingest");
  }

  private static void deliver(Destination d, HashingProfile profile, String target) {
    List<Outcome> outcomes = d.deliver(List.of(
        TestItems.item(profile, "c1", "ada@example.com", null, target, AudienceAction.Action.ADD)));
    assertThat(outcomes).hasSize(1);
  }

  private static OkHttpClient answering(List<String> urls) {
    return new OkHttpClient.Builder()
        .addInterceptor(chain -> {
          urls.add(chain.request().url().toString());
          return new Response.Builder()
              .request(chain.request())
              .protocol(Protocol.HTTP_1_1)
              .code(200)
              .message("OK")
              .body(ResponseBody.create("{\"code\":0}", MediaType.get("application/json")))
              .build();
        })
        .build();
  }
}

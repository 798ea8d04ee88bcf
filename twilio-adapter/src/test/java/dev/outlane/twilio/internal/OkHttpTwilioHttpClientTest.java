package dev.outlane.twilio.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.twilio.http.HttpMethod;
import com.twilio.http.Request;
import java.io.IOException;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;

class OkHttpTwilioHttpClientTest {
  @Test
  void reliableRequestMakesExactlyOneAttemptWhateverRetryCodesItIsGiven() throws Exception {
    try (MockWebServer server = new MockWebServer()) {
      for (int i = 0; i < 4; i++) {
        server.enqueue(new MockResponse.Builder().code(503).body("{\"code\":20503,\"status\":503}").build());
      }
      server.start();
      OkHttpTwilioHttpClient client =
          new OkHttpTwilioHttpClient(OkHttpTwilioHttpClient.deriveFrom(new OkHttpClient()), server.url("/"), "test");
      Request request = new Request(HttpMethod.POST, "api", "/2010-04-01/Accounts/AC1/Messages.json");
      request.addPostParam("To", "+14155550123");

      assertThatThrownBy(() -> client.reliableRequest(request, new int[] {500}, 3, 0))
          .isInstanceOf(TwilioCallException.class)
          .hasMessage("Twilio answered HTTP 503");
      assertThatThrownBy(() -> client.reliableRequest(request)).isInstanceOf(TwilioCallException.class);

      assertThat(server.getRequestCount()).isEqualTo(2);
      assertThat(server.takeRequest().getUrl().encodedPath()).isEqualTo("/2010-04-01/Accounts/AC1/Messages.json");
    }
  }

  @Test
  void anOkHttpClientThatRetriesOnConnectionFailureIsRefused() {
    assertThatThrownBy(() -> new OkHttpTwilioHttpClient(new OkHttpClient(), null, "test"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("okHttp: must not retry on connection failure (use OkHttpTwilioHttpClient.deriveFrom)");
  }

  @Test
  void derivingKeepsTheCallersClientUntouched() {
    OkHttpClient caller = new OkHttpClient();
    OkHttpClient derived = OkHttpTwilioHttpClient.deriveFrom(caller);
    assertThat(caller.retryOnConnectionFailure()).isTrue();
    assertThat(derived.retryOnConnectionFailure()).isFalse();
    assertThat(derived.followRedirects()).isFalse();
    assertThat(derived.connectionPool()).isSameAs(caller.connectionPool());
  }
}

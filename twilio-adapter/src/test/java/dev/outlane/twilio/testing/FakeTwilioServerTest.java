package dev.outlane.twilio.testing;

import dev.outlane.testing.Fault;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import okhttp3.Credentials;
import okhttp3.FormBody;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FakeTwilioServerTest {
  private final FakeTwilioServer twilio = FakeTwilioServer.start();
  private final OkHttpClient http = new OkHttpClient();

  @AfterEach
  void stop() {
    twilio.close();
  }

  private String post(String path, String user, String password, FormBody form) throws IOException {
    Request request =
        new Request.Builder()
            .url(twilio.url().resolve(path))
            .header("Authorization", Credentials.basic(user, password))
            .post(form)
            .build();
    try (Response response = http.newCall(request).execute()) {
      return response.code() + " " + response.body().string();
    }
  }

  private String send(FormBody form) throws IOException {
    return post(
        "/2010-04-01/Accounts/" + FakeTwilioServer.ACCOUNT_SID + "/Messages.json",
        FakeTwilioServer.ACCOUNT_SID,
        FakeTwilioServer.AUTH_TOKEN,
        form);
  }

  @Test
  void theFakesBuilderNamesABadSetting() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> FakeTwilioServer.builder().authToken(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("authToken: required, was null");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> FakeTwilioServer.builder().apiKey("SK1", " "))
        .hasMessage("apiKeySecret: required, was blank");
  }

  @Test
  void answersTwilioErrorJsonForEachMissingOrInvalidField() throws IOException {
    assertThat(send(new FormBody.Builder().add("From", "+1415").add("Body", "x").build()))
        .isEqualTo("400 {\"code\":21604,\"message\":\"A 'To' phone number is required.\","
            + "\"more_info\":\"https://www.twilio.com/docs/errors/21604\",\"status\":400}");
    assertThat(send(new FormBody.Builder().add("To", "4155550123").add("From", "+1415").add("Body", "x").build()))
        .startsWith("400 {\"code\":21211,");
    assertThat(send(new FormBody.Builder().add("To", "+14155550123").add("Body", "x").build()))
        .startsWith("400 {\"code\":21603,");
    assertThat(send(new FormBody.Builder().add("To", "+14155550123").add("From", "+1415").build()))
        .startsWith("400 {\"code\":21602,");
    assertThat(twilio.messages()).isEmpty();
    assertThat(twilio.requestCount()).isEqualTo(4);
  }

  @Test
  void refusesWrongCredentialsAndAnotherAccountsPath() throws IOException {
    FormBody ok = new FormBody.Builder().add("To", "+14155550123").add("From", "+1415").add("Body", "x").build();
    assertThat(send(ok)).startsWith("201 ");
    assertThat(post("/2010-04-01/Accounts/" + FakeTwilioServer.ACCOUNT_SID + "/Messages.json",
            FakeTwilioServer.ACCOUNT_SID, "wrong", ok))
        .startsWith("401 {\"code\":20003,");
    assertThat(post("/2010-04-01/Accounts/AC00000000000000000000000000000002/Messages.json",
            FakeTwilioServer.ACCOUNT_SID, FakeTwilioServer.AUTH_TOKEN, ok))
        .startsWith("401 {\"code\":20003,");
    assertThat(post("/2010-04-01/Accounts/" + FakeTwilioServer.ACCOUNT_SID + "/Calls.json",
            FakeTwilioServer.ACCOUNT_SID, FakeTwilioServer.AUTH_TOKEN, ok))
        .startsWith("404 {\"code\":20404,");
  }

  @Test
  void aCreatedMessageIsARealisticResourceWithAnSmSid() throws IOException {
    String answer = send(new FormBody.Builder().add("To", "+14155550123").add("From", "+14155550000").add("Body", "Hi").build());

    String sid = twilio.messages().get(0).sid();
    assertThat(sid).matches("SM[0-9a-f]{32}");
    assertThat(answer)
        .startsWith("201 {\"account_sid\":\"" + FakeTwilioServer.ACCOUNT_SID + "\",\"api_version\":\"2010-04-01\",\"body\":\"Hi\"")
        .contains("\"sid\":\"" + sid + "\",\"status\":\"queued\"")
        .contains("\"uri\":\"/2010-04-01/Accounts/" + FakeTwilioServer.ACCOUNT_SID + "/Messages/" + sid + ".json\"");
  }

  @Test
  void aStoppedNumberAnswers21610UntilItOptsBackIn() throws IOException {
    FormBody form = new FormBody.Builder().add("To", "+14155550123").add("From", "+1415").add("Body", "x").build();
    twilio.optOut("+14155550123");
    assertThat(send(form)).startsWith("400 {\"code\":21610,\"message\":\"Attempt to send to unsubscribed recipient\"");
    twilio.optIn("+14155550123");
    assertThat(send(form)).startsWith("201 ");
  }

  @Test
  void scriptedFaultsAreUsedOnceEachInOrder() throws IOException {
    FormBody form = new FormBody.Builder().add("To", "+14155550123").add("From", "+1415").add("Body", "x").build();
    twilio.enqueueFault(Fault.status(502)).enqueueFault(Fault.tooManyRequests(3));

    assertThat(send(form)).startsWith("502 {\"code\":20500,");
    assertThat(send(form)).startsWith("429 {\"code\":20429,");
    assertThat(send(form)).startsWith("201 ");
    assertThat(twilio.messages()).hasSize(1);
  }

  @Test
  void sentMessagesDoNotPrintTheRecipientOrBody() throws IOException {
    send(new FormBody.Builder().add("To", "+14155550123").add("From", "+14155550000").add("Body", "secret").build());
    assertThat(twilio.messages().get(0).toString()).doesNotContain("+14155550123").doesNotContain("secret");
  }
}

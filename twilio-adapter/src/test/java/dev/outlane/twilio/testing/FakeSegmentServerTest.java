package dev.outlane.twilio.testing;

import dev.outlane.testing.Fault;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import okhttp3.Credentials;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.Buffer;
import okio.BufferedSink;
import okio.GzipSink;
import okio.Okio;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FakeSegmentServerTest {
  private final FakeSegmentServer segment = FakeSegmentServer.start("wk");
  private final OkHttpClient http = new OkHttpClient();

  @AfterEach
  void stop() {
    segment.close();
  }

  private String post(String user, String json, boolean gzip) throws IOException {
    Buffer body = new Buffer();
    if (gzip) {
      try (BufferedSink sink = Okio.buffer(new GzipSink(body))) {
        sink.writeUtf8(json);
      }
    } else {
      body.writeUtf8(json);
    }
    Request.Builder request =
        new Request.Builder()
            .url(segment.url().resolve("/v1/batch"))
            .header("Authorization", Credentials.basic(user, ""))
            .post(RequestBody.create(body.readByteString(), MediaType.get("application/json")));
    if (gzip) {
      request.header("Content-Encoding", "gzip");
    }
    try (Response response = http.newCall(request.build()).execute()) {
      return response.code() + " " + response.body().string();
    }
  }

  private static String track(String messageId) {
    return "{\"type\":\"track\",\"messageId\":\"" + messageId + "\",\"userId\":\"u\",\"event\":\"e\"}";
  }

  @Test
  void acceptsAValidBatchPlainOrGzippedAndDedupesByMessageId() throws IOException {
    assertThat(post("wk", "{\"batch\":[" + track("a") + "," + track("b") + "]}", true)).isEqualTo("200 {\"success\":true}");
    assertThat(post("wk", "{\"batch\":[" + track("b") + "," + track("c") + "]}", false)).isEqualTo("200 {\"success\":true}");

    assertThat(segment.uniqueMessageIds()).containsExactlyInAnyOrder("a", "b", "c");
    assertThat(segment.acceptedCount()).isEqualTo(3);
    assertThat(segment.duplicateCount()).isEqualTo(1);
    assertThat(segment.batchCount()).isEqualTo(2);
  }

  @Test
  void anUnsetWriteKeyIsNamedBeforeAnyServerStarts() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> FakeSegmentServer.start(System.getenv("OUTLANE_TEST_SURELY_UNSET_VARIABLE")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("writeKey: required, was null");
  }

  @Test
  void refusesAWrongWriteKey() throws IOException {
    assertThat(post("other", "{\"batch\":[]}", false)).isEqualTo("401 {\"success\":false,\"message\":\"Invalid write key\"}");
  }

  @Test
  void refusesEventsWithoutIdentifiersOrMessageIdOrEventName() throws IOException {
    assertThat(post("wk", "{\"batch\":[{\"type\":\"track\",\"messageId\":\"m\",\"event\":\"e\"}]}", false))
        .isEqualTo("400 {\"success\":false,\"message\":\"batch[0]: userId or anonymousId is required\"}");
    assertThat(post("wk", "{\"batch\":[" + track("ok") + ",{\"type\":\"track\",\"userId\":\"u\",\"event\":\"e\"}]}", false))
        .isEqualTo("400 {\"success\":false,\"message\":\"batch[1]: messageId must be a string of 1 to 99 characters\"}");
    assertThat(post("wk", "{\"batch\":[{\"type\":\"track\",\"messageId\":\"m\",\"anonymousId\":\"a\"}]}", false))
        .isEqualTo("400 {\"success\":false,\"message\":\"batch[0]: track requires event\"}");
    assertThat(post("wk", "{\"batch\":[", false)).isEqualTo("400 {\"success\":false,\"message\":\"Invalid JSON\"}");
    assertThat(segment.acceptedCount()).isZero();
  }

  @Test
  void refusesMoreThan2500EventsAndEventsOver32Kb() throws IOException {
    StringBuilder many = new StringBuilder("{\"batch\":[");
    for (int i = 0; i < 2_501; i++) {
      many.append(i == 0 ? "" : ",").append(track("m" + i));
    }
    many.append("]}");
    String big = "{\"type\":\"track\",\"messageId\":\"m\",\"userId\":\"u\",\"event\":\"e\",\"properties\":{\"p\":\""
        + "x".repeat(32_768) + "\"}}";

    assertThat(post("wk", many.toString(), true))
        .isEqualTo("400 {\"success\":false,\"message\":\"Batch of 2501 events exceeds the 2500 events limit\"}");
    assertThat(post("wk", "{\"batch\":[" + big + "]}", true))
        .isEqualTo("400 {\"success\":false,\"message\":\"Event at batch[0] of " + big.length() + " bytes exceeds the 32KB limit\"}");
  }

  @Test
  void scriptedFaultsComeFirstAndInOrder() throws IOException {
    segment.enqueueFault(Fault.status(500)).enqueueFault(Fault.tooManyRequests(1));

    assertThat(post("wk", "{\"batch\":[" + track("a") + "]}", false)).startsWith("500 ");
    assertThat(post("wk", "{\"batch\":[" + track("a") + "]}", false)).startsWith("429 ");
    assertThat(post("wk", "{\"batch\":[" + track("a") + "]}", false)).startsWith("200 ");
    assertThat(segment.requestCount()).isEqualTo(3);
    assertThat(segment.acceptedCount()).isEqualTo(1);
  }
}

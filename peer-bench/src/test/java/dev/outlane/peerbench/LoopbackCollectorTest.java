package dev.outlane.peerbench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class LoopbackCollectorTest {
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void eachUserIdCountsOnceAndAnEventAcceptedAgainIsADuplicateWhetherGzippedOrNot() throws Exception {
    try (LoopbackCollector collector = LoopbackCollector.start(4, FaultPlan.NONE)) {
      HttpResponse<String> plain = post(collector, batch(0, 1), false);
      HttpResponse<String> gzipped = post(collector, batch(1, 2), true);

      assertThat(plain.statusCode()).isEqualTo(200);
      assertThat(gzipped.body()).isEqualTo("{\"success\":true}");
      assertThat(collector.unique()).isEqualTo(3);
      assertThat(collector.duplicates()).isEqualTo(1);
      assertThat(collector.requests()).isEqualTo(2);
      assertThat(collector.allSeenAtNanos()).isZero();
      assertThat(collector.awaitAll(System.nanoTime())).isFalse();
    }
  }

  @Test
  void theFaultPlanAnswers500Then429WithRetryAfterAndFaultedBatchesAreNotAccepted() throws Exception {
    try (LoopbackCollector collector = LoopbackCollector.start(1, new FaultPlan(1, 1, 7))) {
      HttpResponse<String> first = post(collector, batch(0), false);
      HttpResponse<String> second = post(collector, batch(0), false);
      HttpResponse<String> third = post(collector, batch(0), false);

      assertThat(first.statusCode()).isEqualTo(500);
      assertThat(second.statusCode()).isEqualTo(429);
      assertThat(second.headers().firstValue("Retry-After")).hasValue("7");
      assertThat(third.statusCode()).isEqualTo(200);
      assertThat(collector.unique()).isEqualTo(1);
      assertThat(collector.duplicates()).isZero();
      assertThat(collector.awaitAll(System.nanoTime())).isTrue();
      assertThat(collector.gapsAfterMillis(500)).hasSize(1);
      assertThat(collector.gapsAfterMillis(429)).hasSize(1);
    }
  }

  @Test
  void optionsNameTheArgumentAndWhatWasExpected() {
    assertThatThrownBy(() -> Options.parse(new String[] {"--events", "lots"}))
        .hasMessage("--events: expected a number, was \"lots\"");
    assertThatThrownBy(() -> Options.parse(new String[] {"segmnt"}))
        .hasMessage("scenario: unknown \"segmnt\" (known: all, segment, faults, hashing, twilio)");
    assertThatThrownBy(() -> Options.parse(new String[] {"--faults", "160"}))
        .hasMessage("--faults: expected A,B (A×500 then B×429), was \"160\"");
    Options quick = Options.parse(new String[] {"segment", "--events", "20_000", "--pairs", "1"});
    assertThat(quick.scenarios()).containsExactly(Options.Scenario.SEGMENT);
    assertThat(quick.warmup()).isEqualTo(2_000);
    assertThat(quick.faultEvents()).isEqualTo(20_000);
  }

  private static String batch(int... users) {
    StringBuilder json = new StringBuilder("{\"batch\":[");
    for (int i = 0; i < users.length; i++) {
      json.append(i == 0 ? "" : ",").append("{\"type\":\"track\",\"userId\":\"u-").append(users[i])
          .append("\",\"event\":\"cart_abandoned\"}");
    }
    return json.append("]}").toString();
  }

  private HttpResponse<String> post(LoopbackCollector collector, String json, boolean gzip) throws Exception {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(collector.baseUrl() + "/v1/batch"));
    if (gzip) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
        out.write(body);
      }
      body = bytes.toByteArray();
      request.header("Content-Encoding", "gzip");
    }
    return http.send(request.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}

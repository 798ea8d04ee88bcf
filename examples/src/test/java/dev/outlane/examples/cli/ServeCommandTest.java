package dev.outlane.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.outlane.examples.serve.ServeDemo;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code outlane serve} in this JVM: real HTTP on 127.0.0.1, the demo's fakes behind it. */
class ServeCommandTest {
  @TempDir Path tmp;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private ServeRunning running;

  @AfterEach
  void stop() {
    if (running != null) {
      running.shutdown(new PrintWriter(new StringWriter()));
    }
  }

  private ServeRunning start(Map<String, String> env, String... args) throws Exception {
    ServeCommand command = new ServeCommand(env::get);
    new CommandLine(command).parseArgs(args);
    running = command.start(new PrintWriter(out, true), new PrintWriter(err, true));
    return running;
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(running.url() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> postEvent(String token, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(running.url() + "/v1/events"))
        .header("Authorization", "Bearer " + token)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  static String cartAbandoned(String id, String phone) {
    return "{\"schema_version\":\"1.0\",\"event_id\":\"" + id + "\",\"event_name\":\"cart_abandoned\","
        + "\"source\":\"customerio\",\"customer_id\":\"cus_" + id + "\",\"event_time\":\""
        + Instant.now().minus(1, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS) + "\","
        + "\"phone\":\"" + phone + "\",\"consent\":{\"sms\":\"granted\",\"ads\":\"granted\"},"
        + "\"commerce\":{\"cart_value\":\"129.90\",\"currency\":\"EUR\"}}";
  }

  private HttpResponse<String> postCustomerIo(String idempotencyKey, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(running.url() + "/customerio/webhook"))
        .header("Authorization", "Bearer " + ServeCommand.DEMO_TOKEN)
        .header("x-cio-idempotency-key", idempotencyKey)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A Twilio incoming-message webhook, signed as Twilio does (HMAC-SHA1 over URL + sorted params). */
  private HttpResponse<String> postTwilioMessage(String from, String text) throws Exception {
    String url = running.url() + "/twilio/messages";
    java.util.TreeMap<String, String> params = new java.util.TreeMap<>(Map.of(
        "AccountSid", dev.outlane.twilio.testing.FakeTwilioServer.ACCOUNT_SID,
        "MessageSid", "SM" + "0".repeat(31) + "1", "From", from, "To", "+14155550000", "Body", text));
    StringBuilder signed = new StringBuilder(url);
    StringBuilder form = new StringBuilder();
    params.forEach((k, v) -> {
      signed.append(k).append(v);
      form.append(form.length() == 0 ? "" : "&").append(k).append('=')
          .append(java.net.URLEncoder.encode(v, java.nio.charset.StandardCharsets.UTF_8));
    });
    javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA1");
    mac.init(new javax.crypto.spec.SecretKeySpec(dev.outlane.twilio.testing.FakeTwilioServer.AUTH_TOKEN
        .getBytes(java.nio.charset.StandardCharsets.UTF_8), "HmacSHA1"));
    String signature = java.util.Base64.getEncoder().encodeToString(
        mac.doFinal(signed.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    return http.send(HttpRequest.newBuilder(URI.create(url))
        .header("X-Twilio-Signature", signature)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form.toString())).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** What the shipped Liquid template renders, minus event_id: the receiver takes the delivery key. */
  static String customerIoBody(String customer, String phone) {
    return "{\"schema_version\":\"1.0\",\"event_name\":\"cart_abandoned\",\"source\":\"customerio\","
        + "\"customer_id\":\"" + customer + "\",\"event_time\":\""
        + Instant.now().minus(1, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS) + "\","
        + "\"phone\":\"" + phone + "\",\"consent\":{\"sms\":\"granted\",\"ads\":\"granted\"}}";
  }

  @Test
  void aCustomerIoDeliveryRetriedThreeTimesIsOneSmsAtTheFakeTwilio() throws Exception {
    start(Map.of(), "--demo", "--listen", "127.0.0.1:0");
    running.recover(new PrintWriter(out, true), new PrintWriter(err, true));

    for (int attempt = 0; attempt < 4; attempt++) {
      assertThat(postCustomerIo("delivery-1", customerIoBody("cus_1", "+14155550101")).statusCode())
          .as("attempt " + attempt).isEqualTo(202);
    }
    assertThat(running.client().flush(Duration.ofSeconds(10))).isTrue();

    assertThat(running.fakes().twilio().messages()).hasSize(1);
  }

  @Test
  void aStopThroughTheTwilioEndpointSuppressesTheNextSmsAndRemovesThePersonFromTheMetaAudience()
      throws Exception {
    start(Map.of(), "--demo", "--listen", "127.0.0.1:0");
    running.recover(new PrintWriter(out, true), new PrintWriter(err, true));
    assertThat(postCustomerIo("delivery-1", customerIoBody("cus_1", "+14155550101")).statusCode()).isEqualTo(202);
    assertThat(running.client().flush(Duration.ofSeconds(10))).isTrue();
    assertThat(running.fakes().meta().audience(ServeDemo.AUDIENCE_ID)).hasSize(1);

    HttpResponse<String> stop = postTwilioMessage("+14155550101", "STOP");
    assertThat(stop.statusCode()).as(stop.body()).isEqualTo(200);
    assertThat(postCustomerIo("delivery-2", customerIoBody("cus_1", "+14155550101")).statusCode()).isEqualTo(202);
    assertThat(running.client().flush(Duration.ofSeconds(10))).isTrue();

    assertThat(running.fakes().twilio().messages()).hasSize(1);
    assertThat(running.fakes().meta().audience(ServeDemo.AUDIENCE_ID)).isEmpty();
  }

  @Test
  void whileRecoveringHealthzIsUpReadyzIsNotAndTheIntakeAnswers503() throws Exception {
    start(Map.of(), "--demo", "--listen", "127.0.0.1:0");

    assertThat(get("/healthz").statusCode()).isEqualTo(200);
    HttpResponse<String> readyz = get("/readyz");
    assertThat(readyz.statusCode()).isEqualTo(503);
    assertThat(readyz.body()).isEqualTo("recovering\n");
    HttpResponse<String> early = postEvent(ServeCommand.DEMO_TOKEN, cartAbandoned("e1", "+14155550101"));
    assertThat(early.statusCode()).isEqualTo(503);
    assertThat(early.headers().firstValue("Retry-After")).hasValue("1");

    assertThat(running.recover(new PrintWriter(out, true), new PrintWriter(err, true))).isTrue();

    assertThat(get("/readyz").statusCode()).isEqualTo(200);
    assertThat(get("/readyz").body()).isEqualTo("ready\n");
  }

  @Test
  void aDemoEventAnswered202ReachesTheFakeTwilioSegmentAndMeta() throws Exception {
    start(Map.of(), "--demo", "--listen", "127.0.0.1:0");
    running.recover(new PrintWriter(out, true), new PrintWriter(err, true));

    HttpResponse<String> accepted = postEvent(ServeCommand.DEMO_TOKEN, cartAbandoned("e1", "+14155550101"));
    assertThat(accepted.statusCode()).isEqualTo(202);
    assertThat(accepted.body()).isEqualTo("{\"accepted\":true}");
    assertThat(running.client().flush(Duration.ofSeconds(10))).isTrue();

    ServeDemo fakes = running.fakes();
    assertThat(fakes.twilio().messages()).hasSize(1);
    assertThat(fakes.segment().acceptedCount()).isEqualTo(1);
    assertThat(fakes.meta().audience(ServeDemo.AUDIENCE_ID)).hasSize(1);
    assertThat(get("/demo/fakes").body()).isEqualTo("{\"twilio\":{\"requests\":1,\"messages\":[{\"to\":"
        + "\"+1******0101\",\"body\":\"You left something in your cart. Reply STOP to opt out.\"}]},"
        + "\"segment\":{\"events\":1},\"meta\":{\"audience_size\":1}}\n");
  }

  @Test
  void aWrongTokenIs401AndAnInvalidEventIs400WithEveryProblem() throws Exception {
    start(Map.of(), "--demo", "--listen", "127.0.0.1:0");
    running.recover(new PrintWriter(out, true), new PrintWriter(err, true));

    HttpResponse<String> unauthorized = postEvent("wrong", cartAbandoned("e1", "+14155550101"));
    HttpResponse<String> invalid = postEvent(ServeCommand.DEMO_TOKEN,
        "{\"schema_version\":\"1.0\",\"event_name\":\"cart_abandoned\"}");

    assertThat(unauthorized.statusCode()).isEqualTo(401);
    assertThat(unauthorized.body()).isEmpty();
    assertThat(invalid.statusCode()).isEqualTo(400);
    assertThat(invalid.body()).startsWith("{\"problems\":[{\"path\":\"$.event_id\",\"reason\":");
    assertThat(running.fakes().twilio().requestCount()).isZero();
  }

  @Test
  void metricsArePrometheusTextWithInboundAndDeliveryMeters() throws Exception {
    start(Map.of(), "--demo", "--listen", "127.0.0.1:0");
    running.recover(new PrintWriter(out, true), new PrintWriter(err, true));
    postEvent(ServeCommand.DEMO_TOKEN, cartAbandoned("e1", "+14155550101"));
    running.client().flush(Duration.ofSeconds(10));

    // The access log (and its meters) is written right after the answer: scrape until it is in (bounded).
    HttpResponse<String> metrics = get("/metrics");
    for (int i = 0; i < 100 && !metrics.body().contains("endpoint=\"/v1/events\""); i++) {
      metrics = get("/metrics");
    }

    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
    assertThat(metrics.body())
        .contains("outlane_inbound_requests_total{endpoint=\"/v1/events\",status=\"202\"} 1.0")
        .contains("outlane_deliveries_total{destination=\"twilio-sms\",outcome=\"delivered\"");
  }

  @Test
  void durableReadyzIsNotReadyOnceAStoreDirectoryIsGone() throws Exception {
    Path dir = tmp.resolve("data");
    start(Map.of(), "--demo", "--dir", dir.toString(), "--listen", "127.0.0.1:0");
    running.recover(new PrintWriter(out, true), new PrintWriter(err, true));
    assertThat(get("/readyz").statusCode()).isEqualTo(200);

    Files.move(dir.resolve("dead-letters"), tmp.resolve("moved"));

    HttpResponse<String> readyz = get("/readyz");
    assertThat(readyz.statusCode()).isEqualTo(503);
    assertThat(readyz.body()).isEqualTo("durable directory unusable: dead-letters\n");
  }

  @Test
  void withoutDirOrInMemoryItRefusesToStartNamingTheOption() throws Exception {
    ServeCommand command = new ServeCommand(Map.<String, String>of()::get);
    CommandLine cl = new CommandLine(command);
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));

    int code = cl.execute("--config", tmp.resolve("serve.properties").toString());

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).isEqualTo("outlane serve: --dir: required (durable by default), or"
        + " --in-memory to keep nothing on disk" + System.lineSeparator());
  }

  @Test
  void afterShutdownEverythingAcceptedWasDeliveredAndTheExitCodeIsZero() throws Exception {
    start(Map.of(), "--demo", "--listen", "127.0.0.1:0");
    running.recover(new PrintWriter(out, true), new PrintWriter(err, true));
    for (int i = 0; i < 20; i++) {
      assertThat(postEvent(ServeCommand.DEMO_TOKEN, cartAbandoned("e" + i, "+1415555" + (1000 + i))).statusCode())
          .isEqualTo(202);
    }
    ServeDemo fakes = running.fakes();
    int sentBeforeClose;

    StringWriter said = new StringWriter();
    int code = running.shutdown(new PrintWriter(said, true));
    sentBeforeClose = fakes.twilio().messages().size();

    assertThat(code).isZero();
    assertThat(sentBeforeClose).isEqualTo(20);
    assertThat(said.toString()).isEqualTo("stopped: everything accepted was delivered or dead-lettered"
        + System.lineSeparator());
  }
}

package dev.outlane.examples.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.outlane.inbound.InboundRequest;
import dev.outlane.inbound.InboundResponse;
import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.ArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link ExchangeBridge} on a real {@link InboundServer} at 127.0.0.1, driven by the JDK's client. */
class ExchangeBridgeTest {
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  /** The log is written after the answer, so a test waits for its entries (bounded). */
  private final BlockingQueue<AccessLog.Entry> logged = new LinkedBlockingQueue<>();
  private final AtomicInteger calls = new AtomicInteger();
  private final AtomicReference<InboundRequest> seen = new AtomicReference<>();
  private InboundServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private URI start(ExchangeBridge.Builder bridge) {
    server = InboundServer.start(new InetSocketAddress("127.0.0.1", 0), 2, 8,
        List.of(bridge.accessLog(logged::add).nanoTime(() -> calls.get() * 1_000_000L).build()));
    return URI.create("http://127.0.0.1:" + server.port());
  }

  private ExchangeBridge.Builder recording(int status) {
    return ExchangeBridge.builder("/hook", request -> {
      calls.incrementAndGet();
      seen.set(request);
      return InboundResponse.text(status, "ok");
    });
  }

  private List<AccessLog.Entry> awaitLogged(int n) throws InterruptedException {
    List<AccessLog.Entry> entries = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      AccessLog.Entry e = logged.poll(10, TimeUnit.SECONDS);
      assertThat(e).as("access log entry " + (i + 1) + " within 10 s").isNotNull();
      entries.add(e);
    }
    assertThat(logged).as("no further entries").isEmpty();
    return entries;
  }

  private HttpResponse<String> post(URI uri, byte[] body) throws Exception {
    return client.send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aBodyOverTheLimitIsAnswered413AndNeverReachesTheHandler() throws Exception {
    URI base = start(recording(202).maxBodyBytes(10));

    HttpResponse<String> declared = post(base.resolve("/hook"), new byte[11]);
    // Chunked: no Content-Length, so the bridge finds out by reading limit + 1 bytes.
    HttpResponse<String> streamed = client.send(HttpRequest.newBuilder(base.resolve("/hook"))
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(new byte[5000]))).build(),
        HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> atTheLimit = post(base.resolve("/hook"), new byte[10]);

    assertThat(declared.statusCode()).isEqualTo(413);
    assertThat(declared.body()).isEmpty();
    assertThat(streamed.statusCode()).isEqualTo(413);
    assertThat(atTheLimit.statusCode()).isEqualTo(202);
    assertThat(calls.get()).isEqualTo(1);
    assertThat(seen.get().bodyLength()).isEqualTo(10);
  }

  @Test
  void aHandlerThatThrowsIsAnswered500WithAnEmptyBody() throws Exception {
    URI base = start(ExchangeBridge.builder("/hook", request -> {
      throw new IllegalStateException("secret detail +15551234567");
    }));

    HttpResponse<String> response = post(base.resolve("/hook"), "{}".getBytes());

    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(response.body()).isEmpty();
    assertThat(awaitLogged(1)).extracting(AccessLog.Entry::status).containsExactly(500);
  }

  @Test
  void theHandlerSeesTheUrlTheSenderUsedFromThePublicBaseUrl() throws Exception {
    URI base = start(recording(200).publicBaseUrl(URI.create("https://hooks.example.com/outlane")));

    post(base.resolve("/hook?a=1&b=%20"), new byte[0]);

    assertThat(seen.get().url()).isEqualTo(URI.create("https://hooks.example.com/outlane/hook?a=1&b=%20"));
    assertThat(seen.get().method()).isEqualTo("POST");
    assertThat(seen.get().remoteAddress()).isEqualTo("127.0.0.1");
  }

  @Test
  void withoutAPublicBaseUrlTheUrlIsBuiltFromTheHostHeader() throws Exception {
    URI base = start(recording(200));

    post(base.resolve("/hook?x=y"), new byte[0]);

    assertThat(seen.get().url()).isEqualTo(URI.create(base + "/hook?x=y"));
  }

  @Test
  void headersAndBodyArriveUnchanged() throws Exception {
    URI base = start(recording(200));

    client.send(HttpRequest.newBuilder(base.resolve("/hook")).header("X-CIO-Signature", "abc")
        .POST(HttpRequest.BodyPublishers.ofString("{\"a\":1}")).build(), HttpResponse.BodyHandlers.ofString());

    assertThat(seen.get().header("x-cio-signature")).isEqualTo("abc");
    assertThat(seen.get().bodyText()).isEqualTo("{\"a\":1}");
  }

  @Test
  void theAnswersStatusHeadersAndBodyReachTheSender() throws Exception {
    URI base = start(ExchangeBridge.builder("/hook",
        request -> InboundResponse.json(400, "{\"problems\":[]}").withHeader("Retry-After", "3")));

    HttpResponse<String> response = post(base.resolve("/hook"), new byte[0]);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).isEqualTo("{\"problems\":[]}");
    assertThat(response.headers().firstValue("Retry-After")).hasValue("3");
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
  }

  @Test
  void anotherPathUnderTheMountIsAnswered404AndLoggedAsUnmatched() throws Exception {
    URI base = start(recording(200));

    HttpResponse<String> response = post(base.resolve("/hook/+15551234567"), new byte[0]);

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(calls.get()).isZero();
    assertThat(awaitLogged(1)).extracting(AccessLog.Entry::endpoint).containsExactly(ExchangeBridge.UNMATCHED);
  }

  @Test
  void theAccessLogLineHasMethodEndpointStatusDurationAndSizesOnly() throws Exception {
    URI base = start(recording(202));

    post(base.resolve("/hook?email=jane%40example.com"), "{\"email\":\"jane@example.com\"}".getBytes());

    // The fake nanoTime reads 0 ms at the start and 1 ms (one handler call) at the end.
    assertThat(awaitLogged(1)).extracting(AccessLog.Entry::line)
        .containsExactly("POST /hook 202 1.0ms in=28B out=2B");
  }

  @Test
  void aPublicBaseUrlWithATrailingSlashIsRefusedWithTheReason() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> recording(200).publicBaseUrl(URI.create("https://hooks.example.com/")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("publicBaseUrl: must not end in / (the request's path is appended) but was"
            + " \"https://hooks.example.com/\"");
  }
}

package dev.outlane.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.SocketEffect;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpCallerTest {
  private final MockWebServer server = new MockWebServer();
  private final OkHttpClient shared = new OkHttpClient.Builder().retryOnConnectionFailure(false).build();

  @BeforeEach
  void start() throws IOException {
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
    HttpClients.release(shared);
  }

  private Request post() {
    return new Request.Builder().url(server.url("/v1/batch"))
        .post(RequestBody.create("{\"a\":1}", MediaType.get("application/json"))).build();
  }

  @Test
  void anErrorStatusIsAnAnswerWithItsBodyAndRequestId() {
    server.enqueue(new MockResponse.Builder().code(503).setHeader("Request-Id", "RQ7").body("busy").build());
    HttpCaller caller = HttpCaller.create(shared, "Request-Id");

    Exchange exchange = caller.execute(post());

    assertThat(exchange).isInstanceOf(Exchange.Answered.class);
    Exchange.Answered a = (Exchange.Answered) exchange;
    assertThat(a.status()).isEqualTo(503);
    assertThat(a.body()).isEqualTo("busy");
    assertThat(a.requestId()).isEqualTo("RQ7");
    assertThat(a.successful()).isFalse();
  }

  @Test
  void aRefusedConnectionFailsBeforeTheRequestWasWritten() {
    HttpUrl closed;
    try (MockWebServer gone = new MockWebServer()) {
      gone.start();
      closed = gone.url("/");
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    Exchange exchange = HttpCaller.create(shared, null).execute(new Request.Builder().url(closed).build());

    assertThat(exchange).isInstanceOfSatisfying(Exchange.Failed.class, f -> {
      assertThat(f.written()).isFalse();
      assertThat(f.cause()).isInstanceOf(ConnectException.class);
      assertThat(f.responseStatus()).isEmpty();
    });
  }

  @Test
  void aConnectionDroppedAfterTheRequestWasReadFailsAfterItWasWritten() {
    server.enqueue(new MockResponse.Builder().onResponseStart(new SocketEffect.CloseSocket()).build());

    Exchange exchange = HttpCaller.create(shared, null).execute(post());

    assertThat(exchange).isInstanceOfSatisfying(Exchange.Failed.class, f -> {
      assertThat(f.written()).isTrue();
      assertThat(f.acceptedBodyLost()).isFalse();
    });
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void aSuccessWhoseBodyIsCutOffIsReportedAsAcceptedWithItsBodyLost() {
    server.enqueue(new MockResponse.Builder().code(201).setHeader("Request-Id", "RQ9").body("{\"sid\":\"SM1\"}")
        .onResponseBody(new SocketEffect.CloseSocket()).build());

    Exchange exchange = HttpCaller.create(shared, "Request-Id").execute(post());

    assertThat(exchange).isInstanceOfSatisfying(Exchange.Failed.class, f -> {
      assertThat(f.acceptedBodyLost()).isTrue();
      assertThat(f.responseStatus()).hasValue(201);
      assertThat(f.requestId()).isEqualTo("RQ9");
    });
  }

  @Test
  void aCallerBuiltWithoutAClientShutsTheOneItCreatedDownWhenClosed() {
    server.enqueue(new MockResponse.Builder().body("ok").build());
    HttpCaller caller = HttpCaller.create(null, null);
    caller.execute(post());

    caller.close();

    assertThat(caller.ownsClient()).isTrue();
    assertThat(caller.client().dispatcher().executorService().isShutdown()).isTrue();
    assertThat(caller.client().connectionPool().connectionCount()).isZero();
  }

  @Test
  void aCallerGivenAClientLeavesItToItsOwnerWhenClosed() {
    HttpCaller caller = HttpCaller.create(shared, null);

    caller.close();

    assertThat(caller.ownsClient()).isFalse();
    assertThat(shared.dispatcher().executorService().isShutdown()).isFalse();
  }

  @Test
  void aDefaultClientsSocketsHaveNagleOff() throws IOException {
    try (Socket socket = HttpClients.newDefault().socketFactory().createSocket()) {
      assertThat(socket.getTcpNoDelay()).isTrue();
    }
  }
}

package dev.outlane.examples.recipes;

// README:begin
import com.sun.net.httpserver.HttpServer;
import dev.outlane.inbound.InboundHandler;
import dev.outlane.inbound.InboundRequest;
import dev.outlane.inbound.InboundResponse;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.Executors;

/** Any Outlane receiver on the JDK's own HTTP server: no dependency at all. */
public final class JdkServerRecipe {
  private static final int MAX_BODY_BYTES = 256 * 1024;

  private JdkServerRecipe() {}

  /** Serves {@code handler} at {@code path}; {@code publicBaseUrl} e.g. "https://hooks.example.com". */
  public static HttpServer start(InboundHandler handler, String path, String publicBaseUrl,
      InetSocketAddress address) throws IOException {
    HttpServer server = HttpServer.create(address, 0);
    server.createContext(path, exchange -> {
      try (exchange) {
        byte[] body = InboundRequest.readBody(exchange.getRequestBody(), MAX_BODY_BYTES);
        if (body == null) {
          exchange.sendResponseHeaders(413, -1);
          return;
        }
        InboundResponse answer;
        try {
          answer = handler.handle(InboundRequest
              .builder(exchange.getRequestMethod(), URI.create(publicBaseUrl + exchange.getRequestURI()))
              .headers(exchange.getRequestHeaders())
              .remoteAddress(exchange.getRemoteAddress().getAddress().getHostAddress())
              .body(body)
              .build());
        } catch (RuntimeException e) {
          exchange.sendResponseHeaders(500, -1); // a defect: no detail in the answer, ever
          return;
        }
        answer.headers().forEach(exchange.getResponseHeaders()::set);
        byte[] out = answer.body();
        exchange.sendResponseHeaders(answer.status(), out.length == 0 ? -1 : out.length);
        exchange.getResponseBody().write(out);
      }
    });
    server.setExecutor(Executors.newFixedThreadPool(16)); // the JDK default is one thread for all
    server.start();
    return server;
  }
}
// README:end

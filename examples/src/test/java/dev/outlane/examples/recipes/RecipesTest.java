package dev.outlane.examples.recipes;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.outlane.inbound.InboundHandler;
import dev.outlane.inbound.InboundRequest;
import dev.outlane.inbound.InboundResponse;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.ResponseEntity;

/**
 * The README's recipes for mounting a receiver, compiled here and run on real servers at 127.0.0.1:
 * the servlet and the Spring controller in an embedded Jetty, the JDK one on {@code HttpServer}.
 * The README blocks are the {@code README:begin/end} regions of each source, character for character.
 */
class RecipesTest {
  private static final Path README = Path.of("..", "README.md");
  private static final String PUBLIC = "https://hooks.example.com";

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final AtomicReference<InboundRequest> seen = new AtomicReference<>();
  private final InboundHandler recording = request -> {
    seen.set(request);
    return InboundResponse.json(202, "{\"accepted\":true}").withHeader("X-Outlane", "yes");
  };
  private final InboundHandler throwing = request -> {
    throw new IllegalStateException("detail that must not leak");
  };
  private Server jetty;
  private HttpServer jdk;
  private HttpServer jdkThrowing;

  @BeforeEach
  void startServers() throws Exception {
    jetty = new Server(new InetSocketAddress("127.0.0.1", 0));
    ServletContextHandler context = new ServletContextHandler();
    context.addServlet(new ServletHolder(new InboundServlet(recording, PUBLIC)), "/servlet");
    context.addServlet(new ServletHolder(new InboundServlet(throwing, PUBLIC)), "/servlet-boom");
    context.addServlet(new ServletHolder(new SpringDispatch(new WebhookController(recording, PUBLIC))), "/cio/webhook");
    context.addServlet(new ServletHolder(new SpringDispatch(new WebhookController(throwing, PUBLIC))), "/spring-boom");
    jetty.setHandler(context);
    jetty.start();
    jdk = JdkServerRecipe.start(recording, "/jdk", PUBLIC, new InetSocketAddress("127.0.0.1", 0));
    jdkThrowing = JdkServerRecipe.start(throwing, "/jdk", PUBLIC, new InetSocketAddress("127.0.0.1", 0));
  }

  @AfterEach
  void stopServers() throws Exception {
    jetty.stop();
    jdk.stop(0);
    jdkThrowing.stop(0);
  }

  private String jettyUrl() {
    return "http://127.0.0.1:" + ((ServerConnector) jetty.getConnectors()[0]).getLocalPort();
  }

  private HttpResponse<String> post(String url, byte[] body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).header("X-CIO-Signature", "abc")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private void assertRoundTrip(String base, String path) throws Exception {
    HttpResponse<String> response = post(base + path + "?a=1", "{\"x\":1}".getBytes(StandardCharsets.UTF_8));

    assertThat(response.statusCode()).isEqualTo(202);
    assertThat(response.body()).isEqualTo("{\"accepted\":true}");
    assertThat(response.headers().firstValue("X-Outlane")).hasValue("yes");
    assertThat(seen.get().url()).isEqualTo(URI.create(PUBLIC + path + "?a=1"));
    assertThat(seen.get().header("x-cio-signature")).isEqualTo("abc");
    assertThat(seen.get().bodyText()).isEqualTo("{\"x\":1}");
    assertThat(seen.get().remoteAddress()).isEqualTo("127.0.0.1");

    HttpResponse<String> tooLarge = post(base + path, new byte[256 * 1024 + 1]);
    assertThat(tooLarge.statusCode()).isEqualTo(413);
  }

  @Test
  void theServletRecipePassesTheRequestThroughAndAnswers413OverTheLimit() throws Exception {
    assertRoundTrip(jettyUrl(), "/servlet");
  }

  @Test
  void theSpringControllerRecipePassesTheRequestThroughAndAnswers413OverTheLimit() throws Exception {
    assertRoundTrip(jettyUrl(), "/cio/webhook");
  }

  @Test
  void theJdkServerRecipePassesTheRequestThroughAndAnswers413OverTheLimit() throws Exception {
    assertRoundTrip("http://127.0.0.1:" + jdk.getAddress().getPort(), "/jdk");
  }

  @Test
  void everyRecipeAnswersAThrowingHandler500WithAnEmptyBody() throws Exception {
    for (String url : List.of(jettyUrl() + "/servlet-boom", jettyUrl() + "/spring-boom",
        "http://127.0.0.1:" + jdkThrowing.getAddress().getPort() + "/jdk")) {
      HttpResponse<String> response = post(url, new byte[0]);
      assertThat(response.statusCode()).as(url).isEqualTo(500);
      assertThat(response.body()).as(url).isEmpty();
    }
  }

  @Test
  void theReadmeRecipesAreTheMarkedRegionsOfTheirSources() throws IOException {
    List<String> readme = Files.readAllLines(README, StandardCharsets.UTF_8);
    for (String name : List.of("InboundServlet", "WebhookController", "JdkServerRecipe")) {
      String source = "examples/src/test/java/dev/outlane/examples/recipes/" + name + ".java";
      List<String> lines = Files.readAllLines(Path.of("..").resolve(source), StandardCharsets.UTF_8);
      String marker = "<!-- The block below is " + source
          + " (README:begin/end); RecipesTest fails when they differ. -->";
      assertThat(readmeBlock(readme, marker)).as("README vs. " + source + ": copy its region into README.md")
          .isEqualTo(String.join("\n", region(lines)));
    }
  }

  private static List<String> region(List<String> lines) {
    int from = lines.indexOf("// README:begin");
    int to = lines.indexOf("// README:end");
    assertThat(from).as("// README:begin").isNotNegative();
    return lines.subList(from + 1, to);
  }

  private static String readmeBlock(List<String> readme, String marker) {
    int at = readme.indexOf(marker);
    assertThat(at).as("README line " + marker).isNotNegative();
    assertThat(readme.get(at + 1)).as("line after the README marker").isEqualTo("```java");
    int close = readme.subList(at + 2, readme.size()).indexOf("```") + at + 2;
    return String.join("\n", readme.subList(at + 2, close));
  }

  /**
   * What Spring's DispatcherServlet does for the recipe's one method, without the framework: calls
   * it with the request and writes the {@link ResponseEntity} it returns.
   */
  private static final class SpringDispatch extends HttpServlet {
    private final transient WebhookController controller;

    SpringDispatch(WebhookController controller) {
      this.controller = controller;
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      ResponseEntity<byte[]> entity = controller.receive(req);
      resp.setStatus(entity.getStatusCode().value());
      entity.getHeaders().forEach((name, values) -> values.forEach(v -> resp.addHeader(name, v)));
      if (entity.getBody() != null) {
        resp.getOutputStream().write(entity.getBody());
      }
    }
  }
}

package dev.outlane.examples.recipes;

// README:begin
import dev.outlane.inbound.InboundHandler;
import dev.outlane.inbound.InboundRequest;
import dev.outlane.inbound.InboundResponse;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.Collections;

/** Any Outlane receiver as a servlet (Tomcat, Jetty, Spring Boot's embedded container). */
public final class InboundServlet extends HttpServlet {
  private static final int MAX_BODY_BYTES = 256 * 1024;

  private final transient InboundHandler handler;
  /** What senders call, e.g. "https://hooks.example.com": behind a proxy, signatures cover it. */
  private final String publicBaseUrl;

  public InboundServlet(InboundHandler handler, String publicBaseUrl) {
    this.handler = handler;
    this.publicBaseUrl = publicBaseUrl;
  }

  @Override
  protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    byte[] body = InboundRequest.readBody(req.getInputStream(), MAX_BODY_BYTES);
    if (body == null) {
      resp.setStatus(413);
      return;
    }
    String query = req.getQueryString() == null ? "" : "?" + req.getQueryString();
    InboundRequest.Builder in = InboundRequest
        .builder(req.getMethod(), URI.create(publicBaseUrl + req.getRequestURI() + query))
        .remoteAddress(req.getRemoteAddr())
        .body(body);
    for (String name : Collections.list(req.getHeaderNames())) {
      for (String value : Collections.list(req.getHeaders(name))) {
        in.header(name, value);
      }
    }
    InboundResponse answer;
    try {
      answer = handler.handle(in.build());
    } catch (RuntimeException e) {
      resp.setStatus(500); // a defect: no detail in the answer, ever
      return;
    }
    resp.setStatus(answer.status());
    answer.headers().forEach(resp::setHeader);
    resp.getOutputStream().write(answer.body());
  }
}
// README:end

package dev.outlane.examples.recipes;

// README:begin
import dev.outlane.inbound.InboundHandler;
import dev.outlane.inbound.InboundRequest;
import dev.outlane.inbound.InboundResponse;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.net.URI;
import java.util.Collections;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** A Customer.io receiver in Spring MVC: the raw body and headers in, the receiver's answer out. */
@RestController
public class WebhookController {
  private static final int MAX_BODY_BYTES = 256 * 1024;

  private final InboundHandler receiver;
  private final String publicBaseUrl; // e.g. "https://hooks.example.com"

  public WebhookController(InboundHandler receiver, String publicBaseUrl) {
    this.receiver = receiver;
    this.publicBaseUrl = publicBaseUrl;
  }

  @PostMapping("/cio/webhook")
  public ResponseEntity<byte[]> receive(HttpServletRequest request) throws IOException {
    // Read the body yourself (no @RequestBody): signatures are over the exact bytes sent.
    byte[] body = InboundRequest.readBody(request.getInputStream(), MAX_BODY_BYTES);
    if (body == null) {
      return ResponseEntity.status(413).build();
    }
    String query = request.getQueryString() == null ? "" : "?" + request.getQueryString();
    InboundRequest.Builder in = InboundRequest
        .builder(request.getMethod(), URI.create(publicBaseUrl + request.getRequestURI() + query))
        .remoteAddress(request.getRemoteAddr())
        .body(body);
    for (String name : Collections.list(request.getHeaderNames())) {
      Collections.list(request.getHeaders(name)).forEach(value -> in.header(name, value));
    }
    InboundResponse answer;
    try {
      answer = receiver.handle(in.build());
    } catch (RuntimeException e) {
      return ResponseEntity.status(500).build(); // a defect: no detail in the answer, ever
    }
    HttpHeaders headers = new HttpHeaders();
    answer.headers().forEach(headers::set);
    return ResponseEntity.status(answer.status()).headers(headers).body(answer.body());
  }
}
// README:end

package dev.outlane.inbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InboundRequestTest {
  @Test
  void headerNamesIgnoreCaseAndKeepEveryValueInOrder() {
    InboundRequest r = InboundRequest.builder("post", URI.create("https://h.example/cio?a=1"))
        .headers(Map.of("X-CIO-Signature", List.of("a", "b")))
        .body("{}")
        .build();
    assertThat(r.method()).isEqualTo("POST");
    assertThat(r.header("x-cio-signature")).isEqualTo("a");
    assertThat(r.headers().get("X-Cio-Signature")).containsExactly("a", "b");
    assertThat(r.header("missing")).isNull();
  }

  @Test
  void toStringShowsNeitherHeadersNorBody() {
    InboundRequest r = InboundRequest.builder("POST", URI.create("https://h.example/cio?email=a@b.c"))
        .header("Authorization", "Bearer secret")
        .body("{\"email\":\"jane@example.com\"}")
        .build();
    assertThat(r.toString()).isEqualTo("InboundRequest{POST /cio, bodyBytes=28}");
  }

  @Test
  void aRelativeUrlIsRefusedNamingTheField() {
    assertThatThrownBy(() -> InboundRequest.builder("POST", URI.create("/cio")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("url: must be absolute (scheme and host) but was relative");
  }

  @Test
  void readBodyReturnsNullForABodyOverTheLimitAndTheBodyAtTheLimit() throws Exception {
    assertThat(InboundRequest.readBody(new ByteArrayInputStream(new byte[11]), 10)).isNull();
    assertThat(InboundRequest.readBody(new ByteArrayInputStream(new byte[10]), 10)).hasSize(10);
    assertThat(InboundRequest.readBody(new ByteArrayInputStream(new byte[0]), 0)).isEmpty();
  }

  @Test
  void aResponseHeaderIsReplacedIgnoringCaseAndToStringHidesTheBody() {
    InboundResponse r = InboundResponse.json(400, "{\"problems\":[]}")
        .withHeader("content-type", "application/problem+json")
        .withHeader("Retry-After", "1");
    assertThat(r.headers()).containsExactly(
        Map.entry("content-type", "application/problem+json"), Map.entry("Retry-After", "1"));
    assertThat(r.header("RETRY-AFTER")).isEqualTo("1");
    assertThat(r.toString()).isEqualTo("InboundResponse{status=400, bodyBytes=15}");
    assertThatThrownBy(() -> InboundResponse.of(99))
        .hasMessage("status: must be 100..599 but was 99");
  }
}

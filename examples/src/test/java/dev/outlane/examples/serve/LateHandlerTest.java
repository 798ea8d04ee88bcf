package dev.outlane.examples.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.outlane.inbound.InboundRequest;
import dev.outlane.inbound.InboundResponse;
import java.net.URI;
import org.junit.jupiter.api.Test;

class LateHandlerTest {
  private static final InboundRequest REQUEST =
      InboundRequest.builder("POST", URI.create("http://127.0.0.1/hook")).build();

  @Test
  void aCallBeforeTheHandlerIsSetIsADefectNamedInTheException() {
    assertThatThrownBy(() -> new LateHandler().handle(REQUEST))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("handler: not set yet (mount behind Admission)");
  }

  @Test
  void onceSetItAnswersWithTheHandlerAndCannotBeSetAgain() {
    LateHandler late = new LateHandler();
    late.set(request -> InboundResponse.of(202));

    assertThat(late.handle(REQUEST).status()).isEqualTo(202);
    assertThatThrownBy(() -> late.set(request -> InboundResponse.of(500)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("handler: set already");
  }

  @Test
  void behindAdmissionItIsNeverCalledBeforeReady() {
    Admission admission = new Admission();
    LateHandler late = new LateHandler();

    assertThat(admission.admit(late).handle(REQUEST).status()).isEqualTo(503);
  }
}

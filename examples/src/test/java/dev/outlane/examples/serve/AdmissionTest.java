package dev.outlane.examples.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.outlane.inbound.InboundHandler;
import dev.outlane.inbound.InboundRequest;
import dev.outlane.inbound.InboundResponse;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AdmissionTest {
  private static final InboundRequest REQUEST =
      InboundRequest.builder("POST", URI.create("http://127.0.0.1/hook")).build();

  private final Admission admission = new Admission();

  @Test
  void whileRecoveringEveryRequestIsAnswered503WithRetryAfterOneSecond() {
    InboundResponse answer = admission.admit(r -> InboundResponse.of(202)).handle(REQUEST);

    assertThat(answer.status()).isEqualTo(503);
    assertThat(answer.header("Retry-After")).isEqualTo("1");
  }

  @Test
  void onceReadyRequestsReachTheHandler() {
    admission.ready();

    assertThat(admission.admit(r -> InboundResponse.of(202)).handle(REQUEST).status()).isEqualTo(202);
    assertThat(admission.inFlight()).isZero();
  }

  @Test
  void aDrainRefusesNewRequestsAndWaitsForTheOneInFlight() throws Exception {
    admission.ready();
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    InboundHandler slow = admission.admit(r -> {
      entered.countDown();
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return InboundResponse.of(202);
    });
    CompletableFuture<InboundResponse> first = CompletableFuture.supplyAsync(() -> slow.handle(REQUEST));
    assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

    admission.drain();
    InboundResponse late = slow.handle(REQUEST);

    assertThat(late.status()).isEqualTo(503);
    assertThat(late.header("Retry-After")).isEqualTo("5");
    assertThat(admission.awaitIdle(Duration.ZERO)).isFalse();
    release.countDown();
    assertThat(admission.awaitIdle(Duration.ofSeconds(10))).isTrue();
    assertThat(first.get(10, TimeUnit.SECONDS).status()).isEqualTo(202);
  }

  @Test
  void readyAfterADrainDoesNotReopen() {
    admission.drain();
    admission.ready();

    assertThat(admission.state()).isEqualTo(Admission.State.DRAINING);
  }
}

package dev.outlane.destination;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DeliveryErrorTest {
  private static DeliveryError serverError() {
    return DeliveryError.builder("HTTP 503 after the request was written")
        .httpStatus(503)
        .requestId("RQ123")
        .mayHaveActed(true)
        .build();
  }

  @Test
  void anErrorCarriesStatusCodeRequestIdAndWhetherTheRequestMayHaveActed() {
    DeliveryError e = DeliveryError.builder("invalid To").httpStatus(400).code("21211").requestId("RQ1").build();

    assertThat(e.httpStatus()).hasValue(400);
    assertThat(e.code()).isEqualTo("21211");
    assertThat(e.requestId()).isEqualTo("RQ1");
    assertThat(e.mayHaveActed()).isFalse();
    assertThat(e.message()).isEqualTo("invalid To");
    assertThat(e).hasToString(
        "DeliveryError{httpStatus=400, code=21211, requestId=RQ1, mayHaveActed=false, message=invalid To}");
  }

  @Test
  void anErrorWithoutAResponseHasNoStatus() {
    assertThat(DeliveryError.builder("connect refused").build().httpStatus()).isEmpty();
  }

  @Test
  void aRetryIsSafeWhenTheRequestCannotHaveActedOrTheDestinationIsIdempotent() {
    DeliveryError notWritten = DeliveryError.builder("connect refused").build();

    assertThat(notWritten.retrySafeOn(false)).isTrue();
    assertThat(serverError().retrySafeOn(true)).isTrue();
    assertThat(serverError().retrySafeOn(false)).isFalse();
  }

  @Test
  void settingsAreCheckedAsTheyAreSet() {
    assertThatThrownBy(() -> DeliveryError.builder(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("message: required, was blank");
    assertThatThrownBy(() -> DeliveryError.builder("x").httpStatus(99))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("httpStatus: must be 100 to 599");
  }

  @Test
  void toBuilderDerivesAChangedCopy() {
    DeliveryError copy = serverError().toBuilder().code("20500").build();

    assertThat(copy).isEqualTo(DeliveryError.builder("HTTP 503 after the request was written")
        .httpStatus(503).code("20500").requestId("RQ123").mayHaveActed(true).build());
    assertThat(serverError().code()).isNull();
  }

  @Test
  void theFactoriesTakingAnErrorFillCodeAndReasonFromIt() {
    Outcome.Unknown unknown = Outcome.unknown(serverError());
    Outcome.Retryable retryable = Outcome.retryable(
        DeliveryError.builder("rate limited").httpStatus(429).code("20429").build(), Duration.ofSeconds(3));
    Outcome.Rejected rejected = Outcome.rejected(DeliveryError.builder("bad payload").httpStatus(400).build(), true);

    assertThat(unknown).isEqualTo(new Outcome.Unknown("HTTP 503 after the request was written", "503"));
    assertThat(unknown.error()).isEqualTo(serverError());
    assertThat(retryable).isEqualTo(new Outcome.Retryable("rate limited", "20429", Duration.ofSeconds(3)));
    assertThat(rejected).isEqualTo(new Outcome.Rejected("400", "bad payload", true));
    assertThat(rejected.error().httpStatus()).hasValue(400);
  }

  @Test
  void theOlderFactoriesAndConstructorsCarryNoError() {
    assertThat(Outcome.rejected("21211", "invalid To").error()).isNull();
    assertThat(Outcome.retryable("429", null).error()).isNull();
    assertThat(new Outcome.Unknown("timeout", null).error()).isNull();
    assertThat(Outcome.delivered("SM1").error()).isNull();
    assertThat(Outcome.optedOut("21610", "STOP").error()).isNull();
  }

  @Test
  void theErrorIsNotPartOfAnOutcomesEqualityBecauseItDescribesOneAttempt() {
    Outcome first = Outcome.unknown(serverError());
    Outcome second = Outcome.unknown(serverError().toBuilder().requestId("RQ456").build());

    assertThat(first).isEqualTo(second).hasSameHashCodeAs(second);
  }

  @Test
  void anUnknownOutcomesErrorMustSayTheRequestMayHaveActed() {
    assertThatThrownBy(() -> Outcome.unknown(DeliveryError.builder("connect refused").build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("error: an Unknown outcome's error must say mayHaveActed");
  }
}

package dev.outlane.deadletter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.outlane.journal.TestEvents;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DeadLetterTest {
  private static final Instant T0 = Instant.parse("2026-11-29T18:00:00Z");

  private static DeadLetter.Builder complete() {
    return DeadLetter.builder().id("dl-1").event(TestEvents.event(1)).destination("twilio-sms")
        .idempotencyKey("idem-1").reason(DeadLetterReason.REJECTED).detail("HTTP 400")
        .errorCode("21211").attempts(3).firstAttempt(T0).lastAttempt(T0.plusSeconds(90));
  }

  @Test
  void theBuilderSetsEveryAccessor() {
    DeadLetter d = complete().build();

    assertThat(d.id()).isEqualTo("dl-1");
    assertThat(d.event()).isEqualTo(TestEvents.event(1));
    assertThat(d.destination()).isEqualTo("twilio-sms");
    assertThat(d.idempotencyKey()).isEqualTo("idem-1");
    assertThat(d.reason()).isEqualTo(DeadLetterReason.REJECTED);
    assertThat(d.detail()).isEqualTo("HTTP 400");
    assertThat(d.errorCode()).isEqualTo("21211");
    assertThat(d.attempts()).isEqualTo(3);
    assertThat(d.firstAttempt()).isEqualTo(T0);
    assertThat(d.lastAttempt()).isEqualTo(T0.plusSeconds(90));
    assertThat(d.resolved()).isFalse();
  }

  @Test
  @SuppressWarnings("deprecation")
  void theDeprecatedConstructorBuildsTheSameValueAsTheBuilder() {
    DeadLetter positional = new DeadLetter("dl-1", TestEvents.event(1), "twilio-sms", "idem-1",
        DeadLetterReason.REJECTED, "HTTP 400", "21211", 3, T0, T0.plusSeconds(90), false);

    assertThat(positional).isEqualTo(complete().build());
    assertThat(positional.hashCode()).isEqualTo(complete().build().hashCode());
    assertThat(positional.toString()).isEqualTo(complete().build().toString());
  }

  @Test
  void asResolvedAndToBuilderChangeOnlyWhatTheySay() {
    DeadLetter d = complete().build();

    assertThat(d.asResolved()).isEqualTo(complete().resolved(true).build());
    assertThat(d.toBuilder().build()).isEqualTo(d);
    assertThat(d.toBuilder().attempts(4).build()).isNotEqualTo(d);
  }

  @Test
  void optionalFieldsHaveDefaults() {
    DeadLetter d = DeadLetter.builder().id("dl-1").event(TestEvents.event(1)).destination("sms")
        .idempotencyKey("idem-1").reason(DeadLetterReason.RETRIES_EXHAUSTED).detail("timeout")
        .firstAttempt(T0).lastAttempt(T0).build();

    assertThat(d.errorCode()).isNull();
    assertThat(d.attempts()).isZero();
    assertThat(d.resolved()).isFalse();
  }

  @Test
  void buildNamesTheFirstRequiredFieldThatWasNotSet() {
    assertThatThrownBy(() -> DeadLetter.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("id is required");
    assertThatThrownBy(() -> DeadLetter.builder().id("dl-1").event(TestEvents.event(1))
        .destination("sms").idempotencyKey("idem-1").reason(DeadLetterReason.REJECTED)
        .detail("x").firstAttempt(T0).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("lastAttempt is required");
  }

  @Test
  void settersRejectBadValuesAsTheyAreSet() {
    assertThatThrownBy(() -> DeadLetter.builder().detail(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("detail");
    assertThatThrownBy(() -> DeadLetter.builder().attempts(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("attempts must not be negative, was -1");
  }

  @Test
  void toStringDoesNotPrintTheEventsEmailOrPhone() {
    DeadLetter d = complete().build();

    assertThat(d.toString()).doesNotContain(d.event().email()).doesNotContain(d.event().phone());
  }
}

package dev.outlane.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReplayOptionsTest {
  @Test
  void theDefaultsSendAndNeverResendAnUnknownOutcome() {
    ReplayOptions d = ReplayOptions.defaults();

    assertThat(d.dryRun()).isFalse();
    assertThat(d.resendUnknownOutcomes()).isFalse();
    assertThat(d).isEqualTo(ReplayOptions.builder().build());
  }

  @Test
  void eachSettingIsNamedAndToBuilderKeepsTheOthers() {
    ReplayOptions o = ReplayOptions.builder().dryRun(true).resendUnknownOutcomes(true).build();
    ReplayOptions real = o.toBuilder().dryRun(false).build();

    assertThat(o.dryRun()).isTrue();
    assertThat(real.dryRun()).isFalse();
    assertThat(real.resendUnknownOutcomes()).isTrue();
    assertThat(real).hasToString("ReplayOptions{dryRun=false, resendUnknownOutcomes=true}");
  }
}

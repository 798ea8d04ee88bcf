package dev.outlane.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {
  private static final Instant T = Instant.ofEpochSecond(1_733_097_600);
  private static final byte[] BODY = "{\"events\":[]}".getBytes(StandardCharsets.UTF_8);
  private static final Duration FIVE_MINUTES = Duration.ofMinutes(5);

  @Test
  void theSignatureMatchesAVectorComputedIndependentlyWithOpenssl() {
    // printf '%s.%s' 1733097600 '{"events":[]}' | openssl dgst -sha256 -hmac 'whsec_test'
    assertThat(WebhookSignature.sign("whsec_test", T, BODY)).isEqualTo(
        "t=1733097600,v1=a38db6e33dea834af87230b32931ad2753170e860c0b859a3a2e63f09dbcfb85");
  }

  @Test
  void aSignatureVerifiesWithItsSecretWithinTheToleranceAndWithEitherSecretDuringARotation() {
    String header = WebhookSignature.sign("whsec_test", T, BODY);
    assertThat(WebhookSignature.verify(header, BODY, List.of("whsec_test"), T.plusSeconds(299),
        FIVE_MINUTES)).isTrue();
    assertThat(WebhookSignature.verify(header, BODY, List.of("whsec_new", "whsec_test"), T,
        FIVE_MINUTES)).isTrue();
  }

  @Test
  void aTamperedBodyAWrongSecretAnExpiredTimestampAndAMalformedHeaderDoNotVerify() {
    String header = WebhookSignature.sign("whsec_test", T, BODY);
    byte[] tampered = "{\"events\":[1]}".getBytes(StandardCharsets.UTF_8);
    assertThat(WebhookSignature.verify(header, tampered, List.of("whsec_test"), T, FIVE_MINUTES)).isFalse();
    assertThat(WebhookSignature.verify(header, BODY, List.of("whsec_other"), T, FIVE_MINUTES)).isFalse();
    assertThat(WebhookSignature.verify(header, BODY, List.of("whsec_test"), T.plusSeconds(301),
        FIVE_MINUTES)).isFalse();
    assertThat(WebhookSignature.verify(header, BODY, List.of("whsec_test"), T.minusSeconds(301),
        FIVE_MINUTES)).isFalse();
    for (String bad : new String[] {null, "", "t=x,v1=00", "t=1733097600", "v1=zz", "t=1733097600,v1=abc"}) {
      assertThat(WebhookSignature.verify(bad, BODY, List.of("whsec_test"), T, FIVE_MINUTES)).as(bad).isFalse();
    }
  }
}

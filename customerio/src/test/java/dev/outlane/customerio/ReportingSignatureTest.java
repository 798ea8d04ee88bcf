package dev.outlane.customerio;

import static org.assertj.core.api.Assertions.assertThat;

import dev.outlane.customerio.internal.ReportingSignature;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Vectors computed outside Java, with:
 *
 * <pre>
 * printf 'v0:%s:%s' 1764612000 "$BODY" | openssl dgst -sha256 -hmac whsec_test_key_1
 * printf 'v0:%s:%s' 1764612000 "$BODY" | openssl dgst -sha256 -hmac whsec_next_key_2
 * </pre>
 *
 * where {@code BODY} is {@link #UNSUBSCRIBED} exactly.
 */
class ReportingSignatureTest {
  static final String KEY = "whsec_test_key_1";
  static final String NEXT_KEY = "whsec_next_key_2";
  static final String TS = "1764612000";
  static final Instant NOW = Instant.ofEpochSecond(1764612000L);
  static final String UNSUBSCRIBED = "{\"event_id\":\"01E4C4CT6YDC7Y5M7FE1GWWPQJ\",\"object_type\":\"customer\","
      + "\"metric\":\"unsubscribed\",\"timestamp\":1764612000,\"data\":{\"identifiers\":{\"id\":\"cust-42\","
      + "\"email\":\"ada@example.com\",\"cio_id\":\"cio_1\"},\"customer_id\":\"cust-42\","
      + "\"email_address\":\"ada@example.com\"}}";
  static final String SIG_KEY = "ff6327e4517a860baf87b12d0c786421c642ddd689372e6fd1ac1a66154d43e5";
  static final String SIG_NEXT_KEY = "1d785ae25eadf78979bffade59eea17aaa19ccf46991bc6f5f83a6691bdc5a02";

  static ReportingSignature check(String... keys) {
    return new ReportingSignature(
        java.util.Arrays.stream(keys).map(k -> k.getBytes(StandardCharsets.UTF_8)).toList(),
        Duration.ofMinutes(5));
  }

  static byte[] body() {
    return UNSUBSCRIBED.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void ourHmacMatchesTheOpensslVectors() {
    assertThat(HexFormat.of().formatHex(ReportingSignature.sign(KEY.getBytes(StandardCharsets.UTF_8), TS, body())))
        .isEqualTo(SIG_KEY);
    assertThat(check(KEY).verify(TS, SIG_KEY, body(), NOW)).isTrue();
    assertThat(check(KEY).verify(TS, SIG_KEY.toUpperCase(), body(), NOW)).isTrue();
  }

  @Test
  void aTamperedBodyAWrongKeyOrAMalformedHeaderIsRefused() {
    byte[] tampered = UNSUBSCRIBED.replace("cust-42", "cust-43").getBytes(StandardCharsets.UTF_8);

    assertThat(check(KEY).verify(TS, SIG_KEY, tampered, NOW)).isFalse();
    assertThat(check("another-key").verify(TS, SIG_KEY, body(), NOW)).isFalse();
    assertThat(check(KEY).verify("1764612001", SIG_KEY, body(), NOW)).isFalse();
    assertThat(check(KEY).verify(TS, "zz" + SIG_KEY.substring(2), body(), NOW)).isFalse();
    assertThat(check(KEY).verify(TS, SIG_KEY.substring(0, 62), body(), NOW)).isFalse();
    assertThat(check(KEY).verify(null, SIG_KEY, body(), NOW)).isFalse();
    assertThat(check(KEY).verify(TS, null, body(), NOW)).isFalse();
    assertThat(check(KEY).verify("soon", SIG_KEY, body(), NOW)).isFalse();
  }

  @Test
  void aTimestampOutsideTheWindowEitherSideIsRefused() {
    assertThat(check(KEY).verify(TS, SIG_KEY, body(), NOW.plusSeconds(300))).isTrue();
    assertThat(check(KEY).verify(TS, SIG_KEY, body(), NOW.plusSeconds(301))).isFalse();
    assertThat(check(KEY).verify(TS, SIG_KEY, body(), NOW.minusSeconds(301))).isFalse();
  }

  @Test
  void duringRotationEitherKeyVerifies() {
    ReportingSignature both = check(KEY, NEXT_KEY);

    assertThat(both.verify(TS, SIG_KEY, body(), NOW)).isTrue();
    assertThat(both.verify(TS, SIG_NEXT_KEY, body(), NOW)).isTrue();
    assertThat(check(KEY).verify(TS, SIG_NEXT_KEY, body(), NOW)).isFalse();
    assertThat(List.of(SIG_KEY, SIG_NEXT_KEY)).doesNotHaveDuplicates();
  }
}

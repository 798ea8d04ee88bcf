package dev.outlane.twilio.sms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.outlane.ValidationException;
import dev.outlane.metrics.MetricsSink;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class TwilioSignatureValidatorTest {
  private static final String TOKEN = "12345678901234567890123456789012";
  private static final String URL = "https://hooks.example.com/twilio/status?route=cart";
  private static final String SID = "SM0123456789abcdef0123456789abcdef";

  private final RecordingMetrics metrics = new RecordingMetrics();
  private final TwilioSignatureValidator validator = new TwilioSignatureValidator(TOKEN, metrics, "twilio-sms");

  @Test
  void aCorrectlySignedDeliveredCallbackBecomesAnUpdateAndACount() {
    Map<String, String> params =
        Map.of("MessageSid", SID, "MessageStatus", "delivered", "AccountSid", "AC00000000000000000000000000000001", "To", "+14155550123");

    DeliveryStatusUpdate update = validator.handle(URL, params, sign(URL, params));

    assertThat(update).isEqualTo(new DeliveryStatusUpdate(SID, "delivered", null));
    assertThat(update.delivered()).isTrue();
    assertThat(metrics.counts).containsExactly("twilio-sms status_delivered  1");
  }

  @Test
  void anUndeliveredCallbackCarriesItsErrorCodeIntoTheMetrics() {
    Map<String, String> params = Map.of("MessageSid", SID, "MessageStatus", "undelivered", "ErrorCode", "30003");

    DeliveryStatusUpdate update = validator.handle(URL, params, sign(URL, params));

    assertThat(update).isEqualTo(new DeliveryStatusUpdate(SID, "undelivered", "30003"));
    assertThat(update.failed()).isTrue();
    assertThat(metrics.counts).containsExactly("twilio-sms status_undelivered 30003 1");
  }

  @Test
  void aTamperedParameterFailsTheSignatureAndRecordsNothing() {
    Map<String, String> signed = Map.of("MessageSid", SID, "MessageStatus", "failed", "ErrorCode", "30008");
    String signature = sign(URL, signed);
    Map<String, String> tampered = Map.of("MessageSid", SID, "MessageStatus", "delivered", "ErrorCode", "30008");

    assertThat(validator.isValid(URL, signed, signature)).isTrue();
    assertThatThrownBy(() -> validator.handle(URL, tampered, signature))
        .isInstanceOf(TwilioSignatureValidator.InvalidSignatureException.class)
        .hasMessage("X-Twilio-Signature: does not match the URL and parameters");
    assertThatThrownBy(() -> validator.handle(URL, signed, null)).hasMessage("X-Twilio-Signature: missing");
    assertThat(metrics.counts).isEmpty();
  }

  @Test
  void aSignatureForAnotherUrlIsRejected() {
    Map<String, String> params = Map.of("MessageSid", SID, "MessageStatus", "sent");
    assertThat(validator.isValid("https://evil.example.com/twilio/status?route=cart", params, sign(URL, params))).isFalse();
  }

  @Test
  void aSignedCallbackWithoutSidOrStatusIsAValidationError() {
    Map<String, String> params = Map.of("MessageStatus", "Sent!", "ErrorCode", "x");

    assertThatThrownBy(() -> validator.handle(URL, params, sign(URL, params)))
        .isInstanceOf(ValidationException.class)
        .hasMessage("$.MessageSid: required\n$.MessageStatus: not a Twilio message status\n$.ErrorCode: not a number");
    assertThat(metrics.counts).isEmpty();
  }

  @Test
  void legacySmsNamesAreAcceptedAndStatusIsLowerCased() {
    assertThat(DeliveryStatusUpdate.fromCallback(Map.of("SmsSid", SID, "SmsStatus", "SENT", "ErrorCode", "")))
        .isEqualTo(new DeliveryStatusUpdate(SID, "sent", null));
  }

  /** Twilio's documented algorithm, written out independently of twilio-java. */
  private static String sign(String url, Map<String, String> params) {
    StringBuilder data = new StringBuilder(url);
    new TreeMap<>(params).forEach((k, v) -> data.append(k).append(v));
    try {
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec(TOKEN.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
      return Base64.getEncoder().encodeToString(mac.doFinal(data.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  /** Records counts as "destination outcome reason amount". */
  static final class RecordingMetrics implements MetricsSink {
    final List<String> counts = new ArrayList<>();

    @Override
    public void count(String destination, String outcome, String reason, long amount) {
      counts.add(destination + " " + outcome + " " + reason + " " + amount);
    }

    @Override
    public void latency(String destination, Duration latency) {}

    @Override
    public void queueDepth(String destination, long depth) {}

    @Override
    public void matchCounts(String destination, long received, long matched) {}

    @Override
    public void audienceSize(String destination, String audience, long size, long previous) {}
  }
}

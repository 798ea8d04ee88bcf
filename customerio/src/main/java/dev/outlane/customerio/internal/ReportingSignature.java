package dev.outlane.customerio.internal;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * Customer.io's reporting-webhook signature: {@code X-CIO-Signature} is the hex HMAC-SHA256, keyed
 * with the webhook's signing key, of {@code "v0:" + X-CIO-Timestamp + ":" + rawBody}
 * (docs.customer.io/api/webhooks). A request is {@link #verify verified} when the timestamp is unix
 * seconds within {@code window} of now (either side: clocks drift) and the signature matches one of
 * the keys (two during a rotation). Every key is tried and compared with {@link
 * MessageDigest#isEqual}, so timing shows neither which key matched nor how much of a signature
 * was right. Immutable and thread-safe (a {@link Mac} is made per call).
 */
public final class ReportingSignature {
  private final List<byte[]> keys;
  private final Duration window;

  /** @param keys the signing keys' UTF-8 bytes, one or two */
  public ReportingSignature(List<byte[]> keys, Duration window) {
    this.keys = List.copyOf(keys);
    this.window = window;
  }

  /** Whether the headers sign {@code body} within the window at {@code now}. Never throws. */
  public boolean verify(@Nullable String timestamp, @Nullable String signature, byte[] body, Instant now) {
    if (timestamp == null || signature == null) {
      return false;
    }
    String ts = timestamp.strip();
    long seconds;
    try {
      seconds = Long.parseLong(ts);
    } catch (NumberFormatException e) {
      return false;
    }
    if (Math.abs(now.getEpochSecond() - seconds) > window.toSeconds()) {
      return false;
    }
    byte[] presented;
    try {
      presented = HexFormat.of().parseHex(signature.strip());
    } catch (IllegalArgumentException e) {
      return false;
    }
    boolean match = false;
    for (byte[] key : keys) {
      match |= MessageDigest.isEqual(presented, sign(key, ts, body));
    }
    return match;
  }

  /** HMAC-SHA256(key, "v0:" + timestamp + ":" + body). */
  public static byte[] sign(byte[] key, String timestamp, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      mac.update(("v0:" + timestamp + ":").getBytes(StandardCharsets.UTF_8));
      return mac.doFinal(body);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new AssertionError("HmacSHA256 is required of every JDK", e);
    }
  }
}

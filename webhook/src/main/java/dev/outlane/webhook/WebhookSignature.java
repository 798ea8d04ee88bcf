package dev.outlane.webhook;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * The signature {@link WebhookDestination} puts on every request, and its check for receivers
 * written in Java.
 *
 * <h2>The scheme</h2>
 *
 * <pre>
 * Outlane-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256(secret, t + "." + raw body)&gt;
 * </pre>
 *
 * <p>The secret is used as UTF-8 bytes. A receiver recomputes the HMAC over the exact bytes it
 * received (before any JSON parsing), compares it in constant time, and refuses a timestamp outside
 * its tolerance (5 minutes is usual) so a captured request cannot be replayed later. During a
 * secret rotation the receiver accepts either secret. Ten lines of Node.js or Python do it; the
 * README's "Signed webhook destination" section has both.
 *
 * <p>Immutable and thread-safe.
 */
public final class WebhookSignature {
  /** The header the signature travels in. */
  public static final String HEADER = "Outlane-Signature";
  /** The receiver tolerance used by {@link #verify} when none is given. */
  public static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);

  private static final HexFormat HEX = HexFormat.of();

  private WebhookSignature() {}

  /** The header value for {@code body} signed with {@code secret} at {@code time}. */
  public static String sign(String secret, Instant time, byte[] body) {
    long t = time.getEpochSecond();
    return "t=" + t + ",v1=" + HEX.formatHex(hmac(secret, t, body));
  }

  /**
   * Whether {@code header} is a valid signature of {@code body} by one of {@code secrets}, made
   * within {@code tolerance} of {@code now}. Never throws for a malformed header: it is invalid.
   */
  public static boolean verify(@Nullable String header, byte[] body, List<String> secrets,
      Instant now, Duration tolerance) {
    Objects.requireNonNull(body, "body");
    if (header == null) {
      return false;
    }
    long t = -1;
    byte[] given = null;
    for (String part : header.split(",")) {
      String p = part.strip();
      if (p.startsWith("t=")) {
        try {
          t = Long.parseLong(p.substring(2));
        } catch (NumberFormatException e) {
          return false;
        }
      } else if (p.startsWith("v1=")) {
        try {
          given = HEX.parseHex(p.substring(3));
        } catch (IllegalArgumentException e) {
          return false;
        }
      }
    }
    if (t < 0 || given == null) {
      return false;
    }
    if (Math.abs(now.getEpochSecond() - t) > tolerance.toSeconds()) {
      return false;
    }
    boolean ok = false;
    for (String secret : secrets) {
      // Every secret is checked, so the time taken does not tell which one matched.
      ok |= MessageDigest.isEqual(hmac(secret, t, body), given);
    }
    return ok;
  }

  static byte[] hmac(String secret, long t, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update(Long.toString(t).getBytes(StandardCharsets.US_ASCII));
      mac.update((byte) '.');
      return mac.doFinal(body);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      // Every Java platform has HmacSHA256 (JCA "Standard Algorithm Names"); a key of any bytes is valid.
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}

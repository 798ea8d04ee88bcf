package dev.outlane.hashing;

import java.nio.charset.StandardCharsets;
import org.apache.commons.codec.digest.DigestUtils;

/** SHA-256 as lower-case hex, and recognition of values that already are one. Thread-safe. */
public final class Sha256 {
  private Sha256() {}

  /** The lower-case hex SHA-256 of the UTF-8 bytes of {@code value}. */
  public static String hex(String value) {
    return DigestUtils.sha256Hex(value.getBytes(StandardCharsets.UTF_8));
  }

  /** Whether {@code value} is 64 hex digits (either case), i.e. looks like a SHA-256 already. */
  public static boolean looksHashed(String value) {
    if (value.length() != 64) {
      return false;
    }
    for (int i = 0; i < 64; i++) {
      char c = value.charAt(i);
      boolean hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
      if (!hex) {
        return false;
      }
    }
    return true;
  }
}

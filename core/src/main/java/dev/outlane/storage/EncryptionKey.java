package dev.outlane.storage;

import dev.outlane.storage.internal.PayloadCipher;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * A 256-bit AES key that durable stores encrypt their payloads with at rest (AES-GCM, see {@link
 * dev.outlane.journal.FileEventJournal.Builder#encryptionKey} and {@link
 * dev.outlane.deadletter.FileDeadLetterStore.Builder#encryptionKey}; the envelope is specified in
 * {@code ARCHITECTURE.md}, "On-disk formats").
 * The user supplies it, e.g. from an environment variable holding 32 random bytes in base64
 * ({@code openssl rand -base64 32}); Outlane never stores it.
 *
 * <p>Each key has an {@link #id()}: the first 8 bytes of {@code SHA-256("outlane-key-id:" + key)},
 * written with every encrypted record, so that opening a directory with another key fails with a
 * message naming both ids instead of producing garbage. The id reveals nothing usable about the
 * key.
 *
 * <p>Immutable and thread-safe. {@link #toString()} shows only the id.
 */
public final class EncryptionKey {
  /** AES-256: 32 bytes. */
  public static final int LENGTH = 32;

  static {
    PayloadCipher.register(k -> new PayloadCipher(k.id, k.secretKey()));
  }

  private final byte[] key;
  private final byte[] id;

  private EncryptionKey(byte[] key) {
    this.key = key;
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update("outlane-key-id:".getBytes(StandardCharsets.US_ASCII));
      this.id = Arrays.copyOf(sha.digest(key), 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
  }

  /**
   * The key made of exactly these 32 bytes (copied).
   *
   * @throws IllegalArgumentException if {@code key} is not 32 bytes long
   */
  public static EncryptionKey of(byte[] key) {
    Objects.requireNonNull(key, "encryptionKey");
    if (key.length != LENGTH) {
      throw new IllegalArgumentException(
          "encryptionKey: must be 32 bytes (AES-256), was " + key.length + " bytes");
    }
    return new EncryptionKey(key.clone());
  }

  /**
   * The key whose 32 bytes {@code base64} holds (standard or URL-safe alphabet, padding optional,
   * surrounding whitespace ignored). The value is never repeated in a message.
   *
   * @throws IllegalArgumentException if it is not base64 or does not decode to 32 bytes
   */
  public static EncryptionKey fromBase64(String base64) {
    Objects.requireNonNull(base64, "encryptionKey");
    String s = base64.strip();
    byte[] bytes;
    try {
      bytes = (s.indexOf('-') >= 0 || s.indexOf('_') >= 0 ? Base64.getUrlDecoder()
          : Base64.getDecoder()).decode(s);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("encryptionKey: not base64 (expected 32 random bytes in"
          + " base64, e.g. from `openssl rand -base64 32`)");
    }
    try {
      return of(bytes);
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }

  /** The key's id, 16 hex digits: safe to log and show, written with every encrypted record. */
  public String id() {
    return HexFormat.of().formatHex(id);
  }

  SecretKey secretKey() {
    return new SecretKeySpec(key, "AES");
  }

  /** Keys are equal when their bytes are. */
  @Override
  public boolean equals(Object o) {
    return o instanceof EncryptionKey other && MessageDigest.isEqual(key, other.key);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(id);
  }

  /** {@code EncryptionKey{id=…}}: never the key. */
  @Override
  public String toString() {
    return "EncryptionKey{id=" + id() + "}";
  }
}

package dev.outlane.storage.internal;

import dev.outlane.storage.EncryptionKey;
import dev.outlane.storage.StorageException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Objects;
import java.util.function.Function;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts and decrypts record payloads with AES-256-GCM (javax.crypto, no dependency).
 *
 * <h2>Envelope (version 1, big-endian)</h2>
 *
 * <pre>
 * version = 1 (1) | key id (8) | nonce (12, random per record) | ciphertext | GCM tag (16)
 * additional authenticated data: the record type (1) | version (1) | key id (8)
 * </pre>
 *
 * A store writes an envelope under its own record type (the journal's sealed event, the dead-letter
 * store's sealed add), so an envelope is never mistaken for a plain payload. The record type is
 * authenticated, so an envelope moved to another type fails. Random 96-bit nonces keep the chance
 * of a repeat negligible for up to 2^32 records per key (NIST SP 800-38D, 8.3): rotate the key
 * well before that.
 *
 * <p>Thread-safe: each thread uses its own {@link Cipher}, initialized afresh for every record.
 *
 * <p>This format is indexed, with every other on-disk format and its version, in {@code
 * ARCHITECTURE.md}, section "On-disk formats"; keep the two in step.
 */
public final class PayloadCipher {
  static final byte VERSION = 1;
  static final int ID_LENGTH = 8;
  static final int NONCE_LENGTH = 12;
  static final int TAG_BITS = 128;
  /** Bytes an envelope adds to its plaintext. */
  public static final int OVERHEAD = 1 + ID_LENGTH + NONCE_LENGTH + TAG_BITS / 8;

  /**
   * One generator and one cipher per thread: the default {@code SecureRandom} on Linux takes a
   * process-wide lock per call, which 64 concurrent appenders would queue on.
   */
  private static final ThreadLocal<SecureRandom> RANDOM = ThreadLocal.withInitial(() -> {
    try {
      return SecureRandom.getInstance("DRBG");
    } catch (java.security.NoSuchAlgorithmException e) {
      return new SecureRandom();
    }
  });
  private static final ThreadLocal<Cipher> CIPHERS = ThreadLocal.withInitial(() -> {
    try {
      return Cipher.getInstance("AES/GCM/NoPadding");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES/GCM/NoPadding is required of every JDK", e);
    }
  });
  private static volatile Function<EncryptionKey, PayloadCipher> factory;

  private final byte[] keyId;
  private final SecretKey key;

  /** Called once by {@link EncryptionKey}, which alone can read its key. */
  public static void register(Function<EncryptionKey, PayloadCipher> f) {
    if (factory == null) {
      factory = f;
    }
  }

  /** The cipher for {@code key}. */
  public static PayloadCipher of(EncryptionKey key) {
    Objects.requireNonNull(key, "encryptionKey");
    return Objects.requireNonNull(factory, "EncryptionKey not initialized").apply(key);
  }

  /** For {@link EncryptionKey} only. */
  public PayloadCipher(byte[] keyId, SecretKey key) {
    if (keyId.length != ID_LENGTH) {
      throw new IllegalArgumentException("key id must be 8 bytes");
    }
    this.keyId = keyId.clone();
    this.key = Objects.requireNonNull(key, "key");
  }

  /** The id of this cipher's key, 16 hex digits. */
  public String keyId() {
    return HexFormat.of().formatHex(keyId);
  }

  /** The envelope of {@code plaintext} for a record of {@code type}. */
  public byte[] seal(byte type, byte[] plaintext) {
    byte[] nonce = new byte[NONCE_LENGTH];
    RANDOM.get().nextBytes(nonce);
    ByteBuffer out = ByteBuffer.allocate(OVERHEAD + plaintext.length);
    out.put(VERSION).put(keyId).put(nonce);
    try {
      Cipher c = CIPHERS.get();
      c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      c.updateAAD(aad(type, keyId));
      c.doFinal(ByteBuffer.wrap(plaintext), out);
    } catch (GeneralSecurityException e) {
      throw new StorageException("cannot encrypt a record: " + e.getClass().getSimpleName(), e);
    }
    return out.array();
  }

  /** The key id an envelope was sealed with, 16 hex digits, or null if it is too short to say. */
  public static String keyIdOf(byte[] envelope) {
    if (envelope.length < 1 + ID_LENGTH) {
      return null;
    }
    return HexFormat.of().formatHex(envelope, 1, 1 + ID_LENGTH);
  }

  /**
   * The plaintext of an envelope sealed with this key.
   *
   * @throws WrongKeyException if it was sealed with another key
   * @throws IllegalArgumentException if it is not a version-1 envelope, or fails authentication
   *     (damaged or tampered with)
   */
  public byte[] open(byte type, byte[] envelope) {
    if (envelope.length < OVERHEAD || envelope[0] != VERSION) {
      throw new IllegalArgumentException("not a version-" + VERSION + " encrypted payload");
    }
    byte[] id = java.util.Arrays.copyOfRange(envelope, 1, 1 + ID_LENGTH);
    if (!java.util.Arrays.equals(id, keyId)) {
      throw new WrongKeyException(HexFormat.of().formatHex(id));
    }
    try {
      Cipher c = CIPHERS.get();
      c.init(Cipher.DECRYPT_MODE, key,
          new GCMParameterSpec(TAG_BITS, envelope, 1 + ID_LENGTH, NONCE_LENGTH));
      c.updateAAD(aad(type, keyId));
      int start = 1 + ID_LENGTH + NONCE_LENGTH;
      return c.doFinal(envelope, start, envelope.length - start);
    } catch (AEADBadTagException e) {
      throw new IllegalArgumentException("encrypted payload failed authentication (damaged)");
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot decrypt: " + e.getClass().getSimpleName());
    }
  }

  /**
   * A 32-byte secret derived from this key for another purpose ({@code label}): HMAC-SHA256 of the
   * label under the key. The key itself cannot be recovered from it.
   */
  public byte[] derive(String label) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key.getEncoded(), "HmacSHA256"));
      return mac.doFinal(label.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is required of every JDK", e);
    }
  }

  private static byte[] aad(byte type, byte[] keyId) {
    return ByteBuffer.allocate(2 + ID_LENGTH).put(type).put(VERSION).put(keyId).array();
  }

  /** An envelope sealed with a key other than this cipher's. */
  public static final class WrongKeyException extends RuntimeException {
    private final String keyId;

    WrongKeyException(String keyId) {
      super("encrypted with key " + keyId, null, false, false);
      this.keyId = keyId;
    }

    /** The id of the key the envelope was sealed with. */
    public String keyId() {
      return keyId;
    }
  }
}

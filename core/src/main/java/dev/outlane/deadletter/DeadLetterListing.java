package dev.outlane.deadletter;

import dev.outlane.storage.EncryptionKey;
import dev.outlane.storage.StorageException;
import dev.outlane.storage.internal.OwnerOnly;
import dev.outlane.storage.internal.PayloadCipher;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * The PII-free one-line form of a dead letter, for listings ({@code outlane dead-letters list}),
 * replay reports and log lines: everything an operator needs to pick records to replay, and no raw
 * email or phone. The person appears as their {@code customer_id} plus the first 8 hex digits of a
 * <em>keyed</em> hash (HMAC-SHA256) of their trimmed, lower-cased email and phone: two lines of the
 * same person show the same digits, but without the key nobody can test candidate numbers against
 * them (an unkeyed 32-bit prefix of the US number space narrows each prefix to about two numbers).
 *
 * <p>The key: {@link #forDirectory} keeps 32 random bytes in {@value #KEY_FILE} in the dead-letter
 * directory ({@code 0600}), so lines match across runs on that directory; when the store is
 * encrypted, the key is derived from the {@link EncryptionKey} instead and nothing is written, so
 * the directory alone does not let anyone test numbers. {@link #line(DeadLetter)} (static) uses a
 * random key per process: its digits match only lines of the same process. The key file's format
 * is in {@code ARCHITECTURE.md}, "On-disk formats".
 *
 * <pre>
 * dl-1764403200000-00002a twilio-sms rejected code=21211 attempts=3
 *   first=2026-11-29T18:00:00Z last=2026-11-29T18:01:30Z customer=cust-1 email#=3f2a9c1b phone#=-
 *   event=evt-1 cart_abandoned key=idem-1 resolved=no detail="HTTP 400 from twilio-sms"
 * </pre>
 * (on one line). The fields and their order are meant for people and {@code grep}; a program
 * should read {@link DeadLetter}'s accessors instead.
 *
 * <p>Immutable and thread-safe. {@link #forDirectory} throws {@link StorageException} when the key
 * file cannot be read or created; the line methods do not throw.
 */
public final class DeadLetterListing {
  /** The file holding a directory's listing key. */
  public static final String KEY_FILE = "listing.key";
  private static final int KEY_BYTES = 32;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final DeadLetterListing PER_PROCESS = new DeadLetterListing(randomKey());

  private final byte[] key;

  private DeadLetterListing(byte[] key) {
    this.key = key;
  }

  /**
   * Lines keyed for the dead-letter store in {@code directory}: with {@code encryptionKey}, a key
   * derived from it; without, the one in {@value #KEY_FILE}, created ({@code 0600}) if missing.
   *
   * @throws StorageException if the key file cannot be read or created
   */
  public static DeadLetterListing forDirectory(Path directory, @Nullable EncryptionKey encryptionKey) {
    if (encryptionKey != null) {
      return new DeadLetterListing(PayloadCipher.of(encryptionKey).derive("outlane listing hash"));
    }
    Path file = directory.resolve(KEY_FILE);
    try {
      if (!Files.exists(file)) {
        byte[] fresh = randomKey();
        try (SeekableByteChannel c = Files.newByteChannel(file,
            Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
            OwnerOnly.fileAttributes(file))) {
          ByteBuffer buffer = ByteBuffer.wrap(fresh);
          while (buffer.hasRemaining()) {
            c.write(buffer);
          }
        } catch (FileAlreadyExistsException raced) {
          // Another process created it first: use theirs.
        }
      }
      byte[] stored = Files.readAllBytes(file);
      if (stored.length != KEY_BYTES) {
        throw new StorageException("dead-letter listing key " + file + " is " + stored.length
            + " bytes, expected " + KEY_BYTES + "; delete it to start a new one");
      }
      return new DeadLetterListing(stored);
    } catch (IOException e) {
      throw new StorageException("cannot read or create dead-letter listing key " + file + ": "
          + e.getClass().getSimpleName(), e);
    }
  }

  /** The listing line for {@code d}, with this directory's keyed hashes. */
  public String lineFor(DeadLetter d) {
    return d.id()
        + " " + d.destination()
        + " " + d.reason().wireName()
        + " code=" + (d.errorCode() == null ? "-" : d.errorCode())
        + " attempts=" + d.attempts()
        + " first=" + d.firstAttempt()
        + " last=" + d.lastAttempt()
        + " customer=" + d.event().customerId()
        + " email#=" + hashPrefix(d.event().email())
        + " phone#=" + hashPrefix(d.event().phone())
        + " event=" + d.event().eventId() + " " + d.event().eventName()
        + " key=" + d.idempotencyKey()
        + " resolved=" + (d.resolved() ? "yes" : "no")
        + " detail=\"" + d.detail().replace("\"", "'").replace('\n', ' ') + "\"";
  }

  /** The listing line for {@code d}, keyed with this process's random key. */
  public static String line(DeadLetter d) {
    return PER_PROCESS.lineFor(d);
  }

  /** The first 8 hex digits of the HMAC-SHA256 of the trimmed, lower-cased value, or {@code -}. */
  String hashPrefix(@Nullable String raw) {
    if (raw == null || raw.isBlank()) {
      return "-";
    }
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      byte[] h = mac.doFinal(raw.strip().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(h, 0, 4);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is required of every JDK", e);
    }
  }

  private static byte[] randomKey() {
    byte[] k = new byte[KEY_BYTES];
    RANDOM.nextBytes(k);
    return k;
  }
}

package dev.outlane.journal;

import dev.outlane.testing.DiskBytes;

import static dev.outlane.journal.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.outlane.storage.EncryptionKey;
import dev.outlane.storage.StorageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 10.7: journal payloads encrypted at rest with a key the user supplies. */
class EncryptionAtRestTest {
  static final EncryptionKey KEY = EncryptionKey.of(filled(7));
  static final EncryptionKey OTHER = EncryptionKey.of(filled(9));

  @TempDir Path dir;

  static byte[] filled(int b) {
    byte[] k = new byte[32];
    Arrays.fill(k, (byte) b);
    return k;
  }

  private FileEventJournal.Builder journal() {
    return FileEventJournal.builder().directory(dir).serializer(TestEventSerializer.INSTANCE)
        .fsync(false);
  }
  @Test
  void withAKeyTheBytesOnDiskHoldNoEmailOrPhoneAndTheEventsComeBackExactly() throws IOException {
    FileEventJournal j = journal().encryptionKey(KEY).open();
    for (int i = 0; i < 20; i++) {
      j.append(event(i));
    }
    j.haltForTesting();
    String disk = DiskBytes.of(dir);
    assertThat(disk).doesNotContain("@example.com").doesNotContain("+1415555")
        .doesNotContain("person").doesNotContain("cart_abandoned");

    try (FileEventJournal reopened = journal().encryptionKey(KEY).open()) {
      assertThat(reopened.pending()).hasSize(20);
      assertThat(reopened.pending().get(3).event()).isEqualTo(event(3));
      assertThat(reopened.recoveryReport().clean()).isTrue();
    }
  }

  @Test
  void theSameEventEncryptsDifferentlyEachTime() throws IOException {
    FileEventJournal j = journal().encryptionKey(KEY).open();
    j.append(event(1));
    j.append(event(1));
    j.haltForTesting();
    byte[] segment = Files.readAllBytes(dir.resolve("segment-00000000000000000001.log"));
    int half = (segment.length - 24) / 2;
    byte[] first = Arrays.copyOfRange(segment, 24 + 17 + 1 + 8, 24 + half);
    byte[] second = Arrays.copyOfRange(segment, 24 + half + 17 + 1 + 8, segment.length);
    assertThat(first).as("random nonce, so different ciphertext").isNotEqualTo(second);
  }

  @Test
  void aWrongKeyFailsTheOpenNamingBothKeyIdsAndChangesNothing() throws IOException {
    FileEventJournal j = journal().encryptionKey(KEY).open();
    j.append(event(1));
    j.haltForTesting();
    byte[] before = Files.readAllBytes(dir.resolve("segment-00000000000000000001.log"));

    assertThatThrownBy(() -> journal().encryptionKey(OTHER).open())
        .isInstanceOf(StorageException.class)
        .hasMessage("journal " + dir + ": event 1 in segment 1 is encrypted with key "
            + KEY.id() + ", but the configured key is " + OTHER.id()
            + "; open it with the key it was written with");
    assertThatThrownBy(() -> journal().open())
        .isInstanceOf(StorageException.class)
        .hasMessage("journal " + dir + ": event 1 in segment 1 is encrypted (key " + KEY.id()
            + ") and no encryption key is configured; open it with the key it was written with");
    assertThat(Files.readAllBytes(dir.resolve("segment-00000000000000000001.log")))
        .isEqualTo(before);
    assertThat(dir.resolve("quarantine.log")).doesNotExist();
    try (FileEventJournal right = journal().encryptionKey(KEY).open()) {
      assertThat(right.pending()).singleElement()
          .satisfies(p -> assertThat(p.event()).isEqualTo(event(1)));
    }
  }

  @Test
  void anUnencryptedDirectoryStillOpensWithAKeyAndNewEventsAreEncrypted() throws IOException {
    FileEventJournal plain = journal().open();
    plain.append(event(1));
    plain.haltForTesting();
    assertThat(DiskBytes.of(dir)).contains("person1@example.com");

    FileEventJournal keyed = journal().encryptionKey(KEY).open();
    assertThat(keyed.pending()).singleElement()
        .satisfies(p -> assertThat(p.event()).isEqualTo(event(1)));
    keyed.append(event(2));
    keyed.haltForTesting();
    assertThat(DiskBytes.of(dir)).doesNotContain("person2@example.com");
    try (FileEventJournal reopened = journal().encryptionKey(KEY).open()) {
      assertThat(reopened.pending()).extracting(p -> p.event().eventId())
          .containsExactly("evt-1", "evt-2");
    }
  }

  @Test
  void aDamagedEncryptedEventIsKeptAsUnreadableNotDecryptedToGarbage() throws IOException {
    FileEventJournal j = journal().encryptionKey(KEY).open();
    j.append(event(1));
    j.haltForTesting();
    Path segment = dir.resolve("segment-00000000000000000001.log");
    byte[] bytes = Files.readAllBytes(segment);
    int payloadStart = 24 + 17;
    int length = bytes.length - payloadStart;
    bytes[bytes.length - 1] ^= 1; // the GCM tag
    // Recompute the frame's CRC32C so only the authentication can notice.
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(bytes, 24 + 8, 9 + length);
    java.nio.ByteBuffer.wrap(bytes).putInt(24 + 4, (int) crc.getValue());
    Files.write(segment, bytes);

    try (FileEventJournal reopened = journal().encryptionKey(KEY).open()) {
      assertThat(reopened.pending()).isEmpty();
      assertThat(reopened.recoveryReport().unreadableRecords()).isEqualTo(1);
      assertThat(reopened.recoveryReport().problems()).containsExactly("segment 1, event 1:"
          + " unreadable by the serializer (IllegalArgumentException); kept in quarantine.log");
    }
  }

  @Test
  void keysComeFromBase64AndNeverShowThemselves() {
    String b64 = Base64.getEncoder().encodeToString(filled(7));
    EncryptionKey k = EncryptionKey.fromBase64(" " + b64 + "\n");
    assertThat(k).isEqualTo(KEY);
    assertThat(k.id()).hasSize(16).matches("[0-9a-f]{16}");
    assertThat(k).hasToString("EncryptionKey{id=" + k.id() + "}");
    assertThat(OTHER.id()).isNotEqualTo(KEY.id());
    assertThatThrownBy(() -> EncryptionKey.fromBase64("not base64 at all!"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("encryptionKey: not base64 (expected 32 random bytes in base64, e.g. from"
            + " `openssl rand -base64 32`)");
    assertThatThrownBy(() -> EncryptionKey.fromBase64(Base64.getEncoder().encodeToString(
        new byte[16])))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("encryptionKey: must be 32 bytes (AES-256), was 16 bytes");
  }
}

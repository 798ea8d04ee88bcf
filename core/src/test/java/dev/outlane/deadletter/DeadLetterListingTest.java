package dev.outlane.deadletter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.outlane.hashing.Sha256;
import dev.outlane.journal.TestEvents;
import dev.outlane.storage.EncryptionKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeadLetterListingTest {
  private static final Instant T0 = Instant.parse("2026-11-29T18:00:00Z");
  private static final Pattern HASHES = Pattern.compile(" email#=(\\S+) phone#=(\\S+) ");

  @TempDir Path dir;

  private static DeadLetter deadLetter(int n) {
    return DeadLetter.builder().id("dl-1764403200000-00002a").event(TestEvents.event(n))
        .destination("twilio-sms").idempotencyKey("idem-" + n).reason(DeadLetterReason.REJECTED)
        .detail("HTTP 400: \"invalid\" To number").errorCode("21211").attempts(3)
        .firstAttempt(T0).lastAttempt(T0.plusSeconds(90)).build();
  }

  private static String phoneHash(String line) {
    Matcher m = HASHES.matcher(line);
    assertThat(m.find()).as(line).isTrue();
    return m.group(2);
  }

  @Test
  void aListingLineShowsTheCustomerAndKeyedHashPrefixesButNeverTheRawEmailOrPhone() {
    String line = DeadLetterListing.forDirectory(dir, null).lineFor(deadLetter(7));

    assertThat(line).matches("dl-1764403200000-00002a twilio-sms rejected code=21211 attempts=3"
        + " first=2026-11-29T18:00:00Z last=2026-11-29T18:01:30Z customer=cust-7"
        + " email#=[0-9a-f]{8} phone#=[0-9a-f]{8}"
        + " event=evt-7 cart_abandoned key=idem-7 resolved=no"
        + " detail=\"HTTP 400: 'invalid' To number\"");
    assertThat(line).doesNotContain("person7@example.com").doesNotContain("4155550007");
  }

  @Test
  void thePrefixIsNotTheUnkeyedHashAnyoneCouldRecomputeFromACandidateNumber() {
    String line = DeadLetterListing.forDirectory(dir, null).lineFor(deadLetter(7));
    assertThat(phoneHash(line)).isNotEqualTo(Sha256.hex("+14155550007").substring(0, 8));
    assertThat(line).doesNotContain(Sha256.hex("person7@example.com").substring(0, 8));
  }

  @Test
  void linesOfOnePersonMatchAcrossRunsOnOneDirectoryButNotAcrossDirectories() throws IOException {
    String first = phoneHash(DeadLetterListing.forDirectory(dir, null).lineFor(deadLetter(7)));
    String again = phoneHash(DeadLetterListing.forDirectory(dir, null).lineFor(deadLetter(7)));
    String otherPerson = phoneHash(DeadLetterListing.forDirectory(dir, null).lineFor(deadLetter(8)));
    Path elsewhere = Files.createDirectory(dir.resolve("elsewhere"));
    String otherDir = phoneHash(DeadLetterListing.forDirectory(elsewhere, null).lineFor(deadLetter(7)));

    assertThat(again).isEqualTo(first);
    assertThat(otherPerson).isNotEqualTo(first);
    assertThat(otherDir).isNotEqualTo(first);
    assertThat(Files.size(dir.resolve(DeadLetterListing.KEY_FILE))).isEqualTo(32);
  }

  @Test
  void theListingKeyIsOwnerOnly() throws IOException {
    assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"));
    DeadLetterListing.forDirectory(dir, null);
    assertThat(PosixFilePermissions.toString(
        Files.getPosixFilePermissions(dir.resolve(DeadLetterListing.KEY_FILE)))).isEqualTo("rw-------");
  }

  @Test
  void anEncryptedStoreDerivesItsListingKeyAndWritesNoKeyFile() {
    EncryptionKey key = EncryptionKey.of(new byte[32]);
    String a = phoneHash(DeadLetterListing.forDirectory(dir, key).lineFor(deadLetter(7)));
    String b = phoneHash(DeadLetterListing.forDirectory(dir, key).lineFor(deadLetter(7)));
    assertThat(a).isEqualTo(b);
    assertThat(dir.resolve(DeadLetterListing.KEY_FILE)).doesNotExist();
  }

  @Test
  void missingContactsAndErrorCodeShowAsADash() {
    DeadLetter d = DeadLetter.builder().id("dl-1")
        .event(TestEvents.event(1).toBuilder().email(null).phone(" ").build())
        .destination("meta-audience").idempotencyKey("idem-1")
        .reason(DeadLetterReason.NEEDS_RECONCILIATION).detail("timeout").attempts(1)
        .firstAttempt(T0).lastAttempt(T0).resolved(true).build();

    assertThat(DeadLetterListing.line(d)).contains(" code=- ", " email#=- phone#=- ",
        " needs-reconciliation ", " resolved=yes ");
  }
}

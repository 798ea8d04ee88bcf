package dev.outlane.guardrail;

import static org.assertj.core.api.Assertions.assertThat;

import dev.outlane.destination.Channel;
import dev.outlane.identity.Identity;
import dev.outlane.storage.internal.LogSettings;
import dev.outlane.storage.internal.RecordType;
import dev.outlane.storage.internal.SegmentedLog;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Suppressions remember their source, in memory and on disk, and a source lifts only its own. */
class TypedSuppressionTest {
  private static final Identity PERSON = new Identity("c1", "a@example.com", "+14155552001");
  private static final Identity PHONE_ONLY = new Identity("", null, "+14155552001");

  @TempDir Path dir;

  private FileSuppressionStore open() {
    return FileSuppressionStore.builder().directory(dir).fsync(false).open();
  }

  private void bothStores(java.util.function.Consumer<SuppressionStore> test) {
    test.accept(new InMemorySuppressionStore());
    try (FileSuppressionStore store = open()) {
      test.accept(store);
    }
  }

  @Test
  void liftingOneSourceLeavesAnotherSourcesSuppressionOnTheSameChannel() {
    bothStores(store -> {
      store.suppress(PERSON, Set.of(Channel.SMS), SuppressionSource.TWILIO_STOP);
      store.suppress(PERSON, Set.of(Channel.SMS, Channel.EMAIL), SuppressionSource.CUSTOMERIO);

      assertThat(store.lift(PERSON, Set.of(Channel.SMS, Channel.EMAIL), SuppressionSource.CUSTOMERIO))
          .containsExactlyInAnyOrder(Channel.SMS, Channel.EMAIL);

      assertThat(store.isSuppressed(PERSON, Channel.SMS)).isTrue(); // the STOP stays
      assertThat(store.isSuppressed(PERSON, Channel.EMAIL)).isFalse();
      assertThat(store.lift(PERSON, Set.of(Channel.SMS), SuppressionSource.TWILIO_STOP))
          .containsExactly(Channel.SMS);
      assertThat(store.isSuppressed(PERSON, Channel.SMS)).isFalse();
    });
  }

  @Test
  void aLiftBySourceThatSuppressedNothingLiftsNothing() {
    bothStores(store -> {
      store.suppress(PERSON, Set.of(Channel.SMS), SuppressionSource.CONSENT_DENIED);
      assertThat(store.lift(PERSON, Set.of(Channel.SMS), SuppressionSource.TWILIO_STOP)).isEmpty();
      assertThat(store.isSuppressed(PERSON, Channel.SMS)).isTrue();
    });
  }

  @Test
  void aPhoneOnlyStopSuppressesEveryoneWithThatPhoneAndItsStartLiftsItByThePhoneKey() {
    bothStores(store -> {
      store.suppress(PHONE_ONLY, Set.of(Channel.SMS), SuppressionSource.TWILIO_STOP);
      assertThat(store.isSuppressed(PERSON, Channel.SMS)).isTrue();
      assertThat(store.isSuppressed(new Identity("", null, null), Channel.SMS)).isFalse();
      assertThat(store.list()).singleElement().satisfies(e -> {
        assertThat(e.kind()).isEqualTo(SuppressionEntry.Kind.PHONE);
        assertThat(e.channelsBySource()).isEqualTo(
            Map.of(SuppressionSource.TWILIO_STOP, EnumSet.of(Channel.SMS)));
      });

      assertThat(store.lift(PHONE_ONLY, Set.of(Channel.SMS), SuppressionSource.TWILIO_STOP))
          .containsExactly(Channel.SMS);
      assertThat(store.isSuppressed(PERSON, Channel.SMS)).isFalse();
      assertThat(store.list()).isEmpty();
    });
  }

  @Test
  void liftingClearsTheSourceOnEveryKeyOfThePerson() {
    bothStores(store -> {
      store.suppress(PERSON, Set.of(Channel.SMS), SuppressionSource.TWILIO_STOP);
      store.lift(PHONE_ONLY, Set.of(Channel.SMS), SuppressionSource.TWILIO_STOP);
      // The customer-id and email keys still carry the STOP: START by phone alone lifts the phone.
      assertThat(store.isSuppressed(new Identity("c1", null, null), Channel.SMS)).isTrue();
      store.lift(PERSON, Set.of(Channel.SMS), SuppressionSource.TWILIO_STOP);
      assertThat(store.isSuppressed(new Identity("c1", null, null), Channel.SMS)).isFalse();
      assertThat(store.isSuppressed(new Identity("x", "a@example.com", null), Channel.SMS)).isFalse();
    });
  }

  @Test
  void listingShowsHashesAndSourcesNeverTheRawIdentifiers() {
    bothStores(store -> {
      store.suppress(PERSON, Set.of(Channel.SMS), SuppressionSource.TWILIO_STOP);
      List<SuppressionEntry> entries = store.list();
      assertThat(entries).extracting(SuppressionEntry::kind).containsExactlyInAnyOrder(
          SuppressionEntry.Kind.CUSTOMER_ID, SuppressionEntry.Kind.EMAIL, SuppressionEntry.Kind.PHONE);
      assertThat(entries).allSatisfy(e -> {
        assertThat(e.sha256()).matches("[0-9a-f]{64}");
        assertThat(e.toString()).doesNotContain("a@example.com").doesNotContain("4155552001");
      });
      assertThat(entries).filteredOn(e -> e.kind() == SuppressionEntry.Kind.EMAIL)
          .extracting(SuppressionEntry::sha256)
          // printf 'a@example.com' | sha256sum
          .containsExactly(org.apache.commons.codec.digest.DigestUtils.sha256Hex("a@example.com"));
    });
  }

  @Test
  void suppressionsAndLiftsSurviveARestartInTheirOrder() {
    try (FileSuppressionStore store = open()) {
      store.suppress(PERSON, Set.of(Channel.SMS), SuppressionSource.TWILIO_STOP);
      store.suppress(PERSON, Set.of(Channel.SMS), SuppressionSource.CUSTOMERIO);
      store.lift(PERSON, Set.of(Channel.SMS), SuppressionSource.TWILIO_STOP);
      store.suppress(PERSON, Set.of(Channel.ADS), SuppressionSource.TWILIO_STOP);
    }
    try (FileSuppressionStore store = open()) {
      assertThat(store.recoveryReport().recordsRecovered()).isEqualTo(4);
      assertThat(store.lift(PERSON, Set.of(Channel.SMS), SuppressionSource.TWILIO_STOP)).isEmpty();
      assertThat(store.isSuppressed(PERSON, Channel.SMS)).isTrue(); // Customer.io's
      assertThat(store.lift(PERSON, Set.of(Channel.SMS, Channel.ADS), SuppressionSource.TWILIO_STOP))
          .containsExactly(Channel.ADS);
    }
  }

  @Test
  void aDirectoryWrittenBeforeSourcesWereTypedReadsItsFreeFormReasonsAsSources() {
    // Today's SUPPRESS payload, built by hand from its documented layout: key count | keys (kind +
    // SHA-256) | channels length | channel names | reason. Three records, three kinds of reason.
    LogSettings settings = new LogSettings(FileSuppressionStore.DEFAULT_SEGMENT_SIZE, "segmentSize:");
    settings.directory(dir);
    settings.fsync(false);
    try (SegmentedLog log = SegmentedLog.open(
        settings.config(RecordType.Log.SUPPRESSION, 0, 1024, 8192),
        (segment, type, lsn, payload) -> {}, SegmentedLog.Retention.keepAll())) {
      log.submit(RecordType.SUPPRESSION_SUPPRESS, legacy('c', "c1", "sms,ads", "opted-out"), true, null).await();
      log.submit(RecordType.SUPPRESSION_SUPPRESS, legacy('c', "c2", "sms", "consent-denied"), true, null).await();
      log.submit(RecordType.SUPPRESSION_SUPPRESS, legacy('e', "b@example.com", "email", "vip list 2025"), true, null).await();
    }

    try (FileSuppressionStore store = open()) {
      assertThat(store.recoveryReport().clean()).isTrue();
      Identity c1 = new Identity("c1", null, null);
      Identity c2 = new Identity("c2", null, null);
      Identity b = new Identity("x", "b@example.com", null);
      assertThat(store.isSuppressed(c1, Channel.ADS)).isTrue();
      assertThat(store.isSuppressed(b, Channel.EMAIL)).isTrue();
      assertThat(store.lift(c2, Set.of(Channel.SMS), SuppressionSource.TWILIO_STOP)).isEmpty();
      assertThat(store.lift(c2, Set.of(Channel.SMS), SuppressionSource.CONSENT_DENIED))
          .containsExactly(Channel.SMS);
      assertThat(store.lift(c1, Set.of(Channel.SMS, Channel.ADS), SuppressionSource.DESTINATION_OPT_OUT))
          .containsExactlyInAnyOrder(Channel.SMS, Channel.ADS);
      assertThat(store.lift(b, Set.of(Channel.EMAIL), SuppressionSource.OPERATOR))
          .containsExactly(Channel.EMAIL);
    }
  }

  private static byte[] legacy(char kind, String value, String channels, String reason) {
    byte[] names = channels.getBytes(StandardCharsets.US_ASCII);
    byte[] why = reason.getBytes(StandardCharsets.UTF_8);
    ByteBuffer out = ByteBuffer.allocate(1 + 33 + 1 + names.length + why.length);
    out.put((byte) 1).put((byte) kind)
        .put(org.apache.commons.codec.digest.DigestUtils.sha256(value.getBytes(StandardCharsets.UTF_8)));
    out.put((byte) names.length).put(names).put(why);
    return out.array();
  }

}

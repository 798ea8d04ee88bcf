package dev.outlane.durable;

import dev.outlane.testing.DiskBytes;

import static dev.outlane.durable.DurableCrashClient.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.outlane.DurableOptions;
import dev.outlane.Outlane;
import dev.outlane.contract.EventCodec;
import dev.outlane.deadletter.DeadLetterQuery;
import dev.outlane.deadletter.DeadLetterSnapshot;
import dev.outlane.deadletter.FileDeadLetterStore;
import dev.outlane.destination.Channel;
import dev.outlane.destination.DestinationLimits;
import dev.outlane.destination.Outcome;
import dev.outlane.journal.EventSerializer;
import dev.outlane.retry.RetryPolicy;
import dev.outlane.routing.Route;
import dev.outlane.storage.EncryptionKey;
import dev.outlane.storage.StorageException;
import dev.outlane.testing.FakeDestination;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 10.7 through the client: with a key, no raw email or phone reaches the disk. */
class DurableEncryptionTest {
  private static final EventSerializer SERIALIZER = EventSerializer.json(EventCodec.create());

  @TempDir Path dir;

  private static EncryptionKey key(int b) {
    byte[] k = new byte[32];
    Arrays.fill(k, (byte) b);
    return EncryptionKey.of(k);
  }

  private Outlane client(FakeDestination sms, EncryptionKey key) {
    return Outlane.builder().retryPolicy(RetryPolicy.noRetries()).destination(sms)
        .route(Route.builder().event("cart_abandoned").to("sms").build())
        .durable(DurableOptions.at(dir).withFsync(false).withEncryptionKey(key)).build();
  }
  @Test
  void deadLettersAndTheJournalHoldNoRawEmailOrPhoneAndReadBackWithTheKey() throws IOException {
    FakeDestination sms = FakeDestination.builder("sms").channel(Channel.SMS)
        .limits(DestinationLimits.single()).build();
    sms.failNext(3, Outcome.rejected("21211", "invalid number"));
    try (Outlane outlane = client(sms, key(1))) {
      for (int i = 1; i <= 3; i++) {
        outlane.submit(event(i));
      }
      assertThat(outlane.flush(Duration.ofSeconds(10))).isTrue();
      assertThat(outlane.deadLetters().list(DeadLetterQuery.unresolved())).hasSize(3);
    }
    assertThat(DiskBytes.of(dir)).doesNotContain("@example.com").doesNotContain("person1")
        .doesNotContain("555-2001").doesNotContain("+14155552001");

    DurableOptions options = DurableOptions.at(dir);
    DeadLetterSnapshot snapshot = FileDeadLetterStore.readSnapshot(options.deadLetterDirectory(),
        SERIALIZER, key(1), DeadLetterQuery.unresolved());
    assertThat(snapshot.records()).extracting(d -> d.event().email())
        .containsExactly("person1@example.com", "person2@example.com", "person3@example.com");

    assertThatThrownBy(() -> FileDeadLetterStore.readSnapshot(options.deadLetterDirectory(),
        SERIALIZER, key(2), DeadLetterQuery.unresolved()))
        .isInstanceOf(StorageException.class)
        .hasMessage("dead-letter store " + options.deadLetterDirectory() + ": record 1 in segment 1"
            + " is encrypted with key " + key(1).id() + ", but the configured key is "
            + key(2).id() + "; open it with the key it was written with");
    assertThatThrownBy(() -> client(sms, key(2)))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("is encrypted with key " + key(1).id());
    try (Outlane again = client(sms, key(1))) {
      assertThat(again.deadLetters().list(DeadLetterQuery.unresolved())).hasSize(3);
    }
  }

  @Test
  void anUnencryptedDirectoryOpensWithAKeyAndItsDeadLettersStayListed() {
    FakeDestination sms = FakeDestination.builder("sms").channel(Channel.SMS)
        .limits(DestinationLimits.single()).build();
    sms.failNext(1, Outcome.rejected("21211", "invalid number"));
    try (Outlane plain = client(sms, null)) {
      plain.submit(event(1));
      assertThat(plain.flush(Duration.ofSeconds(10))).isTrue();
    }
    try (Outlane keyed = client(sms, key(1))) {
      assertThat(keyed.deadLetters().list(DeadLetterQuery.unresolved())).hasSize(1);
    }
  }
}

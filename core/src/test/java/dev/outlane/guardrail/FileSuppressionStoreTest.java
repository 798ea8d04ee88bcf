package dev.outlane.guardrail;

import dev.outlane.testing.DiskBytes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.outlane.destination.Channel;
import dev.outlane.identity.Identity;
import dev.outlane.storage.RecoveryReport;
import dev.outlane.storage.StorageException;
import dev.outlane.storage.internal.RecordingLogIo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class FileSuppressionStoreTest {
  private static final Identity PERSON = new Identity("c1", "a@example.com", "+14155552001");

  @TempDir Path dir;

  private FileSuppressionStore open() {
    return FileSuppressionStore.builder().directory(dir).fsync(false).open();
  }

  @Test
  void aSuppressionSurvivesARestartOnItsChannelsOnly() {
    try (FileSuppressionStore store = open()) {
      store.suppress(PERSON, Set.of(Channel.SMS, Channel.ADS), "opted-out");
    }
    try (FileSuppressionStore store = open()) {
      assertThat(store.isSuppressed(PERSON, Channel.SMS)).isTrue();
      assertThat(store.isSuppressed(PERSON, Channel.ADS)).isTrue();
      assertThat(store.isSuppressed(PERSON, Channel.EMAIL)).isFalse();
      assertThat(store.isSuppressed(PERSON, Channel.EVENTS)).isFalse();
      assertThat(store.size()).isEqualTo(3);
      assertThat(store.recoveryReport().clean()).isTrue();
      assertThat(store.recoveryReport().recordsRecovered()).isEqualTo(1);
    }
  }

  @Test
  void afterARestartAPersonMatchesByCustomerIdEmailHashOrPhoneHashLikeTheInMemoryStore() {
    InMemorySuppressionStore memory = new InMemorySuppressionStore();
    memory.suppress(PERSON, Set.of(Channel.SMS), "opted-out");
    try (FileSuppressionStore store = open()) {
      store.suppress(PERSON, Set.of(Channel.SMS), "opted-out");
    }
    List<Identity> probes = List.of(
        new Identity("c1", null, null),
        new Identity("c2", "a@example.com", null),
        new Identity("c3", null, "+14155552001"),
        new Identity("c4", "b@example.com", "+14155552002"),
        new Identity("a@example.com", null, null)); // an email as a customer id is another key
    try (FileSuppressionStore store = open()) {
      for (Identity probe : probes) {
        for (Channel channel : Channel.values()) {
          assertThat(store.isSuppressed(probe, channel))
              .as("%s on %s", probe.customerId(), channel)
              .isEqualTo(memory.isSuppressed(probe, channel));
        }
      }
      assertThat(store.isSuppressed(probes.get(0), Channel.SMS)).isTrue();
      assertThat(store.isSuppressed(probes.get(1), Channel.SMS)).isTrue();
      assertThat(store.isSuppressed(probes.get(2), Channel.SMS)).isTrue();
      assertThat(store.isSuppressed(probes.get(3), Channel.SMS)).isFalse();
      assertThat(store.isSuppressed(probes.get(4), Channel.SMS)).isFalse();
      assertThat(store.size()).isEqualTo(memory.size());
    }
  }

  @Test
  void channelsAccumulateAcrossCallsAndRestartsAndACustomerListCanBeLoaded() {
    Identity idOnly = new Identity("c9", null, null);
    try (FileSuppressionStore store = open()) {
      store.suppress(idOnly, Set.of(Channel.SMS), "consent-denied");
      store.suppressCustomer("  c10 ", Set.of(Channel.EMAIL), "imported");
    }
    try (FileSuppressionStore store = open()) {
      store.suppress(idOnly, Set.of(Channel.ADS), "consent-denied");
    }
    try (FileSuppressionStore store = open()) {
      assertThat(store.isSuppressed(idOnly, Channel.SMS)).isTrue();
      assertThat(store.isSuppressed(idOnly, Channel.ADS)).isTrue();
      assertThat(store.isSuppressed(idOnly, Channel.EMAIL)).isFalse();
      assertThat(store.isSuppressed(new Identity("c10", null, null), Channel.EMAIL)).isTrue();
      store.suppressEverywhere(idOnly, "legal");
    }
    try (FileSuppressionStore store = open()) {
      assertThat(store.isSuppressed(idOnly, Channel.EVENTS)).isTrue();
      assertThat(store.size()).isEqualTo(2);
    }
  }

  @Test
  void aSuppressionThatAddsNothingNewWritesNothing() throws IOException {
    try (FileSuppressionStore store = open()) {
      store.suppress(PERSON, Set.of(Channel.SMS, Channel.ADS), "consent-denied");
      long before = bytesIn(dir);
      for (int i = 0; i < 100; i++) {
        store.suppress(PERSON, Set.of(Channel.SMS), "consent-denied");
        // Same source: nothing new. (Another source on the same channel is new since suppressions
        // are typed: lifting one must leave the other, so it is recorded.)
        store.suppress(new Identity("c1", null, null), Set.of(Channel.ADS), "consent-denied");
        store.suppress(PERSON, Set.of(), "opted-out");
      }
      assertThat(bytesIn(dir)).isEqualTo(before);
      store.suppress(new Identity("c1", "new@example.com", null), Set.of(Channel.SMS), "opted-out");
      assertThat(bytesIn(dir)).isGreaterThan(before);
    }
  }

  @Test
  void aTornTailIsTruncatedAndEverySuppressionBeforeItIsKept() throws IOException {
    Identity second = new Identity("c2", "b@example.com", "+14155552002");
    try (FileSuppressionStore store = open()) {
      store.suppress(PERSON, Set.of(Channel.SMS), "opted-out");
      store.suppress(second, Set.of(Channel.SMS), "opted-out");
    }
    Path segment = onlySegment();
    long size = Files.size(segment);
    // A crash in the middle of writing a third record: a frame header promising 200 bytes, then 40.
    byte[] torn = new byte[17 + 40];
    torn[2] = 0;
    torn[3] = (byte) 200;
    Files.write(segment, torn, StandardOpenOption.APPEND);

    try (FileSuppressionStore store = open()) {
      RecoveryReport report = store.recoveryReport();
      assertThat(report.bytesTruncated()).isEqualTo(torn.length);
      assertThat(report.recordsRecovered()).isEqualTo(2);
      assertThat(report.problems()).containsExactly(segment.getFileName()
          + ": record cut short (40 of 200 payload bytes) at offset " + size + "; truncated 57 bytes");
      assertThat(store.isSuppressed(PERSON, Channel.SMS)).isTrue();
      assertThat(store.isSuppressed(second, Channel.SMS)).isTrue();
      store.suppress(new Identity("c3", null, null), Set.of(Channel.SMS), "opted-out");
    }
    assertThat(Files.size(segment)).isEqualTo(size);
    try (FileSuppressionStore store = open()) {
      assertThat(store.recoveryReport().clean()).isTrue();
      assertThat(store.isSuppressed(new Identity("c3", null, null), Channel.SMS)).isTrue();
    }
  }

  @Test
  void noRawCustomerIdEmailOrPhoneReachesTheDisk() throws IOException {
    Identity person = new Identity("customer-7781", "jane.doe@example.com", "+14155552077");
    try (FileSuppressionStore store = open()) {
      store.suppress(person, Set.of(Channel.SMS), "opted-out");
      assertThat(store.toString()).doesNotContain("jane").doesNotContain("4155552077");
    }
    String everything = DiskBytes.of(dir);
    assertThat(everything)
        .doesNotContain("jane.doe@example.com")
        .doesNotContain("jane.doe")
        .doesNotContain("+14155552077")
        .doesNotContain("4155552077")
        .doesNotContain("customer-7781")
        .contains("opted-out"); // the reason is kept, in the clear
  }

  @Test
  void suppressReturnsOnlyOnceItsRecordIsFlushed() throws Exception {
    RecordingLogIo io = new RecordingLogIo();
    try (FileSuppressionStore store =
        FileSuppressionStore.builder().directory(dir).io(io).open()) {
      store.suppress(new Identity("warm-up", null, null), Set.of(Channel.SMS), "x"); // segment exists
      int flushesBefore = io.forces.get();
      CountDownLatch flushing = io.holdNextFlush();
      CompletableFuture<Void> call = CompletableFuture.runAsync(
          () -> store.suppress(PERSON, Set.of(Channel.SMS), "opted-out"));
      assertThat(flushing.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(call).isNotDone();
      assertThat(store.isSuppressed(PERSON, Channel.SMS)).as("not yet stored").isFalse();
      io.releaseFlush();
      call.get(10, TimeUnit.SECONDS);
      assertThat(store.isSuppressed(PERSON, Channel.SMS)).isTrue();
      assertThat(io.forces.get() - flushesBefore).isEqualTo(1);
    }
  }

  @Test
  @Timeout(30)
  void concurrentSuppressionsShareOneFlush() throws Exception {
    RecordingLogIo io = new RecordingLogIo();
    try (FileSuppressionStore store =
        FileSuppressionStore.builder().directory(dir).io(io).open()) {
      store.suppress(new Identity("warm-up", null, null), Set.of(Channel.SMS), "x"); // segment exists
      int flushesBefore = io.forces.get();
      CountDownLatch flushing = io.holdNextFlush();
      CompletableFuture<Void> first = CompletableFuture.runAsync(
          () -> store.suppress(new Identity("c0", null, null), Set.of(Channel.SMS), "opted-out"));
      assertThat(flushing.await(10, TimeUnit.SECONDS)).isTrue();
      List<CompletableFuture<Void>> waiting = new ArrayList<>();
      for (int i = 1; i <= 8; i++) {
        Identity id = new Identity("c" + i, null, null);
        waiting.add(CompletableFuture.runAsync(() -> store.suppress(id, Set.of(Channel.SMS), "opted-out")));
      }
      while (store.queuedForTesting() < 8) {
        Thread.onSpinWait(); // the writer is held in the first flush: these can only queue
      }
      io.releaseFlush();
      first.get(10, TimeUnit.SECONDS);
      for (CompletableFuture<Void> f : waiting) {
        f.get(10, TimeUnit.SECONDS);
      }
      assertThat(io.forces.get() - flushesBefore).isEqualTo(2);
    }
    try (FileSuppressionStore store = open()) {
      for (int i = 0; i <= 8; i++) {
        assertThat(store.isSuppressed(new Identity("c" + i, null, null), Channel.SMS)).isTrue();
      }
    }
  }

  @Test
  void aSuppressionThatCannotBeStoredIsHonouredUntilTheProcessEndsAndSaysSo() {
    RecordingLogIo io = new RecordingLogIo();
    try (FileSuppressionStore store =
        FileSuppressionStore.builder().directory(dir).fsync(false).io(io).open()) {
      io.spaceLeft(30);
      assertThatThrownBy(() -> store.suppress(PERSON, Set.of(Channel.SMS), "opted-out"))
          .isInstanceOf(StorageException.class)
          .hasMessageStartingWith("suppression store " + dir + ": suppression not stored (")
          .hasMessageEndingWith("); honoured until this process ends")
          .hasMessageNotContaining("a@example.com");
      assertThat(store.isSuppressed(PERSON, Channel.SMS)).isTrue();
      assertThat(store.size()).isZero();
      io.heal();
      // Not mistaken for stored: asking again writes it.
      store.suppress(PERSON, Set.of(Channel.SMS), "opted-out");
      assertThat(store.size()).isEqualTo(3);
    }
    try (FileSuppressionStore store = open()) {
      assertThat(store.isSuppressed(PERSON, Channel.SMS)).isTrue();
    }
  }

  @Test
  void aClosedStoreRefusesToSuppressAndADirectoryIsOpenedOnceAtATime() {
    FileSuppressionStore store = open();
    assertThatThrownBy(this::open)
        .isInstanceOf(StorageException.class)
        .hasMessage("suppression store directory " + dir + " is already in use: another process (or"
            + " another open suppression store in this one) holds " + dir.resolve("outlane.lock"));
    store.close();
    store.close();
    assertThatThrownBy(() -> store.suppress(PERSON, Set.of(Channel.SMS), "opted-out"))
        .isInstanceOf(StorageException.class)
        .hasMessage("suppression store " + dir + ": suppression not stored (suppression store "
            + dir + " is closed); honoured until this process ends");
    assertThat(store.isSuppressed(PERSON, Channel.SMS)).isTrue();
  }

  @Test
  void theBuilderNamesWhatIsMissingOrWrong() {
    assertThatThrownBy(() -> FileSuppressionStore.builder().open())
        .isInstanceOf(IllegalStateException.class).hasMessage("directory is required");
    assertThatThrownBy(() -> FileSuppressionStore.builder().segmentSize(100))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("segmentSize: must be at least 4096 bytes, was 100");
  }

  private Path onlySegment() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> segments = files.filter(p -> p.getFileName().toString().startsWith("segment-"))
          .toList();
      assertThat(segments).hasSize(1);
      return segments.get(0);
    }
  }

  private static long bytesIn(Path directory) throws IOException {
    return DiskBytes.of(directory).length();
  }
}

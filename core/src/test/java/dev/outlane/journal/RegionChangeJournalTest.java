package dev.outlane.journal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.outlane.contract.EventCodec;
import dev.outlane.contract.RetentionEvent;
import dev.outlane.identity.IdentityNormalizer;
import dev.outlane.storage.RecoveryReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 10.2: what was accepted re-reads identically whatever region the reader is set to. */
class RegionChangeJournalTest {
  static final String LONDON = "020 7946 0018";

  @TempDir Path dir;

  static EventCodec codec(String region) {
    return EventCodec.builder()
        .identityNormalizer(IdentityNormalizer.builder().defaultRegion(region).build()).build();
  }

  static RetentionEvent londonEvent(String id) {
    return RetentionEvent.builder().eventId(id).eventName("cart_abandoned").source("customerio")
        .customerId("cust-gb").eventTime(Instant.ofEpochSecond(1_764_400_000L))
        .email("maya@example.co.uk").phone(LONDON).build();
  }

  /** The payload form before version 2: the bare JSON, which records no region. */
  static EventSerializer legacy(String region) {
    EventCodec codec = codec(region);
    return new EventSerializer() {
      @Override
      public byte[] write(RetentionEvent event) {
        return codec.toJson(event).getBytes(StandardCharsets.UTF_8);
      }

      @Override
      public RetentionEvent read(byte[] bytes) {
        return codec.read(new String(bytes, StandardCharsets.UTF_8));
      }
    };
  }

  private FileEventJournal open(EventSerializer serializer) {
    return FileEventJournal.builder().directory(dir).serializer(serializer).fsync(false)
        .segmentSize(4096).open();
  }

  @Test
  void anEventAcceptedUnderGbIsPendingWithItsGbIdentityUnderUsAndAgainUnderGb() {
    RetentionEvent accepted = londonEvent("evt-gb");
    FileEventJournal gb = open(EventSerializer.json(codec("GB")));
    gb.append(accepted);
    gb.haltForTesting();

    for (String region : List.of("US", "GB")) {
      try (FileEventJournal j = open(EventSerializer.json(codec(region)))) {
        assertThat(j.pending()).as(region).singleElement().satisfies(p -> {
          assertThat(p.event()).isEqualTo(accepted);
          assertThat(p.identity()).isNotNull();
          assertThat(p.identity().phoneE164()).isEqualTo("+442079460018");
        });
        assertThat(j.recoveryReport().unreadableRecords()).isZero();
        assertThat(j.recoveryReport().clean()).isTrue();
      }
    }
  }

  @Test
  void anOldFormatEventUnreadableUnderUsIsQuarantinedCountedAndRestoredUnderGb()
      throws IOException {
    FileEventJournal old = open(legacy("GB"));
    long seq = old.append(londonEvent("evt-gb"));
    old.haltForTesting();

    try (FileEventJournal us = open(EventSerializer.json(codec("US")))) {
      assertThat(us.pending()).isEmpty();
      RecoveryReport r = us.recoveryReport();
      assertThat(r.unreadableRecords()).isEqualTo(1);
      assertThat(r.clean()).isFalse();
      assertThat(r.problems()).containsExactly("segment 1, event " + seq
          + ": unreadable by the serializer (ValidationException at $.phone); kept in"
          + " quarantine.log");
      assertThat(dir.resolve("quarantine.log")).exists();
      // Enough new traffic that the segment it came from rolls and is deleted.
      for (int i = 0; i < 40; i++) {
        us.complete(us.append(TestEvents.event(i)));
      }
    }
    assertThat(segments()).doesNotContain("segment-00000000000000000001.log");

    try (FileEventJournal again = open(EventSerializer.json(codec("US")))) {
      assertThat(again.pending()).isEmpty();
      assertThat(again.recoveryReport().unreadableRecords()).isEqualTo(1);
      assertThat(again.recoveryReport().problems()).containsExactly("quarantine.log, event " + seq
          + ": unreadable by the serializer (ValidationException at $.phone); kept in"
          + " quarantine.log");
    }

    long restoredAs;
    try (FileEventJournal gb = open(EventSerializer.json(codec("GB")))) {
      assertThat(gb.pending()).singleElement().satisfies(p -> {
        assertThat(p.event()).isEqualTo(londonEvent("evt-gb"));
        assertThat(p.sequence()).isGreaterThan(seq);
      });
      restoredAs = gb.pending().get(0).sequence();
      assertThat(gb.recoveryReport().unreadableRecords()).isZero();
      assertThat(gb.recoveryReport().problems()).containsExactly("quarantine.log: event " + seq
          + " is readable again; journaled again as event " + restoredAs);
      assertThat(dir.resolve("quarantine.log")).doesNotExist();
    }
    // Journaled again in version 2, it now reads under US too.
    try (FileEventJournal us = open(EventSerializer.json(codec("US")))) {
      assertThat(us.pending()).singleElement()
          .satisfies(p -> assertThat(p.sequence()).isEqualTo(restoredAs));
      assertThat(us.recoveryReport().clean()).isTrue();
    }
  }

  @Test
  void anUnreadableEventCompletedBeforeItBecameUnreadableIsNotKept() {
    FileEventJournal old = open(legacy("GB"));
    old.complete(old.append(londonEvent("evt-gb")));
    old.append(TestEvents.event(1));
    old.haltForTesting();
    try (FileEventJournal us = open(EventSerializer.json(codec("US")))) {
      assertThat(us.recoveryReport().unreadableRecords()).isZero();
      assertThat(dir.resolve("quarantine.log")).doesNotExist();
    }
  }

  @Test
  void aDamagedQuarantineFileIsSetAsideWholeAndDoesNotBlockTheOpen() throws IOException {
    FileEventJournal old = open(legacy("GB"));
    old.append(londonEvent("evt-gb"));
    old.haltForTesting();
    open(EventSerializer.json(codec("US"))).close();
    Path quarantine = dir.resolve("quarantine.log");
    byte[] bytes = Files.readAllBytes(quarantine);
    bytes[bytes.length - 1] ^= 1;
    Files.write(quarantine, bytes);

    try (FileEventJournal us = open(EventSerializer.json(codec("US")))) {
      assertThat(us.recoveryReport().problems()).singleElement().asString()
          .matches("quarantine\\.log: checksum mismatch at offset 24; kept as"
              + " quarantine-damaged-\\d+\\.log");
    }
    List<String> damaged;
    try (Stream<Path> files = Files.list(dir)) {
      damaged = files.map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith("quarantine-damaged-")).toList();
    }
    assertThat(damaged).singleElement()
        .satisfies(n -> assertThat(Files.readAllBytes(dir.resolve(n))).isEqualTo(bytes));
  }

  private List<String> segments() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}

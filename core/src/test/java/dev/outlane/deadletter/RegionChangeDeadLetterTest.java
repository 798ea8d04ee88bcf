package dev.outlane.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.outlane.contract.EventCodec;
import dev.outlane.contract.RetentionEvent;
import dev.outlane.identity.IdentityNormalizer;
import dev.outlane.journal.EventSerializer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 10.2 on dead letters: a region change never hides a stored record. */
class RegionChangeDeadLetterTest {
  private static final Instant T0 = Instant.parse("2026-11-29T18:00:00Z");

  @TempDir Path dir;

  static EventSerializer json(String region) {
    return EventSerializer.json(EventCodec.builder()
        .identityNormalizer(IdentityNormalizer.builder().defaultRegion(region).build()).build());
  }

  static DeadLetter london() {
    RetentionEvent e = RetentionEvent.builder().eventId("evt-gb").eventName("cart_abandoned")
        .source("customerio").customerId("cust-gb").eventTime(T0).phone("020 7946 0018").build();
    return DeadLetter.builder().id("dl-1").event(e).destination("sms").idempotencyKey("idem-1")
        .reason(DeadLetterReason.RETRIES_EXHAUSTED).detail("connection refused").attempts(1)
        .firstAttempt(T0).lastAttempt(T0).build();
  }

  private FileDeadLetterStore open(EventSerializer serializer) {
    return FileDeadLetterStore.builder().directory(dir).serializer(serializer).fsync(false).open();
  }

  @Test
  void aDeadLetterKeptUnderGbIsListedUnderUsAndAgainUnderGbOpenedOrNot() {
    try (FileDeadLetterStore gb = open(json("GB"))) {
      gb.add(london());
    }
    for (String region : new String[] {"US", "GB"}) {
      DeadLetterSnapshot snapshot =
          FileDeadLetterStore.readSnapshot(dir, json(region), DeadLetterQuery.unresolved());
      assertThat(snapshot.records()).as(region).containsExactly(london());
      assertThat(snapshot.unreadableRecords()).isZero();
      try (FileDeadLetterStore s = open(json(region))) {
        assertThat(s.list(DeadLetterQuery.unresolved())).as(region).containsExactly(london());
        assertThat(s.recoveryReport().unreadableRecords()).isZero();
      }
    }
  }

  @Test
  void anOldFormatDeadLetterUnreadableUnderUsIsCountedKeptAndListedAgainUnderGb() {
    EventCodec gbCodec = EventCodec.builder()
        .identityNormalizer(IdentityNormalizer.builder().defaultRegion("GB").build()).build();
    EventSerializer legacy = new EventSerializer() {
      @Override
      public byte[] write(RetentionEvent event) {
        return gbCodec.toJson(event).getBytes(StandardCharsets.UTF_8);
      }

      @Override
      public RetentionEvent read(byte[] bytes) {
        return gbCodec.read(new String(bytes, StandardCharsets.UTF_8));
      }
    };
    try (FileDeadLetterStore old = open(legacy)) {
      old.add(london());
    }
    String line = "segment 1, record 1: unreadable dead letter (ValidationException at $.phone);"
        + " kept in its segment";
    DeadLetterSnapshot snapshot =
        FileDeadLetterStore.readSnapshot(dir, json("US"), DeadLetterQuery.unresolved());
    assertThat(snapshot.records()).isEmpty();
    assertThat(snapshot.unreadableRecords()).isEqualTo(1);
    assertThat(snapshot.problems()).containsExactly(line);
    assertThat(snapshot).hasToString("DeadLetterSnapshot{records=0, unreadableRecords=1}");
    try (FileDeadLetterStore us = open(json("US"))) {
      assertThat(us.list(DeadLetterQuery.unresolved())).isEmpty();
      assertThat(us.recoveryReport().unreadableRecords()).isEqualTo(1);
      assertThat(us.recoveryReport().problems()).containsExactly(line);
      assertThat(us.recoveryReport().clean()).isFalse();
    }
    try (FileDeadLetterStore gb = open(json("GB"))) {
      assertThat(gb.list(DeadLetterQuery.unresolved())).containsExactly(london());
      assertThat(gb.recoveryReport().unreadableRecords()).isZero();
    }
  }
}

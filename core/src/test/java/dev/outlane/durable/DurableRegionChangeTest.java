package dev.outlane.durable;

import static org.assertj.core.api.Assertions.assertThat;

import dev.outlane.DurableOptions;
import dev.outlane.Outlane;
import dev.outlane.contract.EventCodec;
import dev.outlane.contract.RetentionEvent;
import dev.outlane.deadletter.DeadLetter;
import dev.outlane.deadletter.DeadLetterQuery;
import dev.outlane.deadletter.DeadLetterReason;
import dev.outlane.deadletter.FileDeadLetterStore;
import dev.outlane.destination.Channel;
import dev.outlane.destination.DestinationLimits;
import dev.outlane.destination.Outcome;
import dev.outlane.identity.IdentityNormalizer;
import dev.outlane.journal.EventSerializer;
import dev.outlane.journal.FileEventJournal;
import dev.outlane.retry.RetryPolicy;
import dev.outlane.routing.Route;
import dev.outlane.testing.FakeDestination;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 10.2 through the client: GB, then US, then GB again, and nothing accepted vanishes. */
class DurableRegionChangeTest {
  @TempDir Path dir;

  private static IdentityNormalizer region(String r) {
    return IdentityNormalizer.builder().defaultRegion(r).build();
  }

  private static RetentionEvent london(String id) {
    return RetentionEvent.builder().eventId(id).eventName("cart_abandoned").source("customerio")
        .customerId("cust-" + id).eventTime(Instant.now()).phone("020 7946 0018").build();
  }

  private Outlane client(String r, FakeDestination sms) {
    return Outlane.builder().identityNormalizer(region(r)).retryPolicy(RetryPolicy.noRetries())
        .destination(sms).route(Route.builder().event("cart_abandoned").to("sms").build())
        .durable(DurableOptions.at(dir).withFsync(false)).build();
  }

  private static FakeDestination sms() {
    return FakeDestination.builder("sms").channel(Channel.SMS).limits(DestinationLimits.single())
        .build();
  }

  @Test
  void aDeadLetterAndAPendingEventAcceptedUnderGbSurviveARestartUnderUsAndBackUnderGb() {
    FakeDestination refused = sms();
    refused.failNext(1, Outcome.retryable("connection refused", null));
    try (Outlane gb = client("GB", refused)) {
      gb.submit(london("dead"));
      assertThat(gb.flush(Duration.ofSeconds(10))).isTrue();
      assertThat(gb.deadLetters().list(DeadLetterQuery.unresolved())).hasSize(1);
    }
    // A crash after accepting a second event: it is in the journal, never delivered.
    DurableOptions options = DurableOptions.at(dir);
    EventSerializer gbSerializer =
        EventSerializer.json(EventCodec.builder().identityNormalizer(region("GB")).build());
    try (FileEventJournal journal = FileEventJournal.builder()
        .directory(options.journalDirectory()).serializer(gbSerializer).fsync(false).open()) {
      journal.append(london("pending"));
    }

    FakeDestination us = sms();
    try (Outlane client = client("US", us)) {
      assertThat(client.flush(Duration.ofSeconds(10))).isTrue();
      assertThat(client.journalRecovery()).hasValueSatisfying(r -> {
        assertThat(r.unreadableRecords()).isZero();
        assertThat(r.problems()).isEmpty();
      });
      assertThat(us.deliveredItems()).singleElement().satisfies(item -> {
        assertThat(item.event().eventId()).isEqualTo("pending");
        assertThat(item.identity().phoneE164()).isEqualTo("+442079460018");
      });
      assertThat(client.deadLetters().list(DeadLetterQuery.unresolved())).singleElement()
          .satisfies(d -> {
            assertThat(d.event()).isEqualTo(london("dead").toBuilder()
                .eventTime(d.event().eventTime()).build());
            assertThat(d.reason()).isEqualTo(DeadLetterReason.RETRIES_EXHAUSTED);
          });
    }

    FakeDestination back = sms();
    try (Outlane client = client("GB", back)) {
      assertThat(client.flush(Duration.ofSeconds(10))).isTrue();
      assertThat(back.calls()).as("delivered under US: not again").isZero();
      assertThat(client.deadLetters().list(DeadLetterQuery.unresolved())).hasSize(1);
      assertThat(client.journalRecovery()).hasValueSatisfying(
          r -> assertThat(r.unreadableRecords()).isZero());
      assertThat(client.deadLetterRecovery()).hasValueSatisfying(
          r -> assertThat(r.unreadableRecords()).isZero());
    }
  }

  /** The payload form before version 2: the bare JSON, which records no region. */
  private static EventSerializer legacyGb() {
    EventCodec gb = EventCodec.builder().identityNormalizer(region("GB")).build();
    return new EventSerializer() {
      @Override
      public byte[] write(RetentionEvent event) {
        return gb.toJson(event).getBytes(java.nio.charset.StandardCharsets.UTF_8);
      }

      @Override
      public RetentionEvent read(byte[] bytes) {
        return gb.read(new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
      }
    };
  }

  @Test
  void oldFormatRecordsUnreadableUnderUsAreCountedByTheClientAndComeBackUnderGb() {
    DurableOptions options = DurableOptions.at(dir);
    try (FileEventJournal journal = FileEventJournal.builder()
        .directory(options.journalDirectory()).serializer(legacyGb()).fsync(false).open()) {
      journal.append(london("pending"));
    }
    try (FileDeadLetterStore store = FileDeadLetterStore.builder()
        .directory(options.deadLetterDirectory()).serializer(legacyGb()).fsync(false).open()) {
      store.add(DeadLetter.builder().id("dl-1").event(london("dead")).destination("sms")
          .idempotencyKey("idem-1").reason(DeadLetterReason.RETRIES_EXHAUSTED)
          .detail("connection refused").attempts(1).firstAttempt(Instant.now())
          .lastAttempt(Instant.now()).build());
    }

    FakeDestination us = sms();
    try (Outlane client = client("US", us)) {
      assertThat(client.flush(Duration.ofSeconds(10))).isTrue();
      assertThat(us.calls()).isZero();
      assertThat(client.journalRecovery().orElseThrow().unreadableRecords()).isEqualTo(1);
      assertThat(client.deadLetterRecovery().orElseThrow().unreadableRecords()).isEqualTo(1);
      assertThat(client.deadLetters().list(DeadLetterQuery.unresolved())).isEmpty();
    }

    FakeDestination gb = sms();
    try (Outlane client = client("GB", gb)) {
      assertThat(client.flush(Duration.ofSeconds(10))).isTrue();
      assertThat(gb.deliveredItems()).singleElement().satisfies(item -> {
        assertThat(item.event().eventId()).isEqualTo("pending");
        assertThat(item.identity().phoneE164()).isEqualTo("+442079460018");
      });
      assertThat(client.journalRecovery().orElseThrow().unreadableRecords()).isZero();
      assertThat(client.deadLetterRecovery().orElseThrow().unreadableRecords()).isZero();
      assertThat(client.deadLetters().list(DeadLetterQuery.unresolved())).hasSize(1);
    }
  }
}

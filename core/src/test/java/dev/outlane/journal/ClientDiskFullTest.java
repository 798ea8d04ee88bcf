package dev.outlane.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.outlane.Outlane;
import dev.outlane.OutlaneException;
import dev.outlane.contract.EventCodec;
import dev.outlane.contract.RetentionEvent;
import dev.outlane.destination.Channel;
import dev.outlane.routing.Route;
import dev.outlane.storage.StorageException;
import dev.outlane.storage.internal.RecordingLogIo;
import dev.outlane.testing.FakeDestination;
import dev.outlane.testing.ManualScheduler;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A full disk under a running client: the refused event is refused clearly, the accepted ones kept. */
class ClientDiskFullTest {
  private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
  private static final EventSerializer SERIALIZER = EventSerializer.json(EventCodec.builder().build());

  @TempDir Path dir;

  private static RetentionEvent event(int n) {
    return RetentionEvent.builder().eventId("e-" + n).eventName("cart_abandoned")
        .source("customerio").customerId("c-" + n).eventTime(T0)
        .email("person" + n + "@example.com").build();
  }

  @Test
  void submitOnAFullDiskFailsClearlyAndEveryEventAcceptedBeforeSurvivesACrash() {
    RecordingLogIo io = new RecordingLogIo();
    FileEventJournal journal = FileEventJournal.builder().directory(dir).serializer(SERIALIZER)
        .io(io).open();
    ManualScheduler time = new ManualScheduler(T0); // nothing is delivered: both stay pending
    FakeDestination events = FakeDestination.builder("events").channel(Channel.EVENTS).build();
    Outlane outlane = Outlane.builder().scheduler(time).clock(time.clock()).journal(journal)
        .destination(events).route(Route.builder().event("cart_abandoned").to("events").build())
        .build();
    outlane.submit(event(1));
    outlane.submit(event(2));

    io.spaceLeft(10);
    assertThatThrownBy(() -> outlane.submit(event(3)))
        .isInstanceOf(OutlaneException.class)
        .hasMessage("journal append failed (StorageException); event e-3 was not accepted")
        .cause().isInstanceOf(StorageException.class)
        .hasMessageContaining("No space left on device");
    assertThat(outlane.outstanding()).as("the refused event holds no capacity").isEqualTo(2);

    journal.haltForTesting(); // the process dies with the disk still full
    try (FileEventJournal reopened =
        FileEventJournal.builder().directory(dir).serializer(SERIALIZER).open()) {
      assertThat(reopened.pending()).extracting(p -> p.event().eventId())
          .isEqualTo(List.of("e-1", "e-2"));
    }
    assertThat(events.calls()).isZero();
  }
}
